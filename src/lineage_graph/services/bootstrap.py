"""Bring a graph to a usable state: schema migrations, policy sync, demo catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineage_graph import resources
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
