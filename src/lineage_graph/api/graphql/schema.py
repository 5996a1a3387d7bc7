"""The GraphQL schema: queries and mutations over the services."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from lineage_graph import __version__
from lineage_graph.api.graphql.context import Context
from lineage_graph.api.graphql.system import ServerInfo


@strawberry.type
class Query:
    @strawberry.field(description="The running service: version, Neo4j server, policy revision.")
    async def server_info(self, info: Info[Context, None]) -> ServerInfo:
        runtime = info.context.runtime
        return ServerInfo(
            version=__version__,
            neo4j=await runtime.graph.ping(),
            policy_revision=runtime.policy_revision,
        )


schema = strawberry.Schema(query=Query)
