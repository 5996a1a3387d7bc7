"""One async Neo4j driver per process and the ways services talk to the graph.

Reads and writes go through routing-aware sessions with explicit access modes, so the same
code runs against a single server or a cluster. Each call names a query from ``cypher/``;
``round_trips`` counts calls so tests can prove batching.

While Neo4j cannot be reached, calls fail within seconds (the acquisition, connection and retry
bounds come from settings) with one of `UNAVAILABLE_ERRORS`; `database_unavailable` tells the
API layers to answer ``DATABASE_UNAVAILABLE`` (HTTP 503) instead of a fault of ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar

from neo4j import AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import (
    ConnectionAcquisitionTimeoutError,
    DatabaseUnavailable,
    ServiceUnavailable,
    SessionExpired,
)

from lineage_graph.graph.queries import QueryLibrary

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from neo4j import AsyncDriver, AsyncManagedTransaction

    from lineage_graph.settings import Settings

T = TypeVar("T")
Row = dict[str, Any]

DATABASE_UNAVAILABLE: Final = "DATABASE_UNAVAILABLE"
UNAVAILABLE_MESSAGE: Final = "the graph database is unavailable; retry later"
"""What callers are told: the driver's own messages name the server's address."""
RETRY_AFTER_SECONDS: Final = 5

UNAVAILABLE_ERRORS: Final = (
    ServiceUnavailable,  # nothing answers (routing, read and write variants, incomplete commits)
    SessionExpired,  # the connection dropped mid-session
    ConnectionAcquisitionTimeoutError,  # no pooled connection within the acquisition timeout
    DatabaseUnavailable,  # the server answers but the database is not online
)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from, means Neo4j cannot serve now."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class Graph:
    """The graph database as services see it: named reads, named writes, transactions."""

    def __init__(self, driver: AsyncDriver, database: str, queries: QueryLibrary, timeout: float) -> None:
        self.driver = driver
        self.database = database
        self.queries = queries
        self.timeout = timeout
        self.round_trips = 0

    @classmethod
    def connect(cls, settings: Settings, queries: QueryLibrary) -> Graph:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=settings.neo4j_auth,
            connection_acquisition_timeout=settings.neo4j_acquisition_timeout_seconds,
            connection_timeout=settings.neo4j_connection_timeout_seconds,
            max_transaction_retry_time=settings.neo4j_max_retry_seconds,
            notifications_min_severity="OFF",
        )
        return cls(driver, settings.neo4j_database, queries, settings.query_timeout_seconds)

    async def close(self) -> None:
        await self.driver.close()

    async def ping(self) -> str:
        """The server's version string; raises if Neo4j does not answer."""
        info = await self.driver.get_server_info()
        return str(info.agent)

    async def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self._execute(name, params, RoutingControl.READ)

    async def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self._execute(name, params, RoutingControl.WRITE)

    async def read_values(
        self, name: str, params: Mapping[str, Any] | None = None, *, tx_timeout: float | None = None
    ) -> list[Row]:
        """Like `read`, for queries returning only scalars, lists and maps (no nodes,
        relationships or paths): the rows are not walked to convert graph types, which is much
        cheaper for large nested answers (compliance scans, traversals). `tx_timeout` (seconds)
        replaces the default server-side transaction timeout for this call."""
        self.round_trips += 1
        records, _, keys = await self.driver.execute_query(
            self.queries[name].query(self.timeout if tx_timeout is None else tx_timeout),
            dict(params or {}),
            routing_=RoutingControl.READ,
            database_=self.database,
        )
        return [dict(zip(keys, record, strict=True)) for record in records]

    async def read_rows(self, name: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """The maps of a query that returns one record with one list column (``RETURN collect({...})
        AS rows``). For answers of thousands of rows: the driver spends tens of microseconds on
        each record it decodes, so one record holding every row is many times cheaper."""
        rows = await self.read_values(name, params)
        return _only_list(name, rows)

    async def _execute(
        self, name: str, params: Mapping[str, Any] | None, routing: RoutingControl
    ) -> list[Row]:
        self.round_trips += 1
        records, _, _ = await self.driver.execute_query(
            self.queries[name].query(self.timeout),
            dict(params or {}),
            routing_=routing,
            database_=self.database,
        )
        return [record.data() for record in records]

    async def run_schema(self, statement: str) -> None:
        """Run one schema statement from a migration file in its own auto-commit transaction."""
        self.round_trips += 1
        async with self.driver.session(database=self.database) as session:
            result = await session.run(statement)
            await result.consume()

    async def run_batched(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a named query that uses ``CALL { } IN TRANSACTIONS`` (needs auto-commit)."""
        self.round_trips += 1
        async with self.driver.session(database=self.database) as session:
            result = await session.run(self.queries[name].query(), dict(params or {}))
            return [record.data() async for record in result]

    async def in_write_transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work`` in one managed write transaction, retried on transient errors."""

        async def run(tx: AsyncManagedTransaction) -> T:
            return await work(Transaction(tx, self))

        async with self.driver.session(database=self.database) as session:
            return await session.execute_write(run)

    async def in_read_transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        async def run(tx: AsyncManagedTransaction) -> T:
            return await work(Transaction(tx, self))

        async with self.driver.session(database=self.database, default_access_mode="READ") as session:
            return await session.execute_read(run)


class Transaction:
    """Named queries inside one transaction."""

    def __init__(self, tx: AsyncManagedTransaction, graph: Graph) -> None:
        self._tx = tx
        self._graph = graph

    async def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        self._graph.round_trips += 1
        named = self._graph.queries[name]
        result = await self._tx.run(named.text, dict(params or {}))
        return [record.data() async for record in result]

    async def run_values(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """`Graph.read_values` inside this transaction: for answers of scalars, lists and maps
        only, whose records are not walked to convert graph types (a 100k export spent half its
        time in that walk)."""
        self._graph.round_trips += 1
        result = await self._tx.run(self._graph.queries[name].text, dict(params or {}))
        keys = result.keys()
        return [dict(zip(keys, record, strict=True)) async for record in result]

    async def run_rows(self, name: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """`Graph.read_rows` inside this transaction."""
        return _only_list(name, await self.run_values(name, params))


def _only_list(name: str, records: list[Row]) -> list[Any]:
    if len(records) != 1 or len(records[0]) != 1:
        columns = len(records[0]) if records else 0
        msg = (
            f"{name} must return one record with one list column, "
            f"got {len(records)} record(s) of {columns} column(s)"
        )
        raise ValueError(msg)
    (values,) = records[0].values()
    return list(values)
