"""Data sources, snapshots, transforms and runs through /graphql; bad input; batches; limits."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph.api.graphql.limits import MAX_BODY_BYTES
from lineage_graph.services.catalog.service import MAX_BATCH
from tests import graphql_client

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

ORDERS = "source:postgres%3A%2F%2Fwh%3A5432/shop.public.orders"
REFUSAL = (
    "... on Refusal { code message } ... on InvalidInput { problems { path code } } ... on NotFound { uids }"
)
REGISTER = (
    "mutation($i: DataSourceInput!) { registerDataSource(input: $i) { __typename "
    "... on Written { outcome node { uid kind createdBy ... on DataSource { classification schemaFields { name dtype } } } } "
    f"{REFUSAL} }} }}"
)
BATCH = (
    "mutation($i: [DataSourceInput!]!) { registerDataSources(inputs: $i) { __typename "
    f"... on BatchWritten {{ created updated unchanged nodes {{ uid }} }} {REFUSAL} }} }}"
)
SOURCE: dict[str, Any] = {
    "namespace": "postgres://wh:5432/",
    "name": "shop.public.orders",
    "classification": "PII",
    "retentionDays": 365,
    "schemaFields": [{"name": "id", "dtype": "INT64"}, {"name": "email", "dtype": "STRING"}],
}


gql = partial(graphql_client.gql, actor="alice")


async def count(graph: Graph, label: str) -> int:
    rows = await graph.read("queries/search_all", {"kinds": [label], "skip": 0, "limit": 10_000})
    return len(rows)


async def test_register_data_source_creates_then_is_idempotent_then_updates(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    first = (await gql(client, REGISTER, i=SOURCE))["registerDataSource"]
    assert first["outcome"] == "CREATED"
    assert first["node"] == {
        "uid": ORDERS,
        "kind": "DataSource",
        "createdBy": "alice",
        "classification": "PII",
        "schemaFields": [{"name": "id", "dtype": "INT64"}, {"name": "email", "dtype": "STRING"}],
    }
    again = (await gql(client, REGISTER, actor="bob", i=SOURCE))["registerDataSource"]
    assert again["outcome"] == "UNCHANGED"
    assert again["node"]["createdBy"] == "alice"
    changed = (await gql(client, REGISTER, i={**SOURCE, "classification": "CONFIDENTIAL"}))[
        "registerDataSource"
    ]
    assert changed["outcome"] == "UPDATED"
    assert changed["node"]["classification"] == "CONFIDENTIAL"
    log = await gql(client, "{ auditLog(first: 10) { edges { node { action before after } } } }")
    events = [e["node"] for e in log["auditLog"]["edges"]]
    assert [e["action"] for e in events] == ["registerDataSource", "registerDataSource"]
    assert events[0]["before"]["classification"] == "PII"
    assert events[0]["after"]["classification"] == "CONFIDENTIAL"
    assert await count(graph, "DataSource") == 1


async def test_lookup_by_openlineage_name(client: httpx.AsyncClient) -> None:
    await gql(client, REGISTER, i=SOURCE)
    query = "query($ns: String!, $n: String!) { dataSource(namespace: $ns, name: $n) { uid platform } }"
    found = await gql(client, query, ns="postgres://wh:5432", n="shop.public.orders")
    assert found["dataSource"] == {"uid": ORDERS, "platform": None}
    assert (await gql(client, query, ns="postgres://wh:5432", n="nope"))["dataSource"] is None


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        ({"name": ""}, "EMPTY_NAME", "name"),
        ({"namespace": "   "}, "EMPTY_NAME", "namespace"),
        ({"schemaFields": [{"name": "id", "dtype": "DECIMAL"}]}, "INVALID_DTYPE", "schemaFields[0].dtype"),
        ({"description": "x" * 5000}, "TOO_LARGE", "description"),
        ({"schemaFields": [{"name": "id", "dtype": "INT64"}] * 2}, "DUPLICATE_NAME", "schemaFields"),
    ],
)
async def test_bad_data_source_input_is_refused_with_a_code_and_stores_nothing(
    client: httpx.AsyncClient, graph: Graph, change: dict[str, Any], code: str, path: str
) -> None:
    result = (await gql(client, REGISTER, i={**SOURCE, **change}))["registerDataSource"]
    assert result["__typename"] == "InvalidInput"
    assert result["code"] == code
    assert [p["path"] for p in result["problems"]] == [path]
    assert await count(graph, "DataSource") == 0


async def test_batch_registration_is_one_transaction(client: httpx.AsyncClient, graph: Graph) -> None:
    rows = [{**SOURCE, "name": f"shop.public.t{i}"} for i in range(50)]
    result = (await gql(client, BATCH, i=rows))["registerDataSources"]
    assert (result["created"], result["updated"], result["unchanged"]) == (50, 0, 0)
    again = (await gql(client, BATCH, i=[*rows[:10], {**SOURCE, "name": "shop.public.new"}]))[
        "registerDataSources"
    ]
    assert (again["created"], again["unchanged"]) == (1, 10)
    assert await count(graph, "DataSource") == 51


async def test_a_batch_with_one_bad_row_stores_nothing(client: httpx.AsyncClient, graph: Graph) -> None:
    rows = [{**SOURCE, "name": f"t{i}"} for i in range(5)]
    rows[3] = {**rows[3], "schemaFields": [{"name": "x", "dtype": "FLOAT"}]}
    result = (await gql(client, BATCH, i=rows))["registerDataSources"]
    assert result["code"] == "INVALID_DTYPE"
    assert result["problems"] == [{"path": "inputs[3].schemaFields[0].dtype", "code": "INVALID_DTYPE"}]
    duplicate = (await gql(client, BATCH, i=[SOURCE, SOURCE]))["registerDataSources"]
    assert duplicate["code"] == "DUPLICATE_NAME"
    assert await count(graph, "DataSource") == 0


async def test_batch_size_and_body_size_are_limited(client: httpx.AsyncClient, graph: Graph) -> None:
    rows = [{"namespace": "s3://b", "name": f"t{i}"} for i in range(MAX_BATCH + 1)]
    result = (await gql(client, BATCH, i=rows))["registerDataSources"]
    assert result["code"] == "TOO_LARGE"
    huge = {**SOURCE, "description": "x" * (MAX_BODY_BYTES + 1)}
    response = await client.post("/graphql", json={"query": REGISTER, "variables": {"i": huge}})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_LARGE"
    assert await count(graph, "DataSource") == 0


async def test_snapshots_are_immutable(client: httpx.AsyncClient) -> None:
    await gql(client, REGISTER, i=SOURCE)
    mutation = (
        "mutation($i: DatasetSnapshotInput!) { registerDatasetSnapshot(input: $i) { __typename "
        "... on Written { outcome node { uid ... on DatasetSnapshot { source { uid } rowCount } } } "
        f"{REFUSAL} ... on Conflict {{ differences {{ path stored incoming }} }} }} }}"
    )
    snapshot = {
        "namespace": "postgres://wh:5432",
        "name": "shop.public.orders",
        "version": "v1",
        "rowCount": 10,
    }
    created = (await gql(client, mutation, i=snapshot))["registerDatasetSnapshot"]
    assert created["outcome"] == "CREATED"
    assert created["node"]["source"] == {"uid": ORDERS}
    assert (await gql(client, mutation, i=snapshot))["registerDatasetSnapshot"]["outcome"] == "UNCHANGED"
    conflict = (await gql(client, mutation, i={**snapshot, "rowCount": 11}))["registerDatasetSnapshot"]
    assert conflict["code"] == "IMMUTABLE_CONFLICT"
    assert conflict["differences"] == [{"path": "rowCount", "stored": 10, "incoming": 11}]
    orphan = (await gql(client, mutation, i={**snapshot, "name": "missing"}))["registerDatasetSnapshot"]
    assert orphan["code"] == "NOT_FOUND"


TRANSFORM = (
    "mutation($i: TransformInput!) { registerTransform(input: $i) { __typename "
    "... on Written { outcome node { uid ... on Transform { reads { uid } writes { uid } codeRef { commit } } } } "
    f"{REFUSAL} }} }}"
)
RUN = (
    "mutation($i: TransformRunInput!) { recordTransformRun(input: $i) { __typename "
    "... on Written { outcome node { uid ... on TransformRun { state transform { uid } reads { uid } } } } "
    f"{REFUSAL} }} }}"
)


async def test_transforms_and_runs_record_lineage(client: httpx.AsyncClient) -> None:
    await gql(client, BATCH, i=[SOURCE, {**SOURCE, "name": "shop.public.daily"}])
    daily = "source:postgres%3A%2F%2Fwh%3A5432/shop.public.daily"
    job = {
        "namespace": "airflow",
        "name": "daily_orders",
        "type": "SQL",
        "codeRef": {"repo": "https://git.example/etl", "commit": "9fceb02"},
        "reads": [ORDERS],
        "writes": [daily],
    }
    created = (await gql(client, TRANSFORM, i=job))["registerTransform"]
    assert created["node"] == {
        "uid": "transform:airflow/daily_orders",
        "reads": [{"uid": ORDERS}],
        "writes": [{"uid": daily}],
        "codeRef": {"commit": "9fceb02"},
    }
    assert (await gql(client, TRANSFORM, i=job))["registerTransform"]["outcome"] == "UNCHANGED"
    moved = (await gql(client, TRANSFORM, i={**job, "reads": [daily], "writes": []}))["registerTransform"]
    assert moved["outcome"] == "UPDATED"
    assert moved["node"]["reads"] == [{"uid": daily}]
    missing = (await gql(client, TRANSFORM, i={**job, "reads": ["source:s3%3A%2F%2Fx/none"]}))[
        "registerTransform"
    ]
    assert missing["code"] == "NOT_FOUND"
    assert missing["uids"] == ["source:s3%3A%2F%2Fx/none"]
    malformed = (await gql(client, TRANSFORM, i={**job, "reads": ["source:no-slash"]}))["registerTransform"]
    assert malformed["code"] == "INVALID_UID"
    unknown = (await gql(client, TRANSFORM, i={**job, "reads": ["table:a/b"]}))["registerTransform"]
    assert unknown["code"] == "UNKNOWN_KIND"

    run = {"namespace": "airflow", "name": "daily_orders", "runId": "r-1", "state": "START", "reads": [daily]}
    started = (await gql(client, RUN, i=run))["recordTransformRun"]
    assert started["outcome"] == "CREATED"
    assert started["node"]["transform"] == {"uid": "transform:airflow/daily_orders"}
    assert (await gql(client, RUN, i=run))["recordTransformRun"]["outcome"] == "UNCHANGED"
    done = (await gql(client, RUN, i={**run, "state": "COMPLETE"}))["recordTransformRun"]
    assert (done["outcome"], done["node"]["state"]) == ("UPDATED", "COMPLETE")
    orphan = (await gql(client, RUN, i={**run, "name": "nope"}))["recordTransformRun"]
    assert orphan["code"] == "NOT_FOUND"
