"""Ad-hoc Cypher for tests that inspect or tamper with the graph directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lineage_graph.graph import Graph


async def cypher(graph: Graph, text: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    records, _, _ = await graph.driver.execute_query(text, params or {}, database_=graph.database)  # type: ignore[arg-type]
    return [record.data() for record in records]
