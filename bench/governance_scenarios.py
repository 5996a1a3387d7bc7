"""Compliance scan: the batched scan against two per-entity baselines, in the same run.

The batched side is the product's `ComplianceScan` over the whole generated catalog, every
package. Two baselines make the same decisions one ``POST .../decision`` each, sequentially:

- **like for like**: the scan's own documents (read in bulk, as the scan reads them), then one
  OPA HTTP call per decision. Its cost is the time the scan spends reading and shaping its
  inputs (measured with OPA stubbed out, after a warm-up scan) plus the per-call time of a
  random sample of `SAMPLE` of those documents (every package in proportion), extrapolated.
- **naive per-entity scan**: for each subject, read its input with its own Cypher queries
  (``uids: [uid]``), build its documents and make one OPA HTTP call per decision, as a scan
  written without batching would. Timed on a random sample of `NAIVE_SAMPLE` subjects of each
  family (sources and snapshots, feature-set versions, model versions, deployments),
  extrapolated to every subject of the family, plus the time to list the subjects.

Running either baseline in full would take minutes; the figures say they are extrapolated.
Both sides talk to the same Neo4j and OPA, with the policies of this working tree, warmed up.

Standalone: ``python -m bench.governance_scenarios --scale 100k`` (loads the catalog first,
prints the figures and writes them to ``bench/results/compliance_scan.json``).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import Figure, peak_rss_mb, table, write_report
from lineage_graph import gc_tuning, resources
from lineage_graph.domain import Kind
from lineage_graph.graph import Graph, QueryLibrary
from lineage_graph.policy import PolicyEngine
from lineage_graph.policy.decisions import Package
from lineage_graph.policy.sync import PolicySet, sync_policies
from lineage_graph.services.governance import inputs
from lineage_graph.services.governance.compliance import ComplianceScan, Scope
from lineage_graph.services.governance.families import deployment_promotion
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bench.scenarios import Context

SAMPLE = 2_000
NAIVE_SAMPLE = 150
SEED = 7
QUERY_TIMEOUT = 900.0
RESULTS = Path(__file__).resolve().parent / "results" / "compliance_scan.json"


class _Collector:
    """An engine that answers every batch with "allow" at once, keeping the documents: it
    times the scan's own reading and shaping, and gives the per-entity side its sample."""

    def __init__(self) -> None:
        self.documents: list[tuple[str, dict[str, Any]]] = []

    async def evaluate(self, package: str, rule: str, document: dict[str, Any]) -> Any:
        shared = {k: v for k, v in document.items() if k != "items"}
        self.documents += [(package, {**shared, **item}) for item in document["items"]]
        return [{"allow": True, "violations": [], "warnings": []} for _ in document["items"]]


def _graph(ctx: Context) -> Graph:
    """A graph client whose transactions may run long: a loaded shared machine can take more
    than the default 30 s to load the catalog."""
    settings = Settings(
        neo4j_uri=ctx.stack.neo4j_uri, opa_url=ctx.stack.opa_url, query_timeout_seconds=QUERY_TIMEOUT
    )
    return Graph.connect(settings, QueryLibrary(resources.cypher_dir()))


async def _catalog_nodes(graph: Graph) -> int:
    rows = await graph.read("queries/catalog_counts")
    return int(rows[0]["nodes"])


