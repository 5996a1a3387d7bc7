"""The audit chain in the graph: lock and read its head, append events, walk it in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from lineage_graph.graph.database import Graph, Row, Transaction


@dataclass(frozen=True, slots=True)
class ChainHead:
    seq: int
    head: str


class AuditChainCorruptedError(RuntimeError):
    """An event could not be linked to its entity, so the chain would have a gap."""


async def lock_chain(
    tx: Transaction, uids: Iterable[str] = ()
) -> tuple[ChainHead, dict[str, dict[str, Any]]]:
    """Lock the chain head for the rest of the transaction; return it and the properties of the
    existing catalog nodes among `uids` (read under the lock), by uid."""
    row = (await tx.run("audit/lock_chain", {"uids": sorted(set(uids))}))[0]
    nodes = {node["uid"]: node["props"] for node in row["nodes"]}
    return ChainHead(int(row["seq"]), str(row["head"])), nodes


async def append_events(
    tx: Transaction, rows: Sequence[dict[str, Any]], head: ChainHead, *, actor: str, at: datetime
) -> None:
    if not rows:
        return
    params = {"rows": list(rows), "seq": head.seq, "head": head.head, "actor": actor, "at": at}
    result = await tx.run("audit/append_events", params)
    appended = int(result[0]["appended"]) if result else 0
    if appended != len(rows):
        msg = f"only {appended} of {len(rows)} audit events found the entity they are about"
        raise AuditChainCorruptedError(msg)


async def chain_head(graph: Graph) -> ChainHead | None:
    rows = await graph.read("audit/chain_head")
    return ChainHead(int(rows[0]["seq"]), str(rows[0]["head"])) if rows else None


async def events_after(graph: Graph, after: int, limit: int) -> list[Row]:
    return [row["event"] for row in await graph.read("audit/events_after", {"after": after, "limit": limit})]
