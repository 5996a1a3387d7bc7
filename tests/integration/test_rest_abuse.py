"""Abusive REST bodies get a specific 4xx and change nothing: compression bombs, deep nesting,
oversized events; the MLflow webhook checks its signature before inflating or parsing."""

from __future__ import annotations

import gzip
import json
import time
import zlib
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pydantic import SecretStr

from lineage_graph.api import create_app
from lineage_graph.api.bodies import MAX_BODY_BYTES, MAX_JSON_DEPTH
from lineage_graph.ingest.mlflow import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.cypher import cypher

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

LINEAGE = "/api/v1/lineage"
WEBHOOK = "/api/v1/webhooks/mlflow"
SECRET = "webhook-secret"


def run_event(inputs: int = 1) -> dict[str, Any]:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-26T10:00:00Z",
        "producer": "https://example.test/producer",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": "0190c6d4-8f5a-7b3c-9d2e-1f4a5b6c7d8e"},
        "job": {"namespace": "spark://etl", "name": "orders_daily"},
        "inputs": [{"namespace": "s3://lake", "name": f"in_{i}"} for i in range(inputs)],
        "outputs": [],
    }


def bomb(size: int) -> bytes:
    """`size` zero bytes gzip-compressed: about a thousandth of that on the wire."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    chunk = b"\0" * (1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join([*parts, compressor.flush()])


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


async def entities(graph: Graph) -> int:
    return int((await cypher(graph, "MATCH (n:Entity) RETURN count(n) AS n"))[0]["n"])


async def test_a_gzip_bomb_is_refused_while_inflating(client: httpx.AsyncClient, graph: Graph) -> None:
    body = bomb(MAX_BODY_BYTES + 8 * 1024 * 1024)
    assert len(body) < MAX_BODY_BYTES // 100
    response = await client.post(LINEAGE, content=body, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "TOO_LARGE"
    assert "uncompressed" in response.json()["message"]
    assert await entities(graph) == 0


async def test_gzip_with_several_members_and_deflate_still_work(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    text = json.dumps(run_event()).encode()
    half = len(text) // 2
    members = gzip.compress(text[:half]) + gzip.compress(text[half:])
    response = await client.post(LINEAGE, content=members, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 201, response.text
    response = await client.post(
        LINEAGE, content=zlib.compress(text), headers={"Content-Encoding": "deflate"}
    )
    assert response.status_code == 201, response.text
    truncated = gzip.compress(text)[:-10]
    response = await client.post(LINEAGE, content=truncated, headers={"Content-Encoding": "gzip"})
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_BODY")


async def test_deeply_nested_json_is_refused_with_a_code(client: httpx.AsyncClient, graph: Graph) -> None:
    for depth in (MAX_JSON_DEPTH + 1, 5_000, 100_000):
        response = await client.post(LINEAGE, content=nested(depth))
        assert response.status_code == 400, (depth, response.text)
        assert response.json() == {
            "code": "TOO_DEEP",
            "message": f"the body nests deeper than {MAX_JSON_DEPTH} levels",
        }
    event = run_event()
    facet = {"_producer": "https://example.test", "_schemaURL": "https://example.test/deep.json"}
    # event, run, facets and the facet are 4 levels: the list makes the body exactly the limit deep.
    event["run"]["facets"] = {"deep": {**facet, "value": json.loads(nested(MAX_JSON_DEPTH - 4))}}
    assert (await client.post(LINEAGE, json=event)).status_code == 201


async def test_deep_graphql_variables_and_documents_are_a_coded_400(client: httpx.AsyncClient) -> None:
    body = (
        b'{"query": "query($v: JSON) { serverInfo { version } }", "variables": {"v": ' + nested(5_000) + b"}}"
    )
    response = await client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_DEEP"
    document = "query { " + "serverInfo { " * 3_000 + "version" + " }" * 3_001
    response = await client.post("/graphql", json={"query": document})
    assert response.status_code in (200, 400), response.text
    errors = response.json()["errors"]
    assert errors, "a document nested 3,000 deep is refused"
    assert response.status_code == 200 or errors[0]["extensions"]["code"] == "TOO_DEEP"


async def test_an_event_over_its_caps_is_refused_before_validation(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    started = time.monotonic()
    response = await client.post(LINEAGE, json=run_event(inputs=20_000))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "TOO_LARGE"
    assert body["problems"] == [
        {"path": "/inputs", "code": "TOO_LARGE", "message": "at most 1000 inputs per event, got 20000"}
    ]
    assert await entities(graph) == 0
    assert time.monotonic() - started < 60  # generous: only guards against creating 20,001 nodes
    fields = run_event()
    fields["inputs"][0]["facets"] = {
        "schema": {
            "_producer": "https://example.test",
            "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
            "fields": [{"name": f"c{i}", "type": "STRING"} for i in range(10_001)],
        }
    }
    response = await client.post(LINEAGE, json=fields)
    assert response.status_code == 422, response.text
    assert response.json()["problems"][0]["path"] == "/inputs/0/facets/schema/fields"


@pytest.fixture
async def webhook(
    settings: Settings, graph: Graph, session_engine: PolicyEngine
) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(
        update={"mlflow_webhook_secret": SecretStr(SECRET), "mlflow_url": "http://127.0.0.1:9"}
    )
    app = create_app(configured)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        yield http


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    delivery, timestamp = "d-1", str(int(time.time()))
    return {
        DELIVERY_HEADER: delivery,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, delivery, timestamp, body),
        "Content-Encoding": "gzip",
    }


async def test_the_webhook_checks_the_signature_before_inflating(webhook: httpx.AsyncClient) -> None:
    body = bomb(64 * 1024 * 1024)
    assert len(body) < 1024 * 1024
    forged = await webhook.post(WEBHOOK, content=body, headers=signed(body, secret="not-the-secret"))
    assert (forged.status_code, forged.json()["code"]) == (401, "BAD_SIGNATURE")
    authentic = await webhook.post(WEBHOOK, content=body, headers=signed(body))
    assert (authentic.status_code, authentic.json()["code"]) == (413, "TOO_LARGE")
    deep = gzip.compress(nested(5_000))
    response = await webhook.post(WEBHOOK, content=deep, headers=signed(deep))
    assert (response.status_code, response.json()["code"]) == (400, "TOO_DEEP")
