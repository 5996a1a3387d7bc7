"""Reproduction manifests: what exactly went into a model version, as read back from the graph.

These are read models, built by `services.lineage.reproduction` from what is stored (each
value was validated when it was written); the GraphQL types are generated from them.
``complete`` says whether anything is missing and ``missing`` says what; `policy_input` is the
document the ``lineage_graph.lineage`` policy decides on, so the manifest and the policy agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, computed_field

from lineage_graph.domain.base import DomainModel
from lineage_graph.domain.catalog import CodeRef


class ReproductionRun(DomainModel):
    """The run that trained the model version."""

    uid: str = Field(description="Training run uid.")
    run_id: str | None = Field(None, description="Run id (e.g. MLflow's).")
    seed: int | None = Field(None, description="Its random seed.")
    params: dict[str, Any] = Field(default_factory=dict, description="Its parameters.")
    external_ref: str | None = Field(None, description="Reference in an external tracker.")
    started_at: datetime | None = Field(None, description="Start.")
    ended_at: datetime | None = Field(None, description="End.")


class ReproductionJob(DomainModel):
    """The job producing a feature-set version, and its code."""

    uid: str = Field(description="Transform or transform run uid.")
    kind: str = Field(description="Transform or TransformRun.")
    type: str | None = Field(None, description="SQL, SPARK, PYTHON or DBT.")
    code_ref: CodeRef | None = Field(None, description="Where its code lives (repo, commit, path).")
    sql: str | None = Field(None, description="Its SQL, when it is a query.")

    @property
    def has_code(self) -> bool:
        return self.code_ref is not None or bool(self.sql)


class ReproductionFeatureVersion(DomainModel):
    """An exact feature-set version the model version reads."""

    uid: str = Field(description="Feature-set version uid.")
    contract: str | None = Field(None, description="Its semver contract.")
    status: str | None = Field(None, description="ACTIVE, DEPRECATED or RETIRED.")
    job: ReproductionJob | None = Field(None, description="The job producing it.")


class ReproductionInput(DomainModel):
    """A model input and the exact feature it was trained on."""

    input: str = Field(description="The model input.")
    feature: str = Field(description="The exact feature uid.")
    dtype: str | None = Field(None, description="Its dtype at training time.")
    feature_set_version: str | None = Field(None, description="The feature-set version defining it.")


class ReproductionDataset(DomainModel):
    """A dataset snapshot the training read."""

    uid: str = Field(description="Snapshot uid.")
    source: str | None = Field(None, description="The data source it is a snapshot of.")
    version: str | None = Field(None, description="Snapshot version.")
    content_hash: str | None = Field(None, description="Hash of its content.")
    row_count: int | None = Field(None, description="Rows.")


class ReproductionEvaluation(DomainModel):
    """An evaluation of the model version and its baseline."""

    uid: str = Field(description="Evaluation uid.")
    metrics: dict[str, Any] = Field(default_factory=dict, description="Metric name → value.")
    dataset: str | None = Field(None, description="The snapshot it was measured on.")
    baseline: str | None = Field(None, description="The baseline evaluation.")
    baseline_metrics: dict[str, Any] | None = Field(None, description="The baseline's metrics.")


class ReproductionDeployment(DomainModel):
    """What the manifest of a deployment adds: where and from what it serves."""

    uid: str = Field(description="Deployment uid.")
    environment: str | None = Field(None, description="Its environment.")
    serves_from: list[str] = Field(
        default_factory=list, description="Feature-set versions on its serving path."
    )


class MissingItem(DomainModel):
    """Something a reproduction needs that is not recorded."""

    code: str = Field(
        description="LINEAGE_* (the lineage policy's codes) or REPRODUCTION_MISSING_TRANSFORM[_CODE]."
    )
    item: str = Field(description="What is missing: a field name or a feature-set version uid.")
    message: str = Field(description="Explanation.")


class ReproductionManifest(DomainModel):
    """Everything needed to reproduce a model version (or the one a deployment serves)."""

    subject: str = Field(description="The model version or deployment asked about.")
    subject_kind: str = Field(description="ModelVersion or Deployment.")
    model_version: str = Field(description="The model version.")
    artifact_uri: str | None = Field(None, description="Where its artifact is.")
    framework: str | None = Field(None, description="Its framework.")
    hyperparameters: dict[str, Any] = Field(default_factory=dict, description="Its hyperparameters.")
    seed: int | None = Field(None, description="The training seed (the version's, else the run's).")
    training_script: CodeRef | None = Field(None, description="The training script (repo, commit, path).")
    training_run: ReproductionRun | None = Field(None, description="The training run.")
    inputs: list[ReproductionInput] = Field(
        default_factory=list, description="Each input and its exact feature."
    )
    feature_set_versions: list[ReproductionFeatureVersion] = Field(
        default_factory=list,
        description="The exact feature-set versions read, with their producing jobs' code.",
    )
    datasets: list[ReproductionDataset] = Field(
        default_factory=list, description="The training dataset snapshots."
    )
    evaluations: list[ReproductionEvaluation] = Field(
        default_factory=list, description="Evaluations and baselines."
    )
    deployment: ReproductionDeployment | None = Field(None, description="For a deployment: its serving path.")
    missing: list[MissingItem] = Field(default_factory=list, description="What is missing.")
    training_script_raw: Any = Field(None, exclude=True)

    @computed_field(description="True when nothing is missing.")  # type: ignore[prop-decorator]
    @property
    def complete(self) -> bool:
        return not self.missing

    def policy_input(self) -> dict[str, Any]:
        """The document the `lineage_graph.lineage` policy decides on, for this model version."""
        version: dict[str, Any] = {
            "uid": self.model_version,
            "hyperparameters": self.hyperparameters,
            "features": [i.feature for i in self.inputs],
            "snapshots": [d.uid for d in self.datasets],
            "evaluations": [
                {"uid": e.uid, **({"baseline": {"uid": e.baseline}} if e.baseline else {})}
                for e in self.evaluations
            ],
        }
        if isinstance(self.training_script_raw, dict):
            version["trainingScript"] = self.training_script_raw
        if self.seed is not None and (self.training_run is None or self.training_run.seed != self.seed):
            version["randomSeed"] = self.seed
        if self.training_run is not None:
            run: dict[str, Any] = {"uid": self.training_run.uid}
            if self.training_run.run_id:
                run["runId"] = self.training_run.run_id
            if self.training_run.seed is not None:
                run["seed"] = self.training_run.seed
            version["trainingRun"] = run
        return {"modelVersion": version}
