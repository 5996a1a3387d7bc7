"""Catalog queries through /graphql: node, search pagination, batching of nested fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from lineage_graph.api import create_app
from lineage_graph.domain import (
    FeatureSetInput,
    FeatureSetVersionInput,
    ModelInput,
    ModelVersionInput,
    RiskTier,
)
from lineage_graph.services.catalog import CatalogService, ModelVersionRegistration, Publication

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from fastapi import FastAPI

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return dict(body["data"])


async def errors(client: httpx.AsyncClient, query: str, **variables: Any) -> list[dict[str, Any]]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    return list(response.json()["errors"])


@pytest.fixture
async def app(settings: Settings, graph: Graph, session_engine: PolicyEngine) -> AsyncIterator[FastAPI]:
    """The started app itself, to read its graph's round-trip counter."""
    application = create_app(settings.model_copy(update={"sync_policies_on_start": False}))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def app_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        yield http


async def make_models(graph: Graph, count: int) -> None:
    """`count` models, each with two versions bound to two features of one feature set."""
    catalog = CatalogService(graph)
    await catalog.register_feature_sets(
        [FeatureSetInput(namespace="ns", name="fs", owner="team:ns/t")], actor="t"
    )
    features = [{"name": "a", "dtype": "INT64"}, {"name": "b", "dtype": "FLOAT64"}]
    version = FeatureSetVersionInput.model_validate(
        {"namespace": "ns", "name": "fs", "version": 1, "contract": "1.0.0", "features": features}
    )
    await catalog.publish_feature_set_version(Publication(version), actor="t")
    await catalog.register_models(
        [
            ModelInput(namespace="ns", name=f"m{i:02}", risk_tier=RiskTier.LOW, owner="team:ns/t")
            for i in range(count)
        ],
        actor="t",
    )
    for i in range(count):
        for v in (1, 2):
            mv = ModelVersionInput.model_validate(
                {
                    "namespace": "ns",
                    "name": f"m{i:02}",
                    "version": v,
                    "artifactUri": f"s3://m/{i}/{v}",
                    "inputs": [
                        {"input": f["name"], "feature": f"feature:ns/fs@1#{f['name']}"} for f in features
                    ],
                }
            )
            await catalog.register_model_version(ModelVersionRegistration(mv), actor="t")


NESTED = """{
  search(kinds: ["Model"], first: 100) {
    edges { node { uid owner { uid }
      ... on Model { latest { uid } versions { uid model { uid } inputs { input feature { uid
        ... on Feature { featureSetVersion { uid ... on FeatureSetVersion { featureSet { uid } } } } } } } }
    } }
  }
}"""


async def round_trips(app: FastAPI, client: httpx.AsyncClient) -> tuple[int, dict[str, Any]]:
    graph = app.state.runtime.graph
    before = graph.round_trips
    data = await gql(client, NESTED)
    return graph.round_trips - before, data


async def test_nested_queries_cost_the_same_round_trips_for_2_and_10_models(
    app: FastAPI, app_client: httpx.AsyncClient, graph: Graph
) -> None:
    await make_models(graph, 2)
    small, data = await round_trips(app, app_client)
    assert len(data["search"]["edges"]) == 2
    first = data["search"]["edges"][0]["node"]
    assert first["owner"] == {"uid": "team:ns/t"}
    assert [v["uid"] for v in first["versions"]] == ["model:ns/m00@2", "model:ns/m00@1"]
    assert first["versions"][0]["inputs"][0]["feature"]["featureSetVersion"]["featureSet"] == {
        "uid": "featureset:ns/fs"
    }
    await graph.run_batched("system/wipe_catalog")
    await make_models(graph, 10)
    large, data = await round_trips(app, app_client)
    assert len(data["search"]["edges"]) == 10
    assert small == large <= 8


async def test_node_by_uid(client: httpx.AsyncClient, graph: Graph) -> None:
    await make_models(graph, 1)
    query = "query($u: String!) { node(uid: $u) { uid kind namespace name createdBy createdAt } }"
    node = (await gql(client, query, u="model:ns/m00@1"))["node"]
    assert (node["uid"], node["kind"], node["namespace"], node["name"], node["createdBy"]) == (
        "model:ns/m00@1",
        "ModelVersion",
        "ns",
        "m00",
        "t",
    )
    assert (await gql(client, query, u="model:ns/none"))["node"] is None
    spelled = (await gql(client, query, u="featureset:ns/fs@1"))["node"]
    assert spelled["kind"] == "FeatureSetVersion"
    for uid, code in [
        ("model", "INVALID_UID"),
        ("dataset:a/b", "UNKNOWN_KIND"),
        ("model:ns/m@x", "INVALID_VERSION"),
    ]:
        assert (await errors(client, query, u=uid))[0]["extensions"]["code"] == code
    typed = await gql(
        client,
        '{ model(uid: "model:ns/m00") { uid latest { version } } featureSet(uid: "featureset:ns/fs") { latest { contract } } }',
    )
    assert typed == {
        "model": {"uid": "model:ns/m00", "latest": {"version": 2}},
        "featureSet": {"latest": {"contract": "1.0.0"}},
    }
    wrong_kind = await errors(client, '{ model(uid: "featureset:ns/fs") { uid } }')
    assert wrong_kind[0]["extensions"]["code"] == "UNEXPECTED_KIND"


async def test_search_paginates_with_cursors(client: httpx.AsyncClient, graph: Graph) -> None:
    await make_models(graph, 5)
    query = """query($t: String, $k: [String!], $a: String) {
      search(text: $t, kinds: $k, first: 2, after: $a) {
        edges { cursor node { uid } } pageInfo { hasNextPage endCursor }
      }
    }"""
    seen: list[str] = []
    after = None
    for _ in range(10):
        page = (await gql(client, query, t=None, k=["Model"], a=after))["search"]
        seen += [e["node"]["uid"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"model:ns/m{i:02}" for i in range(5)]
    text = (await gql(client, query, t="m03", k=None, a=None))["search"]
    assert text["edges"][0]["node"]["uid"] == "model:ns/m03"
    prefix = (await gql(client, query, t="F", k=["FeatureSet"], a=None))["search"]
    assert [e["node"]["uid"] for e in prefix["edges"]] == ["featureset:ns/fs"]
    odd = (await gql(client, query, t='fs" OR (*', k=None, a=None))["search"]
    assert isinstance(odd["edges"], list)
    assert (await errors(client, query, t=None, k=["Table"], a=None))[0]["extensions"][
        "code"
    ] == "UNKNOWN_KIND"
    assert (await errors(client, query, t=None, k=None, a="bogus"))[0]["extensions"][
        "code"
    ] == "INVALID_VALUE"
