"""Node types: one GraphQL type per catalog kind, all implementing `Node`.

Each type is built from a service `Entry` (domain record + server-derived properties) by
`to_node`, once; neighbours are resolved through the per-request DataLoaders.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from lineage_graph import domain
from lineage_graph.api.graphql.context import Context
from lineage_graph.api.graphql.enums import (
    Classification,
    DeploymentMode,
    DeploymentStatus,
    RiskTier,
    RunState,
    TransformType,
    VersionStatus,
)
from lineage_graph.domain import DomainModel, Stored
from lineage_graph.services.catalog.queries import AuditRecord, Direction, Entry, Related, RelKey

CtxInfo = Info[Context, None]


# --- value types ---------------------------------------------------------------------------


@strawberry.type(description="A pointer to code: repository, commit and optional path.")
class CodeRef:
    repo: str = strawberry.field(description="Repository URL.")
    commit: str = strawberry.field(description="Commit hash or tag.")
    path: str | None = strawberry.field(description="Path of the file in the repository.")

    @classmethod
    def from_model(cls, ref: domain.CodeRef) -> CodeRef:
        return cls(repo=ref.repo, commit=ref.commit, path=ref.path)


@strawberry.type(description="A column of a data source.")
class SchemaField:
    name: str = strawberry.field(description="Column name.")
    dtype: str = strawberry.field(description="Platform-neutral dtype (see Feature.dtype).")
    description: str = strawberry.field(description="What the column holds.")
    native_type: str | None = strawberry.field(description="The platform's own type name.")

    @classmethod
    def from_model(cls, f: domain.SchemaField) -> SchemaField:
        return cls(name=f.name, dtype=f.dtype.value, description=f.description, native_type=f.native_type)


_NESTED: dict[str, Callable[[Any], Any]] = {
    "schema_fields": SchemaField.from_model,
    "code_ref": CodeRef.from_model,
    "training_script": CodeRef.from_model,
}


def _convert(name: str, value: Any) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], DomainModel):
        return [_NESTED[name](v) for v in value]
    if isinstance(value, DomainModel):
        return _NESTED[name](value)
    if isinstance(value, domain.Dtype):
        return value.value
    return value


# --- loader helpers -------------------------------------------------------------------------


async def _related(
    info: CtxInfo, uid: str, type_: str, direction: Direction = Direction.OUT
) -> list[Related]:
    return await info.context.loaders.related.load(RelKey(uid, type_, direction))


async def _neighbours(
    info: CtxInfo, uid: str, type_: str, direction: Direction = Direction.OUT
) -> list[Node]:
    return [n for r in await _related(info, uid, type_, direction) if (n := maybe_node(r.entry)) is not None]


async def _neighbour(
    info: CtxInfo, uid: str, type_: str, direction: Direction = Direction.OUT
) -> Node | None:
    found = await _neighbours(info, uid, type_, direction)
    return found[0] if found else None


async def _node(info: CtxInfo, uid: str | None) -> Node | None:
    if uid is None:
        return None
    entry = await info.context.loaders.node.load(uid)
    return maybe_node(entry) if entry is not None else None


# --- the Node interface -------------------------------------------------------------------


@strawberry.interface(description="Any catalog entity, addressed by its canonical uid.")
class Node:
    uid: str = strawberry.field(description="Canonical id, e.g. featureset:risk/customer_profile@3.")
    kind: str = strawberry.field(description="The entity's kind, also its Neo4j label (e.g. FeatureSet).")
    namespace: str = strawberry.field(description="Namespace (OpenLineage namespace for sources and jobs).")
    name: str = strawberry.field(description="Name within the namespace.")
    description: str = strawberry.field(description="Free-text documentation.")
    tags: list[str] = strawberry.field(description="Free-form labels.")
    created_at: datetime = strawberry.field(description="When the entity was first stored.")
    created_by: str = strawberry.field(description="Who stored it first.")
    retired_at: datetime | None = strawberry.field(description="When it was retired, if it was.")
    extras: strawberry.Private[Mapping[str, Any]]
    record: strawberry.Private[Stored]

    @classmethod
    def from_entry(cls, entry: Entry) -> Self:
        record = entry.record
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            if f.name == "extras":
                values["extras"] = entry.extras
            elif f.name == "record":
                values["record"] = record
            elif f.name == "kind":
                values["kind"] = record.kind.value
            else:
                values[f.name] = _convert(f.name, getattr(record, f.name, None))
        return cls(**values)

    @strawberry.field(description="The team or principal that owns this entity (OWNED_BY).")
    async def owner(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "OWNED_BY")


# --- data -----------------------------------------------------------------------------------


@strawberry.type(description="A table, file set or topic, named by its OpenLineage dataset.")
class DataSource(Node):
    classification: Classification = strawberry.field(description="PUBLIC, INTERNAL, CONFIDENTIAL or PII.")
    retention_days: int | None = strawberry.field(description="How long its data may be kept.")
    platform: str | None = strawberry.field(description="postgres, snowflake, s3, kafka...")
    schema_fields: list[SchemaField] = strawberry.field(description="Its columns.")

    @strawberry.field(description="Jobs or runs that produce it (PRODUCED_BY).")
    async def produced_by(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "PRODUCED_BY")

    @strawberry.field(description="Jobs, runs and training runs that read it (incoming READS).")
    async def read_by(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "READS", Direction.IN)

    @strawberry.field(description="Its immutable snapshots (incoming SNAPSHOT_OF).")
    async def snapshots(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "SNAPSHOT_OF", Direction.IN)


@strawberry.type(description="An immutable version of a data source (e.g. a training data snapshot).")
class DatasetSnapshot(Node):
    version: str = strawberry.field(description="The snapshot's version id.")
    content_hash: str | None = strawberry.field(description="Hash of its content.")
    row_count: int | None = strawberry.field(description="Number of rows.")
    expires_at: datetime | None = strawberry.field(description="When it must be deleted.")

    @strawberry.field(description="The data source it is a snapshot of (SNAPSHOT_OF).")
    async def source(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "SNAPSHOT_OF")


@strawberry.type(description="A SQL, Spark, Python or dbt job, named by its OpenLineage job.")
class Transform(Node):
    type: TransformType = strawberry.field(description="SQL, SPARK, PYTHON or DBT.")
    code_ref: CodeRef | None = strawberry.field(description="Where its code lives.")
    sql: str | None = strawberry.field(description="Its SQL, when it is a query.")

    @strawberry.field(description="What it reads (READS).")
    async def reads(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "READS")

    @strawberry.field(description="What it produces (incoming PRODUCED_BY).")
    async def writes(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "PRODUCED_BY", Direction.IN)

    @strawberry.field(description="Its runs (incoming RUN_OF).")
    async def runs(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "RUN_OF", Direction.IN)


@strawberry.type(description="One run of a transform.")
class TransformRun(Node):
    run_id: str = strawberry.field(description="The run id (OpenLineage runId).")
    state: RunState = strawberry.field(description="The run's state.")
    started_at: datetime | None = strawberry.field(description="When it started.")
    ended_at: datetime | None = strawberry.field(description="When it ended.")

    @strawberry.field(description="The transform this is a run of (RUN_OF).")
    async def transform(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "RUN_OF")

    @strawberry.field(description="What it read (READS).")
    async def reads(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "READS")

    @strawberry.field(description="What it produced (incoming PRODUCED_BY).")
    async def writes(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "PRODUCED_BY", Direction.IN)


# --- features ---------------------------------------------------------------------------------


@strawberry.type(description="A logical feature group (a Feast feature view); its versions hold the schema.")
class FeatureSet(Node):
    entities: list[str] = strawberry.field(description="Entity join keys.")

    @strawberry.field(description="Its versions, newest first.")
    async def versions(self, info: CtxInfo) -> list[FeatureSetVersion]:
        entries = await info.context.loaders.versions.load(self.uid)
        return [FeatureSetVersion.from_entry(e) for e in entries]

    @strawberry.field(description="Its newest version (highest version number).")
    async def latest(self, info: CtxInfo) -> FeatureSetVersion | None:
        entries = await info.context.loaders.versions.load(self.uid)
        return FeatureSetVersion.from_entry(entries[0]) if entries else None


@strawberry.type(description="A published, immutable version of a feature set.")
class FeatureSetVersion(Node):
    version: int = strawberry.field(description="Version number (grows by publish).")
    contract: str = strawberry.field(description="Semver contract, e.g. 2.1.0.")
    status: VersionStatus = strawberry.field(description="ACTIVE, DEPRECATED or RETIRED.")
    sunset_at: datetime | None = strawberry.field(description="When a deprecated version stops being served.")
    store: str | None = strawberry.field(description="The online/offline store serving it.")

    @strawberry.field(
        description="Contract bump from the previous version: INITIAL, NONE, PATCH, MINOR, MAJOR."
    )
    def bump(self) -> str | None:
        value = self.extras.get("bump")
        return None if value is None else str(value)

    @strawberry.field(description="Schema diff with the previous version.")
    def schema_diff(self) -> JSON | None:
        return self.extras.get("schemaDiff")

    @strawberry.field(description="Its features, in published order.")
    def features(self) -> list[Feature]:
        record = self.record
        assert isinstance(record, domain.FeatureSetVersion)
        return [
            Feature.from_entry(Entry(f, {}))
            for f in record.feature_records(created_at=self.created_at, created_by=self.created_by)
        ]

    @strawberry.field(description="The feature set it is a version of (VERSION_OF).")
    async def feature_set(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "VERSION_OF")

    @strawberry.field(description="The version it supersedes (SUPERSEDES).")
    async def supersedes(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "SUPERSEDES")

    @strawberry.field(description="Its replacement, when deprecated (REPLACED_BY).")
    async def replaced_by(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "REPLACED_BY")

    @strawberry.field(description="The job that produces it (PRODUCED_BY).")
    async def produced_by(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "PRODUCED_BY")

    @strawberry.field(description="Reviewers who approved it (incoming APPROVED).")
    async def approvals(self, info: CtxInfo) -> list[Approval]:
        return [Approval.from_related(r) for r in await _related(info, self.uid, "APPROVED", Direction.IN)]


@strawberry.type(description="Column-level lineage of a feature: a source and the columns it uses.")
class DerivedFrom:
    source: Node = strawberry.field(description="The data source or snapshot.")
    columns: list[str] = strawberry.field(description="The columns used (empty: not recorded).")


@strawberry.type(description="One feature (field) of a feature-set version.")
class Feature(Node):
    feature_set: str = strawberry.field(description="Name of the feature set.")
    version: int = strawberry.field(description="The feature-set version it belongs to.")
    dtype: str = strawberry.field(
        description="One of BOOL, INT32, INT64, FLOAT32, FLOAT64, STRING, BYTES, TIMESTAMP, DATE and "
        "their ARRAY_ forms."
    )

    @strawberry.field(description="The feature-set version defining it (DEFINED_IN).")
    async def feature_set_version(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "DEFINED_IN")

    @strawberry.field(description="Sources it derives from (DERIVED_FROM, with columns).")
    async def derived_from(self, info: CtxInfo) -> list[DerivedFrom]:
        return [
            DerivedFrom(source=to_node(r.entry), columns=list(r.edge.get("columns") or []))
            for r in await _related(info, self.uid, "DERIVED_FROM")
        ]

    @strawberry.field(description="Model versions that consume it (incoming CONSUMES).")
    async def consumed_by(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "CONSUMES", Direction.IN)


# --- models ---------------------------------------------------------------------------------


@strawberry.type(description="A registered model; its versions are the trained artifacts.")
class Model(Node):
    risk_tier: RiskTier = strawberry.field(description="LOW, MEDIUM or HIGH.")

    @strawberry.field(description="Its versions, newest first.")
    async def versions(self, info: CtxInfo) -> list[ModelVersion]:
        entries = await info.context.loaders.versions.load(self.uid)
        return [ModelVersion.from_entry(e) for e in entries]

    @strawberry.field(description="Its newest version (highest version number).")
    async def latest(self, info: CtxInfo) -> ModelVersion | None:
        entries = await info.context.loaders.versions.load(self.uid)
        return ModelVersion.from_entry(entries[0]) if entries else None


@strawberry.type(description="A model input bound to one exact feature (CONSUMES).")
class InputBinding:
    input: str = strawberry.field(description="The model's input name.")
    dtype: str | None = strawberry.field(description="The feature's dtype at training time.")
    feature: Node = strawberry.field(description="The feature it reads.")


@strawberry.type(description="An approval of a model version, feature-set version or deployment.")
class Approval:
    reviewer: Node = strawberry.field(description="The approving principal.")
    comment: str = strawberry.field(description="The reviewer's comment.")
    at: datetime = strawberry.field(description="When it was approved.")

    @classmethod
    def from_related(cls, related: Related) -> Approval:
        return cls(
            reviewer=to_node(related.entry),
            comment=str(related.edge.get("comment", "")),
            at=related.edge["createdAt"],
        )


@strawberry.type(description="An immutable trained model version.")
class ModelVersion(Node):
    version: int = strawberry.field(description="Version number.")
    artifact_uri: str = strawberry.field(description="Where the artifact is stored.")
    framework: str | None = strawberry.field(description="xgboost, pytorch, sklearn...")
    hyperparameters: JSON = strawberry.field(description="Hyperparameters (name → scalar).")
    random_seed: int | None = strawberry.field(description="The training seed.")
    training_script: CodeRef | None = strawberry.field(description="The training script.")
    status: VersionStatus = strawberry.field(description="ACTIVE, DEPRECATED or RETIRED.")

    @strawberry.field(description="When a deprecated version stops being served.")
    def sunset_at(self) -> datetime | None:
        value = self.extras.get("sunsetAt")
        return value if isinstance(value, datetime) else None

    @strawberry.field(description="Its inputs, each bound to one feature (CONSUMES).")
    async def inputs(self, info: CtxInfo) -> list[InputBinding]:
        return [
            InputBinding(input=str(r.edge.get("input")), dtype=r.edge.get("dtype"), feature=to_node(r.entry))
            for r in sorted(
                await _related(info, self.uid, "CONSUMES"), key=lambda r: str(r.edge.get("input"))
            )
        ]

    @strawberry.field(description="The model it is a version of (VERSION_OF).")
    async def model(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "VERSION_OF")

    @strawberry.field(description="The training run that produced it (PRODUCED_BY).")
    async def training_run(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "PRODUCED_BY")

    @strawberry.field(description="The version it supersedes (SUPERSEDES).")
    async def supersedes(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "SUPERSEDES")

    @strawberry.field(description="Its replacement, when deprecated (REPLACED_BY).")
    async def replaced_by(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "REPLACED_BY")

    @strawberry.field(description="Evaluations of it (incoming EVALUATES).")
    async def evaluations(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "EVALUATES", Direction.IN)

    @strawberry.field(description="Deployments serving it (incoming SERVES).")
    async def deployments(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "SERVES", Direction.IN)

    @strawberry.field(description="Reviewers who approved it (incoming APPROVED).")
    async def approvals(self, info: CtxInfo) -> list[Approval]:
        return [Approval.from_related(r) for r in await _related(info, self.uid, "APPROVED", Direction.IN)]


@strawberry.type(description="The run that trained a model version.")
class TrainingRun(Node):
    run_id: str = strawberry.field(description="The run id (e.g. the MLflow run id).")
    params: JSON = strawberry.field(description="Run parameters (name → scalar).")
    seed: int | None = strawberry.field(description="The random seed.")
    started_at: datetime | None = strawberry.field(description="When it started.")
    ended_at: datetime | None = strawberry.field(description="When it ended.")
    external_ref: str | None = strawberry.field(description="Reference in an external tracker.")

    @strawberry.field(description="Dataset snapshots it read (READS).")
    async def datasets(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "READS")

    @strawberry.field(description="Features it used (USES).")
    async def features(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "USES")

    @strawberry.field(description="Model versions it produced (incoming PRODUCED_BY).")
    async def produced(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "PRODUCED_BY", Direction.IN)


@strawberry.type(
    description="Metrics of a model version on a dataset snapshot, optionally against a baseline."
)
class Evaluation(Node):
    metrics: JSON = strawberry.field(description="Metric name → value.")
    model_version_uid: strawberry.Private[str]
    dataset_uid: strawberry.Private[str | None]
    baseline_uid: strawberry.Private[str | None]

    @classmethod
    def from_entry(cls, entry: Entry) -> Self:
        record = entry.record
        assert isinstance(record, domain.Evaluation)
        return cls(
            uid=record.uid,
            kind=record.kind.value,
            namespace=record.namespace,
            name=record.name,
            description=record.description,
            tags=list(record.tags),
            created_at=record.created_at,
            created_by=record.created_by,
            retired_at=record.retired_at,
            extras=entry.extras,
            record=record,
            metrics=JSON(dict(record.metrics)),
            model_version_uid=record.model_version,
            dataset_uid=record.dataset,
            baseline_uid=record.baseline,
        )

    @strawberry.field(description="The model version evaluated (EVALUATES).")
    async def model_version(self, info: CtxInfo) -> Node | None:
        return await _node(info, self.model_version_uid)

    @strawberry.field(description="The dataset snapshot it was measured on (ON).")
    async def dataset(self, info: CtxInfo) -> Node | None:
        return await _node(info, self.dataset_uid)

    @strawberry.field(description="The evaluation it is compared against (BASELINE).")
    async def baseline(self, info: CtxInfo) -> Node | None:
        return await _node(info, self.baseline_uid)


# --- serving ----------------------------------------------------------------------------------


@strawberry.type(description="A deployment environment; promotion follows `order` (dev → staging → prod).")
class Environment(Node):
    order: int = strawberry.field(description="Position in the promotion order.")
    approved_targets: list[str] = strawberry.field(description="Targets deployments here may use.")

    @strawberry.field(description="Deployments in this environment (incoming IN_ENV).")
    async def deployments(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "IN_ENV", Direction.IN)


@strawberry.type(description="A model version served in an environment.")
class Deployment(Node):
    mode: DeploymentMode = strawberry.field(description="LIVE, SHADOW or CANARY.")
    traffic_percent: float = strawberry.field(description="Share of traffic it takes.")
    target: str = strawberry.field(description="Where it runs (k8s-prod, sagemaker-prod...).")
    status: DeploymentStatus = strawberry.field(description="PENDING, ACTIVE, STOPPED or FAILED.")
    started_at: datetime | None = strawberry.field(description="When it started serving.")
    model_version_uid: strawberry.Private[str]
    environment_uid: strawberry.Private[str]
    shadows_uid: strawberry.Private[str | None]

    @classmethod
    def from_entry(cls, entry: Entry) -> Self:
        record = entry.record
        assert isinstance(record, domain.Deployment)
        return cls(
            uid=record.uid,
            kind=record.kind.value,
            namespace=record.namespace,
            name=record.name,
            description=record.description,
            tags=list(record.tags),
            created_at=record.created_at,
            created_by=record.created_by,
            retired_at=record.retired_at,
            extras=entry.extras,
            record=record,
            mode=record.mode,
            traffic_percent=record.traffic_percent,
            target=record.target,
            status=record.status,
            started_at=record.started_at,
            model_version_uid=record.model_version,
            environment_uid=record.environment,
            shadows_uid=record.shadows,
        )

    @strawberry.field(description="The model version it serves (SERVES).")
    async def model_version(self, info: CtxInfo) -> Node | None:
        return await _node(info, self.model_version_uid)

    @strawberry.field(description="Its environment (IN_ENV).")
    async def environment(self, info: CtxInfo) -> Node | None:
        return await _node(info, self.environment_uid)

    @strawberry.field(description="Feature-set versions on its serving path (SERVES_FROM).")
    async def serves_from(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "SERVES_FROM")

    @strawberry.field(description="The live deployment this shadow compares against (SHADOWS).")
    async def shadows(self, info: CtxInfo) -> Node | None:
        return await _node(info, self.shadows_uid)

    @strawberry.field(description="Shadow deployments comparing against this one (incoming SHADOWS).")
    async def shadowed_by(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "SHADOWS", Direction.IN)

    @strawberry.field(description="The deployment it was promoted to (PROMOTED_TO).")
    async def promoted_to(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "PROMOTED_TO")

    @strawberry.field(description="The deployment it was promoted from (incoming PROMOTED_TO).")
    async def promoted_from(self, info: CtxInfo) -> Node | None:
        return await _neighbour(info, self.uid, "PROMOTED_TO", Direction.IN)

    @strawberry.field(description="Reviewers who approved it (incoming APPROVED).")
    async def approvals(self, info: CtxInfo) -> list[Approval]:
        return [Approval.from_related(r) for r in await _related(info, self.uid, "APPROVED", Direction.IN)]


# --- owners -----------------------------------------------------------------------------------


@strawberry.type(description="A team that owns entities.")
class Team(Node):
    roles: list[str] = strawberry.field(description="Its roles.")

    @strawberry.field(description="What it owns (incoming OWNED_BY).")
    async def owns(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "OWNED_BY", Direction.IN)


@strawberry.type(description="A person or service account: an owner, author or reviewer.")
class Principal(Node):
    roles: list[str] = strawberry.field(description="Its roles.")

    @strawberry.field(description="What it owns (incoming OWNED_BY).")
    async def owns(self, info: CtxInfo) -> list[Node]:
        return await _neighbours(info, self.uid, "OWNED_BY", Direction.IN)


# --- audit ----------------------------------------------------------------------------------


@strawberry.type(description="An append-only record of one change, chained to the previous one by hash.")
class AuditEvent:
    uid: str = strawberry.field(description="auditevent:global/<seq>.")
    seq: int = strawberry.field(description="Position in the chain (1, 2, ...).")
    action: str = strawberry.field(description="The mutation, e.g. publishFeatureSetVersion.")
    actor: str = strawberry.field(description="Who made the change.")
    at: datetime = strawberry.field(description="When.")
    entity_uid: str = strawberry.field(description="The entity changed.")
    before: JSON | None = strawberry.field(description="Its state before (null when created).")
    after: JSON | None = strawberry.field(description="Its state after.")
    prev_hash: str = strawberry.field(description="Hash of the previous event ('' for the first).")
    hash: str = strawberry.field(description="SHA-256 of this event's canonical JSON.")

    @classmethod
    def from_record(cls, event: AuditRecord) -> AuditEvent:
        return cls(
            uid=event.uid,
            seq=event.seq,
            action=event.action,
            actor=event.actor,
            at=event.at,
            entity_uid=event.entity_uid,
            before=event.before,
            after=event.after,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )


NODE_TYPES: dict[type[Stored], type[Node]] = {
    domain.DataSource: DataSource,
    domain.DatasetSnapshot: DatasetSnapshot,
    domain.Transform: Transform,
    domain.TransformRun: TransformRun,
    domain.FeatureSet: FeatureSet,
    domain.FeatureSetVersion: FeatureSetVersion,
    domain.Feature: Feature,
    domain.Model: Model,
    domain.ModelVersion: ModelVersion,
    domain.TrainingRun: TrainingRun,
    domain.Evaluation: Evaluation,
    domain.Environment: Environment,
    domain.Deployment: Deployment,
    domain.Team: Team,
    domain.Principal: Principal,
}
ALL_NODE_TYPES = tuple(NODE_TYPES.values())


def to_node(entry: Entry) -> Node:
    """The GraphQL type of a catalog entry."""
    return NODE_TYPES[type(entry.record)].from_entry(entry)


def maybe_node(entry: Entry) -> Node | None:
    """The GraphQL type of an entry, or None for kinds this API does not expose (yet)."""
    node_type = NODE_TYPES.get(type(entry.record))
    return node_type.from_entry(entry) if node_type is not None else None


def record_node(record: Stored, extras: Mapping[str, Any] | None = None) -> Node:
    return to_node(Entry(record, extras or {}))
