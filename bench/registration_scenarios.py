"""Bulk registration: the API's batch mutation against the same rows written by raw Cypher.

Both sides write disjoint halves of the generated sources into the same database, in batches
of the same size, one transaction per batch. The raw side runs the product's own node upsert
(`cypher/catalog/upsert_nodes`, without audit events) with the same properties, so the ratio is
the cost of the service layer: HTTP and GraphQL, authorisation and its decision record,
validation, the read for the immutability check, and the audit events.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from bench.harness import Figure, peak_rss_mb
from lineage_graph.domain import DataSourceInput
from lineage_graph.graph.codec import to_properties

if TYPE_CHECKING:
    from bench.generator import Row
    from bench.scenarios import Context

BATCH = 500
MUTATION = """
mutation Register($inputs: [DataSourceInput!]!) {
  registerDataSources(inputs: $inputs) {
    __typename
    ... on BatchWritten { created unchanged }
  }
}
"""


def _api_input(row: Row) -> dict[str, Any]:
    return {
        "namespace": row["namespace"],
        "name": row["name"],
        "classification": row["classification"],
        "platform": row["platform"],
        "retentionDays": row["retentionDays"],
        "description": f"generated source {row['name']}",
    }


def _raw_row(row: Row) -> dict[str, Any]:
    model = DataSourceInput.model_validate(_api_input(row))
    return {"uid": str(model.identity()), "kind": "DataSource", "props": to_properties(model)}


async def _api_batch(http: httpx.AsyncClient, rows: list[Row]) -> None:
    batch = [_api_input(r) for r in rows]
    response = await http.post("/graphql", json={"query": MUTATION, "variables": {"inputs": batch}})
    body = response.json()
    result = (body.get("data") or {}).get("registerDataSources") or {}
    if result.get("__typename") != "BatchWritten":
        msg = f"registerDataSources refused: {body}"
        raise RuntimeError(msg)


ROWS = 10_000
WARMUP_BATCHES = 2


def _sources(ctx: Context, count: int) -> list[Row]:
    """The generated sources, topped up with more of the same shape up to ``count`` rows."""
    base = ctx.catalog.sources
    rows = list(base)
    index = 0
    while len(rows) < count:
        template = base[index % len(base)]
        rows.append({**template, "name": f"{template['name']}_copy{index}"})
        index += 1
    return rows[:count]


async def bulk_registration(ctx: Context) -> list[Figure]:
    """Alternates API and raw batches so both sides see the same machine load.

    The first ``WARMUP_BATCHES`` batch pairs warm the JVM, the query plans and the API process
    and are not counted.
    """
    sources = _sources(ctx, ROWS + 2 * WARMUP_BATCHES * BATCH)
    api_rows, raw_rows = sources[0::2], sources[1::2]
    api_seconds = raw_seconds = 0.0
    counted = 0
    graph = ctx.graph()
    try:
        async with httpx.AsyncClient(base_url=ctx.stack.api_url, timeout=120) as http:
            for n, i in enumerate(range(0, max(len(api_rows), len(raw_rows)), BATCH)):
                warm = n < WARMUP_BATCHES
                started = time.perf_counter()
                await _api_batch(http, api_rows[i : i + BATCH])
                api_time = time.perf_counter() - started
                rows = [_raw_row(r) for r in raw_rows[i : i + BATCH]]
                started = time.perf_counter()
                await graph.write(
                    "catalog/upsert_nodes",
                    {"rows": rows, "now": datetime.now(UTC), "actor": "bench", "seq": None, "head": None},
                )
                raw_time = time.perf_counter() - started
                if not warm:
                    api_seconds += api_time
                    raw_seconds += raw_time
                    counted += len(rows)
    finally:
        await graph.close()

    api_rate, raw_rate = counted / api_seconds, counted / raw_seconds
    common = {"scale": ctx.scale, "unit": "rows/s", "repetitions": counted // BATCH}
    return [
        Figure(
            scenario="bulk_registration",
            measure=f"raw Cypher upsert, batches of {BATCH}",
            throughput=raw_rate,
            notes={"rows": counted, "warmup_batches": WARMUP_BATCHES},
            **common,
        ),
        Figure(
            scenario="bulk_registration",
            measure=f"API registerDataSources, batches of {BATCH}",
            throughput=api_rate,
            baseline="raw Cypher",
            ratio_to_baseline=api_rate / raw_rate,
            target="≥ 0.70× raw",
            api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
            notes={"rows": counted, "warmup_batches": WARMUP_BATCHES},
            **common,
        ),
    ]
