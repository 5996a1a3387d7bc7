"""Types of lineage walks: the nodes reached, the edges walked and the graph they make.

The walk service's answer (`walks.Lineage`) is returned as it is: these types read it by
attribute (the schema's ``from``, ``to`` and ``truncatedReason`` are its ``source``,
``target`` and ``truncation``).

A node reached by a walk carries only what the walk read (uid, kind, distance); its full
entity is the ``node`` field, resolved through the request's node DataLoader, so asking for
it costs one more round trip whatever the list size.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import strawberry

from lineage_graph.api.graphql.nodes import CtxInfo, Node, maybe_node
from lineage_graph.domain import DomainError, Uid
from lineage_graph.services.lineage import walks as lineage_service
from lineage_graph.services.lineage.walks import Direction, Truncation

strawberry.enum(
    Direction,
    name="LineageDirection",
    description="UPSTREAM: what a node depends on; DOWNSTREAM: what depends on it; BOTH: the union.",
)
strawberry.enum(
    Truncation,
    name="TruncationReason",
    description="Why an answer stopped early: its DEADLINE passed, or it reached the NODE_LIMIT (10,000).",
)


@lru_cache(maxsize=65_536)
def _names(uid: str) -> tuple[str, str]:
    try:
        parsed = Uid.parse(uid)
    except DomainError:
        return "", uid
    return parsed.namespace, parsed.name


async def entity(info: CtxInfo, uid: str) -> Node | None:
    entry = await info.context.loaders.node.load(uid)
    return maybe_node(entry) if entry is not None else None


# --- lineage --------------------------------------------------------------------------------


@strawberry.type(description="A node reached by a lineage walk.")
class LineageNode:
    uid: str = strawberry.field(description="Canonical uid.")
    kind: str = strawberry.field(description="Its kind (Neo4j label).")
    distance: int = strawberry.field(description="Fewest lineage edges from the root (0 for the root).")
    direction: Direction | None = strawberry.field(
        description="How it is reached from the root (null for the root; BOTH when reached both ways)."
    )

    @strawberry.field(description="Namespace, read from the uid.")
    def namespace(self, root: lineage_service.LineageNode) -> str:
        return _names(root.uid)[0]

    @strawberry.field(description="Name, read from the uid.")
    def name(self, root: lineage_service.LineageNode) -> str:
        return _names(root.uid)[1]

    @strawberry.field(description="The entity itself, with every field of its type (batched).")
    async def node(self, root: lineage_service.LineageNode, info: CtxInfo) -> Node | None:
        return await entity(info, root.uid)


@strawberry.type(description="A lineage edge: `from` depends on `to`.")
class LineageEdge:
    source: str = strawberry.field(name="from", description="The dependent.")
    target: str = strawberry.field(name="to", description="What it depends on.")
    type: str = strawberry.field(description="READS, PRODUCED_BY, DERIVED_FROM, CONSUMES, SERVES...")


@strawberry.type(
    description="A lineage walk: the nodes reached, each once at its smallest distance, and the edges "
    "walked (from the root and from every node nearer than `depth`) between them."
)
class LineageGraph:
    root: LineageNode = strawberry.field(description="The node the walk started from.")
    direction: Direction = strawberry.field(description="The direction walked.")
    depth: int = strawberry.field(description="The largest distance asked for.")
    as_of: datetime | None = strawberry.field(description="The time the graph was seen at (null: now).")
    nodes: list[LineageNode] = strawberry.field(description="The root first, then the others nearest first.")
    edges: list[LineageEdge] = strawberry.field(description="The edges walked between returned nodes.")
    truncated: bool = strawberry.field(
        description="True when the walk stopped early (deadline or node limit): `nodes` is what it found."
    )
    truncation: Truncation | None = strawberry.field(
        name="truncatedReason", description="Why it stopped early."
    )
