"""The GraphQL schema: queries and mutations over the services."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import Info

from lineage_graph import __version__
from lineage_graph.api.graphql.access import Authorization, guard_root_fields
from lineage_graph.api.graphql.audits import AuditQuery
from lineage_graph.api.graphql.catalog_mutations import CatalogMutation
from lineage_graph.api.graphql.catalog_queries import CatalogQuery
from lineage_graph.api.graphql.context import Context
from lineage_graph.api.graphql.errors import REFUSALS
from lineage_graph.api.graphql.governance import GovernanceQuery
from lineage_graph.api.graphql.lineage import LineageQuery
from lineage_graph.api.graphql.nodes import ALL_NODE_TYPES
from lineage_graph.api.graphql.scalars import SCALAR_OVERRIDES
from lineage_graph.api.graphql.system import ServerInfo


@strawberry.type
class Query(CatalogQuery, LineageQuery, GovernanceQuery, AuditQuery):
    @strawberry.field(description="The running service: version, Neo4j server, policy revision.")
    async def server_info(self, info: Info[Context, None]) -> ServerInfo:
        runtime = info.context.runtime
        return ServerInfo(
            version=__version__,
            neo4j=await runtime.graph.ping(),
            policy_revision=runtime.policy_revision,
        )


@strawberry.type
class Mutation(CatalogMutation):
    pass


DOCUMENT_CACHE_SIZE = 256
"""Parsed and validated documents kept (LRU): tools send the same few documents over and over,
and parsing plus validating a document costs more than answering a small query."""

guard_root_fields(Query, Mutation)
schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    types=[*ALL_NODE_TYPES, *REFUSALS],
    extensions=[
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        Authorization,
    ],
    scalar_overrides=SCALAR_OVERRIDES,
)
