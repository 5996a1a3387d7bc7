"""One write path: the same entities through the catalog service and through OpenLineage, both orders.

A data source, a dataset snapshot, a transform and its run sent once through `CatalogService`
(what the GraphQL mutations call) and once as OpenLineage events (``POST /api/v1/lineage``)
must end in the same stored nodes and the same audit events whichever comes first: the second
arrival is an identical re-send, judged UNCHANGED by the one upsert
(docs/adr/0007-one-write-path.md).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph.domain import (
    DatasetSnapshotInput,
    DataSourceInput,
    RunState,
    SchemaField,
    TransformInput,
    TransformRunInput,
    TransformType,
)
from lineage_graph.services.catalog.service import CatalogService, TransformRegistration, TransformRunRecord
from tests.cypher import cypher

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

ACTOR = "etl"
WAREHOUSE = "warehouse"
JOBS = "jobs"
RUN_ID = "0190a5c2-7d6e-7a1b-9c3d-4e5f6a7b8c9d"
STARTED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ENDED = datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
ORDERS = f"source:{WAREHOUSE}/shop.orders"
CUSTOMERS = f"source:{WAREHOUSE}/shop.customers"
SPEND = f"source:{WAREHOUSE}/mart.spend"
SPEND_V1 = f"snapshot:{WAREHOUSE}/mart.spend@v1"
PRODUCER = "https://example.com/lineage-graph/tests"
VOLATILE = frozenset({"createdAt", "updatedAt"})


def _source(name: str, description: str) -> DataSourceInput:
    fields = [SchemaField(name="id", dtype="STRING"), SchemaField(name="amount", dtype="FLOAT64")]
    return DataSourceInput(namespace=WAREHOUSE, name=name, description=description, schema_fields=fields)


async def _through_catalog(graph: Graph) -> None:
    catalog = CatalogService(graph)
    await catalog.register_data_sources(
        [
            _source("shop.orders", "Orders."),
            _source("shop.customers", "Customers."),
            _source("mart.spend", "Spend."),
        ],
        actor=ACTOR,
    )
    snapshot = DatasetSnapshotInput(namespace=WAREHOUSE, name="mart.spend", version="v1", row_count=42)
    await catalog.register_dataset_snapshots([snapshot], actor=ACTOR)
    job = TransformInput(namespace=JOBS, name="spend.build", type=TransformType.PYTHON)
    # Inputs in the order a client happens to send them: what a job reads is a set.
    await catalog.register_transforms(
        [TransformRegistration(job, reads=(ORDERS, CUSTOMERS), writes=(SPEND,))], actor=ACTOR
    )
    run = TransformRunInput(
        namespace=JOBS,
        name="spend.build",
        run_id=RUN_ID,
        state=RunState.COMPLETE,
        started_at=STARTED,
        ended_at=ENDED,
    )
    await catalog.record_transform_runs(
        [TransformRunRecord(run, reads=(ORDERS, CUSTOMERS), writes=(SPEND_V1,))], actor=ACTOR
    )


def _dataset(name: str, description: str, facets: dict[str, Any] | None = None) -> dict[str, Any]:
    fields = [{"name": "id", "type": "STRING"}, {"name": "amount", "type": "FLOAT64"}]
    own = {
        "schema": {"_producer": PRODUCER, "_schemaURL": PRODUCER, "fields": fields},
        "documentation": {"_producer": PRODUCER, "_schemaURL": PRODUCER, "description": description},
    }
    return {"namespace": WAREHOUSE, "name": name, "facets": {**own, **(facets or {})}}


def _events() -> list[dict[str, Any]]:
    def run_event(kind: str, at: datetime, inputs: list[Any], outputs: list[Any]) -> dict[str, Any]:
        return {
            "eventType": kind,
            "eventTime": at.isoformat().replace("+00:00", "Z"),
            "producer": PRODUCER,
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": RUN_ID},
            "job": {"namespace": JOBS, "name": "spend.build"},
            "inputs": inputs,
            "outputs": outputs,
        }

    version = {"version": {"_producer": PRODUCER, "_schemaURL": PRODUCER, "datasetVersion": "v1"}}
    spend = _dataset("mart.spend", "Spend.", version)
    spend["outputFacets"] = {
        "outputStatistics": {"_producer": PRODUCER, "_schemaURL": PRODUCER, "rowCount": 42}
    }
    inputs = [_dataset("shop.customers", "Customers."), _dataset("shop.orders", "Orders.")]
    return [run_event("START", STARTED, [], []), run_event("COMPLETE", ENDED, inputs, [spend])]


async def _through_openlineage(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/api/v1/lineage", json=_events(), headers={"X-Lineage-Actor": ACTOR})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _stored(graph: Graph) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    nodes = await cypher(
        graph, "MATCH (n:Entity) WHERE NOT n:AuditEvent RETURN properties(n) AS props ORDER BY n.uid"
    )
    events = await cypher(
        graph,
        "MATCH (e:AuditEvent) RETURN e.action AS action, e.entityUid AS uid, e.actor AS actor, "
        "e.beforeJson AS before, e.afterJson AS after",
    )
    return (
        [{k: str(v) for k, v in n["props"].items() if k not in VOLATILE} for n in nodes],
        sorted((e["action"], e["uid"], e["actor"], _json(e["before"]), _json(e["after"])) for e in events),
    )


def _json(text: str | None) -> str | None:
    return None if text is None else json.dumps(json.loads(text), sort_keys=True)


async def test_the_same_entities_through_both_paths_end_the_same_in_either_order(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    await _through_catalog(graph)
    second = await _through_openlineage(client)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 6)
    catalog_first = await _stored(graph)

    await graph.run_batched("system/wipe_catalog")
    first = await _through_openlineage(client)
    assert (first["created"], first["updated"], first["unchanged"]) == (6, 0, 0)
    await _through_catalog(graph)
    openlineage_first = await _stored(graph)

    assert openlineage_first == catalog_first
    nodes, events = catalog_first
    assert [e[0] for e in events] == sorted(
        ["registerDataSource"] * 3 + ["registerDatasetSnapshot", "registerTransform", "recordTransformRun"]
    )
    transform = next(n for n in nodes if n["kind"] == "Transform")
    assert transform["reads"] == str([CUSTOMERS, ORDERS])
    run = next(n for n in nodes if n["kind"] == "TransformRun")
    assert run["state"] == "COMPLETE"
    assert "stateAt" in run


async def test_a_producer_fills_what_a_snapshot_left_empty_and_keeps_what_it_said(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    catalog = CatalogService(graph)
    await catalog.register_data_sources([_source("mart.spend", "Spend.")], actor=ACTOR)
    await catalog.register_dataset_snapshots(
        [DatasetSnapshotInput(namespace=WAREHOUSE, name="mart.spend", version="v1")], actor=ACTOR
    )
    result = await _through_openlineage(client)
    assert result["updated"] == 1
    rows = await cypher(graph, "MATCH (n:Entity {uid: $uid}) RETURN n.rowCount AS rows", {"uid": SPEND_V1})
    assert rows == [{"rows": 42}]

    events = _events()
    events[1]["outputs"][0]["outputFacets"]["outputStatistics"]["rowCount"] = 7
    response = await client.post("/api/v1/lineage", json=events, headers={"X-Lineage-Actor": ACTOR})
    assert response.status_code == 201, response.text
    rows = await cypher(graph, "MATCH (n:Entity {uid: $uid}) RETURN n.rowCount AS rows", {"uid": SPEND_V1})
    assert rows == [{"rows": 42}]
