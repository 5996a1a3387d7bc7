"""The demo catalog: loads, is idempotent, and shows every feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from lineage_graph.demo import builder as demo
from lineage_graph.services.audit.chain import verify
from lineage_graph.services.catalog.queries import CatalogQueries

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration


async def test_loading_the_demo_twice_gives_the_same_graph(graph: Graph) -> None:
    nodes = await demo.load(graph)
    counts = await CatalogQueries(graph).counts()
    events = (await verify(graph)).events
    assert nodes == counts[0] > 60
    assert await demo.load(graph) == nodes
    assert await CatalogQueries(graph).counts() == counts
    second = await verify(graph)
    assert (second.ok, second.events) == (True, events)


async def test_the_demo_is_browsable(client: httpx.AsyncClient, graph: Graph) -> None:
    await demo.load(graph)
    query = """{
      model(uid: "model:risk/credit_default") {
        riskTier owner { uid }
        versions { version status trainingRun { uid } evaluations { uid ... on Evaluation { baseline { uid } } }
          deployments { uid ... on Deployment { mode environment { name } shadows { uid } } } }
      }
      featureSet(uid: "featureset:fraud/txn_velocity") {
        versions { version status sunsetAt replacedBy { uid } }
      }
      environments { name order deployments { uid } }
      compatibleFeatureSetVersions(modelVersion: "model:risk/credit_default@2") { uid }
    }"""
    response = await client.post("/graphql", json={"query": query})
    data = response.json()["data"]
    versions = data["model"]["versions"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[2]["status"] == "DEPRECATED"
    shadows = [d for v in versions for d in v["deployments"] if d["mode"] == "SHADOW"]
    assert shadows == [
        {
            "uid": "deployment:risk/credit_default-3-prod-shadow",
            "mode": "SHADOW",
            "environment": {"name": "prod"},
            "shadows": {"uid": "deployment:risk/credit_default-2-prod"},
        }
    ]
    assert versions[0]["evaluations"][0]["baseline"] == {"uid": "evaluation:risk/credit_default-2-holdout"}
    velocity = data["featureSet"]["versions"]
    assert velocity[1]["status"] == "DEPRECATED"
    assert velocity[1]["replacedBy"] == {"uid": "featureset:fraud/txn_velocity@2"}
    assert {e["name"]: len(e["deployments"]) for e in data["environments"]} == {
        "dev": 3,
        "staging": 2,
        "prod": 3,
    }
    assert {v["uid"] for v in data["compatibleFeatureSetVersions"]} == {
        "featureset:risk/customer_profile@2",
        "featureset:risk/repayment_behaviour@2",
        "featureset:risk/repayment_behaviour@1",
    }
