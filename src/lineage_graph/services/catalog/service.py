"""Catalog use cases: register, publish, deploy, deprecate, own, approve.

Every public method runs in one write transaction (`unit.transaction`): it locks the audit
chain, reads what it must check (existing nodes, the latest version, references), raises a
`DomainError` to refuse (nothing is stored), else writes its nodes and edges in ``UNWIND``
batches and records one audit event per changed entity. Re-sending an identical request is a
successful no-op (`Outcome.UNCHANGED`, no event). Published versions, training runs and
evaluations are immutable: a different payload under an existing uid is `ImmutableConflict`.

Entry points (GraphQL, OpenLineage ingest, importers) validate their payloads into domain
``*Input`` models (`domain.validate`) and call these methods with the principal as ``actor``.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from lineage_graph.domain import (
    RECORD_FIELDS,
    Bump,
    DatasetSnapshot,
    DataSource,
    Deployment,
    DeploymentInput,
    DeploymentMode,
    DeploymentStatus,
    DomainError,
    Entity,
    ErrorCode,
    Evaluation,
    FeatureSet,
    FeatureSetVersion,
    FeatureSpec,
    Incompatibility,
    IncompatibilityReason,
    InvalidInput,
    Kind,
    Model,
    ModelVersion,
    NodeInput,
    PrincipalInput,
    Stored,
    TeamInput,
    TrainingRun,
    Transform,
    TransformRun,
    Uid,
    VersionStatus,
    check_publish,
    check_version_order,
    diff_payload,
    ensure_unchanged,
    ignored_fields,
    incompatible_inputs,
    required_bump,
)
from lineage_graph.domain.features import FeatureSetVersionInput
from lineage_graph.domain.limits import MAX_LIST_ITEMS
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.graph.codec import canonical_json, decode, native, record_from_node, to_properties
from lineage_graph.services.audit.unit import Unit, transaction, utc_now
from lineage_graph.services.errors import (
    Conflict,
    IncompatibleFeatures,
    InvalidOperation,
    NotFound,
    PolicyDenied,
    ServiceErrorCode,
)
from lineage_graph.services.governance.gates import DeploymentCandidate

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
    from datetime import datetime

    from lineage_graph.domain import (
        DatasetSnapshotInput,
        DataSourceInput,
        EvaluationInput,
        FeatureSetInput,
        ModelInput,
        ModelVersionInput,
        TrainingRunInput,
        TransformInput,
        TransformRunInput,
    )
    from lineage_graph.graph import Graph
    from lineage_graph.policy.decisions import Finding
    from lineage_graph.services.governance.gates import Gates

log = logging.getLogger(__name__)

R = TypeVar("R", bound=Stored)
T = TypeVar("T")

MAX_BATCH: Final = 1_000
"""Most entities one batch request may register (`TOO_LARGE` beyond)."""

SERVER_FIELDS: Final = RECORD_FIELDS | {"updatedAt"}
APPROVABLE: Final = frozenset({Kind.MODEL_VERSION, Kind.DEPLOYMENT, Kind.FEATURE_SET_VERSION})
DEPRECATABLE: Final = frozenset({Kind.FEATURE_SET_VERSION, Kind.MODEL_VERSION})


class Outcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True, slots=True)
class Written(Generic[R]):
    """An entity after a write, and whether the write created, changed or left it."""

    record: R
    outcome: Outcome
    warnings: tuple[Finding, ...] = ()
    """Policy warnings of the write's gate (deploy, promote)."""


def written(
    record: Stored, outcome: Outcome, kind: type[R], warnings: tuple[Finding, ...] = ()
) -> Written[R]:
    """A `Written` of a record known to be of `kind` (checked)."""
    if not isinstance(record, kind):  # pragma: no cover - a bug, not a refusal
        msg = f"{record.uid} is a {type(record).__name__}, expected {kind.__name__}"
        raise TypeError(msg)
    return Written(record, outcome, warnings)


