"""Bring a graph to a usable state: schema migrations, policy sync, environments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from lineage_graph import resources
from lineage_graph.domain import GLOBAL_NAMESPACE, Kind, Uid
from lineage_graph.graph.migrations import Migration, migrate
from lineage_graph.policy import PolicySet, sync_policies

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings


async def apply_migrations(graph: Graph, settings: Settings) -> list[Migration]:
    return await migrate(graph, resources.cypher_dir(settings.cypher_dir) / "migrations")


async def push_policies(engine: PolicyEngine, settings: Settings) -> tuple[str, PolicySet]:
    policy_set = PolicySet.load(resources.policies_dir(settings.policies_dir))
    return await sync_policies(engine, policy_set), policy_set


ENVIRONMENTS: Final = (
    ("dev", 1, ["k8s-dev"], "Development: any engineer may deploy."),
    ("staging", 2, ["k8s-staging"], "Pre-production: shadow traffic and load tests."),
    ("prod", 3, ["k8s-prod", "sagemaker-prod"], "Production: gated by promotion policies."),
)
SYSTEM_ACTOR: Final = "system"


async def ensure_environments(graph: Graph) -> int:
    """Create (or refresh) the dev → staging → prod environments every deployment refers to."""
    rows = [
        {
            "uid": Uid(Kind.ENVIRONMENT, GLOBAL_NAMESPACE, name).format(),
            "namespace": GLOBAL_NAMESPACE,
            "name": name,
            "order": order,
            "approvedTargets": targets,
            "description": description,
        }
        for name, order, targets, description in ENVIRONMENTS
    ]
    result = await graph.write(
        "catalog/upsert_environments", {"rows": rows, "now": datetime.now(UTC), "actor": SYSTEM_ACTOR}
    )
    return int(result[0]["count"])
