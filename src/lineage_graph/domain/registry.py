"""Model registry payloads and records: models, versions, training runs, evaluations.

A model version binds each model input to one exact feature uid
(``CONSUMES {input}``); only its ``status`` may change once registered. A training
run is named by the model it trains plus its run id
(``trainingrun:risk/credit_default@<runId>``); an evaluation has a free name
(``evaluation:risk/credit_default-7-holdout``) and points at its model version.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from lineage_graph.domain.base import DomainModel, NodeInput, Stored
from lineage_graph.domain.catalog import CodeRef
from lineage_graph.domain.features import VersionStatus
from lineage_graph.domain.ids import Uid
from lineage_graph.domain.kinds import Kind
from lineage_graph.domain.limits import MAX_MODEL_INPUTS
from lineage_graph.domain.values import (
    ColumnName,
    EvaluationUid,
    FeatureUid,
    MetricMap,
    ModelVersionUid,
    OwnerUid,
    ParamMap,
    Seed,
    ShortText,
    SnapshotUid,
    Token,
    TrainingRunUid,
    UriText,
    VersionNumber,
    check_interval,
    unique_by,
)


class RiskTier(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class InputBinding(DomainModel):
    input: ColumnName
    feature: FeatureUid


class ModelInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.MODEL

    risk_tier: RiskTier
    owner: OwnerUid | None = None


class ModelVersionInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.MODEL_VERSION

    version: VersionNumber
    artifact_uri: UriText
    framework: ShortText | None = None
    hyperparameters: ParamMap = Field(default_factory=dict)
    random_seed: Seed | None = None
    training_script: CodeRef | None = None
    training_run: TrainingRunUid | None = None
    inputs: Annotated[list[InputBinding], unique_by("model input", "input")] = Field(
        default_factory=list, max_length=MAX_MODEL_INPUTS
    )
    status: VersionStatus = VersionStatus.ACTIVE

    def identity(self) -> Uid:
        return Uid.of(self.KIND, self.namespace, self.name, self.version)


class TrainingRunInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.TRAINING_RUN

    run_id: Token
    params: ParamMap = Field(default_factory=dict)
    seed: Seed | None = None
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    external_ref: ShortText | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_interval(self.started_at, self.ended_at)
        return self

    def identity(self) -> Uid:
        return Uid(self.KIND, self.namespace, self.name, self.run_id)


class EvaluationInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.EVALUATION

    model_version: ModelVersionUid
    metrics: Annotated[MetricMap, Field(min_length=1)]
    dataset: SnapshotUid | None = None
    baseline: EvaluationUid | None = None


class Model(ModelInput, Stored): ...


class ModelVersion(ModelVersionInput, Stored): ...


class TrainingRun(TrainingRunInput, Stored): ...


class Evaluation(EvaluationInput, Stored): ...
