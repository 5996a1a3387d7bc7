"""The GraphQL schema: queries and mutations over the services."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import Info

from lineage_graph import __version__
from lineage_graph.api.graphql.access import Authorization, guard_root_fields
from lineage_graph.api.graphql.audits import AuditQuery
from lineage_graph.api.graphql.catalog_mutations import CatalogMutation
from lineage_graph.api.graphql.catalog_queries import CatalogQuery
from lineage_graph.api.graphql.context import Context
from lineage_graph.api.graphql.cost import QueryCost
from lineage_graph.api.graphql.errors import REFUSALS
from lineage_graph.api.graphql.governance import GovernanceQuery
from lineage_graph.api.graphql.lineage import LineageQuery
from lineage_graph.api.graphql.node_types import ALL_NODE_TYPES
from lineage_graph.api.graphql.scalars import SCALAR_OVERRIDES
from lineage_graph.api.graphql.system import ServerInfo
from lineage_graph.graph.database import DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from lineage_graph.policy.engine import PolicyEngineUnavailableError

if TYPE_CHECKING:
    from graphql import GraphQLError
    from strawberry.types import ExecutionContext

log = logging.getLogger("lineage_graph.graphql")


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


class Schema(strawberry.Schema):
    """Logs errors by who caused them. A request the caller got wrong (a document that does not
    parse or validate, or a refusal with an ``extensions.code``: NOT_FOUND, INVALID_VALUE,
    POLICY_DENIED...) is logged in one line at INFO; OPA being unreachable in one line at
    WARNING; Neo4j being unreachable in one line at WARNING per operation, its errors turned
    into ``DATABASE_UNAVAILABLE`` whose message does not repeat the driver's (it names the
    server's address); anything else is a fault of ours and keeps strawberry's ERROR with its
    traceback."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        faults = []
        outages = []
        for error in errors:
            if database_unavailable(error.original_error):
                error.message = UNAVAILABLE_MESSAGE
                error.extensions = {"code": DATABASE_UNAVAILABLE}
                outages.append(_where(error))
                continue
            code = (error.extensions or {}).get("code")
            if code is not None or error.original_error is None:
                level = logging.WARNING if code == PolicyEngineUnavailableError.code else logging.INFO
                log.log(
                    level, "GraphQL %s at %s: %s", code or "INVALID_DOCUMENT", _where(error), error.message
                )
            else:
                faults.append(error)
        if outages:
            log.warning("GraphQL %s at %s: %s", DATABASE_UNAVAILABLE, ", ".join(outages), UNAVAILABLE_MESSAGE)
        super().process_errors(faults, execution_context)


def _where(error: GraphQLError) -> str:
    return ".".join(str(p) for p in error.path or ()) or "document"


guard_root_fields(Query, Mutation)
schema = Schema(
    query=Query,
    mutation=Mutation,
    types=[*ALL_NODE_TYPES, *REFUSALS],
    extensions=[
        lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
        lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
        QueryCost,
        Authorization,
    ],
    scalar_overrides=SCALAR_OVERRIDES,
)
