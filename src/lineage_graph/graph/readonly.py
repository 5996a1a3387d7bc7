"""Run Cypher that auditors write, provably read-only.

Two independent guards: the statement is planned with ``EXPLAIN`` and refused unless Neo4j
classifies it as read-only (``r``), and it then runs inside a READ transaction, where the
server itself rejects any write, schema change or writing procedure. Parameters always go
separately from the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from neo4j import unit_of_work
from neo4j.exceptions import ClientError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from neo4j import AsyncManagedTransaction

    from lineage_graph.graph.database import Graph

_QUERY_TYPES = {"r": "read", "rw": "read-write", "w": "write", "s": "schema"}


class WriteRefusedError(PermissionError):
    """The statement would change the graph; nothing was run."""

    code = "WRITE_REFUSED"


class CypherError(ValueError):
    """Neo4j refused the statement (syntax, unknown procedure, ...)."""

    code = "CYPHER_ERROR"


async def run_read_only(
    graph: Graph, text: str, params: Mapping[str, Any] | None = None, *, name: str = "adhoc"
) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and rows of a read-only statement; refuses anything else before running it."""
    parameters = dict(params or {})

    async def plan(tx: AsyncManagedTransaction) -> str:
        result = await tx.run(f"EXPLAIN {text}", parameters)
        summary = await result.consume()
        return str(summary.query_type)

    @unit_of_work(metadata={"query": name}, timeout=graph.timeout)
    async def execute(tx: AsyncManagedTransaction) -> tuple[list[str], list[dict[str, Any]]]:
        result = await tx.run(text, parameters)
        keys = list(result.keys())
        return keys, [record.data() async for record in result]

    try:
        async with graph.driver.session(database=graph.database, default_access_mode="READ") as session:
            query_type = await session.execute_read(plan)
            if query_type != "r":
                kind = _QUERY_TYPES.get(query_type, query_type)
                msg = f"refused: this is a {kind} statement; only read-only Cypher may run here, and nothing was changed"
                raise WriteRefusedError(msg)
            graph.round_trips += 1
            return await session.execute_read(execute)
    except ClientError as exc:
        if exc.code and exc.code.endswith("AccessMode"):
            msg = f"refused: the statement tried to write in a read-only session ({exc.message}); nothing was changed"
            raise WriteRefusedError(msg) from exc
        msg = f"refused by Neo4j: {exc.message}"
        raise CypherError(msg) from exc