class _Naive:
    """The naive per-entity scan: each subject's input read by its own queries, then one OPA
    call per decision (``decision``, not ``batch``)."""

    def __init__(self, graph: Graph, engine: PolicyEngine, now: str) -> None:
        self.graph = graph
        self.engine = engine
        self.now = now
        self.order: dict[str, int] = {}
        self.calls = 0

    async def _decide(self, package: Package, document: dict[str, Any]) -> None:
        self.calls += 1
        await self.engine.evaluate(package.path, "decision", document)

    async def _versions(self, uids: list[str]) -> dict[str, dict[str, Any]]:
        if not uids:
            return {}
        rows = await self.graph.read_rows("governance/feature_set_versions", {"uids": sorted(set(uids))})
        return {str(r["uid"]): r for r in rows}

    async def retention(self, uid: str) -> None:
        for row in await self.graph.read_rows("governance/retention_inputs", {"uids": [uid]}):
            await self._decide(Package.RETENTION, inputs.retention_document(row, self.now))

    async def schema(self, uid: str) -> None:
        for row in await self.graph.read_rows("governance/schema_inputs", {"uids": [uid]}):
            await self._decide(Package.SCHEMA, inputs.schema_document(row))

    async def model_version(self, uid: str) -> None:
        for row in await self.graph.read_rows("governance/model_version_inputs", {"uids": [uid]}):
            await self._decide(Package.LINEAGE, inputs.lineage_document(row))
            consumed = inputs.consumed_versions(row)
            versions = await self._versions(consumed)
            used = [versions[v] for v in consumed if v in versions]
            await self._decide(
                Package.DEPRECATION, inputs.deprecation_document("modelVersion", uid, used, self.now)
            )

    async def deployment(self, uid: str) -> None:
        for row in await self.graph.read_rows("governance/deployment_inputs", {"uids": [uid]}):
            versions = await self._versions([str(v) for v in row["servesFrom"]])
            serving = [versions[v] for v in sorted(row["servesFrom"]) if v in versions]
            if row.get("modelVersion"):
                found = await self.graph.read_rows(
                    "governance/model_version_inputs", {"uids": [str(row["modelVersion"])]}
                )
                for model_version in found:
                    document = deployment_promotion(row, model_version, self.order, serving)
                    await self._decide(Package.PROMOTION, {**document, "now": self.now})
            environment = inputs.environment_name(row.get("environment")) or ""
            await self._decide(
                Package.TARGETS, inputs.targets_document(environment, uid, row.get("target"), serving)
            )
            await self._decide(
                Package.DEPRECATION, inputs.deprecation_document("deployment", uid, serving, self.now)
            )

    async def listing(self, kinds: tuple[Kind, ...]) -> list[str]:
        """Every subject of some kinds, as the naive scan would list them (one query)."""
        rows = await self.graph.read_rows(
            "governance/page",
            {
                "kinds": [k.value for k in kinds],
                "after": "",
                "limit": 10_000_000,
                "namespace": None,
                "prefix": "",
            },
        )
        return [str(u) for u in rows]


_FAMILIES: dict[str, tuple[Kind, ...]] = {
    "retention": (Kind.SOURCE, Kind.SNAPSHOT),
    "schema": (Kind.FEATURE_SET_VERSION,),
    "model_version": (Kind.MODEL_VERSION,),
    "deployment": (Kind.DEPLOYMENT,),
}


async def _naive_scan(graph: Graph, engine: PolicyEngine, now: str, sample: int) -> dict[str, Any]:
    """Time the naive per-entity scan on `sample` subjects per family; extrapolate."""
    naive = _Naive(graph, engine, now)
    environments = await graph.read_values("queries/environments")
    naive.order = {str(e["props"]["name"]): int(e["props"]["order"]) for e in environments}
    rng = random.Random(SEED)
    seconds = 0.0
    per_family: dict[str, Any] = {}
    for family, kinds in _FAMILIES.items():
        started = time.perf_counter()
        subjects = await naive.listing(kinds)
        listed = time.perf_counter() - started
        judge: Callable[[str], Awaitable[None]] = getattr(naive, family)
        chosen = rng.sample(subjects, min(sample, len(subjects)))
        for uid in chosen[:5]:  # warm-up: query plans, connections
            await judge(uid)
        naive.calls = 0
        started = time.perf_counter()
        for uid in chosen:
            await judge(uid)
        elapsed = time.perf_counter() - started
        per_subject = elapsed / max(1, len(chosen))
        seconds += listed + per_subject * len(subjects)
        per_family[family] = {
            "subjects": len(subjects),
            "sampled": len(chosen),
            "ms_per_subject": round(per_subject * 1000, 3),
            "opa_calls_per_subject": round(naive.calls / max(1, len(chosen)), 2),
        }
    return {"seconds": seconds, "families": per_family}


