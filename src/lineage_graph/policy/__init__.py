"""Governance through Open Policy Agent: the client wrapper (fail closed) and policy sync."""

from lineage_graph.policy.engine import PolicyEngine, PolicyEngineUnavailableError
from lineage_graph.policy.sync import PolicySet, PolicySyntaxError, sync_policies

__all__ = [
    "PolicyEngine",
    "PolicyEngineUnavailableError",
    "PolicySet",
    "PolicySyntaxError",
    "sync_policies",
]
