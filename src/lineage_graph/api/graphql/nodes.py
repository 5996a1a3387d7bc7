"""The `Node` interface, the value types of records, and the lookup of a record's node type.

Every catalog kind has one GraphQL type implementing `Node` (in `node_types`), built from a
service `Entry` (domain record + server-derived properties) by `to_node`, once: its plain
fields are the record's own, generated from the domain model (`from_domain`); its
relationships are resolvers reading the per-request DataLoaders through the helpers here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, Self

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from lineage_graph import domain
from lineage_graph.api.graphql import enums as _enums  # noqa: F401  (registers the enums first)
from lineage_graph.api.graphql.context import Context
from lineage_graph.api.graphql.from_domain import interface_type, output_type
from lineage_graph.domain import EdgeType, Stored
from lineage_graph.services.catalog.queries import AuditRecord, Direction, Entry, Related, RelKey

CtxInfo = Info[Context, None]


# --- value types ---------------------------------------------------------------------------


@output_type(domain.CodeRef, description="A pointer to code: repository, commit and optional path.")
class CodeRef:
    pass


@output_type(domain.SchemaField, description="A column of a data source.")
class SchemaField:
    pass


# --- loader helpers -------------------------------------------------------------------------


async def related_of(
    info: CtxInfo, uid: str, type_: EdgeType, direction: Direction = Direction.OUT
) -> list[Related]:
    return await info.context.loaders.related.load(RelKey(uid, type_, direction))


async def neighbours(
    info: CtxInfo, uid: str, type_: EdgeType, direction: Direction = Direction.OUT
) -> list[Node]:
    return [
        n for r in await related_of(info, uid, type_, direction) if (n := maybe_node(r.entry)) is not None
    ]


async def neighbour(
    info: CtxInfo, uid: str, type_: EdgeType, direction: Direction = Direction.OUT
) -> Node | None:
    found = await neighbours(info, uid, type_, direction)
    return found[0] if found else None


async def node_at(info: CtxInfo, uid: str | None) -> Node | None:
    if uid is None:
        return None
    entry = await info.context.loaders.node.load(uid)
    return maybe_node(entry) if entry is not None else None


def neighbours_field(edge: EdgeType, direction: Direction = Direction.OUT, *, description: str) -> Any:
    """A field listing the nodes at the other end of `edge` edges."""

    async def resolve(self: Node, info: CtxInfo) -> list[Node]:
        return await neighbours(info, self.record.uid, edge, direction)

    return strawberry.field(resolver=resolve, description=description)


def neighbour_field(edge: EdgeType, direction: Direction = Direction.OUT, *, description: str) -> Any:
    """A field with the node at the other end of an `edge` edge (the first, if several)."""

    async def resolve(self: Node, info: CtxInfo) -> Node | None:
        return await neighbour(info, self.record.uid, edge, direction)

    return strawberry.field(resolver=resolve, description=description)


def uid_field(attribute: str, *, description: str) -> Any:
    """A field with the node whose uid the record holds in `attribute`."""

    async def resolve(self: Node, info: CtxInfo) -> Node | None:
        return await node_at(info, getattr(self.record, attribute))

    return strawberry.field(resolver=resolve, description=description)


def versions_fields(version_type: type[Node]) -> tuple[Any, Any]:
    """The ``versions`` (newest first) and ``latest`` fields of a feature set or model."""

    async def versions(self: Node, info: CtxInfo) -> list[Node]:
        entries = await info.context.loaders.versions.load(self.record.uid)
        return [version_type.from_entry(e) for e in entries]

    async def latest(self: Node, info: CtxInfo) -> Node | None:
        entries = await info.context.loaders.versions.load(self.record.uid)
        return version_type.from_entry(entries[0]) if entries else None

    many: Any = list[version_type]  # type: ignore[valid-type]
    return (
        strawberry.field(resolver=versions, description="Its versions, newest first.", graphql_type=many),
        strawberry.field(
            resolver=latest,
            description="Its newest version (highest version number).",
            graphql_type=version_type | None,
        ),
    )


def approvals_field() -> Any:
    """A field listing the approvals of the node (incoming APPROVED)."""

    async def resolve(self: Node, info: CtxInfo) -> list[Approval]:
        return [
            Approval.from_related(r)
            for r in await related_of(info, self.record.uid, EdgeType.APPROVED, Direction.IN)
        ]

    return strawberry.field(resolver=resolve, description="Reviewers who approved it (incoming APPROVED).")


# --- the Node interface -------------------------------------------------------------------


@interface_type(
    (domain.Stored, domain.NodeInput),
    description="Any catalog entity, addressed by its canonical uid.",
    fields=(
        "uid",
        "kind",
        "namespace",
        "name",
        "description",
        "tags",
        "created_at",
        "created_by",
        "retired_at",
    ),
)
class Node:
    extras: strawberry.Private[Mapping[str, Any]]
    record: strawberry.Private[Stored]

    @classmethod
    def of(cls, record: Stored, extras: Mapping[str, Any] | None = None) -> Self:
        """This type of node for a record the caller knows to be of its kind."""
        return cls.from_entry(Entry(record, extras or {}))

    @classmethod
    def from_entry(cls, entry: Entry) -> Self:
        record = entry.record
        # A field of the interface the record lacks: a Feature has no tags of its own.
        values = {name: getattr(record, name, _ABSENT.get(name)) for name in _record_fields(cls)}
        return cls(record=record, extras=entry.extras, **values)

    owner = neighbour_field(
        EdgeType.OWNED_BY, description="The team or principal that owns this entity (OWNED_BY)."
    )


_RECORD_FIELDS: dict[type, tuple[str, ...]] = {}
_ABSENT: Final[Mapping[str, Any]] = {"tags": ()}
"""Values of `Node` fields a record may lack; any other missing field is null."""


def _record_fields(cls: type[Any]) -> tuple[str, ...]:
    """The fields of a node type copied from its record: every field but resolvers and private state."""
    names = _RECORD_FIELDS.get(cls)
    if names is None:
        names = tuple(
            f.name for f in dataclasses.fields(cls) if f.init and f.name not in ("record", "extras")
        )
        _RECORD_FIELDS[cls] = names
    return names


@strawberry.type(description="An approval of a model version, feature-set version or deployment.")
class Approval:
    reviewer: Node = strawberry.field(description="The approving principal.")
    comment: str = strawberry.field(description="The reviewer's comment.")
    at: datetime = strawberry.field(description="When it was approved.")

    @classmethod
    def from_related(cls, related: Related) -> Approval:
        return cls(
            reviewer=to_node(related.entry),
            comment=str(related.edge.get("comment", "")),
            at=related.edge["createdAt"],
        )


# --- audit ----------------------------------------------------------------------------------


@strawberry.type(description="An append-only record of one change, chained to the previous one by hash.")
class AuditEvent:
    uid: str = strawberry.field(description="auditevent:global/<seq>.")
    seq: int = strawberry.field(description="Position in the chain (1, 2, ...).")
    action: str = strawberry.field(description="The mutation, e.g. publishFeatureSetVersion.")
    actor: str = strawberry.field(description="Who made the change.")
    at: datetime = strawberry.field(description="When.")
    entity_uid: str = strawberry.field(description="The entity changed.")
    before: JSON | None = strawberry.field(description="Its state before (null when created).")
    after: JSON | None = strawberry.field(description="Its state after.")
    prev_hash: str = strawberry.field(description="Hash of the previous event ('' for the first).")
    hash: str = strawberry.field(description="SHA-256 of this event's canonical JSON.")

    @classmethod
    def from_record(cls, event: AuditRecord) -> AuditEvent:
        return cls(**{f.name: getattr(event, f.name) for f in dataclasses.fields(event)})


NODE_TYPES: dict[type[Stored], type[Node]] = {}
"""The node type of each record class; `node_types` fills it."""


def to_node(entry: Entry) -> Node:
    """The GraphQL type of a catalog entry."""
    return NODE_TYPES[type(entry.record)].from_entry(entry)


def maybe_node(entry: Entry) -> Node | None:
    """The GraphQL type of an entry, or None for kinds this API does not expose (yet)."""
    node_type = NODE_TYPES.get(type(entry.record))
    return node_type.from_entry(entry) if node_type is not None else None


def record_node(record: Stored, extras: Mapping[str, Any] | None = None) -> Node:
    return to_node(Entry(record, extras or {}))
