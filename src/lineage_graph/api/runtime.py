"""What one API process holds for its lifetime: the graph driver, the policy engine, their state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.policy.principals import Authenticator
    from lineage_graph.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    graph: Graph
    policies: PolicyEngine
    authenticator: Authenticator
    policy_revision: str | None = None
    policy_error: str | None = field(default=None)
