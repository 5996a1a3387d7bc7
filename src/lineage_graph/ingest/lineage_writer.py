"""Write a batch of lineage facts (sources, snapshots, jobs, runs, column lineage) in one transaction.

The batch entry point `CatalogService` lacks: OpenLineage producers send many small, partial
facts about the same entities, and a batch of them must land together, merged with what is
stored, in one `services.audit.unit` transaction (audit chain locked, so the merge reads see
every earlier commit and concurrent producers cannot lose each other's facts).

This module only merges facts; whether the merged entity is created, updated or left as it is
is decided by the catalog's one upsert (`services.catalog.upsert.Plan`), exactly as for a
GraphQL request: same comparison, properties, audit actions and ``before``/``after``, so an
identical entity is judged the same whichever way it comes (docs/adr/0007-one-write-path.md).

Fact-merging rules, chosen so that re-sending any event, or receiving events in any order,
ends in the same graph:

- A fact carries only the fields its event said something about (`Facts.values`). A fact at
  least as new as the stored one (its time in ``lineageFactTimesJson``) overrides the fields
  it carries; an older fact only fills fields that are still empty.
- A run's state moves forward only: START < RUNNING < COMPLETE | FAIL | ABORT (OTHER never
  replaces a known state); between two terminal states the later event wins. ``startedAt``
  is the earliest start seen, ``endedAt`` the latest end.
- What a job or run reads and writes, and column lineage, only grow (unions).
- A dataset snapshot is immutable: a fact about a known version only fills its empty fields
  (`upsert.Merge.FILL`); a stored value is kept.

Column lineage is a ``DERIVED_FROM`` edge between data sources audited as
``recordColumnLineage``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import (
    DatasetSnapshotInput,
    DataSourceInput,
    DomainError,
    EdgeType,
    Kind,
    NodeInput,
    RunState,
    TransformInput,
    TransformRunInput,
    TransformType,
    Uid,
)
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.graph.codec import canonical_json, decode, record_from_node
from lineage_graph.services.audit.unit import Unit, transaction
from lineage_graph.services.catalog import upsert as up
from lineage_graph.services.catalog.records import Outcome
from lineage_graph.services.catalog.upsert import FACT_TIMES, STATE_AT

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from lineage_graph.graph import Graph

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_RANK: Final = {
    RunState.OTHER: 0,
    RunState.START: 1,
    RunState.RUNNING: 2,
    RunState.COMPLETE: 3,
    RunState.FAIL: 3,
    RunState.ABORT: 3,
}


@dataclass
class Facts:
    """What events said about one entity: each field they carried, with the time it was said.

    Every field is a last-writer-wins register keyed by event time (ties: the larger value in
    canonical JSON), so merging facts is associative, commutative and idempotent.
    """

    namespace: str
    name: str
    values: dict[str, tuple[datetime, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, namespace: str, name: str, at: datetime, values: Mapping[str, Any]) -> Facts:
        return cls(namespace, name, {k: (at, v) for k, v in values.items()})

    def merge(self, other: Facts) -> Facts:
        values = dict(self.values)
        for key, (at, value) in other.values.items():
            mine = values.get(key)
            if mine is None or (at, canonical_json(value)) > (mine[0], canonical_json(mine[1])):
                values[key] = (at, value)
        return Facts(self.namespace, self.name, values)

    def plain(self) -> dict[str, Any]:
        return {k: v for k, (_, v) in self.values.items()}

    def times(self) -> str:
        return canonical_json(
            {k: at.isoformat() for k, (at, _) in sorted(self.values.items()) if at != EPOCH}
        )


@dataclass
class JobFacts:
    facts: Facts
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)

    def merge(self, other: JobFacts) -> JobFacts:
        return JobFacts(self.facts.merge(other.facts), self.reads | other.reads, self.writes | other.writes)


@dataclass
class RunFacts:
    job_namespace: str
    job_name: str
    run_id: str
    state: RunState
    state_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)

    def merge(self, other: RunFacts) -> RunFacts:
        newer = (_RANK[other.state], other.state_at) > (_RANK[self.state], self.state_at)
        state, state_at = (other.state, other.state_at) if newer else (self.state, self.state_at)
        return RunFacts(
            self.job_namespace,
            self.job_name,
            self.run_id,
            state,
            state_at,
            _pick(min, self.started_at, other.started_at),
            _pick(max, self.ended_at, other.ended_at),
            self.reads | other.reads,
            self.writes | other.writes,
        )


def _pick(choose: Any, a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return choose(a, b)  # type: ignore[no-any-return]


@dataclass
class LineageBatch:
    """Merged facts of a batch of events, keyed by uid."""

    sources: dict[str, Facts] = field(default_factory=dict)
    snapshots: dict[str, DatasetSnapshotInput] = field(default_factory=dict)
    jobs: dict[str, JobFacts] = field(default_factory=dict)
    runs: dict[str, RunFacts] = field(default_factory=dict)
    columns: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)
    """(output source, input source) → output field → input fields ("*": the whole dataset)."""

    def add_source(self, uid: str, facts: Facts) -> None:
        known = self.sources.get(uid)
        self.sources[uid] = facts if known is None else known.merge(facts)

    def add_snapshot(self, snapshot: DatasetSnapshotInput) -> None:
        """The first fact about a version is kept; later ones only fill its empty fields."""
        uid = snapshot.identity().format()
        known = self.snapshots.get(uid)
        if known is None:
            self.snapshots[uid] = snapshot
            return
        fill = {
            name: value
            for name in DatasetSnapshotInput.model_fields
            if getattr(known, name) is None and (value := getattr(snapshot, name)) is not None
        }
        if fill:
            self.snapshots[uid] = known.model_copy(update=fill)

    def add_job(self, uid: str, job: JobFacts) -> None:
        known = self.jobs.get(uid)
        self.jobs[uid] = job if known is None else known.merge(job)

    def add_run(self, uid: str, run: RunFacts) -> None:
        known = self.runs.get(uid)
        self.runs[uid] = run if known is None else known.merge(run)

    def add_columns(self, output: str, source: str, out_field: str, in_field: str) -> None:
        self.columns.setdefault((output, source), {}).setdefault(out_field, set()).add(in_field)

    @property
    def size(self) -> int:
        return len(self.sources) + len(self.snapshots) + len(self.jobs) + len(self.runs)


@dataclass
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.CREATED:
            self.created += 1
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1


def _stored_facts(
    props: Mapping[str, Any] | None, model: type[NodeInput], extras: Iterable[str]
) -> Facts | None:
    if props is None:
        return None
    record = record_from_node(props)
    if record is None:
        return None
    decoded = decode(props)
    times = {k: datetime.fromisoformat(v) for k, v in json.loads(decoded.get(FACT_TIMES) or "{}").items()}
    values: dict[str, tuple[datetime, Any]] = {}
    for name in model.model_fields:
        value = getattr(record, name, None)
        if name not in ("namespace", "name") and value not in (None, "", [], {}):
            values[name] = (times.get(name, EPOCH), value)
    for key in extras:
        if decoded.get(key) not in (None, []):
            values[key] = (times.get(key, EPOCH), tuple(decoded[key]))
    return Facts(str(decoded["namespace"]), str(decoded["name"]), values)


def owner_uid(name: str) -> str:
    """The Team or Principal uid of an owner named by a producer.

    A canonical owner uid is kept (``team:risk/ds``); OpenLineage's recommended URNs map to
    the global namespace (``team:data`` → ``team:global/data``, ``user:jdoe`` →
    ``principal:global/jdoe``); anything else (an e-mail, ``application:x``) is a principal.
    """
    text = name.strip()
    try:
        return Uid.parse(text, expect=(Kind.TEAM, Kind.PRINCIPAL)).format()
    except DomainError:
        pass
    prefix, colon, rest = text.partition(":")
    if colon and rest and prefix.lower() in ("team", "group"):
        return Uid(Kind.TEAM, "global", rest).format()
    if colon and rest and prefix.lower() in ("user", "principal", "person"):
        return Uid(Kind.PRINCIPAL, "global", rest).format()
    return Uid(Kind.PRINCIPAL, "global", text).format()


class _Plan:
    """The shared upsert's plan, and the edges, retirements and owners gathered beside it."""

    def __init__(self, unit: Unit, existing: dict[str, dict[str, Any]]) -> None:
        self.nodes = up.Plan(unit, existing)
        self.existing = existing
        self.edges: list[Edge] = []
        self.retire: list[tuple[str, EdgeType, list[str]]] = []
        self.owners: set[str] = set()
        self.summary = WriteSummary()

    def upsert(
        self,
        policy: up.Policy,
        model: NodeInput,
        extras: Mapping[str, Any] | None = None,
        bookkeeping: Mapping[str, Any] | None = None,
    ) -> Outcome:
        outcome = self.nodes.add(policy, model, extras, bookkeeping=bookkeeping)
        self.summary.count(outcome)
        return outcome

    def own(self, uid: str, owners: tuple[str, ...] | None) -> None:
        if owners is None:
            return
        self.owners.update(owners)
        self.retire.append((uid, EdgeType.OWNED_BY, list(owners)))
        self.edges += [Edge(uid, EdgeType.OWNED_BY, o) for o in owners]


