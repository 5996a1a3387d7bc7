"""The benchmark scenarios. Each takes a `Context` and returns the figures it measured."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.harness import Figure
from bench.loaders import load_raw
from lineage_graph import resources
from lineage_graph.graph import Graph, QueryLibrary
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bench.generator import Catalog
    from bench.stack import BenchStack


QUERY_TIMEOUT = 900.0


@dataclass
class Context:
    stack: BenchStack
    catalog: Catalog
    scale: str
    repetitions: int

    def graph(self) -> Graph:
        """A driver of the bench's own: the product's 30 s query timeout would cut the raw
        loader's 5,000-row batches short on a loaded machine."""
        settings = Settings(
            neo4j_uri=self.stack.neo4j_uri, opa_url=self.stack.opa_url, query_timeout_seconds=QUERY_TIMEOUT
        )
        return Graph.connect(settings, QueryLibrary(resources.cypher_dir()))


async def raw_load(ctx: Context) -> list[Figure]:
    """Load the whole generated catalog with raw batched Cypher: the graph other scenarios query."""
    graph = ctx.graph()
    try:
        started = time.perf_counter()
        nodes, edges = await load_raw(graph, ctx.catalog)
        elapsed = time.perf_counter() - started
    finally:
        await graph.close()
    return [
        Figure(
            scenario="raw_load",
            measure="nodes+edges written by raw batched Cypher (catalog/upsert_nodes, merge_edges; 5,000 rows)",
            scale=ctx.scale,
            unit="rows/s",
            repetitions=1,
            throughput=(nodes + edges) / elapsed,
            notes={"nodes": nodes, "edges": edges, "rows": nodes + edges, "seconds": round(elapsed, 1)},
        )
    ]


def _registry() -> dict[str, Callable[[Context], Awaitable[list[Figure]]]]:
    """Every scenario, in the order a full run takes them: the load, the reads of the generated
    catalog, then the scenarios that write more into it."""
    from bench.governance_scenarios import compliance_scan  # noqa: PLC0415 - avoids an import cycle
    from bench.ingest_scenarios import openlineage_ingest  # noqa: PLC0415
    from bench.lineage_scenarios import (  # noqa: PLC0415
        downstream_impact,
        lineage_subgraph,
        reproduction_manifest,
    )
    from bench.nested_scenarios import nested_graphql  # noqa: PLC0415
    from bench.registration_scenarios import bulk_registration  # noqa: PLC0415

    return {
        "raw_load": raw_load,
        "downstream_impact": downstream_impact,
        "lineage_subgraph": lineage_subgraph,
        "reproduction_manifest": reproduction_manifest,
        "compliance_scan": compliance_scan,
        "nested_graphql": nested_graphql,
        "bulk_registration": bulk_registration,
        "openlineage_ingest": openlineage_ingest,
    }


SCENARIOS = _registry()

# Run at every scale of a scaling curve (traversals, scans and the load they need); the others
# run at the largest scale only.
CURVE = ("raw_load", "downstream_impact", "lineage_subgraph", "reproduction_manifest", "compliance_scan")
