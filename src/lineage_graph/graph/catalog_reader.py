"""Catalog reads, each one round trip for a whole batch of keys (what the DataLoaders call)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lineage_graph.graph.database import Graph, Row


class CatalogReader:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    async def nodes(self, uids: Sequence[str]) -> dict[str, dict[str, Any]]:
        rows = await self.graph.read_rows("queries/nodes_by_uid", {"uids": list(dict.fromkeys(uids))})
        return {row["uid"]: row["props"] for row in rows}

    async def versions_of(self, uids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        rows = await self.graph.read_rows("queries/versions_of", {"uids": list(dict.fromkeys(uids))})
        return _by_uid(uids, rows, "props")

    async def related(self, keys: Sequence[tuple[str, str, str]]) -> list[Row]:
        """Rows ``{uid, type, direction, props, edge}`` for keys ``(uid, type, direction)``."""
        unique = list(dict.fromkeys(keys))
        return await self.graph.read_rows(
            "queries/related", {"keys": [{"uid": u, "type": t, "direction": d} for u, t, d in unique]}
        )

    async def search(self, query: str | None, kinds: list[str] | None, skip: int, limit: int) -> list[Row]:
        params = {"query": query, "kinds": kinds, "skip": skip, "limit": limit}
        return await self.graph.read("queries/search_text" if query else "queries/search_all", params)

    async def audit_log(self, uid: str | None, before: int | None, limit: int) -> list[dict[str, Any]]:
        rows = await self.graph.read("queries/audit_log", {"uid": uid, "before": before, "limit": limit})
        return [row["event"] for row in rows]

    async def audit_events_about(self, uids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        rows = await self.graph.read("queries/audit_events_about", {"uids": list(dict.fromkeys(uids))})
        return _by_uid(uids, rows, "event")

    async def environments(self) -> list[dict[str, Any]]:
        return [row["props"] for row in await self.graph.read("queries/environments")]

    async def counts(self) -> tuple[int, int]:
        row = (await self.graph.read("queries/catalog_counts"))[0]
        return int(row["nodes"]), int(row["edges"])


def _by_uid(uids: Sequence[str], rows: Sequence[Row], column: str) -> dict[str, list[dict[str, Any]]]:
    """Each uid's values of `column`, in row order (an empty list for a uid without rows)."""
    out: dict[str, list[dict[str, Any]]] = {uid: [] for uid in uids}
    for row in rows:
        out[row["uid"]].append(row[column])
    return out
