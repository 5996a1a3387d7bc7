"""The domain's enums, registered as GraphQL enums (the class itself is the GraphQL type).

Import this module before any type that uses them, so every field sees one definition.
"""

from __future__ import annotations

import strawberry

from lineage_graph.domain import (
    Classification,
    DeploymentMode,
    DeploymentStatus,
    RiskTier,
    RunState,
    TransformType,
    VersionStatus,
)
from lineage_graph.services.catalog.service import Outcome

strawberry.enum(Classification, description="How sensitive a data source is.")
strawberry.enum(TransformType, description="What kind of job a transform is.")
strawberry.enum(RunState, description="The state of a run (OpenLineage run states).")
strawberry.enum(VersionStatus, description="Lifecycle of a published version.")
strawberry.enum(RiskTier, description="Risk tier of a model (drives review counts).")
strawberry.enum(DeploymentMode, description="How a deployment takes traffic.")
strawberry.enum(DeploymentStatus, description="Lifecycle of a deployment.")
strawberry.enum(Outcome, description="What a write did to an entity.")

__all__ = [
    "Classification",
    "DeploymentMode",
    "DeploymentStatus",
    "Outcome",
    "RiskTier",
    "RunState",
    "TransformType",
    "VersionStatus",
]
