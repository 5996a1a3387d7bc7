"""A feature-set version is downstream of what it is computed from, however that was recorded.

Issue #16: a version published with `sources` only, or with column-level `derivedFrom` only,
was missing from `impact(uid: <source>)` (docs/adr/0008-feature-set-versions-in-lineage.md).
Each shape is registered through GraphQL and checked through GraphQL: `impact`, and `lineage`
both ways; a version never appears downstream of a source it was not computed from. The V0005
migration gives a catalog written before the fix the same edges.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph import resources
from lineage_graph.graph.migrations import load_migrations
from tests import graphql_client
from tests.cypher import cypher
from tests.integration.test_ingest_helpers import event
from tests.integration.test_ingest_openlineage import post

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

gql = partial(graphql_client.gql, actor="alice")

ORDERS = "source:s3%3A%2F%2Flake/orders"
CUSTOMERS = "source:s3%3A%2F%2Flake/customers"
OTHER = "source:s3%3A%2F%2Flake/unrelated"
JOB = "transform:dbt/spend"
VERSION = "featureset:risk/spend@1"
MODEL_VERSION = "model:risk/churn@1"
IMPACT = """query($uid: String!) {
  impact(uid: $uid) { featureSetVersions { uid distance } modelVersions { uid } }
  lineage(uid: $uid, direction: DOWNSTREAM, depth: 3) { nodes { uid } }
}"""
UPSTREAM = """query($uid: String!) {
  lineage(uid: $uid, direction: UPSTREAM, depth: 3) { nodes { uid kind } }
}"""


async def setup(client: httpx.AsyncClient) -> None:
    for name in ("orders", "customers", "unrelated"):
        await gql(
            client,
            "mutation($i: DataSourceInput!) { registerDataSource(input: $i) { __typename } }",
            i={"namespace": "s3://lake", "name": name},
        )
    await gql(
        client,
        "mutation($i: TransformInput!) { registerTransform(input: $i) { __typename } }",
        i={"namespace": "dbt", "name": "spend", "type": "DBT", "reads": [ORDERS, CUSTOMERS]},
    )
    await gql(
        client,
        "mutation($i: FeatureSetInput!) { registerFeatureSet(input: $i) { __typename } }",
        i={"namespace": "risk", "name": "spend"},
    )


def version(shape: str) -> dict[str, Any]:
    """The same version, with what it is computed from recorded in one shape."""
    features: list[dict[str, Any]] = [
        {"name": "total", "dtype": "FLOAT64"},
        {"name": "visits", "dtype": "INT64"},
    ]
    out: dict[str, Any] = {"namespace": "risk", "name": "spend", "version": 1, "contract": "1.0.0"}
    if shape == "job":
        out["producedBy"] = JOB
    elif shape == "sources":
        out["sources"] = [ORDERS, CUSTOMERS]
    elif shape == "columns":
        features[0]["derivedFrom"] = [{"source": ORDERS, "columns": ["amount"]}]
        features[1]["derivedFrom"] = [{"source": CUSTOMERS, "columns": ["id"]}]
    return {**out, "features": features}


async def publish(client: httpx.AsyncClient, shape: str) -> None:
    result = await gql(
        client,
        "mutation($i: FeatureSetVersionInput!) { publishFeatureSetVersion(input: $i) { __typename } }",
        i=version(shape),
    )
    assert result["publishFeatureSetVersion"]["__typename"] == "Published", result
    await gql(
        client,
        "mutation($i: ModelInput!) { registerModel(input: $i) { __typename } }",
        i={"namespace": "risk", "name": "churn", "riskTier": "LOW"},
    )
    registered = await gql(
        client,
        "mutation($i: ModelVersionInput!) { registerModelVersion(input: $i) { __typename } }",
        i={
            "namespace": "risk",
            "name": "churn",
            "version": 1,
            "artifactUri": "s3://models/churn/1",
            "framework": "xgboost",
            "inputs": [{"input": "total", "feature": "feature:risk/spend@1#total"}],
        },
    )
    assert registered["registerModelVersion"]["__typename"] == "ModelVersionRegistered", registered


async def check_reached(client: httpx.AsyncClient) -> None:
    for source in (ORDERS, CUSTOMERS):
        data = await gql(client, IMPACT, uid=source)
        assert VERSION in {v["uid"] for v in data["impact"]["featureSetVersions"]}, source
        assert MODEL_VERSION in {v["uid"] for v in data["impact"]["modelVersions"]}
        assert VERSION in {n["uid"] for n in data["lineage"]["nodes"]}
    unrelated = await gql(client, IMPACT, uid=OTHER)
    assert unrelated["impact"]["featureSetVersions"] == []
    assert [n["uid"] for n in unrelated["lineage"]["nodes"]] == [OTHER]
    upstream = await gql(client, UPSTREAM, uid=VERSION)
    reached = {n["uid"] for n in upstream["lineage"]["nodes"]}
    assert {ORDERS, CUSTOMERS} <= reached
    assert OTHER not in reached
    assert not [n for n in upstream["lineage"]["nodes"] if n["kind"] in {"Feature", "ModelVersion"}]


@pytest.mark.parametrize("shape", ["job", "sources", "columns"])
async def test_impact_of_a_source_lists_the_versions_computed_from_it(
    client: httpx.AsyncClient, graph: Graph, shape: str
) -> None:
    await setup(client)
    await publish(client, shape)
    await check_reached(client)
    if shape != "job":
        direct = await gql(client, IMPACT, uid=ORDERS)
        assert {"uid": VERSION, "distance": 1} in direct["impact"]["featureSetVersions"]


async def test_a_feast_view_ingested_from_openlineage_is_downstream_of_its_batch_source(
    client: httpx.AsyncClient, graph: Graph
) -> None:
    for body in event("feast_apply_and_materialize.json"):
        assert (await post(client, body)).status_code == 201
    data = await gql(client, IMPACT, uid="source:driver_ranking/driver_hourly_stats_source")
    assert "featureset:driver_ranking/driver_hourly_stats@1" in {
        v["uid"] for v in data["impact"]["featureSetVersions"]
    }


async def migrate_again(graph: Graph) -> None:
    """Run V0005's statements, as `lineage-graph migrate` does on a catalog that predates it."""
    (migration,) = [m for m in load_migrations(resources.cypher_dir() / "migrations") if m.version == 5]
    for statement in migration.statements:
        await graph.run_schema(statement)


@pytest.mark.parametrize("shape", ["sources", "columns"])
async def test_the_migration_gives_an_older_catalog_the_version_edges(
    client: httpx.AsyncClient, graph: Graph, shape: str
) -> None:
    await setup(client)
    await publish(client, shape)
    written = await cypher(
        graph,
        "MATCH (v:FeatureSetVersion)-[r:DERIVED_FROM]->(s) RETURN s.uid AS s, r.createdAt = v.createdAt AS same",
    )
    await cypher(graph, "MATCH (:FeatureSetVersion)-[r:DERIVED_FROM]->() DELETE r")
    assert VERSION not in {
        v["uid"] for v in (await gql(client, IMPACT, uid=ORDERS))["impact"]["featureSetVersions"]
    }
    await migrate_again(graph)
    await migrate_again(graph)
    await check_reached(client)
    migrated = await cypher(
        graph,
        "MATCH (v:FeatureSetVersion)-[r:DERIVED_FROM]->(s) RETURN s.uid AS s, r.createdAt = v.createdAt AS same",
    )
    assert sorted(migrated, key=str) == sorted(written, key=str)
    assert {r["s"] for r in migrated} == {ORDERS, CUSTOMERS}
