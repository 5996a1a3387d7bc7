"""Compliance scan: the batched scan against one OPA HTTP call per entity, in the same run.

The batched side is the product's `ComplianceScan` over the whole generated catalog, every
package. The per-entity side makes the same decisions one ``POST .../decision`` each; running
all of them would take minutes, so it times a random sample of `SAMPLE` documents taken from
the scan itself (every package in proportion) and extrapolates the per-entity cost to all the
scan's decisions, adding the time the scan spends reading and shaping its inputs (measured
with OPA stubbed out, after a warm-up scan), which the per-entity approach pays too. Both sides
talk to the same OPA with the same policies, warmed up.

Standalone: ``python -m bench.governance_scenarios --scale 100k`` (loads the catalog first).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from typing import TYPE_CHECKING, Any

from bench.harness import Figure, peak_rss_mb, table
from lineage_graph.policy import PolicyEngine
from lineage_graph.services.compliance import ComplianceScan, Scope

if TYPE_CHECKING:
    from bench.scenarios import Context

SAMPLE = 2_000
SEED = 7


class _Collector:
    """An engine that answers every batch with "allow" at once, keeping the documents: it
    times the scan's own reading and shaping, and gives the per-entity side its sample."""

    def __init__(self) -> None:
        self.documents: list[tuple[str, dict[str, Any]]] = []

    async def evaluate(self, package: str, rule: str, document: dict[str, Any]) -> Any:
        shared = {k: v for k, v in document.items() if k != "items"}
        self.documents += [(package, {**shared, **item}) for item in document["items"]]
        return [{"allow": True, "violations": [], "warnings": []} for _ in document["items"]]


async def _catalog_nodes(ctx: Context) -> int:
    graph = ctx.graph()
    try:
        rows = await graph.read("queries/catalog_counts")
    finally:
        await graph.close()
    return int(rows[0]["nodes"])


async def compliance_scan(ctx: Context) -> list[Figure]:
    """Time a full batched scan and the same decisions one OPA call each (sampled)."""
    nodes = await _catalog_nodes(ctx)
    if nodes < ctx.catalog.node_count:
        from bench.loaders import load_raw  # noqa: PLC0415 - only when raw_load did not run first

        graph = ctx.graph()
        try:
            await load_raw(graph, ctx.catalog)
        finally:
            await graph.close()
        nodes = await _catalog_nodes(ctx)
    graph = ctx.graph()
    try:
        async with PolicyEngine(ctx.stack.opa_url, timeout=300.0) as engine:
            await ComplianceScan(graph, engine).run(Scope())  # warm-up: caches, JIT, connections
            collector = _Collector()
            started = time.perf_counter()
            await ComplianceScan(graph, collector).run(Scope())  # type: ignore[arg-type]
            gather_seconds = time.perf_counter() - started

            runs = []
            for _ in range(max(1, min(ctx.repetitions, 3))):
                started = time.perf_counter()
                report = await ComplianceScan(graph, engine).run(Scope())
                runs.append(time.perf_counter() - started)
            batched = min(runs)
            decisions = report.evaluated
            calls = sum(s.calls for s in report.summaries.values())

            sample = random.Random(SEED).sample(collector.documents, min(SAMPLE, len(collector.documents)))
            for package, document in sample[:50]:  # warm-up
                await engine.evaluate(package, "decision", document)
            started = time.perf_counter()
            for package, document in sample:
                await engine.evaluate(package, "decision", document)
            per_entity = (time.perf_counter() - started) / len(sample)
    finally:
        await graph.close()

    baseline = gather_seconds + per_entity * decisions
    common = {"scenario": "compliance_scan", "scale": ctx.scale, "unit": "decisions/s"}
    notes = {
        "catalog_nodes": nodes,
        "decisions": decisions,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
    }
    return [
        Figure(
            measure=f"one OPA HTTP call per entity (sample of {len(sample)}, extrapolated)",
            repetitions=1,
            throughput=decisions / baseline,
            notes={
                **notes,
                "seconds_extrapolated": round(baseline, 1),
                "per_call_ms": round(per_entity * 1000, 3),
                "gather_seconds": round(gather_seconds, 1),
            },
            **common,
        ),
        Figure(
            measure="batched scan, every package (chunks of 1,000, 4 in flight)",
            repetitions=len(runs),
            throughput=decisions / batched,
            baseline="one call per entity",
            ratio_to_baseline=baseline / batched,
            target="≥ 20× faster",
            api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
            notes={**notes, "seconds": round(batched, 1), "opa_calls": calls},
            **common,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.generator import SCALES, generate  # noqa: PLC0415
    from bench.scenarios import Context  # noqa: PLC0415
    from bench.stack import bench_stack  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m bench.governance_scenarios", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="100k")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    catalog = generate(SCALES[args.scale], seed=args.seed)
    print(f"scale {args.scale}: {catalog.node_count:,} nodes, {catalog.edge_count:,} edges", flush=True)
    with bench_stack() as stack:
        context = Context(stack=stack, catalog=catalog, scale=args.scale, repetitions=args.repetitions)
        figures = asyncio.run(compliance_scan(context))
    print(table(figures))
    for figure in figures:
        print(figure.measure, figure.notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
