"""Lineage scenarios: each API call against the named Cypher query it runs, raw, in the same run.

`downstream_impact`: downstream impact from a busy source.

From the catalog's first hub source (read by a large share of the transforms), at depths 2, 5
and 10, four calls are timed, interleaved call by call so all see the same machine load; each API
figure is compared with the named query it runs, run directly through `Graph` with the same call
the service makes (``read_values`` for the walks: values as the driver decodes them, no
conversion; ``read`` for the reproduction manifest):

- API ``impact`` (grouped: feature-set versions, model versions, deployments by environment,
  owners; path counts) against raw ``lineage/impact`` (the walk with owners and environments);
- API ``lineage(direction: DOWNSTREAM)`` with every node and edge returned, against raw
  ``lineage/downstream``.

Targets (issue 4), for impact: at depth 10, API p50 at most 1.5 times raw and under 100 ms.

`lineage_subgraph`: ``lineage(direction: DOWNSTREAM, depth: 10)`` returning every node and edge of a
subgraph of about `SUBGRAPH_NODES` nodes (the generated source whose downstream is nearest that
size, found without Neo4j by `Catalog.root_near`), against raw ``lineage/downstream``.

`reproduction_manifest`: the upstream ``reproduction`` manifest of a prod deployment (the one whose
model version has the most inputs) with every field, against raw ``lineage/reproduction``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from bench.harness import Figure, latency_figure, peak_rss_mb, percentile, ratio, time_calls, time_interleaved
from bench.loaders import load_raw
from lineage_graph.services.lineage.impact import OWNED_KINDS
from lineage_graph.services.lineage.walks import MAX_NODES, as_of_time

if TYPE_CHECKING:
    from bench.scenarios import Context
    from lineage_graph.graph import Graph

DEPTHS = (2, 5, 10)
WARMUP = 5
TARGET_DEPTH = 10
SUBGRAPH_NODES = 1_000
SUBGRAPH_DEPTH = 10

LINEAGE = """query($uid: String!, $depth: Int!) {
  lineage(uid: $uid, direction: DOWNSTREAM, depth: $depth) {
    truncated nodes { uid kind distance } edges { from to type }
  }
}"""
IMPACT = """query($uid: String!, $depth: Int!) {
  impact(uid: $uid, depth: $depth) {
    affected truncated
    featureSetVersions { uid distance pathCount }
    modelVersions { uid distance pathCount }
    deployments { environment deployments { uid distance pathCount } }
    owners { uid }
  }
}"""


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    if "errors" in body:
        msg = f"GraphQL errors: {body['errors']}"
        raise RuntimeError(msg)
    return dict(body["data"])


REPRODUCTION = """query($uid: String!) {
  reproduction(uid: $uid) {
    subject subjectKind modelVersion artifactUri framework hyperparameters seed
    trainingScript { repo commit path }
    trainingRun { uid runId seed params externalRef startedAt endedAt }
    inputs { input feature dtype featureSetVersion }
    featureSetVersions { uid contract status job { uid kind type codeRef { repo commit path } sql } }
    datasets { uid source version contentHash rowCount }
    evaluations { uid metrics dataset baseline baselineMetrics }
    deployment { uid environment servesFrom }
    complete missing { code item message }
  }
}"""


async def ensure_loaded(ctx: Context, graph: Graph) -> None:
    """Load the generated catalog with raw Cypher unless ``raw_load`` already did."""
    if not await graph.read("lineage/root", {"uid": ctx.catalog.hubs[0]}):
        await load_raw(graph, ctx.catalog)


async def downstream_impact(ctx: Context) -> list[Figure]:
    hub = ctx.catalog.hubs[0]
    graph = ctx.graph()
    figures: list[Figure] = []
    try:
        await ensure_loaded(ctx, graph)
        async with httpx.AsyncClient(base_url=ctx.stack.api_url, timeout=60) as http:
            for depth in DEPTHS:
                params = {"uid": hub, "depth": depth, "limit": MAX_NODES + 1, **as_of_time(None).params()}
                impact_params = {**params, "ownedKinds": sorted(OWNED_KINDS)}
                variables = {"uid": hub, "depth": depth}

                async def raw(params: dict[str, Any] = params) -> object:
                    return await graph.read_values("lineage/downstream", params)

                async def raw_impact(params: dict[str, Any] = impact_params) -> object:
                    return await graph.read_values("lineage/impact", params)

                async def api_lineage(variables: dict[str, Any] = variables) -> object:
                    return await _post(http, LINEAGE, variables)

                async def api_impact(variables: dict[str, Any] = variables) -> object:
                    return await _post(http, IMPACT, variables)

                calls = {"raw": raw, "lineage": api_lineage, "raw_impact": raw_impact, "impact": api_impact}
                samples: dict[str, list[float]] = {name: [] for name in calls}
                for call in calls.values():
                    await time_calls(call, 0, WARMUP)
                for _ in range(ctx.repetitions):
                    for name, call in calls.items():
                        samples[name] += await time_calls(call, 1, 0)
                rows = await graph.read("lineage/downstream", params)
                impact = (await _post(http, IMPACT, variables))["impact"]
                notes = {
                    "hub": hub,
                    "depth": depth,
                    "nodes": len(rows[0]["nodes"]),
                    "edges": len(rows[0]["edges"]),
                    "affected": impact["affected"],
                    "model_versions": len(impact["modelVersions"]),
                }
                target = "≤ 1.5× raw and < 100 ms p50" if depth == TARGET_DEPTH else None
                for name, measure, base, base_name, goal in (
                    (
                        "impact",
                        f"API impact, grouped with path counts, depth {depth}",
                        "raw_impact",
                        "lineage/impact",
                        target,
                    ),
                    (
                        "lineage",
                        f"API lineage(DOWNSTREAM), all nodes and edges, depth {depth}",
                        "raw",
                        "lineage/downstream",
                        None,
                    ),
                ):
                    figures.append(
                        latency_figure(
                            "downstream_impact",
                            f"raw Cypher {base_name}, depth {depth}",
                            ctx.scale,
                            samples[base],
                            notes=notes,
                        )
                    )
                    figures.append(
                        latency_figure(
                            "downstream_impact",
                            measure,
                            ctx.scale,
                            samples[name],
                            baseline=f"raw Cypher {base_name}",
                            ratio_to_baseline=percentile(samples[name], 0.5) / percentile(samples[base], 0.5),
                            target=goal,
                            api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
                            notes=notes,
                        )
                    )
    finally:
        await graph.close()
    return figures


async def lineage_subgraph(ctx: Context) -> list[Figure]:
    """The full ``lineage`` answer (every node and edge) for a subgraph of about 1,000 nodes."""
    root, expected = ctx.catalog.root_near(SUBGRAPH_NODES, SUBGRAPH_DEPTH)
    graph = ctx.graph()
    try:
        await ensure_loaded(ctx, graph)
        async with httpx.AsyncClient(base_url=ctx.stack.api_url, timeout=60) as http:
            params = {
                "uid": root,
                "depth": SUBGRAPH_DEPTH,
                "limit": MAX_NODES + 1,
                **as_of_time(None).params(),
            }
            variables = {"uid": root, "depth": SUBGRAPH_DEPTH}

            async def raw() -> object:
                return await graph.read_values("lineage/downstream", params)

            async def api() -> object:
                return await _post(http, LINEAGE, variables)

            samples = await time_interleaved({"raw": raw, "api": api}, ctx.repetitions, WARMUP)
            rows = await graph.read("lineage/downstream", params)
            answer = (await _post(http, LINEAGE, variables))["lineage"]
    finally:
        await graph.close()
    nodes = len(rows[0]["nodes"]) + 1
    notes = {
        "root": root,
        "depth": SUBGRAPH_DEPTH,
        "nodes": nodes,
        "nodes_expected": expected,
        "edges": len(rows[0]["edges"]),
        "api_nodes": len(answer["nodes"]),
        "truncated": answer["truncated"],
    }
    return [
        latency_figure(
            "lineage_subgraph",
            f"raw Cypher lineage/downstream, depth {SUBGRAPH_DEPTH} ({nodes:,}-node subgraph)",
            ctx.scale,
            samples["raw"],
            notes=notes,
        ),
        latency_figure(
            "lineage_subgraph",
            f"API lineage(DOWNSTREAM), every node and edge, depth {SUBGRAPH_DEPTH} ({nodes:,}-node subgraph)",
            ctx.scale,
            samples["api"],
            baseline="raw Cypher lineage/downstream",
            ratio_to_baseline=ratio(samples["api"], samples["raw"]),
            api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
            notes=notes,
        ),
    ]


async def reproduction_manifest(ctx: Context) -> list[Figure]:
    """The reproduction manifest of a prod deployment: API (every field) against raw Cypher."""
    deployment = ctx.catalog.prod_deployment()
    graph = ctx.graph()
    try:
        await ensure_loaded(ctx, graph)
        async with httpx.AsyncClient(base_url=ctx.stack.api_url, timeout=60) as http:
            variables = {"uid": deployment}

            async def raw() -> object:
                return await graph.read("lineage/reproduction", variables)

            async def api() -> object:
                return await _post(http, REPRODUCTION, variables)

            samples = await time_interleaved({"raw": raw, "api": api}, ctx.repetitions, WARMUP)
            manifest = (await _post(http, REPRODUCTION, variables))["reproduction"]
    finally:
        await graph.close()
    notes = {
        "deployment": deployment,
        "model_version": manifest["modelVersion"],
        "inputs": len(manifest["inputs"]),
        "feature_set_versions": len(manifest["featureSetVersions"]),
        "datasets": len(manifest["datasets"]),
        "evaluations": len(manifest["evaluations"]),
        "missing": len(manifest["missing"]),
    }
    return [
        latency_figure(
            "reproduction_manifest",
            "raw Cypher lineage/reproduction of a prod deployment",
            ctx.scale,
            samples["raw"],
            notes=notes,
        ),
        latency_figure(
            "reproduction_manifest",
            "API reproduction of a prod deployment, every field",
            ctx.scale,
            samples["api"],
            baseline="raw Cypher lineage/reproduction",
            ratio_to_baseline=ratio(samples["api"], samples["raw"]),
            api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
            notes=notes,
        ),
    ]