async def write_batch(graph: Graph, batch: LineageBatch, *, actor: str) -> WriteSummary:
    """Store `batch` in one transaction; returns how many nodes were created, updated, left."""

    async def work(unit: Unit) -> WriteSummary:
        owners = {
            o
            for facts in [*batch.sources.values(), *(j.facts for j in batch.jobs.values())]
            for o in facts.plain().get("owners") or ()
        }
        job_uids = {Uid(Kind.TRANSFORM, r.job_namespace, r.job_name).format() for r in batch.runs.values()}
        existing = await unit.store.nodes(
            [*batch.sources, *batch.snapshots, *batch.jobs, *batch.runs, *job_uids, *owners]
        )
        plan = _Plan(unit, existing)
        _sources(plan, batch)
        _snapshots(plan, batch)
        _jobs(plan, batch)
        _runs(plan, batch)
        await unit.store.upsert_nodes([*plan.nodes.rows, *up.owner_rows(unit, plan.owners, existing)])
        await unit.store.set_properties(plan.nodes.touched)
        await _column_lineage(unit, plan, batch)
        await unit.store.retire_edges(plan.retire)
        await unit.store.merge_edges(plan.edges)
        return plan.summary

    return await transaction(graph, actor, work)


def _sources(plan: _Plan, batch: LineageBatch) -> None:
    for uid, facts in batch.sources.items():
        stored = _stored_facts(plan.existing.get(uid), DataSourceInput, ("owners",))
        merged = stored.merge(facts) if stored is not None else facts
        values = merged.plain()
        owners = values.pop("owners", None)
        model = DataSourceInput(namespace=merged.namespace, name=merged.name, **values)
        outcome = plan.upsert(up.DATA_SOURCE, model, {"owners": owners}, {FACT_TIMES: merged.times()})
        if outcome is not Outcome.UNCHANGED and "owners" in facts.values:
            plan.own(uid, owners)


