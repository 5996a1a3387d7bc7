"""Lineage queries: lineage, impact, column impact, reproduction, schema what-if, serving skew.

Each field calls one service of `lineage_graph.services` (lineage, impact, reproduction, what_if,
skew) and maps its answer to GraphQL types here, once. Nodes reached by a walk carry only what the
walk read (uid, kind, distance); their full entity is the ``node`` field, resolved through the
request's node DataLoader, so asking for it costs one more round trip whatever the list size.
Invalid arguments (malformed uid, depth out of range, unknown kind, bad dtype) and unknown uids are
GraphQL errors whose ``extensions.code`` is the domain error code (INVALID_VALUE, NOT_FOUND...).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import strawberry
from strawberry.scalars import JSON

from lineage_graph.api.graphql.catalog_queries import checked, guarded
from lineage_graph.api.graphql.errors import Incompatibility, SchemaDiff
from lineage_graph.api.graphql.nodes import CodeRef, CtxInfo, Node, maybe_node
from lineage_graph.domain import DomainError, FeatureInput, Uid, validate
from lineage_graph.domain import Incompatibility as DomainIncompatibility
from lineage_graph.services.lineage import impact as impact_service
from lineage_graph.services.lineage import reproduction as repro
from lineage_graph.services.lineage import skew as skew_service
from lineage_graph.services.lineage import walks as lineage_service
from lineage_graph.services.lineage import what_if as what_if_service
from lineage_graph.services.lineage.impact import ImpactService
from lineage_graph.services.lineage.reproduction import ReproductionService
from lineage_graph.services.lineage.skew import SkewService
from lineage_graph.services.lineage.walks import MAX_DEPTH, Direction, LineageService, Truncation
from lineage_graph.services.lineage.what_if import WhatIfService

strawberry.enum(
    Direction,
    name="LineageDirection",
    description="UPSTREAM: what a node depends on; DOWNSTREAM: what depends on it; BOTH: the union.",
)
strawberry.enum(
    Truncation,
    name="TruncationReason",
    description="Why an answer stopped early: its DEADLINE passed, or it reached the NODE_LIMIT (10,000).",
)


@lru_cache(maxsize=65_536)
def _names(uid: str) -> tuple[str, str]:
    try:
        parsed = Uid.parse(uid)
    except DomainError:
        return "", uid
    return parsed.namespace, parsed.name


async def _entity(info: CtxInfo, uid: str) -> Node | None:
    entry = await info.context.loaders.node.load(uid)
    return maybe_node(entry) if entry is not None else None


def _seconds(timeout_ms: int | None) -> float | None:
    return None if timeout_ms is None else timeout_ms / 1000


# --- lineage --------------------------------------------------------------------------------


@strawberry.type(description="A node reached by a lineage walk.")
class LineageNode:
    uid: str = strawberry.field(description="Canonical uid.")
    kind: str = strawberry.field(description="Its kind (Neo4j label).")
    distance: int = strawberry.field(description="Fewest lineage edges from the root (0 for the root).")
    direction: Direction | None = strawberry.field(
        description="How it is reached from the root (null for the root; BOTH when reached both ways)."
    )

    @strawberry.field(description="Namespace, read from the uid.")
    def namespace(self) -> str:
        return _names(self.uid)[0]

    @strawberry.field(description="Name, read from the uid.")
    def name(self) -> str:
        return _names(self.uid)[1]

    @strawberry.field(description="The entity itself, with every field of its type (batched).")
    async def node(self, info: CtxInfo) -> Node | None:
        return await _entity(info, self.uid)

    @classmethod
    def of(cls, n: lineage_service.LineageNode) -> LineageNode:
        return cls(uid=n.uid, kind=n.kind, distance=n.distance, direction=n.direction)


@strawberry.type(description="A lineage edge: `from` depends on `to`.")
class LineageEdge:
    from_: str = strawberry.field(name="from", description="The dependent.")
    to: str = strawberry.field(description="What it depends on.")
    type: str = strawberry.field(description="READS, PRODUCED_BY, DERIVED_FROM, CONSUMES, SERVES...")


@strawberry.type(
    description="A lineage walk: the nodes reached, each once at its smallest distance, and the edges "
    "walked (from the root and from every node nearer than `depth`) between them."
)
class LineageGraph:
    root: LineageNode = strawberry.field(description="The node the walk started from.")
    direction: Direction = strawberry.field(description="The direction walked.")
    depth: int = strawberry.field(description="The largest distance asked for.")
    as_of: datetime | None = strawberry.field(description="The time the graph was seen at (null: now).")
    nodes: list[LineageNode] = strawberry.field(description="The root first, then the others nearest first.")
    edges: list[LineageEdge] = strawberry.field(description="The edges walked between returned nodes.")
    truncated: bool = strawberry.field(
        description="True when the walk stopped early (deadline or node limit): `nodes` is what it found."
    )
    truncated_reason: Truncation | None = strawberry.field(description="Why it stopped early.")


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
    path_count: int = strawberry.field(
        description="Distinct paths (no node twice, at most `depth` edges) from the changed node to it "
        "(capped at 2,147,483,647)."
    )
    path_count_exact: bool = strawberry.field(
        description="False when `pathCount` is only a lower bound (cyclic graph past the counting "
        "budget, count past the cap, or a truncated walk)."
    )
    affected: strawberry.Private[impact_service.Affected]

    @strawberry.field(description="One shortest path from the changed node to it, both included.")
    def shortest_path(self) -> list[PathStep]:
        return [PathStep(uid=s.uid, kind=s.kind, via=s.via) for s in self.affected.shortest_path]

    @strawberry.field(description="The entity itself (batched).")
    async def node(self, info: CtxInfo) -> Node | None:
        return await _entity(info, self.uid)

    @classmethod
    def of(cls, a: impact_service.Affected) -> AffectedNode:
        capped = min(a.path_count, 2**31 - 1)
        return cls(
            uid=a.uid,
            kind=a.kind,
            distance=a.distance,
            path_count=capped,
            path_count_exact=a.path_count_exact and capped == a.path_count,
            affected=a,
        )


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
    truncated_reason: Truncation | None = strawberry.field(description="Why it stopped early.")

    @classmethod
    def of(cls, i: impact_service.Impact) -> Impact:
        def nodes(items: list[impact_service.Affected]) -> list[AffectedNode]:
            return [AffectedNode.of(a) for a in items]

        return cls(
            root=i.root,
            root_kind=i.root_kind,
            depth=i.depth,
            as_of=i.as_of,
            feature_set_versions=nodes(i.feature_set_versions),
            model_versions=nodes(i.model_versions),
            deployments=[
                EnvironmentImpact(environment=e.environment, order=e.order, deployments=nodes(e.deployments))
                for e in i.deployments
            ],
            owners=[
                OwnerToNotify(uid=o.uid, kind=o.kind, name=o.name, entities=nodes(o.entities))
                for o in i.owners
            ],
            counts=[KindCount(kind=c.kind, count=c.count) for c in i.counts],
            affected=i.affected,
            truncated=i.truncated,
            truncated_reason=i.truncation,
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
    unrecorded_features: list[str] = strawberry.field(
        description="Features derived from the source whose lineage records no column: they may be affected."
    )


# --- reproduction ---------------------------------------------------------------------------


@strawberry.type(description="The run that trained the model version.")
class ReproductionRun:
    uid: str = strawberry.field(description="Training run uid.")
    run_id: str | None = strawberry.field(description="Run id (e.g. MLflow's).")
    seed: int | None = strawberry.field(description="Its random seed.")
    params: JSON = strawberry.field(description="Its parameters.")
    external_ref: str | None = strawberry.field(description="Reference in an external tracker.")
    started_at: datetime | None = strawberry.field(description="Start.")
    ended_at: datetime | None = strawberry.field(description="End.")


@strawberry.type(description="The job producing a feature-set version, and its code.")
class ReproductionJob:
    uid: str = strawberry.field(description="Transform or transform run uid.")
    kind: str = strawberry.field(description="Transform or TransformRun.")
    type: str | None = strawberry.field(description="SQL, SPARK, PYTHON or DBT.")
    code_ref: CodeRef | None = strawberry.field(description="Where its code lives (repo, commit, path).")
    sql: str | None = strawberry.field(description="Its SQL, when it is a query.")


@strawberry.type(description="An exact feature-set version the model version reads.")
class ReproductionFeatureVersion:
    uid: str = strawberry.field(description="Feature-set version uid.")
    contract: str | None = strawberry.field(description="Its semver contract.")
    status: str | None = strawberry.field(description="ACTIVE, DEPRECATED or RETIRED.")
    job: ReproductionJob | None = strawberry.field(description="The job producing it.")


@strawberry.type(description="A model input and the exact feature it was trained on.")
class ReproductionInput:
    input: str = strawberry.field(description="The model input.")
    feature: str = strawberry.field(description="The exact feature uid.")
    dtype: str | None = strawberry.field(description="Its dtype at training time.")
    feature_set_version: str | None = strawberry.field(description="The feature-set version defining it.")


@strawberry.type(description="A dataset snapshot the training read.")
class ReproductionDataset:
    uid: str = strawberry.field(description="Snapshot uid.")
    source: str | None = strawberry.field(description="The data source it is a snapshot of.")
    version: str | None = strawberry.field(description="Snapshot version.")
    content_hash: str | None = strawberry.field(description="Hash of its content.")
    row_count: int | None = strawberry.field(description="Rows.")


@strawberry.type(description="An evaluation of the model version and its baseline.")
class ReproductionEvaluation:
    uid: str = strawberry.field(description="Evaluation uid.")
    metrics: JSON = strawberry.field(description="Metric name → value.")
    dataset: str | None = strawberry.field(description="The snapshot it was measured on.")
    baseline: str | None = strawberry.field(description="The baseline evaluation.")
    baseline_metrics: JSON | None = strawberry.field(description="The baseline's metrics.")


@strawberry.type(description="What the manifest of a deployment adds: where and from what it serves.")
class ReproductionDeployment:
    uid: str = strawberry.field(description="Deployment uid.")
    environment: str | None = strawberry.field(description="Its environment.")
    serves_from: list[str] = strawberry.field(description="Feature-set versions on its serving path.")


@strawberry.type(description="Something a reproduction needs that is not recorded.")
class MissingItem:
    code: str = strawberry.field(
        description="LINEAGE_* (the lineage policy's codes) or REPRODUCTION_MISSING_TRANSFORM[_CODE]."
    )
    item: str = strawberry.field(description="What is missing: a field name or a feature-set version uid.")
    message: str = strawberry.field(description="Explanation.")


@strawberry.type(
    description="Everything needed to reproduce a model version (or the one a deployment serves)."
)
class ReproductionManifest:
    subject: str = strawberry.field(description="The model version or deployment asked about.")
    subject_kind: str = strawberry.field(description="ModelVersion or Deployment.")
    model_version: str = strawberry.field(description="The model version.")
    artifact_uri: str | None = strawberry.field(description="Where its artifact is.")
    framework: str | None = strawberry.field(description="Its framework.")
    hyperparameters: JSON = strawberry.field(description="Its hyperparameters.")
    seed: int | None = strawberry.field(description="The training seed (the version's, else the run's).")
    training_script: CodeRef | None = strawberry.field(
        description="The training script (repo, commit, path)."
    )
    training_run: ReproductionRun | None = strawberry.field(description="The training run.")
    inputs: list[ReproductionInput] = strawberry.field(description="Each input and its exact feature.")
    feature_set_versions: list[ReproductionFeatureVersion] = strawberry.field(
        description="The exact feature-set versions read, with their producing jobs' code."
    )
    datasets: list[ReproductionDataset] = strawberry.field(description="The training dataset snapshots.")
    evaluations: list[ReproductionEvaluation] = strawberry.field(description="Evaluations and baselines.")
    deployment: ReproductionDeployment | None = strawberry.field(
        description="For a deployment: its serving path."
    )
    complete: bool = strawberry.field(description="True when nothing is missing.")
    missing: list[MissingItem] = strawberry.field(description="What is missing.")

    @classmethod
    def of(cls, m: repro.Manifest) -> ReproductionManifest:
        def code(ref: repro.CodeRef | None) -> CodeRef | None:
            return None if ref is None else CodeRef(repo=ref.repo, commit=ref.commit, path=ref.path)

        run = m.training_run
        return cls(
            subject=m.subject,
            subject_kind=m.subject_kind,
            model_version=m.model_version,
            artifact_uri=m.artifact_uri,
            framework=m.framework,
            hyperparameters=JSON(m.hyperparameters),
            seed=m.seed,
            training_script=code(m.training_script),
            training_run=None
            if run is None
            else ReproductionRun(
                uid=run.uid,
                run_id=run.run_id,
                seed=run.seed,
                params=JSON(run.params),
                external_ref=run.external_ref,
                started_at=run.started_at,
                ended_at=run.ended_at,
            ),
            inputs=[
                ReproductionInput(
                    input=i.input, feature=i.feature, dtype=i.dtype, feature_set_version=i.feature_set_version
                )
                for i in m.inputs
            ],
            feature_set_versions=[
                ReproductionFeatureVersion(
                    uid=v.uid,
                    contract=v.contract,
                    status=v.status,
                    job=None
                    if v.job is None
                    else ReproductionJob(
                        uid=v.job.uid,
                        kind=v.job.kind,
                        type=v.job.type,
                        code_ref=code(v.job.code_ref),
                        sql=v.job.sql,
                    ),
                )
                for v in m.feature_set_versions
            ],
            datasets=[
                ReproductionDataset(
                    uid=d.uid,
                    source=d.source,
                    version=d.version,
                    content_hash=d.content_hash,
                    row_count=d.row_count,
                )
                for d in m.datasets
            ],
            evaluations=[
                ReproductionEvaluation(
                    uid=e.uid,
                    metrics=JSON(e.metrics),
                    dataset=e.dataset,
                    baseline=e.baseline,
                    baseline_metrics=None if e.baseline_metrics is None else JSON(e.baseline_metrics),
                )
                for e in m.evaluations
            ],
            deployment=None
            if m.deployment is None
            else ReproductionDeployment(
                uid=m.deployment.uid,
                environment=m.deployment.environment,
                serves_from=m.deployment.serves_from,
            ),
            complete=m.complete,
            missing=[MissingItem(code=x.code, item=x.item, message=x.message) for x in m.missing],
        )


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


def _features(features: list[ProposedFeatureInput]) -> list[FeatureInput]:
    def one(f: ProposedFeatureInput) -> FeatureInput:
        data: dict[str, Any] = {"name": f.name, "dtype": f.dtype}
        if f.description is not None:
            data["description"] = f.description
        return validate(FeatureInput, data)

    return checked(lambda: [one(f) for f in features])


@strawberry.type
class LineageQuery:
    @strawberry.field(
        description="The lineage of a node: what it depends on (UPSTREAM), what depends on it "
        f"(DOWNSTREAM) or both, up to `depth` edges (1..{MAX_DEPTH}); `kinds` keeps only nodes of those "
        "kinds; `asOf` shows the lineage as it stood then; past `timeoutMs` (default 10,000) the "
        "answer is what was found, with `truncated: true`."
    )
    async def lineage(
        self,
        info: CtxInfo,
        uid: str,
        direction: Direction = Direction.BOTH,
        depth: int = 5,
        kinds: list[str] | None = None,
        as_of: datetime | None = None,
        timeout_ms: int | None = None,
    ) -> LineageGraph:
        found = await guarded(
            LineageService(info.context.runtime.graph).lineage(
                uid, direction, depth, kinds, as_of, _seconds(timeout_ms)
            )
        )
        return LineageGraph(
            root=LineageNode.of(found.root),
            direction=found.direction,
            depth=found.depth,
            as_of=found.as_of,
            nodes=[LineageNode.of(n) for n in found.nodes],
            edges=[LineageEdge(from_=e.source, to=e.target, type=e.type) for e in found.edges],
            truncated=found.truncated,
            truncated_reason=found.truncation,
        )

    @strawberry.field(
        description="What a change to `uid` affects downstream, up to `depth` edges: feature-set "
        "versions, model versions, deployments by environment and owners to notify, each with its "
        "path count and one shortest path."
    )
    async def impact(
        self,
        info: CtxInfo,
        uid: str,
        depth: int = MAX_DEPTH,
        as_of: datetime | None = None,
        timeout_ms: int | None = None,
    ) -> Impact:
        found = await guarded(
            ImpactService(info.context.runtime.graph).impact(uid, depth, as_of, _seconds(timeout_ms))
        )
        return Impact.of(found)

    @strawberry.field(
        description="What a change to one column of a data source (or snapshot) `uid` affects: the "
        "features derived from it, the model inputs bound to them and the deployments serving those model versions."
    )
    async def column_impact(
        self, info: CtxInfo, uid: str, column: str, as_of: datetime | None = None
    ) -> ColumnImpact:
        found = await guarded(ImpactService(info.context.runtime.graph).column_impact(uid, column, as_of))
        return ColumnImpact(
            source=found.source,
            column=found.column,
            as_of=found.as_of,
            features=[
                ColumnFeature(feature=f.feature, dtype=f.dtype, columns=f.columns) for f in found.features
            ],
            model_inputs=[
                ModelInputImpact(model_version=i.model_version, input=i.input, feature=i.feature)
                for i in found.model_inputs
            ],
            model_versions=found.model_versions,
            deployments=[
                DeploymentImpact(
                    deployment=d.deployment, environment=d.environment, model_version=d.model_version
                )
                for d in found.deployments
            ],
            unrecorded_features=found.unrecorded,
        )

    @strawberry.field(
        description="The manifest to reproduce a model version or a deployment's model version: "
        "training run, seed, hyperparameters, script, exact feature versions with their jobs' code, "
        "dataset snapshots, evaluations and baselines; `complete` and `missing` say what is not recorded."
    )
    async def reproduction(self, info: CtxInfo, uid: str) -> ReproductionManifest:
        return ReproductionManifest.of(
            await guarded(ReproductionService(info.context.runtime.graph).manifest(uid))
        )

    @strawberry.field(
        description="What-if for a new version of a feature set with the proposed `features`: the "
        "model versions that would lose inputs or see a dtype change, the deployments serving them, "
        "the schema diff and the contract bump it needs. Nothing is written."
    )
    async def what_if(
        self, info: CtxInfo, feature_set: str, features: list[ProposedFeatureInput]
    ) -> SchemaChangeImpact:
        proposed = _features(features)
        found = await guarded(WhatIfService(info.context.runtime.graph).schema_change(feature_set, proposed))
        return SchemaChangeImpact.of(found)

    @strawberry.field(
        description="Training/serving skew: deployments (of `uid`, a deployment, model version or model; "
        "all when null) whose serving feature-set versions differ from the training ones, with the "
        "inputs they cannot serve as trained flagged. `includeAligned` lists the others too."
    )
    async def serving_skew(
        self, info: CtxInfo, uid: str | None = None, include_aligned: bool = False
    ) -> list[ServingSkew]:
        found = await guarded(
            SkewService(info.context.runtime.graph).skew(uid, include_aligned=include_aligned)
        )
        return [ServingSkew.of(s) for s in found]
