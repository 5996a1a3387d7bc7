"""What the catalog mutations answer: each success payload, and its union with the refusals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from lineage_graph.api.graphql.enums import Outcome
from lineage_graph.api.graphql.errors import PolicyFinding, RefusalType
from lineage_graph.api.graphql.node_types import Deployment, FeatureSetVersion, ModelVersion, TrainingRun
from lineage_graph.api.graphql.nodes import Node, record_node
from lineage_graph.domain import Stored


@strawberry.type(description="The entity written, and whether it was created, updated or already so.")
class Written:
    outcome: Outcome = strawberry.field(description="CREATED, UPDATED or UNCHANGED (an identical re-send).")
    node: Node = strawberry.field(description="The entity as stored.")


@strawberry.type(description="A batch written in one transaction.")
class BatchWritten:
    created: int = strawberry.field(description="Entities created.")
    updated: int = strawberry.field(description="Entities changed.")
    unchanged: int = strawberry.field(description="Entities already stored identically.")
    records: strawberry.Private[list[Stored]]

    @strawberry.field(description="Every entity of the batch, in request order.")
    def nodes(self) -> list[Node]:
        return [record_node(r) for r in self.records]


@strawberry.type(description="A published feature-set version and its contract bump.")
class Published:
    outcome: Outcome = strawberry.field(description="CREATED, or UNCHANGED for an identical re-send.")
    feature_set_version: FeatureSetVersion = strawberry.field(description="The version.")
    bump: str = strawberry.field(
        description="The contract bump as stored (what `FeatureSetVersion.bump` answers): INITIAL for "
        "the first version, then NONE, PATCH, MINOR or MAJOR."
    )
    warnings: list[PolicyFinding] = strawberry.field(
        description="Non-blocking findings of the schema standards (lineage_graph.schema)."
    )


@strawberry.type(description="A registered model version and the training run recorded with it.")
class ModelVersionRegistered:
    outcome: Outcome = strawberry.field(description="CREATED, or UNCHANGED for an identical re-send.")
    model_version: ModelVersion = strawberry.field(description="The model version.")
    training_run: TrainingRun | None = strawberry.field(description="The training run, when one was given.")
    warnings: list[PolicyFinding] = strawberry.field(
        description="Lineage gaps (lineage_graph.lineage) and deprecated feature-set versions it "
        "consumes (lineage_graph.deprecation, naming the replacement): reported, never blocking here; "
        "lineage gaps block deployment to prod."
    )


@strawberry.type(description="A deployment created (deploy, promote) or changed (retire).")
class Deployed:
    outcome: Outcome = strawberry.field(description="CREATED, UPDATED or UNCHANGED.")
    deployment: Deployment = strawberry.field(description="The deployment.")
    warnings: list[PolicyFinding] = strawberry.field(
        description="Non-blocking findings of the promotion and targets gates, e.g. a deprecated "
        "feature-set version before its sunset, with the replacement to move to."
    )


@strawberry.type(description="An approval recorded.")
class Approved:
    outcome: Outcome = strawberry.field(description="CREATED, or UNCHANGED when already approved.")
    subject: Node = strawberry.field(description="What was approved.")
    reviewer: str = strawberry.field(description="Who approved.")
    comment: str = strawberry.field(description="The reviewer's comment.")
    at: datetime = strawberry.field(description="When it was first approved.")


WriteResult = Annotated[
    Written | RefusalType, strawberry.union("WriteResult", description="A write or a refusal.")
]
BatchWriteResult = Annotated[
    BatchWritten | RefusalType,
    strawberry.union("BatchWriteResult", description="A batch write or a refusal."),
]
PublishResult = Annotated[
    Published | RefusalType, strawberry.union("PublishResult", description="A publish or a refusal.")
]
ModelVersionResult = Annotated[
    ModelVersionRegistered | RefusalType,
    strawberry.union("ModelVersionResult", description="A model version registered or a refusal."),
]
DeployResult = Annotated[
    Deployed | RefusalType, strawberry.union("DeployResult", description="A deployment or a refusal.")
]
ApproveResult = Annotated[
    Approved | RefusalType, strawberry.union("ApproveResult", description="An approval or a refusal.")
]
