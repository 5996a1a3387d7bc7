"""Mutation input types and their translation into validated domain ``*Input`` models.

Uids, names and dtypes are plain strings here on purpose: the domain layer validates them
and reports a specific code (INVALID_UID, UNKNOWN_KIND, EMPTY_NAME, INVALID_DTYPE...) in an
`InvalidInput` refusal rather than a generic GraphQL validation error.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry
from pydantic.alias_generators import to_camel
from strawberry.scalars import JSON

from lineage_graph import domain
from lineage_graph.domain import (
    Classification,
    DeploymentMode,
    InvalidInput,
    RiskTier,
    RunState,
    TransformType,
    validate,
)

M = TypeVar("M", bound=domain.DomainModel)


@functools.cache
def _names(cls: type) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, to_camel(f.name)) for f in dataclasses.fields(cls))


def plain(value: Any, exclude: frozenset[str] = frozenset()) -> Any:
    """A GraphQL input as JSON-like data with camelCase keys; unset and null fields left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for name, camel in _names(type(value)):
            item = getattr(value, name)
            if item is not None and item is not strawberry.UNSET and name not in exclude:
                out[camel] = plain(item)
        return out
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def to_domain(model: type[M], value: Any, *, exclude: frozenset[str] = frozenset(), path: str = "") -> M:
    """Validate an input into a domain model; problem paths are prefixed with `path`."""
    try:
        return validate(model, plain(value, exclude))
    except InvalidInput as e:
        if not path:
            raise
        problems = [
            {**p, "path": f"{path}.{p['path']}" if p["path"] else path} for p in e.details.get("problems", [])
        ]
        raise InvalidInput(
            f"{path}: {e.message}", code=e.code, details={**e.details, "problems": problems}
        ) from e


def optional(value: Any) -> Any:
    return None if value is strawberry.UNSET else value


@strawberry.input(description="A column of a data source.")
class SchemaFieldInput:
    name: str = strawberry.field(description="Column name.")
    dtype: str = strawberry.field(description="Platform-neutral dtype (INT64, STRING, ...).")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="What it holds.")
    native_type: str | None = strawberry.field(default=strawberry.UNSET, description="The platform's type.")


@strawberry.input(description="A data source, named by its OpenLineage dataset (namespace, name).")
class DataSourceInput:
    namespace: str = strawberry.field(description="OpenLineage dataset namespace, e.g. postgres://wh:5432.")
    name: str = strawberry.field(description="OpenLineage dataset name, e.g. shop.public.orders.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")
    classification: Classification | None = strawberry.field(
        default=strawberry.UNSET, description="Sensitivity (default INTERNAL)."
    )
    retention_days: int | None = strawberry.field(default=strawberry.UNSET, description="Retention window.")
    platform: str | None = strawberry.field(default=strawberry.UNSET, description="postgres, s3, kafka...")
    schema_fields: list[SchemaFieldInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Columns."
    )


@strawberry.input(description="An immutable snapshot of a registered data source.")
class DatasetSnapshotInput:
    namespace: str = strawberry.field(description="The source's namespace.")
    name: str = strawberry.field(description="The source's name.")
    version: str = strawberry.field(description="Snapshot version id.")
    content_hash: str | None = strawberry.field(default=strawberry.UNSET, description="Content hash.")
    row_count: int | None = strawberry.field(default=strawberry.UNSET, description="Rows.")
    expires_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="Deletion date.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")


@strawberry.input(description="A pointer to code.")
class CodeRefInput:
    repo: str = strawberry.field(description="Repository URL.")
    commit: str = strawberry.field(description="Commit hash or tag.")
    path: str | None = strawberry.field(default=strawberry.UNSET, description="File path.")


@strawberry.input(
    description="A job, named by its OpenLineage job (namespace, name), with what it reads and writes."
)
class TransformInput:
    namespace: str = strawberry.field(description="OpenLineage job namespace.")
    name: str = strawberry.field(description="OpenLineage job name.")
    type: TransformType = strawberry.field(description="SQL, SPARK, PYTHON or DBT.")
    code_ref: CodeRefInput | None = strawberry.field(default=strawberry.UNSET, description="Its code.")
    sql: str | None = strawberry.field(default=strawberry.UNSET, description="Its SQL.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")
    reads: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of sources, snapshots or feature-set versions it reads."
    )
    writes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of what it produces."
    )


@strawberry.input(description="One run of a registered transform.")
class TransformRunInput:
    namespace: str = strawberry.field(description="The transform's namespace.")
    name: str = strawberry.field(description="The transform's name.")
    run_id: str = strawberry.field(description="The run id.")
    state: RunState = strawberry.field(description="Its state.")
    started_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="Start time.")
    ended_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="End time.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")
    reads: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Uids it read.")
    writes: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Uids it produced.")


@strawberry.input(description="A logical feature group.")
class FeatureSetInput:
    namespace: str = strawberry.field(description="Namespace, e.g. risk.")
    name: str = strawberry.field(description="Name, e.g. customer_profile.")
    entities: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Join keys.")
    owner: str | None = strawberry.field(default=strawberry.UNSET, description="Team or principal uid.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")


