"""Named Cypher statements loaded from ``.cypher`` files, never built from input.

A query's name is its path below ``cypher/`` without the suffix (``queries/node_by_uid``).
Every statement is tagged with its name, so it shows in ``SHOW TRANSACTIONS`` and the
query log.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from neo4j import Query

if TYPE_CHECKING:
    from pathlib import Path


class QueryNotFoundError(LookupError):
    """No ``.cypher`` file has that name."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    path: Path

    def query(self, timeout: float | None = None) -> Query:
        # The text comes from a file in cypher/, never from input; LiteralString cannot say so.
        return Query(self.text, metadata={"query": self.name}, timeout=timeout)

    @cached_property
    def header(self) -> str:
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("//"):
                break
            lines.append(line.removeprefix("//").strip())
        return "\n".join(lines).strip()


class QueryLibrary:
    """All ``.cypher`` files below a directory, read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._queries: dict[str, NamedQuery] = {}
        for path in sorted(root.rglob("*.cypher")):
            name = path.relative_to(root).with_suffix("").as_posix()
            self._queries[name] = NamedQuery(name=name, text=path.read_text().strip(), path=path)

    def __getitem__(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            msg = f"no Cypher file named '{name}' under {self.root}"
            raise QueryNotFoundError(msg) from None

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def under(self, prefix: str) -> list[NamedQuery]:
        return [q for n, q in self._queries.items() if n.startswith(f"{prefix}/")]
