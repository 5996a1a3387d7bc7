"""Catalog writes inside one transaction: read current state, upsert nodes, merge edges.

Every method is one round trip with a whole batch (``UNWIND $rows``); callers gather rows
first. Node rows are ``{uid, kind, props}`` with props from `codec.to_properties`, plus an
optional ``event`` (a chained audit event row, see `services.unit.Unit.upsert_nodes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from lineage_graph.domain import EdgeType
    from lineage_graph.graph.database import Row, Transaction


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    type: EdgeType
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {"from": self.source, "type": self.type, "to": self.target, "props": self.props}


class MissingEndpointError(RuntimeError):
    """An edge was asked for between nodes that do not exist (a bug: references are checked first)."""


class CatalogStore:
    """Named catalog queries bound to one write transaction, its actor and its clock."""

    def __init__(self, tx: Transaction, *, actor: str, now: datetime) -> None:
        self.tx = tx
        self.actor = actor
        self.now = now

    async def nodes(self, uids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Properties of the existing nodes among `uids`, by uid."""
        wanted = sorted(set(uids))
        if not wanted:
            return {}
        rows = await self.tx.run("queries/nodes_by_uid", {"uids": wanted})
        return {row["uid"]: row["props"] for row in rows[0]["rows"]}

    async def latest_version(self, entity_uid: str) -> dict[str, Any] | None:
        rows = await self.tx.run("catalog/latest_version", {"uid": entity_uid})
        return rows[0]["props"] if rows else None

    async def outgoing(self, uids: Iterable[str], types: Sequence[EdgeType]) -> list[Row]:
        return await self.tx.run("catalog/outgoing", {"uids": sorted(set(uids)), "types": list(types)})

    async def incoming(self, uids: Iterable[str], types: Sequence[EdgeType]) -> list[Row]:
        return await self.tx.run("catalog/incoming", {"uids": sorted(set(uids)), "types": list(types)})

    async def environments(self) -> list[dict[str, Any]]:
        return [row["props"] for row in await self.tx.run("queries/environments")]

    async def upsert_nodes(
        self, rows: Sequence[dict[str, Any]], *, head: tuple[int, str] | None = None
    ) -> int:
        """Write the nodes; rows carrying an ``event`` also append it to the audit chain, whose
        head becomes `head` ``(seq, hash)``. Returns how many events were appended."""
        if not rows:
            return 0
        seq, digest = head if head is not None else (None, None)
        params = {"rows": list(rows), "now": self.now, "actor": self.actor, "seq": seq, "head": digest}
        result = await self.tx.run("catalog/upsert_nodes", params)
        return int(result[0]["appended"]) if result else 0

    async def set_properties(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self.tx.run("catalog/set_properties", {"rows": list(rows), "now": self.now})

    async def merge_edges(self, edges: Sequence[Edge]) -> None:
        """Create the edges (both ends must exist: callers check references first)."""
        if not edges:
            return
        rows = await self.tx.run("catalog/merge_edges", {"rows": [e.row() for e in edges], "now": self.now})
        merged = int(rows[0]["created"]) if rows else 0
        if merged != len(edges):
            msg = f"only {merged} of {len(edges)} edges found both of their ends"
            raise MissingEndpointError(msg)

    async def retire_edges(self, rows: Sequence[tuple[str, EdgeType, Iterable[str]]]) -> None:
        """Retire the outgoing edges ``(source, type)`` whose target is not among the kept uids."""
        if rows:
            await self.tx.run(
                "catalog/retire_edges",
                {
                    "rows": [{"from": s, "type": t, "keep": sorted(set(keep))} for s, t, keep in rows],
                    "now": self.now,
                },
            )
