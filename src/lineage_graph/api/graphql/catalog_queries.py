"""Catalog queries: node, search, OpenLineage-name lookups, versions, history, audit log.

Invalid arguments (malformed uid, unknown kind, bad cursor) are GraphQL errors whose
``extensions.code`` is the domain error code.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
from graphql import GraphQLError

from lineage_graph.api.graphql.authz import authz, by_name
from lineage_graph.api.graphql.nodes import (
    AuditEvent,
    CtxInfo,
    DataSource,
    Environment,
    FeatureSet,
    FeatureSetVersion,
    Model,
    Node,
    Transform,
    maybe_node,
    to_node,
)
from lineage_graph.domain import DomainError, Kind, Uid, dataset_uid, job_uid

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from lineage_graph.services.catalog.queries import Entry

T = TypeVar("T")
DEFAULT_PAGE = 20


def query_error(error: DomainError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": str(error.code), "details": error.details})


async def guarded(work: Awaitable[T]) -> T:
    """Await a service call, turning a refusal into a GraphQL error with a stable code."""
    try:
        return await work
    except DomainError as e:
        raise query_error(e) from e


def checked(work: Callable[[], T]) -> T:
    try:
        return work()
    except DomainError as e:
        raise query_error(e) from e


def _uid(text: str, kind: Kind | None = None) -> str:
    return checked(lambda: Uid.parse(text, expect=kind).format())


@strawberry.type(description="Where a page ends and whether more follow.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to get the next page.")


@strawberry.type(description="One search hit and its cursor.")
class SearchEdge:
    cursor: str = strawberry.field(description="Opaque position of this hit.")
    node: Node = strawberry.field(description="The entity found.")


@strawberry.type(description="A page of search hits (Relay connection).")
class SearchConnection:
    edges: list[SearchEdge] = strawberry.field(description="The hits on this page, best first.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")


@strawberry.type(description="One audit event and its cursor.")
class AuditEdge:
    cursor: str = strawberry.field(description="Opaque position of this event.")
    node: AuditEvent = strawberry.field(description="The event.")


@strawberry.type(description="A page of audit events, newest first (Relay connection).")
class AuditConnection:
    edges: list[AuditEdge] = strawberry.field(description="The events on this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")


@strawberry.type(description="One version of an entity in its history, with the changes made to it.")
class VersionHistory:
    version: Node = strawberry.field(description="The version.")
    events: list[AuditEvent] = strawberry.field(description="Audit events about it, oldest first.")


@strawberry.type(
    description="The versions of a feature set or model, their lifecycle and the changes to them."
)
class History:
    entity: Node = strawberry.field(description="The logical entity.")
    versions: list[VersionHistory] = strawberry.field(description="Its versions, newest first.")
    events: list[AuditEvent] = strawberry.field(description="Audit events about the entity itself.")


def _typed(entry: Entry | None, kind: Kind) -> Node | None:
    if entry is None or entry.record.kind is not kind:
        return None
    return to_node(entry)


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Any entity by canonical uid; null when it does not exist.")
    async def node(self, info: CtxInfo, uid: str) -> Node | None:
        entry = await info.context.loaders.node.load(_uid(uid))
        return maybe_node(entry) if entry is not None else None

    @strawberry.field(
        description="Full-text search over names, namespaces, descriptions and uids; without text, "
        'every entity by uid. `kinds` filters by kind (e.g. ["FeatureSet", "Model"]).'
    )
    async def search(
        self,
        info: CtxInfo,
        text: str | None = None,
        kinds: list[str] | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> SearchConnection:
        page = await guarded(info.context.queries.search(text, kinds, first, after))
        edges = []
        for entry, cursor in zip(page.items, page.cursors, strict=True):
            info.context.loaders.prime(entry)
            node = maybe_node(entry)
            if node is not None:
                edges.append(SearchEdge(cursor=cursor, node=node))
        return SearchConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
            ),
        )

    @authz(locate=by_name(dataset_uid))
    @strawberry.field(description="A data source by its OpenLineage dataset namespace and name.")
    async def data_source(self, info: CtxInfo, namespace: str, name: str) -> DataSource | None:
        uid = checked(lambda: dataset_uid(namespace, name).format())
        node = _typed(await info.context.loaders.node.load(uid), Kind.SOURCE)
        return node if isinstance(node, DataSource) else None

    @authz(locate=by_name(job_uid))
    @strawberry.field(description="A transform by its OpenLineage job namespace and name.")
    async def transform(self, info: CtxInfo, namespace: str, name: str) -> Transform | None:
        uid = checked(lambda: job_uid(namespace, name).format())
        node = _typed(await info.context.loaders.node.load(uid), Kind.TRANSFORM)
        return node if isinstance(node, Transform) else None

    @strawberry.field(description="A feature set by uid, with its versions and latest version.")
    async def feature_set(self, info: CtxInfo, uid: str) -> FeatureSet | None:
        node = _typed(await info.context.loaders.node.load(_uid(uid, Kind.FEATURE_SET)), Kind.FEATURE_SET)
        return node if isinstance(node, FeatureSet) else None

    @strawberry.field(description="A model by uid, with its versions and latest version.")
    async def model(self, info: CtxInfo, uid: str) -> Model | None:
        node = _typed(await info.context.loaders.node.load(_uid(uid, Kind.MODEL)), Kind.MODEL)
        return node if isinstance(node, Model) else None

    @strawberry.field(
        description="The versions of a feature set or model (a version's uid names its entity) with "
        "status, dates, contract bump and the audit events that changed them. With `asOf`, as they "
        "stood at that time: the versions created by then, with the status, sunset and owner they "
        "had, and only the events up to then (neighbour fields such as `replacedBy` show the graph "
        "now; `lineage(asOf)` walks it as it was)."
    )
    async def history(
        self,
        info: CtxInfo,
        uid: str,
        as_of: Annotated[
            datetime | None,
            strawberry.argument(description="The time to see the history at (null: now; no zone: UTC)."),
        ] = None,
    ) -> History:
        found = await guarded(info.context.queries.history(uid, as_of))
        return History(
            entity=to_node(found.entity),
            versions=[
                VersionHistory(
                    version=to_node(v.version), events=[AuditEvent.from_record(e) for e in v.events]
                )
                for v in found.versions
            ],
            events=[AuditEvent.from_record(e) for e in found.events],
        )

    @authz("audit")
    @strawberry.field(description="Audit events, newest first; only those about `uid` when given.")
    async def audit_log(
        self, info: CtxInfo, uid: str | None = None, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> AuditConnection:
        page = await guarded(info.context.queries.audit_log(uid, first, after))
        return AuditConnection(
            edges=[
                AuditEdge(cursor=c, node=AuditEvent.from_record(e))
                for e, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
            ),
        )

    @strawberry.field(
        description="Feature-set versions a model version can read safely: every feature it consumes "
        "exists in them with the dtype it was trained with."
    )
    async def compatible_feature_set_versions(
        self, info: CtxInfo, model_version: str
    ) -> list[FeatureSetVersion]:
        found = await guarded(info.context.queries.compatibility(model_version))
        return [FeatureSetVersion.from_entry(c.version) for c in found if c.compatible]

    @strawberry.field(description="The deployment environments in promotion order.")
    async def environments(self, info: CtxInfo) -> list[Environment]:
        entries = await info.context.queries.environments()
        return [Environment.from_entry(e) for e in entries]