@dataclass(frozen=True, slots=True)
class TransformRegistration:
    transform: TransformInput
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransformRunRecord:
    run: TransformRunInput
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnSource:
    """Column-level lineage of a feature: the source it derives from and which columns."""

    source: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Publication:
    """A feature-set version to publish, with its producing job and the sources it derives from."""

    version: FeatureSetVersionInput
    produced_by: str | None = None
    sources: tuple[str, ...] = ()
    feature_sources: Mapping[str, tuple[ColumnSource, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PublishResult:
    written: Written[FeatureSetVersion]
    bump: Bump | None
    """The contract bump from the previous version (None for the first version)."""
    warnings: tuple[Finding, ...] = ()
    """Policy warnings of the schema gate."""


@dataclass(frozen=True, slots=True)
class ModelVersionRegistration:
    """A model version, optionally with the training run that produced it (created with it)."""

    version: ModelVersionInput
    training_run: TrainingRunInput | None = None
    datasets: tuple[str, ...] = ()
    input_dtypes: Mapping[str, str] = field(default_factory=dict)
    """The dtype each model input was trained with, checked against its bound feature."""


@dataclass(frozen=True, slots=True)
class ModelVersionResult:
    written: Written[ModelVersion]
    training_run: Written[TrainingRun] | None
    warnings: tuple[Finding, ...] = ()
    """Lineage completeness and deprecated-input findings (never blocking at registration)."""


@dataclass(frozen=True, slots=True)
class Approval:
    subject: Stored
    reviewer: str
    comment: str
    at: datetime
    outcome: Outcome


# --- helpers -------------------------------------------------------------------------------


def _uid(model: Entity) -> str:
    return model.identity().format()


def _check_batch(models: Sequence[Entity], what: str) -> list[str]:
    """The uids of a batch's entities (in order), refusing oversized batches and repeated uids."""
    if len(models) > MAX_BATCH:
        raise InvalidInput(
            f"at most {MAX_BATCH} {what} per request, got {len(models)}",
            code=ErrorCode.TOO_LARGE,
            details={"limit": MAX_BATCH, "count": len(models)},
        )
    uids = [_uid(m) for m in models]
    duplicates = sorted(uid for uid, n in Counter(uids).items() if n > 1)
    if duplicates:
        raise InvalidInput(
            f"the request names {duplicates[0]} more than once",
            code=ErrorCode.DUPLICATE_NAME,
            details={"uids": duplicates},
        )
    return uids


def _check_refs(refs: Iterable[str], kinds: Sequence[Kind], what: str) -> list[str]:
    """Canonical spellings of reference uids, refusing malformed ones and wrong kinds."""
    out: list[str] = []
    for i, ref in enumerate(refs):
        try:
            out.append(Uid.parse(ref, expect=kinds).format())
        except DomainError as e:
            problem = {"path": f"{what}[{i}]", "code": e.code, "message": e.message}
            raise InvalidInput(
                f"{what}[{i}]: {e.message}", code=e.code, details={"problems": [problem]}
            ) from e
    if len(out) > MAX_LIST_ITEMS:
        raise InvalidInput(
            f"at most {MAX_LIST_ITEMS} {what} per entity",
            code=ErrorCode.TOO_LARGE,
            details={"limit": MAX_LIST_ITEMS, "count": len(out)},
        )
    return list(dict.fromkeys(out))


def _require(existing: Mapping[str, Any], uids: Iterable[str], what: str = "entity") -> None:
    missing = [u for u in uids if u not in existing]
    if missing:
        raise NotFound(missing, what)


def _payload(props: Mapping[str, Any] | None, extras: Sequence[str] = ()) -> dict[str, Any] | None:
    """The client-visible state of a stored node (what a re-send is compared with)."""
    if props is None:
        return None
    record = record_from_node(props)
    if record is None:
        return None
    plain = {k: v for k, v in record.to_properties().items() if k not in SERVER_FIELDS}
    decoded = decode(props)
    for key in extras:
        if decoded.get(key) is not None:
            plain[key] = _jsonable(decoded[key])
    return plain


def _jsonable(value: Any) -> Any:
    return json.loads(canonical_json(native(value)))


def _incoming(model: Entity, extras: Mapping[str, Any]) -> dict[str, Any]:
    plain = model.to_properties()
    for key, value in extras.items():
        if value not in (None, [], {}, ()):
            plain[key] = _jsonable(value)
    return plain


def _extra_props(extras: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties for request extras: lists of uids stay lists, maps become ``<key>Json``."""
    props: dict[str, Any] = {}
    for key, value in extras.items():
        if value in (None, [], {}, ()):
            continue
        if isinstance(value, dict):
            props[key + "Json"] = canonical_json(value)
        elif isinstance(value, tuple | list):
            props[key] = list(value)
        else:
            props[key] = value
    return props


def _node_row(
    model: Entity, extras: Mapping[str, Any] | None = None, *, uid: str | None = None
) -> dict[str, Any]:
    props = to_properties(model) | _extra_props(extras or {})
    return {"uid": uid or _uid(model), "kind": model.KIND.value, "props": props}


def _record(row: Mapping[str, Any], existing: Mapping[str, Any] | None, actor: str, now: datetime) -> Stored:
    """The record of a node just written from `row` (createdAt/By kept from `existing`)."""
    props = dict(row["props"]) | {
        "uid": row["uid"],
        "kind": row["kind"],
        "createdAt": existing["createdAt"] if existing else now,
        "createdBy": existing["createdBy"] if existing else actor,
    }
    record = record_from_node(props)
    if record is None:  # pragma: no cover - row kinds are always known
        msg = f"unknown kind {row['kind']}"
        raise ValueError(msg)
    return record


def _stored(props: Mapping[str, Any]) -> Stored:
    record = record_from_node(props)
    if record is None:  # pragma: no cover
        msg = f"node {props.get('uid')} has an unknown kind"
        raise ValueError(msg)
    return record


@dataclass
class _Upsert:
    """Rows to write and the outcome of each entity of one upsert."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    results: list[tuple[Stored, Outcome]] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)


def _upsert(
    unit: Unit,
    action: str,
    items: Sequence[tuple[Entity, Mapping[str, Any]]],
    existing: Mapping[str, Mapping[str, Any]],
    *,
    immutable: bool,
    extra_keys: Sequence[str] = (),
    uids: Sequence[str] | None = None,
) -> _Upsert:
    """Decide per entity: create, update (mutable kinds), no-op, or refuse (immutable kinds).

    `uids` are the items' uids when the caller has them already (formatting one costs more
    than the rest of the decision for a new entity)."""
    plan = _Upsert()
    for index, (model, extras) in enumerate(items):
        uid = uids[index] if uids is not None else _uid(model)
        stored_props = existing.get(uid)
        incoming = _incoming(model, extras)
        before = _payload(stored_props, extra_keys)
        if stored_props is not None and before is not None:
            ignore = ignored_fields(model.KIND)
            if immutable:
                ensure_unchanged(uid, before, incoming, ignore)
            if not diff_payload(before, incoming, ignore):
                plan.results.append((_stored(stored_props), Outcome.UNCHANGED))
                continue
        row = _node_row(model, extras, uid=uid)
        plan.rows.append(row)
        plan.changed.add(uid)
        outcome = Outcome.CREATED if stored_props is None else Outcome.UPDATED
        plan.results.append((_record(row, stored_props, unit.actor, unit.now), outcome))
        unit.audit(action, uid, before, incoming)
    return plan


def default_deployment_name(model_version: str, environment: str, mode: DeploymentMode) -> str:
    mv = Uid.parse(model_version, expect=Kind.MODEL_VERSION)
    env = Uid.parse(environment, expect=Kind.ENVIRONMENT)
    name = f"{mv.name}-{mv.version}-{env.name}"
    return name if mode is DeploymentMode.LIVE else f"{name}-{mode.value.lower()}"


def _feature_specs(version_props: Mapping[str, Any]) -> list[FeatureSpec]:
    features = decode(version_props).get("features") or []
    return [FeatureSpec(f["name"], f["dtype"], f.get("description", "")) for f in features]


def _prepare_model_version(registration: ModelVersionRegistration) -> tuple[ModelVersionInput, list[str]]:
    """The version bound to its training run's uid, and the run's canonical dataset uids."""
    version, run = registration.version, registration.training_run
    if run is not None:
        run_uid = _uid(run)
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
    return version, _check_refs(registration.datasets, (Kind.SNAPSHOT,), "datasets")


# --- the service ---------------------------------------------------------------------------


class CatalogService:
    """Writes to the catalog. Stateless: one instance per process is enough.

    With `gates`, publishing, model-version registration, deploy and promote are judged by
    the governance policies (`services.gates`); without, they are not (trusted loaders: the
    demo, importers that replay an already-governed catalog).
    """

    def __init__(
        self, graph: Graph, *, clock: Callable[[], datetime] = utc_now, gates: Gates | None = None
    ) -> None:
        self.graph = graph
        self.clock = clock
        self.gates = gates

    # data sources, snapshots, transforms ---------------------------------------------------

    async def register_data_sources(
        self, inputs: Sequence[DataSourceInput], *, actor: str
    ) -> list[Written[DataSource]]:
        uids = _check_batch(inputs, "data sources")

        async def work(unit: Unit) -> list[Written[DataSource]]:
            items: list[tuple[Entity, Mapping[str, Any]]] = [(i, {}) for i in inputs]
            plan = _upsert(unit, "registerDataSource", items, unit.preloaded, immutable=False, uids=uids)
            await unit.upsert_nodes(plan.rows)
            return [written(r, o, DataSource) for r, o in plan.results]

        return await self._run(actor, work, preload=uids)

    async def register_dataset_snapshots(
        self, inputs: Sequence[DatasetSnapshotInput], *, actor: str
    ) -> list[Written[DatasetSnapshot]]:
        uids = _check_batch(inputs, "dataset snapshots")
        sources = {
            uid: Uid(Kind.SOURCE, i.namespace, i.name).format() for uid, i in zip(uids, inputs, strict=True)
        }

        async def work(unit: Unit) -> list[Written[DatasetSnapshot]]:
            existing = unit.preloaded
            _require(existing, sources.values(), "data source")
            items: list[tuple[Entity, Mapping[str, Any]]] = [(i, {}) for i in inputs]
            plan = _upsert(unit, "registerDatasetSnapshot", items, existing, immutable=True, uids=uids)
            await unit.upsert_nodes(plan.rows)
            await unit.store.merge_edges(
                [Edge(uid, "SNAPSHOT_OF", sources[uid]) for uid in sorted(plan.changed)]
            )
            return [written(r, o, DatasetSnapshot) for r, o in plan.results]

        return await self._run(actor, work, preload=[*sources, *sources.values()])

    async def register_transforms(
        self, requests: Sequence[TransformRegistration], *, actor: str
    ) -> list[Written[Transform]]:
        uids = _check_batch([r.transform for r in requests], "transforms")
        io = [self._io(r.reads, r.writes) for r in requests]
        refs = {u for reads, writes in io for u in (*reads, *writes)}

        async def work(unit: Unit) -> list[Written[Transform]]:
            existing = unit.preloaded
            _require(existing, sorted(refs))
            items = [
                (r.transform, {"reads": reads, "writes": writes})
                for r, (reads, writes) in zip(requests, io, strict=True)
            ]
            plan = _upsert(
                unit,
                "registerTransform",
                items,
                existing,
                immutable=False,
                extra_keys=("reads", "writes"),
                uids=uids,
            )
            await unit.upsert_nodes(plan.rows)
            await self._lineage_io(unit, [(uid, *rw) for uid, rw in zip(uids, io, strict=True)], plan)
            return [written(r, o, Transform) for r, o in plan.results]

        return await self._run(actor, work, preload=[*uids, *refs])

    async def record_transform_runs(
        self, records: Sequence[TransformRunRecord], *, actor: str
    ) -> list[Written[TransformRun]]:
        uids = _check_batch([r.run for r in records], "transform runs")
        io = [self._io(r.reads, r.writes) for r in records]
        jobs = {
            uid: Uid(Kind.TRANSFORM, r.run.namespace, r.run.name).format()
            for uid, r in zip(uids, records, strict=True)
        }
        refs = {u for reads, writes in io for u in (*reads, *writes)}

        async def work(unit: Unit) -> list[Written[TransformRun]]:
            existing = unit.preloaded
            _require(existing, sorted(set(jobs.values())), "transform")
            _require(existing, sorted(refs))
            items = [
                (r.run, {"reads": reads, "writes": writes})
                for r, (reads, writes) in zip(records, io, strict=True)
            ]
            plan = _upsert(
                unit,
                "recordTransformRun",
                items,
                existing,
                immutable=False,
                extra_keys=("reads", "writes"),
                uids=uids,
            )
            await unit.upsert_nodes(plan.rows)
            await unit.store.merge_edges([Edge(uid, "RUN_OF", jobs[uid]) for uid in sorted(plan.changed)])
            await self._lineage_io(unit, [(uid, *rw) for uid, rw in zip(uids, io, strict=True)], plan)
            return [written(r, o, TransformRun) for r, o in plan.results]

        return await self._run(actor, work, preload=[*jobs, *jobs.values(), *refs])

    @staticmethod
    def _io(reads: Sequence[str], writes: Sequence[str]) -> tuple[list[str], list[str]]:
        return (
            _check_refs(reads, (Kind.SOURCE, Kind.SNAPSHOT, Kind.FEATURE_SET_VERSION), "reads"),
            _check_refs(writes, (Kind.SOURCE, Kind.SNAPSHOT, Kind.FEATURE_SET_VERSION), "writes"),
        )

    @staticmethod
    async def _lineage_io(
        unit: Unit, jobs: Sequence[tuple[str, list[str], list[str]]], plan: _Upsert
    ) -> None:
        """``job -READS-> input`` and ``output -PRODUCED_BY-> job``; dropped inputs are retired."""
        changed = [(uid, reads, writes) for uid, reads, writes in jobs if uid in plan.changed]
        await unit.store.retire_edges([(uid, "READS", reads) for uid, reads, _ in changed])
        edges = [Edge(uid, "READS", r) for uid, reads, _ in changed for r in reads]
        edges += [Edge(w, "PRODUCED_BY", uid) for uid, _, writes in changed for w in writes]
        await unit.store.merge_edges(edges)

    # feature sets ----------------------------------------------------------------------------

    async def register_feature_sets(
        self, inputs: Sequence[FeatureSetInput], *, actor: str
    ) -> list[Written[FeatureSet]]:
        _check_batch(inputs, "feature sets")

        async def work(unit: Unit) -> list[Written[FeatureSet]]:
            return [
                written(w.record, w.outcome, FeatureSet)
                for w in await self._register_owned(unit, "registerFeatureSet", inputs)
            ]

        return await self._run(actor, work)

    async def _register_owned(
        self, unit: Unit, action: str, inputs: Sequence[FeatureSetInput | ModelInput]
    ) -> list[Written[Stored]]:
        """Register feature sets or models; an absent owner keeps the one already set."""
        owners = {i.owner for i in inputs if i.owner is not None}
        existing = await unit.store.nodes([*(_uid(i) for i in inputs), *owners])
        items: list[NodeInput] = []
        for i in inputs:
            stored_owner = existing.get(_uid(i), {}).get("owner")
            items.append(
                i.model_copy(update={"owner": stored_owner}) if i.owner is None and stored_owner else i
            )
        plan = _upsert(unit, action, [(i, {}) for i in items], existing, immutable=False)
        await self._ensure_principals(unit, owners, existing)
        await unit.upsert_nodes(plan.rows)
        changed_owners = [
            (uid, o) for i in items if (uid := _uid(i)) in plan.changed and (o := getattr(i, "owner", None))
        ]
        await unit.store.retire_edges([(uid, "OWNED_BY", [o]) for uid, o in changed_owners])
        await unit.store.merge_edges([Edge(uid, "OWNED_BY", o) for uid, o in changed_owners])
        return [Written(r, o) for r, o in plan.results]

    @staticmethod
    async def _ensure_principals(unit: Unit, uids: Iterable[str], existing: Mapping[str, Any]) -> None:
        """Create the Team/Principal nodes named by `uids` that do not exist yet."""
        rows = []
        for text in sorted(set(uids) - set(existing)):
            uid = Uid.parse(text, expect=(Kind.TEAM, Kind.PRINCIPAL))
            model = TeamInput if uid.kind is Kind.TEAM else PrincipalInput
            rows.append(_node_row(model(namespace=uid.namespace, name=uid.name)))
            unit.audit("createOwner", text, None, {"namespace": uid.namespace, "name": uid.name})
        await unit.store.upsert_nodes(rows)

    async def publish_feature_set_version(self, publication: Publication, *, actor: str) -> PublishResult:
        version = publication.version
        produced_by = (
            _check_refs([publication.produced_by], (Kind.TRANSFORM, Kind.TRANSFORM_RUN), "producedBy")[0]
            if publication.produced_by
            else None
        )
        sources = _check_refs(publication.sources, (Kind.SOURCE, Kind.SNAPSHOT), "sources")
        feature_sources = self._feature_sources(version, publication.feature_sources)

        async def work(unit: Unit) -> PublishResult:
            uid = _uid(version)
            entity = Uid(Kind.FEATURE_SET, version.namespace, version.name).format()
            refs = {*sources, *(s for cols in feature_sources.values() for s in cols)}
            if produced_by:
                refs.add(produced_by)
            existing = await unit.store.nodes([uid, entity, *refs])
            _require(existing, [entity], "feature set")
            _require(existing, sorted(refs))
            extras = {"producedBy": produced_by, "sources": sources, "featureSources": feature_sources}
            incoming = _incoming(version, extras)
            if uid in existing:
                stored = existing[uid]
                before = _payload(stored, ("producedBy", "sources", "featureSources"))
                ensure_unchanged(uid, before or {}, incoming, ignored_fields(Kind.FEATURE_SET_VERSION))
                bump = stored.get("bump")
                return PublishResult(
                    written(_stored(stored), Outcome.UNCHANGED, FeatureSetVersion),
                    Bump(str(bump)) if bump in Bump.__members__ else None,
                )
            latest = await unit.store.latest_version(entity)
            latest_number = int(latest["version"]) if latest else None
            check_version_order(latest_number, version.version)
            previous = _feature_specs(latest) if latest else None
            diff = check_publish(
                previous, latest["contract"] if latest else None, version.features, version.contract
            )
            bump = required_bump(diff) if latest else None
            row = _node_row(version, extras)
            row["props"] |= {
                "bump": bump.value if bump else "INITIAL",
                "schemaDiffJson": canonical_json(diff.to_dict()),
            }
            features = version.feature_records(created_at=unit.now, created_by=unit.actor)
            await unit.store.upsert_nodes(
                [row, *({"uid": f.uid, "kind": f.kind.value, "props": to_properties(f)} for f in features)]
            )
            edges = [Edge(uid, "VERSION_OF", entity)]
            if latest:
                edges.append(Edge(uid, "SUPERSEDES", latest["uid"]))
            if produced_by:
                edges.append(Edge(uid, "PRODUCED_BY", produced_by))
            for feature in features:
                edges.append(Edge(feature.uid, "DEFINED_IN", uid))
                own = feature_sources.get(feature.name)
                if own is not None:
                    edges += [
                        Edge(feature.uid, "DERIVED_FROM", s, {"columns": list(c)}) for s, c in own.items()
                    ]
                else:
                    edges += [Edge(feature.uid, "DERIVED_FROM", s, {"columns": []}) for s in sources]
            await unit.store.merge_edges(edges)
            warnings = await self.gates.publish(unit, uid) if self.gates else ()
            unit.audit("publishFeatureSetVersion", uid, None, incoming)
            record = _record(row, None, unit.actor, unit.now)
            return PublishResult(written(record, Outcome.CREATED, FeatureSetVersion), bump, warnings)

        return await self._run(actor, work)

    @staticmethod
    def _feature_sources(
        version: FeatureSetVersionInput, given: Mapping[str, Sequence[ColumnSource]]
    ) -> dict[str, dict[str, list[str]]]:
        names = {f.name for f in version.features}
        unknown = sorted(set(given) - names)
        if unknown:
            raise InvalidInput(
                f"derivedFrom names feature {unknown[0]!r}, which the version does not define",
                code=ErrorCode.UNKNOWN_FIELD,
                details={"features": unknown},
            )
        out: dict[str, dict[str, list[str]]] = {}
        for name, column_sources in sorted(given.items()):
            columns: dict[str, set[str]] = {}
            for c in column_sources:
                ref = _check_refs([c.source], (Kind.SOURCE, Kind.SNAPSHOT), "derivedFrom")[0]
                columns.setdefault(ref, set()).update(c.columns)
            out[name] = {ref: sorted(cols) for ref, cols in columns.items()}
        return out

    # models ------------------------------------------------------------------------------------

    async def register_models(self, inputs: Sequence[ModelInput], *, actor: str) -> list[Written[Model]]:
        _check_batch(inputs, "models")

        async def work(unit: Unit) -> list[Written[Model]]:
            return [
                written(w.record, w.outcome, Model)
                for w in await self._register_owned(unit, "registerModel", inputs)
            ]

        return await self._run(actor, work)

    async def register_model_version(
        self, registration: ModelVersionRegistration, *, actor: str
    ) -> ModelVersionResult:
        version, datasets = _prepare_model_version(registration)
        run = registration.training_run

        async def work(unit: Unit) -> ModelVersionResult:
            uid = _uid(version)
            entity = Uid(Kind.MODEL, version.namespace, version.name).format()
            features = [b.feature for b in version.inputs]
            run_ref = version.training_run
            existing = await unit.store.nodes(
                [uid, entity, *features, *datasets, *([run_ref] if run_ref else [])]
            )
            _require(existing, [entity], "model")
            if uid in existing:
                before = _payload(existing[uid])
                ensure_unchanged(
                    uid, before or {}, version.to_properties(), ignored_fields(Kind.MODEL_VERSION)
                )
                same_run = None
                if run is not None and run_ref in existing:
                    same_run = self._same_run(run, existing[run_ref], datasets)
                return ModelVersionResult(
                    written(_stored(existing[uid]), Outcome.UNCHANGED, ModelVersion), same_run
                )
            _require(existing, features, "feature")
            _require(existing, datasets, "dataset snapshot")
            if run is None and run_ref is not None:
                _require(existing, [run_ref], "training run")
            self._check_input_dtypes(version, existing, registration.input_dtypes)
            latest = await unit.store.latest_version(entity)
            check_version_order(int(latest["version"]) if latest else None, version.version)
            return await self._create_model_version(unit, version, run, datasets, existing, latest)

        return await self._run(actor, work)

    async def _create_model_version(
        self,
        unit: Unit,
        version: ModelVersionInput,
        run: TrainingRunInput | None,
        datasets: list[str],
        existing: Mapping[str, Mapping[str, Any]],
        latest: Mapping[str, Any] | None,
    ) -> ModelVersionResult:
        uid = _uid(version)
        features = [b.feature for b in version.inputs]
        rows: list[dict[str, Any]] = []
        edges: list[Edge] = []
        run_written: Written[TrainingRun] | None = None
        if run is not None:
            run_uid = _uid(run)
            if run_uid in existing:
                run_written = self._same_run(run, existing[run_uid], datasets)
            else:
                run_row = _node_row(run, {"datasets": datasets})
                rows.append(run_row)
                run_record = _record(run_row, None, unit.actor, unit.now)
                run_written = written(run_record, Outcome.CREATED, TrainingRun)
                edges += [Edge(run_uid, "READS", d) for d in datasets]
                edges += [Edge(run_uid, "USES", f) for f in dict.fromkeys(features)]
                unit.audit("recordTrainingRun", run_uid, None, _incoming(run, {"datasets": datasets}))
        row = _node_row(version)
        row["props"]["inputNames"] = [b.input for b in version.inputs]
        rows.append(row)
        await unit.store.upsert_nodes(rows)
        edges.append(Edge(uid, "VERSION_OF", Uid(Kind.MODEL, version.namespace, version.name).format()))
        if latest:
            edges.append(Edge(uid, "SUPERSEDES", latest["uid"]))
        if version.training_run:
            edges.append(Edge(uid, "PRODUCED_BY", version.training_run))
        edges += [
            Edge(uid, "CONSUMES", b.feature, {"input": b.input, "dtype": existing[b.feature]["dtype"]})
            for b in version.inputs
        ]
        await unit.store.merge_edges(edges)
        warnings = await self.gates.register_model_version(unit, uid) if self.gates else ()
        unit.audit("registerModelVersion", uid, None, version.to_properties())
        record = _record(row, None, unit.actor, unit.now)
        return ModelVersionResult(written(record, Outcome.CREATED, ModelVersion), run_written, warnings)

    @staticmethod
    def _same_run(
        run: TrainingRunInput, stored: Mapping[str, Any], datasets: list[str]
    ) -> Written[TrainingRun]:
        before = _payload(stored, ("datasets",)) or {}
        ensure_unchanged(
            _uid(run), before, _incoming(run, {"datasets": datasets}), ignored_fields(Kind.TRAINING_RUN)
        )
        return written(_stored(stored), Outcome.UNCHANGED, TrainingRun)

    @staticmethod
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

    async def record_evaluation(self, evaluation: EvaluationInput, *, actor: str) -> Written[Evaluation]:
        async def work(unit: Unit) -> Written[Evaluation]:
            refs = [evaluation.model_version, *filter(None, [evaluation.dataset, evaluation.baseline])]
            uid = _uid(evaluation)
            existing = await unit.store.nodes([uid, *refs])
            if uid not in existing:
                _require(existing, refs)
            plan = _upsert(unit, "recordEvaluation", [(evaluation, {})], existing, immutable=True, uids=[uid])
            await unit.upsert_nodes(plan.rows)
            if plan.changed:
                edges = [Edge(uid, "EVALUATES", evaluation.model_version)]
                if evaluation.dataset:
                    edges.append(Edge(uid, "ON", evaluation.dataset))
                if evaluation.baseline:
                    edges.append(Edge(uid, "BASELINE", evaluation.baseline))
                await unit.store.merge_edges(edges)
            record, outcome = plan.results[0]
            return written(record, outcome, Evaluation)

        return await self._run(actor, work)

    # serving -----------------------------------------------------------------------------------

    async def deploy(self, deployment: DeploymentInput, *, actor: str) -> Written[Deployment]:
        async def work(unit: Unit) -> Written[Deployment]:
            return await self._deploy(unit, deployment, "deploy")

        return await self._run(actor, work)

    async def _deploy(
        self,
        unit: Unit,
        deployment: DeploymentInput,
        action: str,
        promoted_from: str | None = None,
        source_environment: str | None = None,
    ) -> Written[Deployment]:
        uid = _uid(deployment)
        refs = [deployment.model_version, deployment.environment, *deployment.serves_from]
        if deployment.shadows:
            refs.append(deployment.shadows)
        existing = await unit.store.nodes([uid, *refs])
        _require(existing, refs)
        if deployment.shadows:
            self._check_shadowed(deployment, existing[deployment.shadows])
        mv = existing[deployment.model_version]
        consumed = await unit.store.outgoing([deployment.model_version], ["CONSUMES"])
        serves_from = list(deployment.serves_from) or sorted(
            {str(Uid.parse(row["to"]).parent) for row in consumed}
        )
        missing = [s for s in serves_from if s not in existing]
        if missing:
            existing = {**existing, **await unit.store.nodes(missing)}
            _require(existing, missing, "feature-set version")
        self._check_serving(mv["uid"], consumed, {s: existing[s] for s in serves_from})
        deployment = deployment.model_copy(update={"serves_from": serves_from})
        if uid in existing:
            before = _payload(existing[uid]) or {}
            ignore = SERVER_FIELDS | {"status", "startedAt", "description", "tags"}
            differences = diff_payload(before, deployment.to_properties(), ignore)
            if differences:
                raise Conflict(
                    f"deployment {uid} exists and serves something else "
                    f"({', '.join(d.path for d in differences[:5])})",
                    uid=uid,
                    differences=differences,
                )
            if promoted_from:
                await unit.store.merge_edges([Edge(promoted_from, "PROMOTED_TO", uid)])
            return written(_stored(existing[uid]), Outcome.UNCHANGED, Deployment)
        warnings: tuple[Finding, ...] = ()
        if self.gates is not None:
            candidate = DeploymentCandidate(
                uid=uid,
                model_version=deployment.model_version,
                environment=deployment.environment,
                target=deployment.target,
                serves_from=tuple(serves_from),
                promoted_from=source_environment,
            )
            warnings = await self.gates.deploy(unit, candidate, action)
        deployment = deployment.model_copy(
            update={"status": DeploymentStatus.ACTIVE, "started_at": deployment.started_at or unit.now}
        )
        row = _node_row(deployment)
        await unit.store.upsert_nodes([row])
        edges = [
            Edge(uid, "SERVES", deployment.model_version),
            Edge(uid, "IN_ENV", deployment.environment),
            *(Edge(uid, "SERVES_FROM", s) for s in serves_from),
        ]
        if deployment.shadows:
            edges.append(Edge(uid, "SHADOWS", deployment.shadows))
        if promoted_from:
            edges.append(Edge(promoted_from, "PROMOTED_TO", uid))
        await unit.store.merge_edges(edges)
        unit.audit(action, uid, None, deployment.to_properties())
        return written(_record(row, None, unit.actor, unit.now), Outcome.CREATED, Deployment, warnings)

    @staticmethod
    def _check_shadowed(deployment: DeploymentInput, live: Mapping[str, Any]) -> None:
        problems = []
        if live.get("mode") == DeploymentMode.SHADOW.value:
            problems.append("it is itself a SHADOW deployment")
        if live.get("environment") != deployment.environment:
            problems.append(f"it runs in {live.get('environment')}, not {deployment.environment}")
        if live.get("retiredAt") is not None:
            problems.append("it is retired")
        if problems:
            raise InvalidOperation(
                f"cannot shadow {live['uid']}: " + "; ".join(problems),
                code=ServiceErrorCode.INVALID_TRANSITION,
                details={"shadows": live["uid"], "problems": problems},
            )

    @staticmethod
    def _check_serving(
        model_version: str, consumed: Sequence[Mapping[str, Any]], serving: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """Every consumed feature must be served by a serving version of its set, same dtype."""
        by_set: dict[str, list[list[FeatureSpec]]] = {}
        for uid, props in serving.items():
            parent = Uid.parse(uid).parent
            if parent is not None:
                by_set.setdefault(parent.format(), []).append(_feature_specs(props))
        problems: list[Incompatibility] = []
        for row in consumed:
            feature = Uid.parse(row["to"])
            version = feature.parent
            feature_set = version.parent if version else None
            model_input = (
                str(row["props"].get("input")),
                feature.field or "",
                str(row["props"].get("dtype")),
            )
            candidates = by_set.get(feature_set.format() if feature_set else "", [])
            per_version = [incompatible_inputs([model_input], specs) for specs in candidates]
            if not candidates:
                problems.append(
                    Incompatibility(
                        model_input[0], row["to"], IncompatibilityReason.MISSING_FEATURE, model_input[2]
                    )
                )
            elif all(per_version):
                first = per_version[0][0]
                problems.append(
                    Incompatibility(
                        first.input, row["to"], first.reason, first.expected_dtype, first.actual_dtype
                    )
                )
        if problems:
            raise IncompatibleFeatures(
                f"the serving path cannot serve {len(problems)} input(s) of {model_version} "
                f"(first: {problems[0].input}, {problems[0].reason})",
                problems,
            )

    async def promote(
        self,
        deployment_uid: str,
        *,
        actor: str,
        target: str | None = None,
        serves_from: Sequence[str] | None = None,
    ) -> Written[Deployment]:
        """A LIVE deployment of the same model version in the next environment, on `target` (default:
        the source's when approved there, else the first approved) and the same serving path unless
        `serves_from` names another (e.g. the versions materialised in that environment's store)."""
        source_uid = _check_refs([deployment_uid], (Kind.DEPLOYMENT,), "deployment")[0]
        path = _check_refs(serves_from, (Kind.FEATURE_SET_VERSION,), "servesFrom") if serves_from else None

        async def work(unit: Unit) -> Written[Deployment]:
            existing = await unit.store.nodes([source_uid])
            _require(existing, [source_uid], "deployment")
            source = _stored(existing[source_uid])
            assert isinstance(source, Deployment)
            if source.retired_at is not None or source.status is not DeploymentStatus.ACTIVE:
                raise InvalidOperation(
                    f"{source_uid} is {source.status.value.lower()}; only an active deployment is promoted",
                    details={"uid": source_uid, "status": source.status.value},
                )
            environments = await unit.store.environments()
            current = next((e for e in environments if e["uid"] == source.environment), None)
            later = [e for e in environments if current is not None and e["order"] > current["order"]]
            if not later:
                raise InvalidOperation(
                    f"{source.environment} is the last environment; there is nowhere to promote to",
                    details={"uid": source_uid, "environment": source.environment},
                )
            nxt = later[0]
            approved = list(nxt.get("approvedTargets") or [])
            chosen = target or (
                source.target if source.target in approved else (approved[0] if approved else None)
            )
            if chosen is None:
                raise InvalidOperation(
                    f"{nxt['uid']} has no approved target: name one",
                    details={"environment": nxt["uid"]},
                )
            promoted = DeploymentInput(
                namespace=source.namespace,
                name=default_deployment_name(source.model_version, nxt["uid"], DeploymentMode.LIVE),
                description=source.description,
                model_version=source.model_version,
                environment=nxt["uid"],
                target=chosen,
                mode=DeploymentMode.LIVE,
                traffic_percent=100.0,
                serves_from=path or source.serves_from,
            )
            return await self._deploy(
                unit, promoted, "promote", promoted_from=source_uid, source_environment=source.environment
            )

        return await self._run(actor, work)

    async def retire_deployment(self, deployment_uid: str, *, actor: str) -> Written[Deployment]:
        uid = _check_refs([deployment_uid], (Kind.DEPLOYMENT,), "deployment")[0]

        async def work(unit: Unit) -> Written[Deployment]:
            existing = await unit.store.nodes([uid])
            _require(existing, [uid], "deployment")
            props = existing[uid]
            if props.get("retiredAt") is not None:
                return written(_stored(props), Outcome.UNCHANGED, Deployment)
            change = {"status": DeploymentStatus.STOPPED.value, "retiredAt": unit.now}
            await unit.store.set_properties([{"uid": uid, "props": change}])
            unit.audit(
                "retireDeployment",
                uid,
                {"status": props.get("status")},
                {"status": change["status"], "retiredAt": _jsonable(unit.now)},
            )
            return written(_stored({**props, **change}), Outcome.UPDATED, Deployment)

        return await self._run(actor, work)

    # lifecycle and governance ----------------------------------------------------------------

    async def deprecate(
        self,
        version_uid: str,
        *,
        actor: str,
        sunset_at: datetime | None = None,
        replacement: str | None = None,
    ) -> Written[Stored]:
        uid = _check_refs([version_uid], tuple(DEPRECATABLE), "uid")[0]
        kind = Uid.parse(uid).kind
        replaced_by = _check_refs([replacement], (kind,), "replacement")[0] if replacement else None
        if replaced_by == uid:
            raise InvalidInput(
                "a version cannot replace itself", code=ErrorCode.INVALID_VALUE, details={"uid": uid}
            )

        async def work(unit: Unit) -> Written[Stored]:
            existing = await unit.store.nodes([uid, *([replaced_by] if replaced_by else [])])
            _require(existing, [uid, *([replaced_by] if replaced_by else [])])
            props = existing[uid]
            if props.get("status") == VersionStatus.RETIRED.value:
                raise InvalidOperation(
                    f"{uid} is retired; it cannot be deprecated", details={"uid": uid, "status": "RETIRED"}
                )
            before = {
                "status": props.get("status"),
                "sunsetAt": _jsonable(props.get("sunsetAt")),
                "replacedBy": props.get("replacedBy"),
            }
            after = {
                "status": VersionStatus.DEPRECATED.value,
                "sunsetAt": _jsonable(sunset_at),
                "replacedBy": replaced_by,
            }
            if before == after:
                return Written(_stored(props), Outcome.UNCHANGED)
            change = {
                "status": VersionStatus.DEPRECATED.value,
                "sunsetAt": sunset_at,
                "replacedBy": replaced_by,
            }
            await unit.store.set_properties([{"uid": uid, "props": change}])
            await unit.store.retire_edges([(uid, "REPLACED_BY", [replaced_by] if replaced_by else [])])
            if replaced_by:
                await unit.store.merge_edges([Edge(uid, "REPLACED_BY", replaced_by)])
            unit.audit("deprecate", uid, before, after)
            return Written(
                _stored({**props, **{k: v for k, v in change.items() if v is not None}}), Outcome.UPDATED
            )

        return await self._run(actor, work)

    async def set_owner(self, uid: str, owner: str, *, actor: str) -> Written[Stored]:
        entity = _check_refs([uid], tuple(Kind), "uid")[0]
        owner_uid = _check_refs([owner], (Kind.TEAM, Kind.PRINCIPAL), "owner")[0]

        async def work(unit: Unit) -> Written[Stored]:
            existing = await unit.store.nodes([entity, owner_uid])
            _require(existing, [entity])
            props = existing[entity]
            if props.get("owner") == owner_uid:
                return Written(_stored(props), Outcome.UNCHANGED)
            await self._ensure_principals(unit, [owner_uid], existing)
            await unit.store.set_properties([{"uid": entity, "props": {"owner": owner_uid}}])
            await unit.store.retire_edges([(entity, "OWNED_BY", [owner_uid])])
            await unit.store.merge_edges([Edge(entity, "OWNED_BY", owner_uid)])
            unit.audit("setOwner", entity, {"owner": props.get("owner")}, {"owner": owner_uid})
            return Written(_stored({**props, "owner": owner_uid}), Outcome.UPDATED)

        return await self._run(actor, work)

    async def approve(
        self, subject: str, *, actor: str, reviewer: str | None = None, comment: str = ""
    ) -> Approval:
        subject_uid = _check_refs([subject], tuple(APPROVABLE), "subject")[0]
        if reviewer is not None and reviewer != actor:
            raise InvalidInput(
                f"the reviewer is the caller ({actor}); {reviewer} must approve it themselves",
                code=ErrorCode.INVALID_VALUE,
                details={"reviewer": reviewer, "caller": actor},
            )
        name = actor
        principal = Uid(Kind.PRINCIPAL, "global", name).format()

        async def work(unit: Unit) -> Approval:
            existing = await unit.store.nodes([subject_uid, principal])
            _require(existing, [subject_uid])
            props = existing[subject_uid]
            if props.get("createdBy") == name:
                raise InvalidOperation(
                    f"{name} created {subject_uid} and cannot approve it",
                    code=ServiceErrorCode.SELF_APPROVAL,
                    details={"uid": subject_uid, "reviewer": name},
                )
            approvals = await unit.store.incoming([subject_uid], ["APPROVED"])
            mine = next((a for a in approvals if a["from"] == principal), None)
            if mine is not None:
                return Approval(
                    _stored(props),
                    name,
                    str(mine["props"].get("comment", "")),
                    native(mine["props"]["createdAt"]),
                    Outcome.UNCHANGED,
                )
            await self._ensure_principals(unit, [principal], existing)
            await unit.store.merge_edges(
                [Edge(principal, "APPROVED", subject_uid, {"comment": comment, "reviewer": name})]
            )
            unit.audit("approve", subject_uid, None, {"reviewer": name, "comment": comment})
            return Approval(_stored(props), name, comment, unit.now, Outcome.CREATED)

        return await self._run(actor, work)

    # -------------------------------------------------------------------------------------------

    async def _run(
        self, actor: str, work: Callable[[Unit], Awaitable[T]], *, preload: Iterable[str] = ()
    ) -> T:
        try:
            return await transaction(self.graph, actor, work, clock=self.clock, preload=preload)
        except PolicyDenied as denied:
            # The write rolled back; its decisions are recorded on their own.
            if self.gates is not None and denied.judgements:
                try:
                    await self.gates.record(denied.judgements)
                except Exception:
                    log.exception("could not record the decisions of a denied write")
            raise