@strawberry.input(description="Column-level lineage: a source uid and the columns used.")
class ColumnSourceInput:
    source: str = strawberry.field(description="Uid of a data source or snapshot.")
    columns: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Columns used.")


@strawberry.input(description="One feature of a version.")
class FeatureInput:
    name: str = strawberry.field(description="Feature name ([A-Za-z_][A-Za-z0-9_]*).")
    dtype: str = strawberry.field(description="BOOL, INT32, INT64, FLOAT32, FLOAT64, STRING, BYTES, ...")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    derived_from: list[ColumnSourceInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Its own sources (overrides the version's `sources`)."
    )


@strawberry.input(description="A feature-set version to publish.")
class FeatureSetVersionInput:
    namespace: str = strawberry.field(description="The feature set's namespace.")
    name: str = strawberry.field(description="The feature set's name.")
    version: int = strawberry.field(description="Version number, above every published one.")
    contract: str = strawberry.field(description="Semver contract matching the schema change.")
    features: list[FeatureInput] = strawberry.field(description="The schema.")
    store: str | None = strawberry.field(default=strawberry.UNSET, description="Serving store.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")
    produced_by: str | None = strawberry.field(
        default=strawberry.UNSET, description="Uid of the transform or run producing it."
    )
    sources: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of the sources every feature derives from."
    )


@strawberry.input(description="A registered model.")
class ModelInput:
    namespace: str = strawberry.field(description="Namespace, e.g. risk.")
    name: str = strawberry.field(description="Name, e.g. credit_default.")
    risk_tier: RiskTier = strawberry.field(description="LOW, MEDIUM or HIGH.")
    owner: str | None = strawberry.field(default=strawberry.UNSET, description="Team or principal uid.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")


@strawberry.input(description="A model input bound to one exact feature.")
class InputBindingInput:
    input: str = strawberry.field(description="The model's input name.")
    feature: str = strawberry.field(description="Feature uid, e.g. feature:risk/customer_profile@3#age.")
    dtype: str | None = strawberry.field(
        default=strawberry.UNSET, description="The dtype the model was trained with (checked)."
    )


@strawberry.input(description="A model version.")
class ModelVersionInput:
    namespace: str = strawberry.field(description="The model's namespace.")
    name: str = strawberry.field(description="The model's name.")
    version: int = strawberry.field(description="Version number, above every registered one.")
    artifact_uri: str = strawberry.field(description="Where the artifact is stored.")
    framework: str | None = strawberry.field(default=strawberry.UNSET, description="Framework.")
    hyperparameters: JSON | None = strawberry.field(default=strawberry.UNSET, description="name → scalar.")
    random_seed: int | None = strawberry.field(default=strawberry.UNSET, description="Training seed.")
    training_script: CodeRefInput | None = strawberry.field(default=strawberry.UNSET, description="Script.")
    training_run: str | None = strawberry.field(
        default=strawberry.UNSET, description="Uid of an existing training run (or give `run`)."
    )
    inputs: list[InputBindingInput] | None = strawberry.field(default=strawberry.UNSET, description="Inputs.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")


@strawberry.input(description="The training run that produced a model version, recorded with it.")
class TrainingRunInput:
    run_id: str = strawberry.field(description="Run id (e.g. the MLflow run id).")
    params: JSON | None = strawberry.field(default=strawberry.UNSET, description="name → scalar.")
    seed: int | None = strawberry.field(default=strawberry.UNSET, description="Random seed.")
    started_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="Start.")
    ended_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="End.")
    external_ref: str | None = strawberry.field(default=strawberry.UNSET, description="External tracker ref.")
    datasets: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of the dataset snapshots it read."
    )
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")


@strawberry.input(description="An evaluation of a model version.")
class EvaluationInput:
    namespace: str = strawberry.field(description="Namespace (usually the model's).")
    name: str = strawberry.field(description="Name, e.g. credit_default-7-holdout.")
    model_version: str = strawberry.field(description="Uid of the model version evaluated.")
    metrics: JSON = strawberry.field(description="Metric name → number.")
    dataset: str | None = strawberry.field(default=strawberry.UNSET, description="Snapshot uid.")
    baseline: str | None = strawberry.field(default=strawberry.UNSET, description="Baseline evaluation uid.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
    tags: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Labels.")


@strawberry.input(description="Serve a model version in an environment.")
class DeployInput:
    model_version: str = strawberry.field(description="Uid of the model version.")
    environment: str = strawberry.field(description="Uid of the environment, e.g. environment:global/dev.")
    target: str = strawberry.field(description="Where it runs, e.g. k8s-dev.")
    mode: DeploymentMode = strawberry.field(
        default=domain.DeploymentMode.LIVE, description="LIVE, SHADOW, CANARY."
    )
    traffic_percent: float = strawberry.field(default=100.0, description="Share of traffic.")
    serves_from: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Feature-set versions on the serving path (default: the training-time versions).",
    )
    shadows: str | None = strawberry.field(
        default=strawberry.UNSET, description="Live deployment it shadows."
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Deployment name (default <model>-<version>-<env>[-<mode>])."
    )
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Documentation.")
