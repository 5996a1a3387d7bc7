"""Nested GraphQL queries cost the same number of Neo4j round trips over 10 models as over 100.

Counted on the started app's own `Graph` (``app.state.runtime.graph.round_trips``): the catalog's
DataLoaders batch each level of nesting into one query, and the lineage fields add a fixed number
(one walk per direction; impact's walk carries its owners) whatever the number of nodes they return.
Each root field is measured in its own request: two root fields resolving at different moments may
split a DataLoader batch in two.
"""

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
from lineage_graph.services.catalog.service import CatalogService, ModelVersionRegistration, Publication

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from fastapi import FastAPI

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

FEATURE_SET_VERSION = "featureset:ns/fs@1"


@pytest.fixture
async def app(settings: Settings, graph: Graph, session_engine: PolicyEngine) -> AsyncIterator[FastAPI]:
    application = create_app(settings.model_copy(update={"sync_policies_on_start": False}))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


async def add_models(graph: Graph, first: int, count: int) -> None:
    """Models ``m<first>..`` each with one version bound to both features of ns/fs@1."""
    catalog = CatalogService(graph)
    if first == 0:
        await catalog.register_feature_sets(
            [FeatureSetInput(namespace="ns", name="fs", owner="team:ns/data")], actor="t"
        )
        version = FeatureSetVersionInput.model_validate(
            {
                "namespace": "ns",
                "name": "fs",
                "version": 1,
                "contract": "1.0.0",
                "features": [{"name": "a", "dtype": "INT64"}, {"name": "b", "dtype": "FLOAT64"}],
            }
        )
        await catalog.publish_feature_set_version(Publication(version), actor="t")
    names = [f"m{i:03}" for i in range(first, first + count)]
    await catalog.register_models(
        [ModelInput(namespace="ns", name=n, risk_tier=RiskTier.LOW, owner="team:ns/models") for n in names],
        actor="t",
    )
    for name in names:
        mv = ModelVersionInput.model_validate(
            {
                "namespace": "ns",
                "name": name,
                "version": 1,
                "artifactUri": f"s3://m/{name}",
                "inputs": [{"input": f, "feature": f"feature:ns/fs@1#{f}"} for f in ("a", "b")],
            }
        )
        await catalog.register_model_version(ModelVersionRegistration(mv), actor="t")


CATALOG_NESTED = """{
  search(kinds: ["Model"], first: 100) {
    edges { node { uid owner { uid }
      ... on Model { latest { uid } versions { uid model { uid } inputs { input feature { uid
        ... on Feature { featureSetVersion { uid ... on FeatureSetVersion { featureSet { uid } } } } } } } }
    } }
  }
}"""

LINEAGE_NESTED = """query($uid: String!) {
  lineage(uid: $uid, direction: DOWNSTREAM, depth: 3, kinds: ["ModelVersion"]) {
    nodes { uid node { uid ... on ModelVersion { model { uid owner { uid } } inputs { feature { uid } } } } }
  }
}"""

IMPACT_NESTED = """query($uid: String!) {
  impact(uid: $uid) {
    modelVersions { uid pathCount shortestPath { uid } node { uid ... on ModelVersion { model { uid } } } }
    owners { uid entities { uid } }
  }
}"""


async def cost(
    app: FastAPI, http: httpx.AsyncClient, query: str, **variables: Any
) -> tuple[int, dict[str, Any]]:
    graph = app.state.runtime.graph
    before = graph.round_trips
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body["errors"]
    return graph.round_trips - before, body["data"]


async def test_nested_queries_cost_the_same_for_10_and_100_models(
    app: FastAPI, http: httpx.AsyncClient, graph: Graph
) -> None:
    await add_models(graph, 0, 10)
    catalog_10, data = await cost(app, http, CATALOG_NESTED)
    assert len(data["search"]["edges"]) == 10
    lineage_10, data = await cost(app, http, LINEAGE_NESTED, uid=FEATURE_SET_VERSION)
    assert len(data["lineage"]["nodes"]) == 11
    impact_10, data = await cost(app, http, IMPACT_NESTED, uid=FEATURE_SET_VERSION)
    assert {o["uid"] for o in data["impact"]["owners"]} == {"team:ns/models"}

    await add_models(graph, 10, 90)
    catalog_100, data = await cost(app, http, CATALOG_NESTED)
    assert len(data["search"]["edges"]) == 100
    first = data["search"]["edges"][0]["node"]
    assert first["versions"][0]["inputs"][0]["feature"]["featureSetVersion"]["featureSet"] == {
        "uid": "featureset:ns/fs"
    }
    lineage_100, data = await cost(app, http, LINEAGE_NESTED, uid=FEATURE_SET_VERSION)
    assert len(data["lineage"]["nodes"]) == 101
    assert all(n["node"]["model"]["owner"] == {"uid": "team:ns/models"} for n in data["lineage"]["nodes"][1:])
    impact_100, data = await cost(app, http, IMPACT_NESTED, uid=FEATURE_SET_VERSION)
    assert len(data["impact"]["modelVersions"]) == 100
    assert all(m["pathCount"] == 2 for m in data["impact"]["modelVersions"])
    assert len(data["impact"]["owners"][0]["entities"]) == 100

    assert catalog_10 == catalog_100 <= 8
    # lineage: the walk, the node loader, the related loader for VERSION_OF and CONSUMES (one
    # batch), the related loader for OWNED_BY: 4 whatever the number of model versions.
    assert lineage_10 == lineage_100 == 4
    # impact: one query (walk, owners, environments), the node loader, related(VERSION_OF).
    assert impact_10 == impact_100 == 3
