"""Types of what-if and skew answers: what a proposed schema would break, and where a
deployment serves other feature-set versions than its model version was trained on."""

from __future__ import annotations

from typing import Any

import strawberry

from lineage_graph.api.graphql.catalog_queries import checked
from lineage_graph.api.graphql.errors import Incompatibility, SchemaDiff
from lineage_graph.domain import FeatureInput, validate
from lineage_graph.domain import Incompatibility as DomainIncompatibility
from lineage_graph.services.lineage import skew as skew_service
from lineage_graph.services.lineage import what_if as what_if_service

# --- what-if and skew -----------------------------------------------------------------------


@strawberry.input(description="A feature of a proposed feature-set version.")
class ProposedFeatureInput:
    name: str = strawberry.field(description="Feature name.")
    dtype: str = strawberry.field(description="BOOL, INT32, INT64, FLOAT32, FLOAT64, STRING, ...")
    description: str | None = strawberry.field(default=None, description="Documentation.")


def _incompatibility(i: DomainIncompatibility) -> Incompatibility:
    return Incompatibility(
        input=i.input,
        feature=i.feature,
        reason=str(i.reason),
        expected_dtype=i.expected_dtype,
        actual_dtype=i.actual_dtype,
    )


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

    @classmethod
    def of(cls, w: what_if_service.WhatIf) -> SchemaChangeImpact:
        return cls(
            feature_set=w.feature_set,
            latest_version=w.latest_version,
            diff=SchemaDiff.from_dict(w.diff.to_dict()),
            required_bump=None if w.required_bump is None else w.required_bump.value,
            next_contract=w.next_contract,
            breaking=w.breaking,
            broken=[
                BrokenModelVersion(
                    model_version=b.model_version,
                    status=b.status,
                    incompatibilities=[_incompatibility(i) for i in b.incompatibilities],
                    deployments=[
                        ServingDeployment(uid=d.uid, environment=d.environment) for d in b.deployments
                    ],
                )
                for b in w.broken
            ],
            unaffected=w.unaffected,
        )


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

    @classmethod
    def of(cls, s: skew_service.Skew) -> ServingSkew:
        return cls(
            deployment=s.deployment,
            environment=s.environment,
            model_version=s.model_version,
            training_versions=s.training_versions,
            serving_versions=s.serving_versions,
            skewed=s.skewed,
            differences=[
                VersionDifference(feature_set=d.feature_set, training=d.training, serving=d.serving)
                for d in s.differences
            ],
            compatible=s.compatible,
            incompatibilities=[_incompatibility(i) for i in s.incompatibilities],
        )


def proposed_features(features: list[ProposedFeatureInput]) -> list[FeatureInput]:
    def one(f: ProposedFeatureInput) -> FeatureInput:
        data: dict[str, Any] = {"name": f.name, "dtype": f.dtype}
        if f.description is not None:
            data["description"] = f.description
        return validate(FeatureInput, data)

    return checked(lambda: [one(f) for f in features])