async def compliance_scan(ctx: Context) -> list[Figure]:
    """Time a full batched scan, the same decisions one OPA call each (sampled), and a naive
    per-entity scan (sampled)."""
    graph = _graph(ctx)
    try:
        nodes = await _catalog_nodes(graph)
        if nodes < ctx.catalog.node_count:
            from bench.loaders import load_raw  # noqa: PLC0415 - only when raw_load did not run first

            await load_raw(graph, ctx.catalog)
            nodes = await _catalog_nodes(graph)
        async with PolicyEngine(ctx.stack.opa_url, timeout=300.0) as engine:
            await sync_policies(engine, PolicySet.load(resources.policies_dir()))
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

            naive = await _naive_scan(graph, engine, report.now, NAIVE_SAMPLE)
    finally:
        await graph.close()

    like_for_like = gather_seconds + per_entity * decisions
    naive_seconds = float(naive["seconds"])
    common = {"scenario": "compliance_scan", "scale": ctx.scale, "unit": "decisions/s"}
    notes = {
        "catalog_nodes": nodes,
        "decisions": decisions,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
    }
    return [
        Figure(
            measure=f"baseline A, like for like: bulk-read documents, one OPA HTTP call per decision "
            f"(sample of {len(sample)}, extrapolated)",
            repetitions=1,
            throughput=decisions / like_for_like,
            notes={
                **notes,
                "seconds_extrapolated": round(like_for_like, 1),
                "per_call_ms": round(per_entity * 1000, 3),
                "gather_seconds": round(gather_seconds, 1),
            },
            **common,
        ),
        Figure(
            measure=f"baseline B, naive per-entity scan: own Cypher read + one OPA call per decision "
            f"(sample of {NAIVE_SAMPLE} subjects per family, extrapolated)",
            repetitions=1,
            throughput=decisions / naive_seconds,
            notes={**notes, "seconds_extrapolated": round(naive_seconds, 1), "families": naive["families"]},
            **common,
        ),
        Figure(
            measure="batched scan, every package (chunks of 1,000, 4 in flight) vs baseline A",
            repetitions=len(runs),
            throughput=decisions / batched,
            baseline="A: one OPA call per decision, documents read in bulk",
            ratio_to_baseline=like_for_like / batched,
            target="≥ 20× faster",
            api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
            notes={
                **notes,
                "seconds": round(batched, 2),
                "runs": [round(r, 2) for r in runs],
                "opa_calls": calls,
                "opa_peak_rss_mb": peak_rss_mb(ctx.stack.opa_pid),
            },
            **common,
        ),
        Figure(
            measure="batched scan, every package vs baseline B",
            repetitions=len(runs),
            throughput=decisions / batched,
            baseline="B: naive per-entity scan (own Cypher read + one OPA call per decision)",
            ratio_to_baseline=naive_seconds / batched,
            target="≥ 20× faster",
            notes={**notes, "seconds": round(batched, 2)},
            **common,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.generator import SCALES, generate  # noqa: PLC0415
    from bench.scenarios import Context  # noqa: PLC0415
    from bench.stack import bench_stack  # noqa: PLC0415

    # The scans and loads run in this process: tune its collector as the CLI does its own.
    gc_tuning.tune(Settings().collector_thresholds)
    parser = argparse.ArgumentParser(prog="python -m bench.governance_scenarios", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="100k")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.monotonic()
    catalog = generate(SCALES[args.scale], seed=args.seed)
    print(f"scale {args.scale}: {catalog.node_count:,} nodes, {catalog.edge_count:,} edges", flush=True)
    with bench_stack() as stack:
        context = Context(stack=stack, catalog=catalog, scale=args.scale, repetitions=args.repetitions)
        figures = asyncio.run(compliance_scan(context))
    print(table(figures))
    for figure in figures:
        print(figure.measure, figure.notes)
    write_report(
        figures,
        args.out,
        {"seed": args.seed, "scales": [args.scale], "seconds": round(time.monotonic() - started)},
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
