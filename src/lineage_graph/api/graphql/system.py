"""Types describing the running service itself."""

from __future__ import annotations

import strawberry


@strawberry.type(description="The running lineage-graph service and the servers behind it.")
class ServerInfo:
    version: str = strawberry.field(description="lineage-graph's version.")
    neo4j: str = strawberry.field(description="The Neo4j server's agent string.")
    policy_revision: str | None = strawberry.field(
        description="Hash of the Rego policies and data last synced to OPA."
    )
