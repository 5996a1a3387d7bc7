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
    input: ColumnName = Field(description="The model's input name.")
    feature: FeatureUid = Field(description="Feature uid, e.g. feature:risk/customer_profile@3#age.")


class ModelInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.MODEL

    risk_tier: RiskTier = Field(description="LOW, MEDIUM or HIGH.")
    owner: OwnerUid | None = Field(None, description="Team or principal uid.")


class ModelVersionInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.MODEL_VERSION

    version: VersionNumber = Field(description="Version number, above every registered one.")
    artifact_uri: UriText = Field(description="Where the artifact is stored.")
    framework: ShortText | None = Field(None, description="xgboost, pytorch, sklearn...")
    hyperparameters: ParamMap = Field(default_factory=dict, description="Hyperparameters (name → scalar).")
    random_seed: Seed | None = Field(None, description="The training seed.")
    training_script: CodeRef | None = Field(None, description="The training script.")
    training_run: TrainingRunUid | None = Field(
        None, description="Uid of an existing training run (or give `run`)."
    )
    inputs: Annotated[list[InputBinding], unique_by("model input", "input")] = Field(
        default_factory=list, max_length=MAX_MODEL_INPUTS, description="Inputs."
    )
    status: VersionStatus = Field(VersionStatus.ACTIVE, description="ACTIVE, DEPRECATED or RETIRED.")

    def identity(self) -> Uid:
        return Uid.of(self.KIND, self.namespace, self.name, self.version)


class TrainingRunInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.TRAINING_RUN

    run_id: Token = Field(description="The run id (e.g. the MLflow run id).")
    params: ParamMap = Field(default_factory=dict, description="Run parameters (name → scalar).")
    seed: Seed | None = Field(None, description="The random seed.")
    started_at: AwareDatetime | None = Field(None, description="When it started.")
    ended_at: AwareDatetime | None = Field(None, description="When it ended.")
    external_ref: ShortText | None = Field(None, description="Reference in an external tracker.")

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_interval(self.started_at, self.ended_at)
        return self

    def identity(self) -> Uid:
        return Uid(self.KIND, self.namespace, self.name, self.run_id)


class EvaluationInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.EVALUATION

    model_version: ModelVersionUid = Field(description="Uid of the model version evaluated.")
    metrics: Annotated[MetricMap, Field(min_length=1)] = Field(description="Metric name → value.")
    dataset: SnapshotUid | None = Field(None, description="Uid of the dataset snapshot it was measured on.")
    baseline: EvaluationUid | None = Field(None, description="Uid of the evaluation it is compared against.")


class Model(ModelInput, Stored): ...


class ModelVersion(ModelVersionInput, Stored): ...


class TrainingRun(TrainingRunInput, Stored): ...


class Evaluation(EvaluationInput, Stored): ...