def _snapshots(plan: _Plan, batch: LineageBatch) -> None:
    for uid, snapshot in batch.snapshots.items():
        if plan.upsert(up.SNAPSHOT_FACT, snapshot) is not Outcome.CREATED:
            continue
        plan.edges.append(
            Edge(uid, EdgeType.SNAPSHOT_OF, Uid(Kind.SOURCE, snapshot.namespace, snapshot.name).format())
        )


def _stored_io(props: Mapping[str, Any] | None) -> tuple[set[str], set[str]]:
    if props is None:
        return set(), set()
    return set(props.get("reads") or []), set(props.get("writes") or [])


def _jobs(plan: _Plan, batch: LineageBatch) -> None:
    for uid, job in batch.jobs.items():
        props = plan.existing.get(uid)
        stored = _stored_facts(props, TransformInput, ("owners",))
        merged = stored.merge(job.facts) if stored is not None else job.facts
        values = merged.plain()
        owners = values.pop("owners", None)
        values.setdefault("type", TransformType.PYTHON)
        model = TransformInput(namespace=merged.namespace, name=merged.name, **values)
        stored_reads, stored_writes = _stored_io(props)
        reads, writes = stored_reads | job.reads, stored_writes | job.writes
        extras = {"reads": sorted(reads), "writes": sorted(writes), "owners": owners}
        if plan.upsert(up.TRANSFORM, model, extras, {FACT_TIMES: merged.times()}) is not Outcome.UNCHANGED:
            plan.edges += [Edge(uid, EdgeType.READS, r) for r in sorted(reads - stored_reads)]
            plan.edges += [Edge(w, EdgeType.PRODUCED_BY, uid) for w in sorted(writes - stored_writes)]
            if "owners" in job.facts.values:
                plan.own(uid, owners)


