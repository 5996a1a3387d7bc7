"""Data lineage writes: data sources, dataset snapshots, transforms and their runs.

Sources, transforms and runs are mutable (a different re-send replaces them); snapshots are
immutable. A transform or run ``READS`` its inputs and its outputs are ``PRODUCED_BY`` it;
re-registering one with fewer inputs retires the dropped ``READS`` edges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage_graph.domain import DatasetSnapshot, DataSource, EdgeType, Kind, Transform, TransformRun, Uid
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.services.catalog import upsert as up
from lineage_graph.services.catalog.checks import check_batch, check_refs, require

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lineage_graph.domain import DatasetSnapshotInput, DataSourceInput, Entity
    from lineage_graph.services.audit.unit import Unit
    from lineage_graph.services.catalog.context import Context
    from lineage_graph.services.catalog.records import TransformRegistration, TransformRunRecord, Written

_IO_KINDS = (Kind.SOURCE, Kind.SNAPSHOT, Kind.FEATURE_SET_VERSION)


async def register_data_sources(
    ctx: Context, inputs: Sequence[DataSourceInput], *, actor: str
) -> list[Written[DataSource]]:
    uids = check_batch(inputs, "data sources")

    async def work(unit: Unit) -> list[Written[DataSource]]:
        items: list[tuple[Entity, Mapping[str, Any]]] = [(i, {}) for i in inputs]
        plan = up.upsert(unit, up.DATA_SOURCE, items, unit.preloaded, uids=uids)
        await unit.upsert_nodes(plan.rows)
        return plan.written_as(DataSource)

    return await ctx.run(actor, work, preload=uids)


async def register_dataset_snapshots(
    ctx: Context, inputs: Sequence[DatasetSnapshotInput], *, actor: str
) -> list[Written[DatasetSnapshot]]:
    uids = check_batch(inputs, "dataset snapshots")
    sources = {
        uid: Uid(Kind.SOURCE, i.namespace, i.name).format() for uid, i in zip(uids, inputs, strict=True)
    }

    async def work(unit: Unit) -> list[Written[DatasetSnapshot]]:
        existing = unit.preloaded
        require(existing, sources.values(), "data source")
        items: list[tuple[Entity, Mapping[str, Any]]] = [(i, {}) for i in inputs]
        plan = up.upsert(unit, up.SNAPSHOT, items, existing, uids=uids)
        await unit.upsert_nodes(plan.rows)
        await unit.store.merge_edges(
            [Edge(uid, EdgeType.SNAPSHOT_OF, sources[uid]) for uid in sorted(plan.changed)]
        )
        return plan.written_as(DatasetSnapshot)

    return await ctx.run(actor, work, preload=[*sources, *sources.values()])


async def register_transforms(
    ctx: Context, requests: Sequence[TransformRegistration], *, actor: str
) -> list[Written[Transform]]:
    uids = check_batch([r.transform for r in requests], "transforms")
    io = [_io(r.reads, r.writes) for r in requests]
    refs = {u for reads, writes in io for u in (*reads, *writes)}

    async def work(unit: Unit) -> list[Written[Transform]]:
        require(unit.preloaded, sorted(refs))
        plan = await _write_jobs(unit, up.TRANSFORM, [r.transform for r in requests], io, uids)
        return plan.written_as(Transform)

    return await ctx.run(actor, work, preload=[*uids, *refs])


async def record_transform_runs(
    ctx: Context, records: Sequence[TransformRunRecord], *, actor: str
) -> list[Written[TransformRun]]:
    uids = check_batch([r.run for r in records], "transform runs")
    io = [_io(r.reads, r.writes) for r in records]
    jobs = {
        uid: Uid(Kind.TRANSFORM, r.run.namespace, r.run.name).format()
        for uid, r in zip(uids, records, strict=True)
    }
    refs = {u for reads, writes in io for u in (*reads, *writes)}

    async def work(unit: Unit) -> list[Written[TransformRun]]:
        require(unit.preloaded, sorted(set(jobs.values())), "transform")
        require(unit.preloaded, sorted(refs))
        plan = await _write_jobs(unit, up.TRANSFORM_RUN, [r.run for r in records], io, uids)
        await unit.store.merge_edges([Edge(uid, EdgeType.RUN_OF, jobs[uid]) for uid in sorted(plan.changed)])
        return plan.written_as(TransformRun)

    return await ctx.run(actor, work, preload=[*jobs, *jobs.values(), *refs])


def _io(reads: Sequence[str], writes: Sequence[str]) -> tuple[list[str], list[str]]:
    return check_refs(reads, _IO_KINDS, "reads"), check_refs(writes, _IO_KINDS, "writes")


async def _write_jobs(
    unit: Unit,
    policy: up.Policy,
    models: Sequence[Entity],
    io: Sequence[tuple[list[str], list[str]]],
    uids: Sequence[str],
) -> up.Plan:
    """Upsert transforms or runs with what they read and write: ``job -READS-> input`` and
    ``output -PRODUCED_BY-> job`` for each changed one, its dropped inputs retired."""
    items = [(m, {"reads": reads, "writes": writes}) for m, (reads, writes) in zip(models, io, strict=True)]
    plan = up.upsert(unit, policy, items, unit.preloaded, uids=uids)
    await unit.upsert_nodes(plan.rows)
    changed = [
        (uid, reads, writes) for uid, (reads, writes) in zip(uids, io, strict=True) if uid in plan.changed
    ]
    await unit.store.retire_edges([(uid, EdgeType.READS, reads) for uid, reads, _ in changed])
    edges = [Edge(uid, EdgeType.READS, r) for uid, reads, _ in changed for r in reads]
    edges += [Edge(w, EdgeType.PRODUCED_BY, uid) for uid, _, writes in changed for w in writes]
    await unit.store.merge_edges(edges)
    return plan
