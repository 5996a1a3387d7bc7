"""Types of what-if and skew answers: what a proposed schema would break, and where a
deployment serves other feature-set versions than its model version was trained on.

The services' answers (`what_if.WhatIf`, `skew.Skew`) are returned as they are: these types
read them by attribute, field for field."""

from __future__ import annotations

from typing import Any

import strawberry

from lineage_graph.api.graphql.catalog_queries import checked
from lineage_graph.api.graphql.errors import Incompatibility, SchemaDiff
from lineage_graph.domain import FeatureInput, validate

# --- what-if and skew -----------------------------------------------------------------------


@strawberry.input(description="A feature of a proposed feature-set version.")
class ProposedFeatureInput:
    name: str = strawberry.field(description="Feature name.")
    dtype: str = strawberry.field(description="BOOL, INT32, INT64, FLOAT32, FLOAT64, STRING, ...")
    description: str | None = strawberry.field(default=None, description="Documentation.")


@strawberry.type(description="A deployment serving a model version.")
class ServingDeployment:
    uid: str = strawberry.field(description="Deployment uid.")
    environment: str | None = strawberry.field(description="Its environment.")


@strawberry.type(description="A model version the proposed schema would break.")
class BrokenModelVersion:
    model_version: str = strawberry.field(description="The model version.")
    status: str | None = strawberry.field(description="Its status.")
    incompatibilities: list[Incompatibility] = strawberry.field(
        description="Inputs it would lose (MISSING_FEATURE) or see change dtype (DTYPE_MISMATCH)."
    )
    deployments: list[ServingDeployment] = strawberry.field(description="Deployments serving it now.")


@strawberry.type(description="What publishing a proposed schema as a new feature-set version would break.")
class SchemaChangeImpact:
    feature_set: str = strawberry.field(description="The feature set.")
    latest_version: str | None = strawberry.field(description="Its latest version, the diff's base.")
    diff: SchemaDiff = strawberry.field(description="The proposed schema against the latest version.")
    required_bump: str | None = strawberry.field(description="MAJOR, MINOR, PATCH or NONE.")
    next_contract: str | None = strawberry.field(description="The contract the new version must declare.")
    breaking: bool = strawberry.field(
        description="True when it breaks a model version or needs a MAJOR bump."
    )
    broken: list[BrokenModelVersion] = strawberry.field(description="Model versions that would break.")
    unaffected: list[str] = strawberry.field(description="Consuming model versions it would serve unchanged.")


@strawberry.type(description="A feature set whose training and serving versions differ.")
class VersionDifference:
    feature_set: str = strawberry.field(description="The feature set.")
    training: list[str] = strawberry.field(description="Versions the model version was trained on.")
    serving: list[str] = strawberry.field(description="Versions the deployment serves from.")


@strawberry.type(description="A deployment's serving path compared with its model version's training inputs.")
class ServingSkew:
    deployment: str = strawberry.field(description="The deployment.")
    environment: str | None = strawberry.field(description="Its environment.")
    model_version: str = strawberry.field(description="The model version it serves.")
    training_versions: list[str] = strawberry.field(description="Feature-set versions trained on.")
    serving_versions: list[str] = strawberry.field(description="Feature-set versions served from.")
    skewed: bool = strawberry.field(description="True when the two differ for some feature set.")
    differences: list[VersionDifference] = strawberry.field(description="Where they differ.")
    compatible: bool = strawberry.field(description="False when some input cannot be served as trained.")
    incompatibilities: list[Incompatibility] = strawberry.field(description="The inputs flagged.")


def proposed_features(features: list[ProposedFeatureInput]) -> list[FeatureInput]:
    def one(f: ProposedFeatureInput) -> FeatureInput:
        data: dict[str, Any] = {"name": f.name, "dtype": f.dtype}
        if f.description is not None:
            data["description"] = f.description
        return validate(FeatureInput, data)

    return checked(lambda: [one(f) for f in features])
