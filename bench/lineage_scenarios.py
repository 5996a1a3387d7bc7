"""Downstream impact from a busy source: the API against the same named Cypher query, raw.

From the catalog's first hub source (read by a large share of the transforms), at depths 2, 5
and 10, three things are timed, interleaved call by call so all see the same machine load:

- raw: ``lineage/downstream`` run directly through `Graph` (the walk every answer starts from);
- API lineage: ``lineage(direction: DOWNSTREAM)`` over HTTP with every node and edge returned;
- API impact: ``impact`` over HTTP, grouped (feature-set versions, model versions, deployments by
  environment, owners) with path counts: the walk, one context query and the path counting.

Both API figures are compared with the raw one. Targets (issue 4): at depth 10, API p50 at most
1.5 times raw and under 100 ms.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from bench.harness import Figure, latency_figure, peak_rss_mb, percentile, time_calls
from bench.loaders import load_raw
from lineage_graph.services.lineage import MAX_NODES

if TYPE_CHECKING:
    from bench.scenarios import Context

DEPTHS = (2, 5, 10)
WARMUP = 5
TARGET_DEPTH = 10

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


async def downstream_impact(ctx: Context) -> list[Figure]:
    hub = ctx.catalog.hubs[0]
    graph = ctx.graph()
    figures: list[Figure] = []
    try:
        if not await graph.read("lineage/root", {"uid": hub}):
            await load_raw(graph, ctx.catalog)
        async with httpx.AsyncClient(base_url=ctx.stack.api_url, timeout=60) as http:
            for depth in DEPTHS:
                params = {"uid": hub, "depth": depth, "asOf": datetime.now(UTC), "limit": MAX_NODES + 1}
                variables = {"uid": hub, "depth": depth}

                async def raw(params: dict[str, Any] = params) -> object:
                    return await graph.read("lineage/downstream", params)

                async def api_lineage(variables: dict[str, Any] = variables) -> object:
                    return await _post(http, LINEAGE, variables)

                async def api_impact(variables: dict[str, Any] = variables) -> object:
                    return await _post(http, IMPACT, variables)

                calls = {"raw": raw, "lineage": api_lineage, "impact": api_impact}
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
                raw_p50 = percentile(samples["raw"], 0.5)
                target = "≤ 1.5× raw and < 100 ms p50" if depth == TARGET_DEPTH else None
                figures.append(
                    latency_figure(
                        "downstream_impact",
                        f"raw Cypher lineage/downstream, depth {depth}",
                        ctx.scale,
                        samples["raw"],
                        notes=notes,
                    )
                )
                for name, measure in (
                    ("lineage", f"API lineage(DOWNSTREAM), all nodes and edges, depth {depth}"),
                    ("impact", f"API impact, grouped with path counts, depth {depth}"),
                ):
                    figures.append(
                        latency_figure(
                            "downstream_impact",
                            measure,
                            ctx.scale,
                            samples[name],
                            baseline="raw Cypher lineage/downstream",
                            ratio_to_baseline=percentile(samples[name], 0.5) / raw_p50,
                            target=target,
                            api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
                            notes=notes,
                        )
                    )
    finally:
        await graph.close()
    return figures
