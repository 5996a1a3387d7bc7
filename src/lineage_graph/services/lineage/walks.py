"""Lineage walks: what a node depends on (upstream), what depends on it (downstream), or both.

Every lineage edge points from the dependent to what it depends on (DOMAIN.md), so upstream
follows outgoing edges and downstream incoming ones. A walk returns each reachable node once with
its minimal distance (1..`MAX_DEPTH`), the lineage edges it walked, and ``truncated`` when it
stopped early: past its deadline or at `MAX_NODES` nodes. Cycles never loop.

How (docs/adr/0003-traversal-strategy.md): one round trip per direction runs Neo4j's pruning BFS
(``lineage/upstream``, ``lineage/downstream``) under most of the deadline. If that does not answer
in time, the rest of the deadline goes to a hop-by-hop walk (``lineage/*_step``) in one read
transaction, which stops between hops and keeps every distance it completed: the answer is then
every node up to some distance, marked truncated.

``asOf`` is a filter, not a reconstruction: an edge or node counts when ``createdAt <= asOf`` and
its ``retiredAt`` is absent or later. Without ``asOf`` the walk sees the graph as it is now:
everything not retired by now, creation times not compared (a creation time ahead of the server's
clock never hides what is stored, and the walk reads one property less per edge and node).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from neo4j.exceptions import ClientError, TransientError

from lineage_graph.domain import LINEAGE_EDGE_TYPES, ErrorCode, InvalidInput, Uid
from lineage_graph.services.catalog.queries import parse_kinds
from lineage_graph.services.errors import NotFound

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence

    from neo4j import AsyncTransaction

    from lineage_graph.graph import Graph

MAX_DEPTH: Final = 20
"""The literal cap of the Cypher walks (``*1..20``); a requested depth must not exceed it."""
MAX_NODES: Final = 10_000
"""Most nodes one walk returns (besides its root); past it the answer is truncated."""
DEFAULT_DEADLINE: Final = 10.0
"""Seconds a walk may take before it answers with what it found."""
MAX_DEADLINE: Final = 30.0
FAST_SHARE: Final = 0.75
"""Share of the deadline the one-query walk gets; the hop-by-hop fallback has the rest."""

LINEAGE_TYPES: Final = LINEAGE_EDGE_TYPES
"""The "depends on" edge types a walk follows (VERSION_OF, OWNED_BY... are not lineage)."""


class Direction(StrEnum):
    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"
    BOTH = "BOTH"


class Truncation(StrEnum):
    DEADLINE = "DEADLINE"
    NODE_LIMIT = "NODE_LIMIT"


class LineageNode(NamedTuple):
    """A node reached by a walk (a named tuple: walks build thousands of them)."""

    uid: str
    kind: str
    distance: int
    """Fewest lineage edges between the root and this node (0 for the root)."""
    direction: Direction | None
    """How it is reached from the root; None for the root, BOTH when reached both ways (a cycle)."""


class LineageEdge(NamedTuple):
    """A lineage edge, in the graph's own direction."""

    source: str
    """The dependent (the edge's start node)."""
    type: str
    target: str
    """What it depends on (the edge's end node)."""


@dataclass(frozen=True, slots=True)
class Lineage:
    root: LineageNode
    direction: Direction
    depth: int
    as_of: datetime | None
    nodes: list[LineageNode]
    """The root first, then the other nodes nearest first."""
    edges: list[LineageEdge]
    truncated: bool = False
    truncation: Truncation | None = None

    def by_uid(self) -> dict[str, LineageNode]:
        return {n.uid: n for n in self.nodes}


@dataclass(frozen=True, slots=True)
class Walk:
    """One direction's raw result: distances and walked edges (the root excluded from `distance`)."""

    root_kind: str
    distance: dict[str, int]
    kinds: dict[str, str]
    edges: list[tuple[str, str, str]]
    """(source, type, target) as `LineageEdge` orders them, plain tuples (thousands per walk:
    `assemble` names them only for answers that return edges), all between nodes of the walk."""
    truncation: Truncation | None = None
    row: Mapping[str, Any] | None = None
    """The whole answer row of an `Extension` query (None after a hop-by-hop walk)."""


@dataclass(frozen=True, slots=True)
class Extension:
    """A query returning a walk's columns (root, nodes, edges) and more, with its extra parameters."""

    query: str
    params: Mapping[str, Any]


