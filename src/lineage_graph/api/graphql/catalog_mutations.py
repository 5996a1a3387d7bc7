"""Catalog mutations: each validates its input, calls one service method (one transaction) and
returns either its success payload or a `Refusal` (nothing stored), as one result union.

Batch forms (``registerDataSources(inputs: [...])`` ...) write up to `MAX_BATCH` entities in
one transaction: all or nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry

from lineage_graph import domain
from lineage_graph.api.graphql.authz import authz
from lineage_graph.api.graphql.errors import (
    PolicyFinding,
    RefusalType,
    refusal,
)
from lineage_graph.api.graphql.inputs import (
    DatasetSnapshotInput,
    DataSourceInput,
    DeployInput,
    EvaluationInput,
    FeatureSetInput,
    FeatureSetVersionInput,
    ModelInput,
    ModelVersionInput,
    TrainingRunInput,
    TransformInput,
    TransformRunInput,
    plain,
    to_domain,
)
from lineage_graph.api.graphql.mutation_results import (
    Approved,
    ApproveResult,
    BatchWriteResult,
    BatchWritten,
    Deployed,
    DeployResult,
    ModelVersionRegistered,
    ModelVersionResult,
    Published,
    PublishResult,
    WriteResult,
    Written,
)
from lineage_graph.api.graphql.node_types import Deployment, FeatureSetVersion, ModelVersion, TrainingRun
from lineage_graph.api.graphql.nodes import CtxInfo, record_node
from lineage_graph.domain import DomainError, ErrorCode, Kind, Uid, validate
from lineage_graph.services.catalog import service as services
from lineage_graph.services.catalog.service import MAX_BATCH

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    BatchCall = Callable[..., Awaitable[Sequence[services.Written[Any]]]]
    """A catalog service method writing a list of inputs in one transaction: ``call(items, actor=...)``."""

T = TypeVar("T")
S = TypeVar("S")


async def _attempt(work: Callable[[], Awaitable[T]]) -> T | RefusalType:
    try:
        return await work()
    except DomainError as e:
        return refusal(e)


def _written(result: services.Written[Any]) -> Written:
    return Written(outcome=result.outcome, node=record_node(result.record))


def _batch(results: Sequence[services.Written[Any]]) -> BatchWritten:
    counts = {o: sum(1 for r in results if r.outcome is o) for o in services.Outcome}
    return BatchWritten(
        created=counts[services.Outcome.CREATED],
        updated=counts[services.Outcome.UPDATED],
        unchanged=counts[services.Outcome.UNCHANGED],
        records=[r.record for r in results],
    )


def _many(items: Sequence[S], convert: Callable[[S, str], T]) -> list[T]:
    if len(items) > MAX_BATCH:
        raise domain.InvalidInput(
            f"at most {MAX_BATCH} inputs per request, got {len(items)}",
            code=ErrorCode.TOO_LARGE,
            details={"limit": MAX_BATCH, "count": len(items)},
        )
    return [convert(item, f"inputs[{i}]") for i, item in enumerate(items)]


async def _write_one(
    info: CtxInfo, call: BatchCall, convert: Callable[[S, str], T], value: S
) -> Written | RefusalType:
    """One input through a batch service method, as a `Written` or a refusal."""

    async def work() -> Written:
        written = await call([convert(value, "")], actor=info.context.actor)
        return _written(written[0])

    return await _attempt(work)


async def _write_many(
    info: CtxInfo, call: BatchCall, convert: Callable[[S, str], T], values: Sequence[S]
) -> BatchWritten | RefusalType:
    """Up to `MAX_BATCH` inputs in one transaction, as a `BatchWritten` or a refusal."""

    async def work() -> BatchWritten:
        return _batch(await call(_many(values, convert), actor=info.context.actor))

    return await _attempt(work)


def _list(value: list[str] | None) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else ()


# --- input conversions --------------------------------------------------------------------


def _data_source(value: DataSourceInput, path: str = "") -> domain.DataSourceInput:
    return to_domain(domain.DataSourceInput, value, path=path)


def _snapshot(value: DatasetSnapshotInput, path: str = "") -> domain.DatasetSnapshotInput:
    return to_domain(domain.DatasetSnapshotInput, value, path=path)


def _transform(value: TransformInput, path: str = "") -> services.TransformRegistration:
    model = to_domain(domain.TransformInput, value, exclude=frozenset({"reads", "writes"}), path=path)
    return services.TransformRegistration(model, _list(value.reads), _list(value.writes))


def _run(value: TransformRunInput, path: str = "") -> services.TransformRunRecord:
    model = to_domain(domain.TransformRunInput, value, exclude=frozenset({"reads", "writes"}), path=path)
    return services.TransformRunRecord(model, _list(value.reads), _list(value.writes))


def _feature_set(value: FeatureSetInput, path: str = "") -> domain.FeatureSetInput:
    return to_domain(domain.FeatureSetInput, value, path=path)


def _model(value: ModelInput, path: str = "") -> domain.ModelInput:
    return to_domain(domain.ModelInput, value, path=path)


def _publication(value: FeatureSetVersionInput) -> services.Publication:
    data = plain(value, frozenset({"produced_by", "sources"}))
    feature_sources: dict[str, tuple[services.ColumnSource, ...]] = {}
    for feature in data.get("features", []):
        derived = feature.pop("derivedFrom", None)
        if derived is not None:
            feature_sources[str(feature.get("name"))] = tuple(
                services.ColumnSource(d["source"], tuple(d.get("columns", []))) for d in derived
            )
    version = validate(domain.FeatureSetVersionInput, data)
    produced_by = value.produced_by if isinstance(value.produced_by, str) else None
    return services.Publication(version, produced_by, _list(value.sources), feature_sources)


def _model_version(
    value: ModelVersionInput, run: TrainingRunInput | None
) -> services.ModelVersionRegistration:
    data = plain(value)
    dtypes: dict[str, str] = {}
    problems = []
    for i, binding in enumerate(data.get("inputs", [])):
        dtype = binding.pop("dtype", None)
        if dtype is None:
            continue
        if dtype not in domain.Dtype.__members__:
            problems.append(
                {
                    "path": f"inputs[{i}].dtype",
                    "code": ErrorCode.INVALID_DTYPE,
                    "message": f"unknown dtype {dtype!r}",
                }
            )
        dtypes[str(binding.get("input"))] = dtype
    if problems:
        raise domain.InvalidInput(
            f"{problems[0]['path']}: {problems[0]['message']}",
            code=ErrorCode.INVALID_DTYPE,
            details={"problems": problems},
        )
    version = validate(domain.ModelVersionInput, data)
    training_run = None
    datasets: tuple[str, ...] = ()
    if run is not None:
        run_data = plain(run, frozenset({"datasets"})) | {
            "namespace": version.namespace,
            "name": version.name,
        }
        training_run = _validate_at(domain.TrainingRunInput, run_data, "run")
        datasets = _list(run.datasets)
    return services.ModelVersionRegistration(version, training_run, datasets, dtypes)


M = TypeVar("M", bound=domain.DomainModel)


def _validate_at(model: type[M], data: dict[str, Any], path: str) -> M:
    try:
        return validate(model, data)
    except domain.InvalidInput as e:
        problems = [{**p, "path": f"{path}.{p['path']}"} for p in e.details.get("problems", [])]
        raise domain.InvalidInput(f"{path}: {e.message}", code=e.code, details={"problems": problems}) from e


def _deployment(value: DeployInput) -> domain.DeploymentInput:
    data = plain(value)
    model_version = Uid.parse(data["modelVersion"], expect=Kind.MODEL_VERSION)
    name = data.get("name")
    if name is None:
        mode = domain.DeploymentMode(data["mode"])
        name = services.default_deployment_name(data["modelVersion"], data["environment"], mode)
    return validate(domain.DeploymentInput, data | {"namespace": model_version.namespace, "name": name})


# --- the mutations ----------------------------------------------------------------------------


@strawberry.type
class CatalogMutation:
    @authz(kind=Kind.SOURCE)
    @strawberry.mutation(description="Register or update a data source (idempotent on its OpenLineage name).")
    async def register_data_source(self, info: CtxInfo, input: DataSourceInput) -> WriteResult:
        return await _write_one(info, info.context.catalog.register_data_sources, _data_source, input)

    @authz(kind=Kind.SOURCE)
    @strawberry.mutation(description=f"Register up to {MAX_BATCH} data sources in one transaction.")
    async def register_data_sources(self, info: CtxInfo, inputs: list[DataSourceInput]) -> BatchWriteResult:
        return await _write_many(info, info.context.catalog.register_data_sources, _data_source, inputs)

    @authz(kind=Kind.SNAPSHOT)
    @strawberry.mutation(description="Register an immutable snapshot of a data source.")
    async def register_dataset_snapshot(self, info: CtxInfo, input: DatasetSnapshotInput) -> WriteResult:
        return await _write_one(info, info.context.catalog.register_dataset_snapshots, _snapshot, input)

    @authz(kind=Kind.SNAPSHOT)
    @strawberry.mutation(description=f"Register up to {MAX_BATCH} dataset snapshots in one transaction.")
    async def register_dataset_snapshots(
        self, info: CtxInfo, inputs: list[DatasetSnapshotInput]
    ) -> BatchWriteResult:
        return await _write_many(info, info.context.catalog.register_dataset_snapshots, _snapshot, inputs)

    @authz(kind=Kind.TRANSFORM)
    @strawberry.mutation(description="Register or update a transform and what it reads and writes.")
    async def register_transform(self, info: CtxInfo, input: TransformInput) -> WriteResult:
        return await _write_one(info, info.context.catalog.register_transforms, _transform, input)

    @authz(kind=Kind.TRANSFORM)
    @strawberry.mutation(description=f"Register up to {MAX_BATCH} transforms in one transaction.")
    async def register_transforms(self, info: CtxInfo, inputs: list[TransformInput]) -> BatchWriteResult:
        return await _write_many(info, info.context.catalog.register_transforms, _transform, inputs)

    @authz(kind=Kind.TRANSFORM_RUN)
    @strawberry.mutation(description="Record (or update the state of) a run of a registered transform.")
    async def record_transform_run(self, info: CtxInfo, input: TransformRunInput) -> WriteResult:
        return await _write_one(info, info.context.catalog.record_transform_runs, _run, input)

    @authz(kind=Kind.TRANSFORM_RUN)
    @strawberry.mutation(description=f"Record up to {MAX_BATCH} transform runs in one transaction.")
    async def record_transform_runs(self, info: CtxInfo, inputs: list[TransformRunInput]) -> BatchWriteResult:
        return await _write_many(info, info.context.catalog.record_transform_runs, _run, inputs)

    @authz(kind=Kind.FEATURE_SET)
    @strawberry.mutation(description="Register or update a feature set.")
    async def register_feature_set(self, info: CtxInfo, input: FeatureSetInput) -> WriteResult:
        return await _write_one(info, info.context.catalog.register_feature_sets, _feature_set, input)

    @authz(kind=Kind.FEATURE_SET)
    @strawberry.mutation(description=f"Register up to {MAX_BATCH} feature sets in one transaction.")
    async def register_feature_sets(self, info: CtxInfo, inputs: list[FeatureSetInput]) -> BatchWriteResult:
        return await _write_many(info, info.context.catalog.register_feature_sets, _feature_set, inputs)

    @authz(kind=Kind.FEATURE_SET_VERSION)
    @strawberry.mutation(
        description="Publish an immutable feature-set version. The contract must match the schema "
        "change from the previous version (removed feature or dtype change: major; added: minor; "
        "documentation: patch); re-sending the identical version is a no-op."
    )
    async def publish_feature_set_version(
        self, info: CtxInfo, input: FeatureSetVersionInput
    ) -> PublishResult:
        async def work() -> Published:
            result = await info.context.catalog.publish_feature_set_version(
                _publication(input), actor=info.context.actor
            )
            node = FeatureSetVersion.of(result.written.record, {"bump": result.bump})
            return Published(
                outcome=result.written.outcome,
                feature_set_version=node,
                bump=result.bump,
                warnings=PolicyFinding.many(result.warnings),
            )

        return await _attempt(work)

    @authz(kind=Kind.MODEL)
    @strawberry.mutation(description="Register or update a model.")
    async def register_model(self, info: CtxInfo, input: ModelInput) -> WriteResult:
        return await _write_one(info, info.context.catalog.register_models, _model, input)

    @authz(kind=Kind.MODEL)
    @strawberry.mutation(description=f"Register up to {MAX_BATCH} models in one transaction.")
    async def register_models(self, info: CtxInfo, inputs: list[ModelInput]) -> BatchWriteResult:
        return await _write_many(info, info.context.catalog.register_models, _model, inputs)

    @authz(kind=Kind.MODEL_VERSION)
    @strawberry.mutation(
        description="Register an immutable model version: each input bound to one exact feature "
        "(missing features and dtype mismatches are refused), optionally with the training run "
        "that produced it (`run`) and the snapshots that run read."
    )
    async def register_model_version(
        self, info: CtxInfo, input: ModelVersionInput, run: TrainingRunInput | None = None
    ) -> ModelVersionResult:
        async def work() -> ModelVersionRegistered:
            result = await info.context.catalog.register_model_version(
                _model_version(input, run), actor=info.context.actor
            )
            return ModelVersionRegistered(
                outcome=result.written.outcome,
                model_version=ModelVersion.of(result.written.record),
                training_run=TrainingRun.of(result.training_run.record) if result.training_run else None,
                warnings=PolicyFinding.many(result.warnings),
            )

        return await _attempt(work)

    @authz(kind=Kind.EVALUATION)
    @strawberry.mutation(description="Record an (immutable) evaluation of a model version.")
    async def record_evaluation(self, info: CtxInfo, input: EvaluationInput) -> WriteResult:
        async def work() -> Written:
            evaluation = to_domain(domain.EvaluationInput, input)
            return _written(
                await info.context.catalog.record_evaluation(evaluation, actor=info.context.actor)
            )

        return await _attempt(work)

    @authz("deploy", kind=Kind.DEPLOYMENT)
    @strawberry.mutation(
        description="Serve a model version in an environment. The serving path's feature-set "
        "versions must serve every input the model was trained on, with the same dtypes."
    )
    async def deploy(self, info: CtxInfo, input: DeployInput) -> DeployResult:
        async def work() -> Deployed:
            written = await info.context.catalog.deploy(_deployment(input), actor=info.context.actor)
            return _deployed(written)

        return await _attempt(work)

    @authz("promote")
    @strawberry.mutation(
        description="Promote a deployment to the next environment (dev → staging → prod) as a LIVE "
        "deployment of the same model version, on the same serving path unless `servesFrom` names "
        "other feature-set versions (e.g. the ones materialised in the next environment's store)."
    )
    async def promote(
        self,
        info: CtxInfo,
        deployment: str,
        target: str | None = None,
        serves_from: list[str] | None = None,
    ) -> DeployResult:
        async def work() -> Deployed:
            written = await info.context.catalog.promote(
                deployment, actor=info.context.actor, target=target, serves_from=serves_from
            )
            return _deployed(written)

        return await _attempt(work)

    @authz("deploy")
    @strawberry.mutation(description="Stop a deployment (status STOPPED, retiredAt set).")
    async def retire_deployment(self, info: CtxInfo, deployment: str) -> DeployResult:
        async def work() -> Deployed:
            return _deployed(
                await info.context.catalog.retire_deployment(deployment, actor=info.context.actor)
            )

        return await _attempt(work)

    @authz("deprecate")
    @strawberry.mutation(
        description="Deprecate a feature-set or model version: status DEPRECATED, an optional sunset "
        "date and replacement (REPLACED_BY). An argument left out keeps the stored value (deprecating "
        "again never lifts a sunset); an explicit null clears it. The answer is the version as stored."
    )
    async def deprecate(
        self,
        info: CtxInfo,
        uid: str,
        sunset_at: Annotated[
            datetime | None,
            strawberry.argument(description="When it stops being served; null clears it, omitted keeps it."),
        ] = strawberry.UNSET,
        replacement: Annotated[
            str | None,
            strawberry.argument(
                description="Uid of the version to move to; null clears it, omitted keeps it."
            ),
        ] = strawberry.UNSET,
    ) -> WriteResult:
        async def work() -> Written:
            written = await info.context.catalog.deprecate(
                uid,
                actor=info.context.actor,
                sunset_at=services.KEEP if sunset_at is strawberry.UNSET else sunset_at,
                replacement=services.KEEP if replacement is strawberry.UNSET else replacement,
            )
            return _written(written)

        return await _attempt(work)

    @authz("admin")
    @strawberry.mutation(description="Make a team or principal (created if missing) the owner of an entity.")
    async def set_owner(self, info: CtxInfo, uid: str, owner: str) -> WriteResult:
        async def work() -> Written:
            return _written(await info.context.catalog.set_owner(uid, owner, actor=info.context.actor))

        return await _attempt(work)

    @authz("approve")
    @strawberry.mutation(
        description="Approve a model version, feature-set version or deployment. The reviewer is "
        "the authenticated caller (who needs the approve role in the subject's namespace); nobody "
        "approves what they created (SELF_APPROVAL)."
    )
    async def approve(
        self,
        info: CtxInfo,
        subject: str,
        reviewer: Annotated[
            str | None,
            strawberry.argument(
                deprecation_reason="The reviewer is the caller; naming anyone else is refused."
            ),
        ] = None,
        comment: str = "",
    ) -> ApproveResult:
        async def work() -> Approved:
            approval = await info.context.catalog.approve(
                subject, actor=info.context.actor, reviewer=reviewer, comment=comment
            )
            return Approved(
                outcome=approval.outcome,
                subject=record_node(approval.subject),
                reviewer=approval.reviewer,
                comment=approval.comment,
                at=approval.at,
            )

        return await _attempt(work)


def _deployed(written: services.Written[Any]) -> Deployed:
    return Deployed(
        outcome=written.outcome,
        deployment=Deployment.of(written.record),
        warnings=PolicyFinding.many(written.warnings),
    )
