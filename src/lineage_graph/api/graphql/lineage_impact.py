"""Types of impact answers: what a change to a node, or to one column of a source, affects.

The impact service's answers (`impact.Impact`, `impact.ColumnImpact`) are returned as they are:
these types read them by attribute (``truncatedReason`` and ``unrecordedFeatures`` are their
``truncation`` and ``unrecorded``); a path count past GraphQL's Int is capped.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from lineage_graph.api.graphql.lineage_walks import entity
from lineage_graph.api.graphql.nodes import CtxInfo, Node
from lineage_graph.services.lineage import impact as impact_service
from lineage_graph.services.lineage.walks import Truncation

MAX_INT = 2**31 - 1
"""The largest GraphQL Int."""

# --- impact ---------------------------------------------------------------------------------


@strawberry.type(description="One step of a path: a node and the edge type walked to reach it.")
class PathStep:
    uid: str = strawberry.field(description="The node.")
    kind: str = strawberry.field(description="Its kind.")
    via: str | None = strawberry.field(description="Edge type walked to reach it (null for the first step).")


@strawberry.type(description="An entity a change reaches.")
class AffectedNode:
    uid: str = strawberry.field(description="Canonical uid.")
    kind: str = strawberry.field(description="Its kind.")
    distance: int = strawberry.field(description="Fewest edges from the changed node.")

    @strawberry.field(
        description="Distinct paths (no node twice, at most `depth` edges) from the changed node to it "
        "(capped at 2,147,483,647)."
    )
    def path_count(self, root: impact_service.Affected) -> int:
        return min(root.path_count, MAX_INT)

    @strawberry.field(
        description="False when `pathCount` is only a lower bound (cyclic graph past the counting "
        "budget, count past the cap, or a truncated walk)."
    )
    def path_count_exact(self, root: impact_service.Affected) -> bool:
        return root.path_count_exact and root.path_count <= MAX_INT

    @strawberry.field(
        description="One shortest path from the changed node to it, both included.",
        graphql_type=list[PathStep],
    )
    def shortest_path(self, root: impact_service.Affected) -> tuple[impact_service.PathStep, ...]:
        return root.shortest_path

    @strawberry.field(description="The entity itself (batched).")
    async def node(self, root: impact_service.Affected, info: CtxInfo) -> Node | None:
        return await entity(info, root.uid)


@strawberry.type(description="Affected deployments of one environment.")
class EnvironmentImpact:
    environment: str = strawberry.field(description="Environment name (dev, staging, prod...).")
    order: int | None = strawberry.field(description="Its position in the promotion order, when known.")
    deployments: list[AffectedNode] = strawberry.field(description="The affected deployments there.")


@strawberry.type(description="An owner to notify and what it owns among the affected entities.")
class OwnerToNotify:
    uid: str = strawberry.field(description="The team or principal.")
    kind: str = strawberry.field(description="Team or Principal.")
    name: str = strawberry.field(description="Its name.")
    entities: list[AffectedNode] = strawberry.field(
        description="Affected entities it owns, directly or through their feature set or model."
    )


@strawberry.type(description="How many affected nodes are of one kind.")
class KindCount:
    kind: str = strawberry.field(description="The kind.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="What a change to one node affects downstream, grouped.")
class Impact:
    root: str = strawberry.field(description="The changed node.")
    root_kind: str = strawberry.field(description="Its kind.")
    depth: int = strawberry.field(description="The largest distance followed.")
    as_of: datetime | None = strawberry.field(description="The time the graph was seen at (null: now).")
    feature_set_versions: list[AffectedNode] = strawberry.field(description="Affected feature-set versions.")
    model_versions: list[AffectedNode] = strawberry.field(description="Affected model versions.")
    deployments: list[EnvironmentImpact] = strawberry.field(
        description="Affected deployments by environment, in promotion order."
    )
    owners: list[OwnerToNotify] = strawberry.field(
        description="Owners of affected sources, transforms, versions and deployments (or of their "
        "feature sets and models) to notify."
    )
    counts: list[KindCount] = strawberry.field(description="Affected nodes of every kind.")
    affected: int = strawberry.field(description="How many nodes the change reaches.")
    truncated: bool = strawberry.field(description="True when the walk stopped early.")
    truncation: Truncation | None = strawberry.field(
        name="truncatedReason", description="Why it stopped early."
    )


@strawberry.type(description="A feature derived from the changed column.")
class ColumnFeature:
    feature: str = strawberry.field(description="The feature's uid.")
    dtype: str | None = strawberry.field(description="Its dtype.")
    columns: list[str] = strawberry.field(description="The source columns it is derived from.")


@strawberry.type(description="A model input bound to an affected feature.")
class ModelInputImpact:
    model_version: str = strawberry.field(description="The model version.")
    input: str = strawberry.field(description="Its input name.")
    feature: str = strawberry.field(description="The affected feature it is bound to.")


@strawberry.type(description="A deployment serving an affected model version.")
class DeploymentImpact:
    deployment: str = strawberry.field(description="The deployment.")
    environment: str = strawberry.field(description="Its environment.")
    model_version: str = strawberry.field(description="The model version it serves.")


@strawberry.type(description="What a change to one column of a source affects.")
class ColumnImpact:
    source: str = strawberry.field(description="The data source or snapshot.")
    column: str = strawberry.field(description="The column.")
    as_of: datetime | None = strawberry.field(description="The time the graph was seen at (null: now).")
    features: list[ColumnFeature] = strawberry.field(description="Features derived from the column.")
    model_inputs: list[ModelInputImpact] = strawberry.field(description="Model inputs bound to them.")
    model_versions: list[str] = strawberry.field(description="The model versions with such inputs.")
    deployments: list[DeploymentImpact] = strawberry.field(
        description="Deployments serving those model versions."
    )
    unrecorded: list[str] = strawberry.field(
        name="unrecordedFeatures",
        description="Features derived from the source whose lineage records no column: they may be affected.",
    )