@dataclass
class Budget:
    """A deadline on a monotonic clock."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    @property
    def deadline(self) -> float:
        return self.started + self.seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - self.clock())

    def expired(self) -> bool:
        return self.clock() >= self.deadline


def check_depth(depth: int) -> int:
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
        raise InvalidInput(
            f"depth must be between 1 and {MAX_DEPTH}, got {depth!r}",
            code=ErrorCode.INVALID_VALUE,
            details={"depth": depth, "min": 1, "max": MAX_DEPTH},
        )
    return depth


def check_deadline(seconds: float | None) -> float:
    if seconds is None:
        return DEFAULT_DEADLINE
    if not 0 < seconds <= MAX_DEADLINE:
        raise InvalidInput(
            f"the deadline must be above 0 and at most {MAX_DEADLINE:g} seconds, got {seconds!r}",
            code=ErrorCode.INVALID_VALUE,
            details={"deadline": seconds, "max": MAX_DEADLINE},
        )
    return seconds


@dataclass(frozen=True, slots=True)
class AsOf:
    """The time a walk sees the graph at, as the lineage queries take it (``$asOf``, ``$current``)."""

    at: datetime
    current: bool
    """No ``asOf`` was asked: the graph as it is now, creation times not compared."""

    def params(self) -> dict[str, Any]:
        return {"asOf": self.at, "current": self.current}


def as_of_time(as_of: datetime | None) -> AsOf:
    """The time a walk sees the graph at: now when absent; a naive time is taken as UTC."""
    if as_of is None:
        return AsOf(datetime.now(UTC), current=True)
    return AsOf(as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=UTC), current=False)


def is_timeout(error: BaseException) -> bool:
    """Neo4j stopped the transaction because its timeout passed."""
    code = getattr(error, "code", None) or ""
    return isinstance(error, ClientError | TransientError) and (
        "TransactionTimedOut" in code or code.endswith("Terminated")
    )


class LineageService:
    """Lineage walks over the graph. Stateless apart from its limits; one per process is enough."""

    def __init__(
        self,
        graph: Graph,
        *,
        max_nodes: int = MAX_NODES,
        clock: Callable[[], float] = time.monotonic,
        fast_path: bool = True,
    ) -> None:
        self.graph = graph
        self.max_nodes = max_nodes
        self.clock = clock
        self.fast_path = fast_path
        """False skips the one-query walk (tests use it to check the hop-by-hop walk alone)."""

    async def lineage(
        self,
        uid: str,
        direction: Direction = Direction.BOTH,
        depth: int = 5,
        kinds: Sequence[str] | None = None,
        as_of: datetime | None = None,
        deadline: float | None = None,
    ) -> Lineage:
        """The walk from `uid`; `kinds` keeps only nodes of those kinds (the root always stays)."""
        root_uid = Uid.parse(uid).format()
        check_depth(depth)
        wanted = parse_kinds(kinds)
        budget = Budget(check_deadline(deadline), self.clock)
        instant = as_of_time(as_of)
        directions = (
            [Direction.UPSTREAM, Direction.DOWNSTREAM] if direction is Direction.BOTH else [direction]
        )
        # Both directions run at once; neither is left running when the other fails (NotFound).
        outcomes = await asyncio.gather(
            *(self.walk(root_uid, d, depth, instant, budget) for d in directions), return_exceptions=True
        )
        walks: dict[Direction, Walk] = {}
        for way, outcome in zip(directions, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                raise outcome
            walks[way] = outcome
        return assemble(root_uid, direction, depth, as_of, walks, wanted)

    async def walk(
        self,
        root: str,
        direction: Direction,
        depth: int,
        as_of: AsOf,
        budget: Budget,
        extension: Extension | None = None,
    ) -> Walk:
        """One direction: the one-query BFS within its share of the budget, else hop by hop.

        `extension` swaps in a query that returns more than the walk in the same row (impact's
        owners and environments); the walk then carries that row as `Walk.row`.
        """
        if self.fast_path:
            share = budget.remaining() * FAST_SHARE
            try:
                async with asyncio.timeout(share):
                    return await self._bfs(root, direction, depth, as_of, share, extension)
            except TimeoutError:
                pass
            except (ClientError, TransientError) as e:
                if not is_timeout(e):
                    raise
        return await self._hops(root, direction, depth, as_of, budget)

    async def _bfs(
        self,
        root: str,
        direction: Direction,
        depth: int,
        as_of: AsOf,
        tx_timeout: float,
        extension: Extension | None,
    ) -> Walk:
        name = "lineage/upstream" if direction is Direction.UPSTREAM else "lineage/downstream"
        params: dict[str, Any] = {"uid": root, "depth": depth, "limit": self.max_nodes + 1, **as_of.params()}
        if extension is not None:
            name = extension.query
            params |= extension.params
        rows = await self.graph.read_values(name, params, tx_timeout=max(tx_timeout, 0.001))
        if not rows:
            raise NotFound([root])
        row = rows[0]
        distance: dict[str, int] = {}
        kinds: dict[str, str] = {}
        named = {row["root"][2]: root}
        for uid, kind, dist, element in row["nodes"][: self.max_nodes]:
            distance[uid] = dist
            kinds[uid] = kind
            named[element] = uid
        truncation = Truncation.NODE_LIMIT if len(row["nodes"]) > self.max_nodes else None
        # Edges come by element id; one whose end is not a returned node (past the limit, or not
        # alive at asOf) is not part of the walk.
        edges = [(named[a], t, named[b]) for a, t, b in row["edges"] if a in named and b in named]
        return Walk(row["root"][1], distance, kinds, edges, truncation, row if extension else None)

    async def _hops(self, root: str, direction: Direction, depth: int, as_of: AsOf, budget: Budget) -> Walk:
        """Hop by hop in one read transaction; stops between hops at the deadline or node limit."""
        upstream = direction is Direction.UPSTREAM
        name = "lineage/upstream_step" if upstream else "lineage/downstream_step"
        distance: dict[str, int] = {}
        kinds: dict[str, str] = {}
        edges: list[tuple[str, str, str]] = []
        state: dict[str, Any] = {"root_kind": None, "truncation": None}

        async def work(tx: AsyncTransaction) -> None:
            self.graph.round_trips += 1
            found = await (await tx.run(self.graph.queries["lineage/root"].text, {"uid": root})).single()
            if found is None:
                raise NotFound([root])
            state["root_kind"] = found["kind"]
            frontier = [root]
            for level in range(1, depth + 1):
                if not frontier:
                    return
                if budget.expired():
                    state["truncation"] = Truncation.DEADLINE
                    return
                self.graph.round_trips += 1
                params = {"frontier": frontier, "root": root, **as_of.params()}
                record = await (await tx.run(self.graph.queries[name].text, params)).single()
                step = record["edges"] if record is not None else []
                reached: list[str] = []
                level_edges: list[tuple[str, str, str]] = []
                for a, t, b, kind in step:
                    new = b if upstream else a
                    if new != root and new not in distance:
                        if len(distance) >= self.max_nodes:
                            state["truncation"] = Truncation.NODE_LIMIT
                            continue
                        distance[new] = level
                        kinds[new] = kind
                        reached.append(new)
                    level_edges.append((a, t, b))
                edges.extend(e for e in level_edges if _known(e, distance, root))
                if state["truncation"] is not None:
                    return
                frontier = reached

        try:
            async with asyncio.timeout(budget.remaining()):
                await _in_read_transaction(self.graph, work, budget.remaining(), name)
        except TimeoutError:
            state["truncation"] = Truncation.DEADLINE
        except (ClientError, TransientError) as e:
            if not is_timeout(e):
                raise
            state["truncation"] = Truncation.DEADLINE
        if state["root_kind"] is None:
            state["root_kind"] = await self.root_kind(root)
        return Walk(str(state["root_kind"]), distance, kinds, edges, state["truncation"])

    async def root_kind(self, root: str) -> str:
        rows = await self.graph.read("lineage/root", {"uid": root})
        if not rows:
            raise NotFound([root])
        return str(rows[0]["kind"])


def _known(edge: tuple[str, str, str], distance: Mapping[str, int], root: str) -> bool:
    source, _, target = edge
    return (source == root or source in distance) and (target == root or target in distance)


async def _in_read_transaction(
    graph: Graph, work: Callable[[AsyncTransaction], Awaitable[None]], tx_timeout: float, name: str
) -> None:
    async with graph.driver.session(database=graph.database, default_access_mode="READ") as session:
        tx = await session.begin_transaction(metadata={"query": name}, timeout=max(tx_timeout, 0.001))
        try:
            await work(tx)
        finally:
            await tx.close()


def assemble(
    root: str,
    direction: Direction,
    depth: int,
    as_of: datetime | None,
    walks: Mapping[Direction, Walk],
    kinds: Collection[str] | None,
) -> Lineage:
    """One answer from the walks of each direction (BOTH: the union, each node at its nearest)."""
    best: dict[str, tuple[int, Direction]] = {}
    node_kinds: dict[str, str] = {}
    edges: list[LineageEdge] = []
    truncation: Truncation | None = None
    root_kind = ""
    for way, walk in walks.items():
        root_kind = walk.root_kind
        truncation = truncation or walk.truncation
        node_kinds.update(walk.kinds)
        if not best:
            best = {uid: (dist, way) for uid, dist in walk.distance.items()}
        else:
            for uid, dist in walk.distance.items():
                seen = best.get(uid)
                best[uid] = (dist, way) if seen is None else (min(dist, seen[0]), Direction.BOTH)
        edges.extend(map(LineageEdge._make, walk.edges))
    if len(walks) > 1:
        edges = list(dict.fromkeys(edges))
    root_node = LineageNode(root, root_kind, 0, None)
    ordered = sorted(best.items(), key=_nearest)
    nodes = [
        LineageNode(uid, node_kinds[uid], dist, way)
        for uid, (dist, way) in ordered
        if kinds is None or node_kinds[uid] in kinds
    ]
    if kinds is not None:  # a walk's own edges already join its nodes (truncated or not)
        kept = {root, *(n.uid for n in nodes)}
        edges = [e for e in edges if e.source in kept and e.target in kept]
    return Lineage(
        root=root_node,
        direction=direction,
        depth=depth,
        as_of=as_of,
        nodes=[root_node, *nodes],
        edges=edges,
        truncated=truncation is not None,
        truncation=truncation,
    )


def _nearest(item: tuple[str, tuple[int, Direction]]) -> tuple[int, str]:
    return item[1][0], item[0]
