"""Run Cypher that auditors write, provably read-only.

Three independent guards. The statement is planned with ``EXPLAIN`` and refused unless Neo4j
classifies it as read-only (``r``) *and* every operator of its plan is a plain read of this
database: Neo4j also classifies as "read" commands that act outside the graph (``TERMINATE
TRANSACTIONS`` kills another client's transaction, ``LOAD CSV`` makes Neo4j fetch a URL or
read a file, ``SHOW TRANSACTIONS|SETTINGS`` expose other sessions and the server's
configuration), so `plan_refusal` refuses those operators, procedure calls outside
`PROCEDURES`, and any operator on another database (``USE system ...``). Then it runs inside
a READ transaction, where the server itself rejects any write, schema change or writing
procedure. Parameters always go separately from the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from neo4j import unit_of_work
from neo4j.exceptions import ClientError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from neo4j import AsyncManagedTransaction

    from lineage_graph.graph.database import Graph

_QUERY_TYPES = {"r": "read", "rw": "read-write", "w": "write", "s": "schema"}

PROCEDURES: Final = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)
"""Procedures auditors may call: read-only views of the graph's own schema."""

SHOW_COMMANDS: Final = frozenset({"ShowIndexes", "ShowConstraints"})
"""``SHOW`` commands that only describe this graph's schema; every other one is refused."""

_REFUSED_OPERATORS: Final = {
    "LoadCSV": "LOAD CSV makes the server read a file or fetch a URL",
    "TerminateTransactions": "TERMINATE TRANSACTIONS ends other clients' transactions",
    "AdministrationCommand": "administration commands are not queries",
}


class WriteRefusedError(PermissionError):
    """The statement is not a plain read (it would change the graph, or act outside it); nothing was run."""

    code = "WRITE_REFUSED"


class CypherError(ValueError):
    """Neo4j refused the statement (syntax, unknown procedure, ...)."""

    code = "CYPHER_ERROR"


def plan_refusal(plan: Mapping[str, Any] | None, database: str) -> str | None:
    """Why a statement planned as `plan` (the ``EXPLAIN`` summary's plan) may not run, if it may not."""
    pending = [plan] if plan else []
    while pending:
        step = pending.pop()
        pending.extend(step.get("children") or [])
        operator, _, on = str(step.get("operatorType", "")).partition("@")
        details = str((step.get("args") or {}).get("Details") or "")
        if on and on != database:
            return f"it runs on the database {on!r}; only {database!r} may be read here"
        if operator in _REFUSED_OPERATORS:
            return _REFUSED_OPERATORS[operator]
        if operator.startswith("Show") and operator not in SHOW_COMMANDS:
            return f"{operator} shows the server's sessions or configuration, not the graph"
        if operator.startswith(("Terminate", "Create", "Drop", "Alter", "Grant", "Deny", "Revoke")):
            return f"{operator} is not a read"
        if "ProcedureCall" in operator:
            name = details.split("(", 1)[0].strip()
            if name not in PROCEDURES:
                allowed = ", ".join(sorted(PROCEDURES))
                return f"the procedure {name or '?'} is not one auditors may call ({allowed})"
    return None


async def run_read_only(
    graph: Graph, text: str, params: Mapping[str, Any] | None = None, *, name: str = "adhoc"
) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns and rows of a read-only statement; refuses anything else before running it."""
    parameters = dict(params or {})

    async def plan(tx: AsyncManagedTransaction) -> tuple[str, str | None]:
        result = await tx.run(f"EXPLAIN {text}", parameters)
        summary = await result.consume()
        return str(summary.query_type), plan_refusal(summary.plan, graph.database)

    @unit_of_work(metadata={"query": name}, timeout=graph.timeout)
    async def execute(tx: AsyncManagedTransaction) -> tuple[list[str], list[dict[str, Any]]]:
        result = await tx.run(text, parameters)
        keys = list(result.keys())
        return keys, [record.data() async for record in result]

    try:
        async with graph.driver.session(database=graph.database, default_access_mode="READ") as session:
            query_type, why = await session.execute_read(plan)
            if query_type != "r":
                kind = _QUERY_TYPES.get(query_type, query_type)
                msg = f"refused: this is a {kind} statement; only read-only Cypher may run here, and nothing was changed"
                raise WriteRefusedError(msg)
            if why is not None:
                msg = f"refused: {why}; only plain reads of the graph may run here, and nothing was run"
                raise WriteRefusedError(msg)
            graph.round_trips += 1
            return await session.execute_read(execute)
    except ClientError as exc:
        if exc.code and exc.code.endswith("AccessMode"):
            msg = f"refused: the statement tried to write in a read-only session ({exc.message}); nothing was changed"
            raise WriteRefusedError(msg) from exc
        msg = f"refused by Neo4j: {exc.message}"
        raise CypherError(msg) from exc
