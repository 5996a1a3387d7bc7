"""Mutation input types, generated from the domain ``*Input`` models, and their translation back.

Each type takes its fields from a domain model (`from_domain.input_type`, whose ``first`` keeps
the schema's field order); its class body only holds what the API adds: fields the domain model
does not have (``reads``, ``writes``..., handed to the service beside the model) or declares
otherwise (``DeployInput.name``, optional here). Uids, names and dtypes are plain strings on
purpose: the domain layer validates them and reports a
specific code (INVALID_UID, UNKNOWN_KIND, EMPTY_NAME, INVALID_DTYPE...) in an `InvalidInput`
refusal rather than a generic GraphQL validation error.
"""

from __future__ import annotations

import dataclasses
import functools
from enum import Enum
from typing import Any, TypeVar

import strawberry
from pydantic.alias_generators import to_camel

from lineage_graph import domain
from lineage_graph.api.graphql import enums as _enums  # noqa: F401  (registers the enums first)
from lineage_graph.api.graphql.from_domain import input_type
from lineage_graph.domain import InvalidInput, validate

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


_DOCS = ("description", "tags")
"""The documentation fields of a node input, which most inputs list after their own."""


@input_type(domain.SchemaField, name="SchemaFieldInput", description="A column of a data source.")
class SchemaFieldInput:
    pass


@input_type(
    domain.DataSourceInput,
    description="A data source, named by its OpenLineage dataset (namespace, name).",
)
class DataSourceInput:
    pass


@input_type(
    domain.DatasetSnapshotInput,
    description="An immutable snapshot of a registered data source.",
    first=("namespace", "name", "version", "content_hash", "row_count", "expires_at"),
)
class DatasetSnapshotInput:
    pass


@input_type(domain.CodeRef, name="CodeRefInput", description="A pointer to code.")
class CodeRefInput:
    pass


@input_type(
    domain.TransformInput,
    description="A job, named by its OpenLineage job (namespace, name), with what it reads and writes.",
    first=("namespace", "name", "type", "code_ref", "sql", *_DOCS),
)
class TransformInput:
    reads: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of sources, snapshots or feature-set versions it reads."
    )
    writes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of what it produces."
    )


@input_type(
    domain.TransformRunInput,
    description="One run of a registered transform.",
    first=("namespace", "name", "run_id", "state", "started_at", "ended_at", *_DOCS),
)
class TransformRunInput:
    reads: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Uids it read.")
    writes: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Uids it produced.")


@input_type(
    domain.FeatureSetInput,
    description="A logical feature group.",
    first=("namespace", "name", "entities", "owner"),
)
class FeatureSetInput:
    pass


@strawberry.input(description="Column-level lineage: a source uid and the columns used.")
class ColumnSourceInput:
    source: str = strawberry.field(description="Uid of a data source or snapshot.")
    columns: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Columns used.")


@input_type(domain.FeatureInput, description="One feature of a version.")
class FeatureInput:
    derived_from: list[ColumnSourceInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Its own sources (overrides the version's `sources`)."
    )


@input_type(
    domain.FeatureSetVersionInput,
    description="A feature-set version to publish.",
    first=("namespace", "name", "version", "contract", "features", "store", *_DOCS),
    exclude=("status", "sunset_at"),
)
class FeatureSetVersionInput:
    produced_by: str | None = strawberry.field(
        default=strawberry.UNSET, description="Uid of the transform or run producing it."
    )
    sources: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of the sources every feature derives from."
    )


@input_type(
    domain.ModelInput,
    description="A registered model.",
    first=("namespace", "name", "risk_tier", "owner"),
)
class ModelInput:
    pass


@input_type(
    domain.InputBinding, name="InputBindingInput", description="A model input bound to one exact feature."
)
class InputBindingInput:
    dtype: str | None = strawberry.field(
        default=strawberry.UNSET, description="The dtype the model was trained with (checked)."
    )


@input_type(
    domain.ModelVersionInput,
    description="A model version.",
    first=(
        "namespace",
        "name",
        "version",
        "artifact_uri",
        "framework",
        "hyperparameters",
        "random_seed",
        "training_script",
        "training_run",
        "inputs",
    ),
    exclude=("status",),
)
class ModelVersionInput:
    pass


@input_type(
    domain.TrainingRunInput,
    description="The training run that produced a model version, recorded with it.",
    first=("run_id", "params", "seed", "started_at", "ended_at", "external_ref", "datasets"),
    exclude=("namespace", "name", "tags"),
)
class TrainingRunInput:
    datasets: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Uids of the dataset snapshots it read."
    )


@input_type(
    domain.EvaluationInput,
    description="An evaluation of a model version.",
    first=("namespace", "name", "model_version", "metrics", "dataset", "baseline"),
)
class EvaluationInput:
    pass


@input_type(
    domain.DeploymentInput,
    name="DeployInput",
    description="Serve a model version in an environment.",
    first=(
        "model_version",
        "environment",
        "target",
        "mode",
        "traffic_percent",
        "serves_from",
        "shadows",
        "name",
    ),
    exclude=("namespace", "tags", "status", "started_at"),
    defaults=("mode", "traffic_percent"),
)
class DeployInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Deployment name (default <model>-<version>-<env>[-<mode>])."
    )