def _runs(plan: _Plan, batch: LineageBatch) -> None:
    for uid, run in batch.runs.items():
        props = plan.existing.get(uid)
        merged = run
        if props is not None:
            decoded = decode(props)
            stored_reads, stored_writes = _stored_io(props)
            stored = RunFacts(
                run.job_namespace,
                run.job_name,
                run.run_id,
                RunState(decoded["state"]),
                decoded.get(STATE_AT) or EPOCH,
                decoded.get("startedAt"),
                decoded.get("endedAt"),
                stored_reads,
                stored_writes,
            )
            merged = stored.merge(run)
        else:
            stored_reads, stored_writes = set(), set()
        ended = merged.ended_at
        if ended is not None and merged.started_at is not None and ended < merged.started_at:
            ended = None
        model = TransformRunInput(
            namespace=merged.job_namespace,
            name=merged.job_name,
            run_id=merged.run_id,
            state=merged.state,
            started_at=merged.started_at,
            ended_at=ended,
        )
        extras = {"reads": sorted(merged.reads), "writes": sorted(merged.writes)}
        if plan.upsert(up.TRANSFORM_RUN, model, extras, {STATE_AT: merged.state_at}) is not Outcome.UNCHANGED:
            if props is None:
                plan.edges.append(
                    Edge(
                        uid,
                        EdgeType.RUN_OF,
                        Uid(Kind.TRANSFORM, merged.job_namespace, merged.job_name).format(),
                    )
                )
            plan.edges += [Edge(uid, EdgeType.READS, r) for r in sorted(merged.reads - stored_reads)]
            plan.edges += [Edge(w, EdgeType.PRODUCED_BY, uid) for w in sorted(merged.writes - stored_writes)]


async def _column_lineage(unit: Unit, plan: _Plan, batch: LineageBatch) -> None:
    if not batch.columns:
        return
    outputs = sorted({out for out, _ in batch.columns})
    stored: dict[tuple[str, str], dict[str, set[str]]] = {}
    for row in await unit.store.outgoing(outputs, [EdgeType.DERIVED_FROM]):
        mapping = json.loads(row["props"].get("columnMapJson") or "{}")
        stored[(row["from"], row["to"])] = {k: set(v) for k, v in mapping.items()}
    changed: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for key, mapping in sorted(batch.columns.items()):
        before = stored.get(key, {})
        merged = {k: before.get(k, set()) | mapping.get(k, set()) for k in before.keys() | mapping.keys()}
        if merged == before:
            continue
        plain = {k: sorted(v) for k, v in sorted(merged.items())}
        plan.edges.append(
            Edge(
                key[0],
                EdgeType.DERIVED_FROM,
                key[1],
                {
                    "columns": sorted({c for v in merged.values() for c in v}),
                    "fields": sorted(k for k in merged if k != "*"),
                    "columnMapJson": canonical_json(plain),
                },
            )
        )
        olds, news = changed.setdefault(key[0], ({}, {}))
        if before:
            olds[key[1]] = {k: sorted(v) for k, v in sorted(before.items())}
        news[key[1]] = plain
    for output, (olds, news) in sorted(changed.items()):
        unit.audit(
            "recordColumnLineage", output, {"derivedFrom": olds} if olds else None, {"derivedFrom": news}
        )
