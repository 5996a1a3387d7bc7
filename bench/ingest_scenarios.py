"""OpenLineage ingestion throughput: one event per request vs JSON-array batches, over HTTP.

`openlineage_ingest(ctx)` posts synthetic RunEvents (START and COMPLETE of distinct runs of a
few hundred jobs, each reading two tables and writing one, with schema facets) to the running
API at ``ctx.stack.api_url``. Both phases send fresh events (new runs), so neither is a no-op
re-send. Sizes: ``LINEAGE_GRAPH_BENCH_OL_EVENTS`` events batched (default 5,000, in arrays
of ``LINEAGE_GRAPH_BENCH_OL_BATCH``, default 1,000) and ``LINEAGE_GRAPH_BENCH_OL_SINGLE``
events one per request (default 200). The defaults keep ``make bench`` within its time budget
on a shared 2-core machine (4 to 10 single events/s there); set 50,000 for full-size runs. The first
``WARMUP`` events of each phase (fresh runs too) warm the API and are not counted.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from typing import TYPE_CHECKING, Any

import httpx

from bench.harness import Figure, peak_rss_mb

if TYPE_CHECKING:
    from bench.scenarios import Context

WARMUP = 20
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
PRODUCER = "https://github.com/OpenLineage/OpenLineage/tree/1.54.0/integration/airflow"


def _dataset(rng: random.Random, kind: str, i: int) -> dict[str, Any]:
    fields = [
        {"name": f"col_{c}", "type": rng.choice(["BIGINT", "VARCHAR", "DOUBLE", "TIMESTAMP"])}
        for c in range(6)
    ]
    return {
        "namespace": "postgres://bench-wh:5432",
        "name": f"bench.{kind}_{i}",
        "facets": {"schema": {"fields": fields}},
    }


def events(count: int, *, phase: str, seed: int = 7) -> list[dict[str, Any]]:
    """`count` events: START then COMPLETE of count/2 runs of 500 jobs."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    jobs = 500
    for n in range(count // 2):
        job = n % jobs
        run_id = str(uuid.UUID(int=rng.getrandbits(128)))
        inputs = [_dataset(rng, "raw", (job * 2 + k) % 1_000) for k in range(2)]
        outputs = [_dataset(rng, "mart", job)]
        for state, minute in (("START", 0), ("COMPLETE", 5)):
            out.append(
                {
                    "eventType": state,
                    "eventTime": f"2026-03-{1 + n % 28:02d}T{n % 24:02d}:{minute:02d}:00Z",
                    "producer": PRODUCER,
                    "schemaURL": SCHEMA_URL,
                    "run": {"runId": run_id},
                    "job": {
                        "namespace": f"airflow://bench-{phase}",
                        "name": f"dag_{job}.task",
                        "facets": {"sql": {"query": f"INSERT INTO mart_{job} SELECT * FROM raw_{job}"}},
                    },
                    "inputs": inputs,
                    "outputs": outputs,
                }
            )
    return out


async def _post_all(url: str, bodies: list[Any]) -> float:
    async with httpx.AsyncClient(base_url=url, timeout=300) as http:
        started = time.perf_counter()
        for body in bodies:
            response = await http.post("/api/v1/lineage", json=body, headers={"X-Lineage-Actor": "bench"})
            if response.status_code != 201:
                msg = f"ingest failed: {response.status_code} {response.text[:500]}"
                raise RuntimeError(msg)
        return time.perf_counter() - started


async def openlineage_ingest(ctx: Context) -> list[Figure]:
    total = int(os.environ.get("LINEAGE_GRAPH_BENCH_OL_EVENTS", "5000"))
    single_count = int(os.environ.get("LINEAGE_GRAPH_BENCH_OL_SINGLE", "200"))
    batch = int(os.environ.get("LINEAGE_GRAPH_BENCH_OL_BATCH", "1000"))
    single_events = events(single_count, phase="single")
    batched_events = events(total, phase="batched")
    warmup = events(2 * WARMUP, phase="warmup")
    await _post_all(ctx.stack.api_url, warmup[:WARMUP])
    await _post_all(ctx.stack.api_url, [warmup[WARMUP:]])
    single_seconds = await _post_all(ctx.stack.api_url, single_events)
    batches = [batched_events[i : i + batch] for i in range(0, len(batched_events), batch)]
    batched_seconds = await _post_all(ctx.stack.api_url, batches)
    single_rate = len(single_events) / single_seconds
    batched_rate = len(batched_events) / batched_seconds
    rss = peak_rss_mb(ctx.stack.api_pid)
    return [
        Figure(
            scenario="openlineage_ingest",
            measure="POST /api/v1/lineage, one event per request",
            scale=f"{len(single_events):,} events",
            unit="events/s",
            repetitions=1,
            throughput=single_rate,
            api_peak_rss_mb=rss,
            notes={
                "seconds": round(single_seconds, 1),
                "events": len(single_events),
                "warmup_events": WARMUP,
            },
        ),
        Figure(
            scenario="openlineage_ingest",
            measure=f"POST /api/v1/lineage, arrays of {batch} events",
            scale=f"{len(batched_events):,} events",
            unit="events/s",
            repetitions=1,
            throughput=batched_rate,
            baseline="one event per request",
            ratio_to_baseline=batched_rate / single_rate,
            target="≥ 10× one per request",
            api_peak_rss_mb=rss,
            notes={
                "seconds": round(batched_seconds, 1),
                "requests": len(batches),
                "events": len(batched_events),
                "warmup_events": WARMUP,
            },
        ),
    ]
