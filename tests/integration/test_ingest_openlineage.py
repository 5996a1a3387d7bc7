"""POST /api/v1/lineage: mapping, idempotency, ordering, batches, strict validation, real producers."""

from __future__ import annotations

import asyncio
import copy
import gzip
import json
from typing import TYPE_CHECKING, Any

import pytest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import schema_dataset, sql_job
from openlineage.client.transport.http import HttpCompression, HttpConfig, HttpTransport

from tests.integration.test_ingest_helpers import (
    audit_actions,
    count_nodes,
    dump,
    edges,
    event,
    node,
    served,
)

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

ORDERS = "source:postgres%3A%2F%2Fwh.internal%3A5432/shop.public.orders"
CUSTOMERS = "source:postgres%3A%2F%2Fwh.internal%3A5432/shop.public.customers"
CUSTOMERS_SNAPSHOT = "snapshot:postgres%3A%2F%2Fwh.internal%3A5432/shop.public.customers@2026-03-01"
SPEND = "source:s3%3A%2F%2Fanalytics-lake/marts%2Fcustomer_daily_spend"
SPEND_SNAPSHOT = "snapshot:s3%3A%2F%2Fanalytics-lake/marts%2Fcustomer_daily_spend@v42"
JOB = "transform:spark%3A%2F%2Fanalytics/customer_daily_spend.build"
RUN = "transformrun:spark%3A%2F%2Fanalytics/customer_daily_spend.build@3f5e1c2a-9b7d-4e3f-8a1b-2c3d4e5f6a7b"
VOLATILE = frozenset({"createdAt", "updatedAt", "at", "hash", "prevHash", "head", "_lock"})


async def post(client: httpx.AsyncClient, body: Any, **headers: str) -> httpx.Response:
    return await client.post("/api/v1/lineage", json=body, headers={"X-Lineage-Actor": "spark", **headers})


