from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import httpx
import pytest

from lineage_graph.api import create_app
from lineage_graph.devstack.versions import NEO4J_VERSION

if TYPE_CHECKING:
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_both_servers_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["neo4j"] == "ok"
    assert body["opa"] == "ok"
    assert len(body["policyRevision"]) == 64


async def test_graphql_answers_queries(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ serverInfo { version neo4j policyRevision } }"}
    )
    assert response.status_code == 200
    info = response.json()["data"]["serverInfo"]
    assert info["neo4j"].startswith("Neo4j/5.26")
    assert NEO4J_VERSION.startswith("5.26.")


async def test_graphiql_is_served_on_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_metrics_count_requests(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    await client.post("/graphql", json={"query": "{ __typename }"})
    too_large = await client.post("/graphql", content=b"x" * (3 * 1024 * 1024))
    assert too_large.status_code == 413
    response = await client.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert 'lineage_graph_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'lineage_graph_http_requests_total{method="POST",route="/graphql",status="200"}' in text
    # Refused by the body limit before routing: counted, with its status.
    assert 'lineage_graph_http_requests_total{method="POST",route="unmatched",status="413"}' in text
    assert 'lineage_graph_http_request_seconds_count{method="GET",route="/healthz"}' in text


async def test_the_api_process_tunes_its_garbage_collector(settings: Settings) -> None:
    """The lifespan applies LINEAGE_GRAPH_GC_THRESHOLDS once the app is built (gc_tuning)."""
    before = gc.get_threshold()
    app = create_app(settings.model_copy(update={"gc_thresholds": "40000,15,17"}))
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == (40000, 15, 17)
            assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)


async def test_metrics_count_a_request_that_fails_as_500(settings: Settings) -> None:
    app = create_app(settings)

    async def boom() -> None:
        msg = "a bug of ours"
        raise RuntimeError(msg)

    app.add_api_route("/boom", boom)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert (await http.get("/boom")).status_code == 500
            text = (await http.get("/metrics")).text
    assert 'lineage_graph_http_requests_total{method="GET",route="/boom",status="500"}' in text
