"""Model registry writes: models, their immutable versions (with training runs), evaluations.

A model version binds each input to a feature (``CONSUMES``, with the feature's dtype), may
come with the training run that produced it (created with it, ``READS`` its dataset
snapshots and ``USES`` the features), and is judged by the registration gate when the
service has gates. Versions, training runs and evaluations are immutable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage_graph.domain import (
    EdgeType,
    ErrorCode,
    Evaluation,
    Incompatibility,
    IncompatibilityReason,
    InvalidInput,
    Kind,
    Model,
    ModelVersion,
    TrainingRun,
    Uid,
    check_version_order,
    ensure_unchanged,
    ignored_fields,
)
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.services.catalog import upsert as up
from lineage_graph.services.catalog.checks import check_batch, check_refs, require, uid_of
from lineage_graph.services.catalog.records import ModelVersionResult, Outcome, written
from lineage_graph.services.errors import IncompatibleFeatures

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lineage_graph.domain import EvaluationInput, ModelInput, ModelVersionInput, TrainingRunInput
    from lineage_graph.services.audit.unit import Unit
    from lineage_graph.services.catalog.context import Context
    from lineage_graph.services.catalog.records import ModelVersionRegistration, Written


async def register_models(ctx: Context, inputs: Sequence[ModelInput], *, actor: str) -> list[Written[Model]]:
    check_batch(inputs, "models")

    async def work(unit: Unit) -> list[Written[Model]]:
        return [written(r, o, Model) for r, o in await up.register_owned(unit, up.MODEL, inputs)]

    return await ctx.run(actor, work)


async def register_model_version(
    ctx: Context, registration: ModelVersionRegistration, *, actor: str
) -> ModelVersionResult:
    version, datasets = _prepare(registration)
    run = registration.training_run

    async def work(unit: Unit) -> ModelVersionResult:
        uid = uid_of(version)
        entity = Uid(Kind.MODEL, version.namespace, version.name).format()
        features = [b.feature for b in version.inputs]
        run_ref = version.training_run
        existing = await unit.store.nodes(
            [uid, entity, *features, *datasets, *([run_ref] if run_ref else [])]
        )
        require(existing, [entity], "model")
        if uid in existing:
            before = up.payload(existing[uid])
            ensure_unchanged(uid, before or {}, version.to_properties(), ignored_fields(Kind.MODEL_VERSION))
            same_run = None
            if run is not None and run_ref in existing:
                same_run = _same_run(run, existing[run_ref], datasets)
            return ModelVersionResult(
                written(up.stored(existing[uid]), Outcome.UNCHANGED, ModelVersion), same_run
            )
        require(existing, features, "feature")
        require(existing, datasets, "dataset snapshot")
        if run is None and run_ref is not None:
            require(existing, [run_ref], "training run")
        _check_input_dtypes(version, existing, registration.input_dtypes)
        latest = await unit.store.latest_version(entity)
        check_version_order(int(latest["version"]) if latest else None, version.version)
        return await _create(ctx, unit, version, run, datasets, existing, latest)

    return await ctx.run(actor, work)


def _prepare(registration: ModelVersionRegistration) -> tuple[ModelVersionInput, list[str]]:
    """The version bound to its training run's uid, and the run's canonical dataset uids."""
    version, run = registration.version, registration.training_run
    if run is not None:
        run_uid = uid_of(run)
        if version.training_run not in (None, run_uid):
            raise InvalidInput(
                f"trainingRun {version.training_run} differs from the run given ({run_uid})",
                code=ErrorCode.INVALID_VALUE,
                details={"trainingRun": version.training_run, "given": run_uid},
            )
        version = version.model_copy(update={"training_run": run_uid})
    elif registration.datasets:
        problem = {"path": "run", "code": ErrorCode.MISSING_FIELD, "message": "required with datasets"}
        raise InvalidInput(
            "datasets belong to a training run: give the run too",
            code=ErrorCode.MISSING_FIELD,
            details={"problems": [problem]},
        )
    unknown_inputs = sorted(set(registration.input_dtypes) - {b.input for b in version.inputs})
    if unknown_inputs:
        raise InvalidInput(
            f"a dtype is given for {unknown_inputs[0]!r}, which is not an input",
            code=ErrorCode.UNKNOWN_FIELD,
            details={"inputs": unknown_inputs},
        )
    return version, check_refs(registration.datasets, (Kind.SNAPSHOT,), "datasets")


async def _create(
    ctx: Context,
    unit: Unit,
    version: ModelVersionInput,
    run: TrainingRunInput | None,
    datasets: list[str],
    existing: Mapping[str, Mapping[str, Any]],
    latest: Mapping[str, Any] | None,
) -> ModelVersionResult:
    uid = uid_of(version)
    features = [b.feature for b in version.inputs]
    rows: list[dict[str, Any]] = []
    edges: list[Edge] = []
    run_written: Written[TrainingRun] | None = None
    if run is not None:
        run_uid = uid_of(run)
        if run_uid in existing:
            run_written = _same_run(run, existing[run_uid], datasets)
        else:
            run_row = up.node_row(run, {"datasets": datasets})
            rows.append(run_row)
            run_written = written(
                up.record(run_row, None, unit.actor, unit.now), Outcome.CREATED, TrainingRun
            )
            edges += [Edge(run_uid, EdgeType.READS, d) for d in datasets]
            edges += [Edge(run_uid, EdgeType.USES, f) for f in dict.fromkeys(features)]
            unit.audit("recordTrainingRun", run_uid, None, up.incoming(run, {"datasets": datasets}))
    row = up.node_row(version)
    row["props"]["inputNames"] = [b.input for b in version.inputs]
    rows.append(row)
    await unit.store.upsert_nodes(rows)
    edges.append(Edge(uid, EdgeType.VERSION_OF, Uid(Kind.MODEL, version.namespace, version.name).format()))
    if latest:
        edges.append(Edge(uid, EdgeType.SUPERSEDES, latest["uid"]))
    if version.training_run:
        edges.append(Edge(uid, EdgeType.PRODUCED_BY, version.training_run))
    edges += [
        Edge(uid, EdgeType.CONSUMES, b.feature, {"input": b.input, "dtype": existing[b.feature]["dtype"]})
        for b in version.inputs
    ]
    await unit.store.merge_edges(edges)
    warnings = await ctx.gates.register_model_version(unit, uid) if ctx.gates else ()
    unit.audit("registerModelVersion", uid, None, version.to_properties())
    record = up.record(row, None, unit.actor, unit.now)
    return ModelVersionResult(written(record, Outcome.CREATED, ModelVersion), run_written, warnings)


def _same_run(run: TrainingRunInput, stored: Mapping[str, Any], datasets: list[str]) -> Written[TrainingRun]:
    before = up.payload(stored, ("datasets",)) or {}
    ensure_unchanged(
        uid_of(run), before, up.incoming(run, {"datasets": datasets}), ignored_fields(Kind.TRAINING_RUN)
    )
    return written(up.stored(stored), Outcome.UNCHANGED, TrainingRun)


def _check_input_dtypes(
    version: ModelVersionInput, existing: Mapping[str, Mapping[str, Any]], dtypes: Mapping[str, str]
) -> None:
    problems = [
        Incompatibility(b.input, b.feature, IncompatibilityReason.DTYPE_MISMATCH, dtypes[b.input], actual)
        for b in version.inputs
        if b.input in dtypes and (actual := str(existing[b.feature]["dtype"])) != dtypes[b.input]
    ]
    if problems:
        raise IncompatibleFeatures(
            f"{len(problems)} input(s) are bound to features of another dtype "
            f"(first: {problems[0].input} expects {problems[0].expected_dtype}, "
            f"{problems[0].feature} is {problems[0].actual_dtype})",
            problems,
        )


async def record_evaluation(ctx: Context, evaluation: EvaluationInput, *, actor: str) -> Written[Evaluation]:
    async def work(unit: Unit) -> Written[Evaluation]:
        refs = [evaluation.model_version, *filter(None, [evaluation.dataset, evaluation.baseline])]
        uid = uid_of(evaluation)
        existing = await unit.store.nodes([uid, *refs])
        if uid not in existing:
            require(existing, refs)
        plan = up.upsert(unit, up.EVALUATION, [(evaluation, {})], existing, uids=[uid])
        await unit.upsert_nodes(plan.rows)
        if plan.changed:
            edges = [Edge(uid, EdgeType.EVALUATES, evaluation.model_version)]
            if evaluation.dataset:
                edges.append(Edge(uid, EdgeType.ON, evaluation.dataset))
            if evaluation.baseline:
                edges.append(Edge(uid, EdgeType.BASELINE, evaluation.baseline))
            await unit.store.merge_edges(edges)
        return plan.written_as(Evaluation)[0]

    return await ctx.run(actor, work)
