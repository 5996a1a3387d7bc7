"""Catalog queries through /graphql: node, search pagination, batching of nested fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
from tests.graphql_client import gql

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from fastapi import FastAPI

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration


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


JAN, FEB, MAR, APR, MAY = (datetime(2026, m, 1, 9, 0, tzinfo=UTC) for m in range(1, 6))
HISTORY = """query($u: String!, $a: DateTime) {
  history(uid: $u, asOf: $a) {
    entity { uid }
    versions {
      version { uid ... on FeatureSetVersion { status sunsetAt } ... on ModelVersion { status sunsetAt } }
      events { action at }
    }
    events { action }
  }
}"""


def at(moment: datetime) -> Any:
    """A clock stuck at `moment`: every write of the service stamps it."""
    return lambda: moment


async def dated_catalog(graph: Graph) -> None:
    """Feature set ns/fs registered in January; v1 published in February, v2 in March; v1 deprecated
    in April (sunset in June, replaced by v2) and again in May (sunset moved to July). Model ns/m
    registered in January, its version 1 in February, deprecated in April."""
    features = [{"name": "a", "dtype": "INT64"}]
    await CatalogService(graph, clock=at(JAN)).register_feature_sets(
        [FeatureSetInput(namespace="ns", name="fs", owner="team:ns/t")], actor="t"
    )
    await CatalogService(graph, clock=at(JAN)).register_models(
        [ModelInput(namespace="ns", name="m", risk_tier=RiskTier.LOW, owner="team:ns/t")], actor="t"
    )
    for version, moment in [(1, FEB), (2, MAR)]:
        published = FeatureSetVersionInput.model_validate(
            {
                "namespace": "ns",
                "name": "fs",
                "version": version,
                "contract": "1.0.0",
                "features": features,
            }
        )
        await CatalogService(graph, clock=at(moment)).publish_feature_set_version(
            Publication(published), actor="t"
        )
    mv = ModelVersionInput.model_validate(
        {
            "namespace": "ns",
            "name": "m",
            "version": 1,
            "artifactUri": "s3://m/1",
            "inputs": [{"input": "a", "feature": "feature:ns/fs@1#a"}],
        }
    )
    await CatalogService(graph, clock=at(FEB)).register_model_version(ModelVersionRegistration(mv), actor="t")
    april = CatalogService(graph, clock=at(APR))
    await april.deprecate(
        "featureset:ns/fs@1",
        actor="t",
        sunset_at=datetime(2026, 6, 1, tzinfo=UTC),
        replacement="featureset:ns/fs@2",
    )
    await april.deprecate("model:ns/m@1", actor="t", sunset_at=datetime(2026, 6, 1, tzinfo=UTC))
    await CatalogService(graph, clock=at(MAY)).deprecate(
        "featureset:ns/fs@1",
        actor="t",
        sunset_at=datetime(2026, 7, 1, tzinfo=UTC),
        replacement="featureset:ns/fs@2",
    )


def lifecycle(history: dict[str, Any]) -> list[tuple[str, str, str | None, list[str]]]:
    return [
        (
            v["version"]["uid"],
            v["version"]["status"],
            v["version"]["sunsetAt"],
            [e["action"] for e in v["events"]],
        )
        for v in history["versions"]
    ]


async def test_history_as_of_shows_the_versions_and_statuses_of_that_time(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    await dated_catalog(graph)
    fs1, fs2 = "featureset:ns/fs@1", "featureset:ns/fs@2"

    async def history(uid: str, as_of: datetime | str | None) -> dict[str, Any]:
        when = as_of.isoformat() if isinstance(as_of, datetime) else as_of
        return dict((await gql(client, HISTORY, u=uid, a=when))["history"])

    now = await history("featureset:ns/fs", None)
    assert lifecycle(now) == [
        (fs2, "ACTIVE", None, ["publishFeatureSetVersion"]),
        (
            fs1,
            "DEPRECATED",
            "2026-07-01T00:00:00+00:00",
            ["publishFeatureSetVersion", "deprecate", "deprecate"],
        ),
    ]
    assert now["events"] == [{"action": "registerFeatureSet"}]
    assert await history("featureset:ns/fs", datetime(2030, 1, 1, tzinfo=UTC)) == now

    assert lifecycle(await history("featureset:ns/fs", FEB + timedelta(days=1))) == [
        (fs1, "ACTIVE", None, ["publishFeatureSetVersion"])
    ]
    assert lifecycle(await history("featureset:ns/fs", MAR)) == [
        (fs2, "ACTIVE", None, ["publishFeatureSetVersion"]),
        (fs1, "ACTIVE", None, ["publishFeatureSetVersion"]),
    ]
    april = await history(fs1, APR + timedelta(days=1))
    assert april["entity"] == {"uid": "featureset:ns/fs"}
    assert lifecycle(april)[1] == (
        fs1,
        "DEPRECATED",
        "2026-06-01T00:00:00+00:00",
        ["publishFeatureSetVersion", "deprecate"],
    )
    assert [e["at"] for e in april["versions"][1]["events"]] == [FEB.isoformat(), APR.isoformat()]
    assert lifecycle(await history("model:ns/m", MAR)) == [
        ("model:ns/m@1", "ACTIVE", None, ["registerModelVersion"])
    ]
    assert lifecycle(await history("model:ns/m", MAY)) == [
        ("model:ns/m@1", "DEPRECATED", "2026-06-01T00:00:00+00:00", ["registerModelVersion", "deprecate"])
    ]

    before = await history("featureset:ns/fs", JAN - timedelta(days=1))
    assert before == {"entity": {"uid": "featureset:ns/fs"}, "versions": [], "events": []}
    naive = await history("featureset:ns/fs", "2026-02-01T09:00:00")
    assert [v["version"]["uid"] for v in naive["versions"]] == [fs1]

    for bad in ["yesterday", "2026-13-01", "2026-02-30T10:00:00Z"]:
        refused = await errors(client, HISTORY, u="featureset:ns/fs", a=bad)
        assert refused[0]["extensions"]["code"] == "INVALID_VALUE", refused
    inline = await errors(client, '{ history(uid: "featureset:ns/fs", asOf: "soon") { events { action } } }')
    assert inline[0]["extensions"]["code"] == "INVALID_VALUE"
    missing = await errors(client, HISTORY, u="featureset:ns/none", a=MAR.isoformat())
    assert missing[0]["extensions"]["code"] == "NOT_FOUND"