async def test_a_run_maps_datasets_job_run_snapshots_and_column_lineage(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    response = await post(client, event("spark_run_start.json"))
    assert response.status_code == 201, response.text
    assert response.json()["transactions"] == 1
    assert (await post(client, event("spark_run_complete.json"))).status_code == 201

    orders = await node(graph, ORDERS)
    assert orders["classification"] == "PII"
    assert orders["platform"] == "postgres"
    assert orders["tags"] == ["pii=true", "domain=sales"]
    fields = {f["name"]: f for f in json.loads(orders["schemaFieldsJson"])}
    assert fields["order_id"] == {
        "name": "order_id",
        "dtype": "INT64",
        "description": "",
        "nativeType": "BIGINT",
    }
    assert fields["amount"]["dtype"] == "FLOAT64"
    assert fields["amount"]["description"] == "Order total in EUR."
    assert [e["to"] for e in await edges(graph, ORDERS, "OWNED_BY")] == ["team:global/sales-data"]

    spend = await node(graph, SPEND)
    spend_fields = {f["name"]: f["dtype"] for f in json.loads(spend["schemaFieldsJson"])}
    assert spend_fields == {
        "customer_id": "INT64",
        "country": "STRING",
        "day": "DATE",
        "total_amount": "FLOAT64",
        "amounts": "ARRAY_FLOAT64",
        "meta": "STRING",
        "meta.a": "INT32",
        "meta.b": "STRING",
    }
    assert spend["description"] == "Daily spend per customer."
    assert spend["platform"] == "s3"

    assert (await node(graph, CUSTOMERS_SNAPSHOT))["rowCount"] == 1200
    assert (await node(graph, SPEND_SNAPSHOT))["rowCount"] == 830
    assert [e["to"] for e in await edges(graph, SPEND_SNAPSHOT, "SNAPSHOT_OF")] == [SPEND]

    job = await node(graph, JOB)
    assert job["type"] == "SPARK"
    assert job["sql"].startswith("INSERT INTO marts.customer_daily_spend")
    assert (job["codeRepo"], job["codeCommit"], job["codePath"]) == (
        "https://git.example.com/analytics/jobs.git",
        "5f2a9c1",
        "jobs/spend.py",
    )
    assert job["description"] == "Builds the daily spend mart."
    assert [e["to"] for e in await edges(graph, JOB, "OWNED_BY")] == ["principal:global/jdoe"]
    assert [e["to"] for e in await edges(graph, JOB, "READS")] == [CUSTOMERS, ORDERS]
    assert [e["to"] for e in await edges(graph, SPEND, "PRODUCED_BY")] == [JOB]

    run = await node(graph, RUN)
    assert run["state"] == "COMPLETE"
    assert str(run["startedAt"]).startswith("2026-03-02T01:00:00")
    assert str(run["endedAt"]).startswith("2026-03-02T01:07:30")
    assert [e["to"] for e in await edges(graph, RUN, "RUN_OF")] == [JOB]
    assert [e["to"] for e in await edges(graph, RUN, "READS")] == [CUSTOMERS_SNAPSHOT, ORDERS]
    assert [e["to"] for e in await edges(graph, SPEND_SNAPSHOT, "PRODUCED_BY")] == [RUN]

    derived = {e["to"]: e["props"] for e in await edges(graph, SPEND, "DERIVED_FROM")}
    assert set(derived) == {ORDERS, CUSTOMERS}
    assert derived[ORDERS]["columns"] == ["amount", "created_at", "customer_id", "order_id"]
    assert derived[ORDERS]["fields"] == ["customer_id", "day", "total_amount"]
    assert json.loads(derived[CUSTOMERS]["columnMapJson"]) == {"country": ["country"]}

    actions = await audit_actions(graph)
    assert actions.count("recordTransformRun") == 2
    assert "recordColumnLineage" in actions


async def test_resending_events_in_any_order_changes_nothing(client: httpx.AsyncClient, graph: Graph) -> None:
    start, complete = event("spark_run_start.json"), event("spark_run_complete.json")
    await post(client, start)
    await post(client, complete)
    before = await dump(graph)
    for body in (complete, start, [start, complete], [complete, start]):
        response = await post(client, body)
        assert response.status_code == 201
        assert response.json()["created"] == response.json()["updated"] == 0
    assert await dump(graph) == before


async def test_events_out_of_order_or_in_one_batch_end_in_the_same_graph(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    start, complete = event("spark_run_start.json"), event("spark_run_complete.json")
    await post(client, complete)
    await post(client, start)
    reversed_order = await dump(graph, volatile=VOLATILE, audit=False)
    run = await node(graph, RUN)
    assert run["state"] == "COMPLETE"
    assert {"startedAt", "endedAt"} <= set(run)
    await graph.run_batched("system/wipe_catalog")
    response = await post(client, [start, complete])
    assert response.json()["transactions"] == 1
    assert await dump(graph, volatile=VOLATILE, audit=False) == reversed_order


async def test_run_states_are_kept(client: httpx.AsyncClient, graph: Graph) -> None:
    start = event("spark_run_start.json")
    for state in ("RUNNING", "FAIL"):
        later = copy.deepcopy(start)
        later["eventType"] = state
        later["eventTime"] = "2026-03-02T01:05:00Z"
        await post(client, start)
        await post(client, later)
        assert (await node(graph, RUN))["state"] == state
        await graph.run_batched("system/wipe_catalog")
    aborted = copy.deepcopy(start)
    aborted["eventType"] = "ABORT"
    aborted["run"]["runId"] = "run-without-a-uuid"
    assert (await post(client, aborted)).status_code == 201
    run = await node(graph, JOB.replace("transform:", "transformrun:") + "@run-without-a-uuid")
    assert run["state"] == "ABORT"


async def test_dataset_and_job_events(client: httpx.AsyncClient, graph: Graph) -> None:
    assert (await post(client, event("dataset_event.json"))).status_code == 201
    assert (await post(client, event("job_event.json"))).status_code == 201
    topic = await node(graph, "source:kafka%3A%2F%2Fbroker-1%3A9092/payments.authorisations")
    assert topic["classification"] == "CONFIDENTIAL"
    assert topic["platform"] == "kafka"
    assert topic["description"] == "Card authorisations as they happen."
    job = await node(graph, "transform:dbt%3A%2F%2Fpayments/fraud_features.daily")
    assert job["type"] == "DBT"
    assert [e["to"] for e in await edges(graph, job["uid"], "READS")] == [topic["uid"]]
    mart = "source:snowflake%3A%2F%2Facme.eu-west-1/PAYMENTS.MARTS.FRAUD_DAILY"
    assert [e["to"] for e in await edges(graph, mart, "PRODUCED_BY")] == [job["uid"]]


async def test_invalid_events_get_422_listing_every_problem_and_store_nothing(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    good = event("spark_run_start.json")
    response = await post(client, [good, *event("invalid_batch.json")])
    assert response.status_code == 422
    problems = {(p["path"], p["code"]) for p in response.json()["problems"]}
    assert problems == {
        ("/1/eventTime", "INVALID_VALUE"),
        ("/1/producer", "INVALID_VALUE"),
        ("/1/run/runId", "MISSING_FIELD"),
        ("/1/job/name", "MISSING_FIELD"),
        ("/2/dataset/facets/schema/fields/0/name", "MISSING_FIELD"),
        ("/3/inputs/0/name", "MISSING_FIELD"),
        ("/4", "MISSING_FIELD"),
    }
    assert await count_nodes(graph) == 0
    missing_schema_url = {k: v for k, v in good.items() if k != "schemaURL"}
    single = await post(client, missing_schema_url)
    assert single.status_code == 422
    assert [p["path"] for p in single.json()["problems"]] == ["/schemaURL"]
    too_long = copy.deepcopy(good)
    too_long["outputs"][0]["name"] = "x" * 600
    refused = await post(client, too_long)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["path"] == "/outputs/0"
    assert (await client.post("/api/v1/lineage", content=b"{not json")).status_code == 400
    assert (await post(client, [])).status_code == 422
    assert await count_nodes(graph) == 0


async def test_gzip_bodies_are_accepted(client: httpx.AsyncClient, graph: Graph) -> None:
    body = gzip.compress(json.dumps(event("dataset_event.json")).encode())
    response = await client.post(
        "/api/v1/lineage",
        content=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 201, response.text
    assert await count_nodes(graph) == 1


async def test_feast_events_become_feature_sets_and_versions(client: httpx.AsyncClient, graph: Graph) -> None:
    events = event("feast_apply_and_materialize.json")
    for body in events:
        response = await post(client, body)
        assert response.status_code == 201, response.text
    version = await node(graph, "featureset:driver_ranking/driver_hourly_stats@1")
    features = {f["name"]: (f["dtype"], f["description"]) for f in json.loads(version["featuresJson"])}
    assert features == {
        "conv_rate": ("FLOAT32", "Conversion rate."),
        "acc_rate": ("FLOAT32", ""),
        "avg_daily_trips": ("INT64", ""),
    }
    assert version["contract"] == "1.0.0"
    feature_set = await node(graph, "featureset:driver_ranking/driver_hourly_stats")
    assert feature_set["entities"] == ["driver"]
    assert feature_set["owner"] == "principal:global/ranking-team%40example.com"
    assert feature_set["tags"] == ["team=ranking"]
    service = await node(graph, "featureset:driver_ranking/driver_ranking_v1@1")
    assert [f["name"] for f in json.loads(service["featuresJson"])] == ["conv_rate", "acc_rate", "city"]
    materialize = "transform:driver_ranking/materialize_driver_ranking"
    assert {e["to"] for e in await edges(graph, materialize, "READS")} >= {
        "featureset:driver_ranking/driver_hourly_stats@1",
        "featureset:driver_ranking/driver_profile@1",
    }
    definition = "transform:driver_ranking/feast_feature_views_driver_ranking"
    assert definition in {e["to"] for e in await edges(graph, version["uid"], "PRODUCED_BY")}
    before = await dump(graph)
    response = await post(client, events)
    assert response.json()["featureSetVersionsPublished"] == 0
    assert await dump(graph) == before
    changed = copy.deepcopy(events[0])
    view = next(o for o in changed["outputs"] if o["name"] == "driver_hourly_stats")
    view["facets"]["schema"]["fields"].append({"name": "rating", "type": "Float64", "fields": []})
    changed["eventTime"] = "2099-01-01T00:00:00Z"
    assert (await post(client, changed)).json()["featureSetVersionsPublished"] == 1
    v2 = await node(graph, "featureset:driver_ranking/driver_hourly_stats@2")
    assert (v2["contract"], v2["bump"]) == ("1.1.0", "MINOR")


def emit_with_the_client(url: str) -> None:
    """Send START and COMPLETE with the real client's HTTP transport, plain and gzip."""
    for compression in (None, HttpCompression.GZIP):
        client = OpenLineageClient(
            transport=HttpTransport(HttpConfig(url=url, compression=compression, timeout=10))
        )
        job = Job(
            namespace="airflow://etl",
            name=f"load_orders_{'gzip' if compression else 'plain'}",
            facets={"sql": sql_job.SQLJobFacet(query="INSERT INTO orders SELECT * FROM raw_orders")},
        )
        run = Run(runId="0f6c7e7c-2f0a-4bd4-9b5e-0a6b3e1c2d3f")
        inputs = [InputDataset(namespace="postgres://db:5432", name="raw.public.raw_orders")]
        schema = schema_dataset.SchemaDatasetFacet(
            fields=[schema_dataset.SchemaDatasetFacetFields(name="id", type="integer")]
        )
        outputs = [
            OutputDataset(
                namespace="postgres://db:5432", name="core.public.orders", facets={"schema": schema}
            )
        ]
        for state, time in (
            (RunState.START, "2026-03-01T10:00:00Z"),
            (RunState.COMPLETE, "2026-03-01T10:01:00Z"),
        ):
            client.emit(
                RunEvent(eventType=state, eventTime=time, run=run, job=job, inputs=inputs, outputs=outputs)
            )
        client.close()


async def test_the_openlineage_python_client_posts_to_a_running_api(settings: Settings, graph: Graph) -> None:
    with served(settings) as url:
        await asyncio.to_thread(emit_with_the_client, url)
    for suffix in ("plain", "gzip"):
        uid = f"transformrun:airflow%3A%2F%2Fetl/load_orders_{suffix}@0f6c7e7c-2f0a-4bd4-9b5e-0a6b3e1c2d3f"
        run = await node(graph, uid)
        assert run["state"] == "COMPLETE"
        job = await node(graph, uid.split("@", maxsplit=1)[0].replace("transformrun:", "transform:"))
        assert job["type"] == "SQL"
    orders = await node(graph, "source:postgres%3A%2F%2Fdb%3A5432/core.public.orders")
    assert json.loads(orders["schemaFieldsJson"])[0]["dtype"] == "INT32"
