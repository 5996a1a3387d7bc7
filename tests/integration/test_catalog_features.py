"""Feature sets and versions through /graphql: contracts, immutability, ordering, concurrency."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from tests import graphql_client

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

REFUSAL = (
    "... on Refusal { code message } ... on InvalidInput { problems { path code } } "
    "... on NotFound { uids } ... on Conflict { differences { path change stored incoming } } "
    "... on ContractViolation { declared expected previous requiredBump "
    "diff { added removed docChanged dtypeChanged { name old new } } } "
    "... on VersionNotMonotonic { version latestVersion }"
)
PUBLISH = (
    "mutation($i: FeatureSetVersionInput!) { publishFeatureSetVersion(input: $i) { __typename "
    "... on Published { outcome bump featureSetVersion { uid contract status features { uid dtype } } } "
    f"{REFUSAL} }} }}"
)
FEATURE_SET = (
    "mutation($i: FeatureSetInput!) { registerFeatureSet(input: $i) { __typename "
    f"... on Written {{ outcome node {{ uid owner {{ uid kind }} }} }} {REFUSAL} }} }}"
)
V1: dict[str, Any] = {
    "namespace": "risk",
    "name": "customer_profile",
    "version": 1,
    "contract": "1.0.0",
    "features": [
        {"name": "age", "dtype": "INT64", "description": "Age in years"},
        {"name": "income", "dtype": "FLOAT64"},
    ],
}


gql = partial(graphql_client.gql, actor="alice")


async def publish(client: httpx.AsyncClient, version: dict[str, Any]) -> dict[str, Any]:
    return dict((await gql(client, PUBLISH, i=version))["publishFeatureSetVersion"])


async def labels(graph: Graph) -> dict[str, int]:
    rows = await graph.read("queries/search_all", {"kinds": None, "skip": 0, "limit": 10_000})
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["props"]["kind"]] = counts.get(row["props"]["kind"], 0) + 1
    return counts


@pytest.fixture
async def feature_set(client: httpx.AsyncClient) -> str:
    result = await gql(client, FEATURE_SET, i={"namespace": "risk", "name": "customer_profile"})
    return str(result["registerFeatureSet"]["node"]["uid"])


async def test_register_feature_set_with_owner_and_idempotency(client: httpx.AsyncClient) -> None:
    fs = {
        "namespace": "risk",
        "name": "customer_profile",
        "entities": ["customer_id"],
        "owner": "team:risk/ds",
    }
    created = (await gql(client, FEATURE_SET, i=fs))["registerFeatureSet"]
    assert created["outcome"] == "CREATED"
    assert created["node"]["owner"] == {"uid": "team:risk/ds", "kind": "Team"}
    assert (await gql(client, FEATURE_SET, i=fs))["registerFeatureSet"]["outcome"] == "UNCHANGED"
    without_owner = {k: v for k, v in fs.items() if k != "owner"}
    assert (await gql(client, FEATURE_SET, i=without_owner))["registerFeatureSet"]["outcome"] == "UNCHANGED"
    bad = (await gql(client, FEATURE_SET, i={**fs, "owner": "model:risk/x"}))["registerFeatureSet"]
    assert bad["code"] == "UNEXPECTED_KIND"


async def test_publish_first_version_then_resend_is_a_no_op(
    client: httpx.AsyncClient, graph: Graph, feature_set: str
) -> None:
    created = await publish(client, V1)
    assert created["outcome"] == "CREATED"
    assert created["bump"] == "INITIAL"  # what is stored, and what FeatureSetVersion.bump answers
    assert created["featureSetVersion"]["uid"] == "featureset:risk/customer_profile@1"
    assert [f["uid"] for f in created["featureSetVersion"]["features"]] == [
        "feature:risk/customer_profile@1#age",
        "feature:risk/customer_profile@1#income",
    ]
    again = await publish(client, V1)
    assert (again["outcome"], again["bump"]) == ("UNCHANGED", "INITIAL")
    stored = await gql(
        client, '{ node(uid: "featureset:risk/customer_profile@1") { ... on FeatureSetVersion { bump } } }'
    )
    assert stored["node"]["bump"] == "INITIAL"
    feature = await gql(client, '{ node(uid: "feature:risk/customer_profile@1#age") { uid tags } }')
    assert feature["node"] == {"uid": "feature:risk/customer_profile@1#age", "tags": []}, (
        "Node.tags is [String!]!"
    )
    reordered = await publish(client, {**V1, "features": list(reversed(V1["features"]))})
    assert reordered["outcome"] == "UNCHANGED"
    assert (await labels(graph)) == {"FeatureSet": 1, "FeatureSetVersion": 1, "Feature": 2}
    log = await gql(client, "{ auditLog(first: 50) { edges { node { action entityUid } } } }")
    assert [e["node"]["action"] for e in log["auditLog"]["edges"]] == [
        "publishFeatureSetVersion",
        "registerFeatureSet",
    ]


async def test_a_different_payload_under_a_published_version_is_refused_with_the_differences(
    client: httpx.AsyncClient, graph: Graph, feature_set: str
) -> None:
    await publish(client, V1)
    changed = {**V1, "features": [{"name": "age", "dtype": "INT32", "description": "Age in years"}]}
    refused = await publish(client, changed)
    assert refused["__typename"] == "Conflict"
    assert refused["code"] == "IMMUTABLE_CONFLICT"
    assert refused["differences"] == [
        {"path": "features[age].dtype", "change": "CHANGED", "stored": "INT64", "incoming": "INT32"},
        {
            "path": "features[income]",
            "change": "REMOVED",
            "stored": {"name": "income", "dtype": "FLOAT64", "description": ""},
            "incoming": None,
        },
    ]
    assert (await labels(graph))["Feature"] == 2


@pytest.mark.parametrize(
    ("features", "contract", "bump"),
    [
        ([{"name": "age", "dtype": "INT64", "description": "Age in years"}], "2.0.0", "MAJOR"),
        (
            [
                {"name": "age", "dtype": "INT32", "description": "Age in years"},
                {"name": "income", "dtype": "FLOAT64"},
            ],
            "2.0.0",
            "MAJOR",
        ),
        ([*V1["features"], {"name": "tenure", "dtype": "INT64"}], "1.1.0", "MINOR"),
        (
            [
                {"name": "age", "dtype": "INT64", "description": "Age (years)"},
                {"name": "income", "dtype": "FLOAT64"},
            ],
            "1.0.1",
            "PATCH",
        ),
        (V1["features"], "1.0.0", "NONE"),
    ],
)
async def test_publishing_computes_the_bump_from_the_schema_diff(
    client: httpx.AsyncClient, feature_set: str, features: list[dict[str, Any]], contract: str, bump: str
) -> None:
    await publish(client, V1)
    wrong = "9.9.9"
    refused = await publish(client, {**V1, "version": 2, "features": features, "contract": wrong})
    assert refused["__typename"] == "ContractViolation"
    assert (refused["declared"], refused["expected"], refused["previous"]) == (wrong, contract, "1.0.0")
    assert refused["requiredBump"] == bump
    accepted = await publish(client, {**V1, "version": 2, "features": features, "contract": contract})
    assert (accepted["outcome"], accepted["bump"], accepted["featureSetVersion"]["contract"]) == (
        "CREATED",
        bump,
        contract,
    )


async def test_contract_violation_reports_the_diff(
    client: httpx.AsyncClient, graph: Graph, feature_set: str
) -> None:
    await publish(client, V1)
    breaking = {
        **V1,
        "version": 2,
        "contract": "1.1.0",
        "features": [
            {"name": "age", "dtype": "INT32", "description": "Age in years"},
            {"name": "tenure", "dtype": "INT64"},
        ],
    }
    refused = await publish(client, breaking)
    assert refused["code"] == "CONTRACT_VIOLATION"
    assert refused["diff"] == {
        "added": ["tenure"],
        "removed": ["income"],
        "docChanged": [],
        "dtypeChanged": [{"name": "age", "old": "INT64", "new": "INT32"}],
    }
    first = await publish(client, {**V1, "name": "other", "contract": "0.1.0"})
    assert first["code"] == "NOT_FOUND"
    assert (await labels(graph))["FeatureSetVersion"] == 1


async def test_the_first_version_must_declare_1_0_0(client: httpx.AsyncClient, feature_set: str) -> None:
    refused = await publish(client, {**V1, "contract": "0.1.0"})
    assert (refused["code"], refused["expected"]) == ("CONTRACT_VIOLATION", "1.0.0")


async def test_version_numbers_only_grow(client: httpx.AsyncClient, graph: Graph, feature_set: str) -> None:
    await publish(client, {**V1, "version": 3})
    refused = await publish(client, {**V1, "version": 2})
    assert refused["__typename"] == "VersionNotMonotonic"
    assert (refused["code"], refused["version"], refused["latestVersion"]) == ("VERSION_NOT_MONOTONIC", 2, 3)
    zero = await publish(client, {**V1, "version": 0})
    assert zero["code"] == "INVALID_VERSION"
    assert (await labels(graph))["FeatureSetVersion"] == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"features": [{"name": "age", "dtype": "NUMBER"}]}, "INVALID_DTYPE"),
        ({"features": [{"name": "", "dtype": "INT64"}]}, "EMPTY_NAME"),
        ({"features": [{"name": "1bad", "dtype": "INT64"}]}, "INVALID_NAME"),
        ({"features": []}, "INVALID_VALUE"),
        ({"features": [{"name": f"f{i}", "dtype": "INT64"} for i in range(1001)]}, "TOO_LARGE"),
        ({"contract": "1.0"}, "INVALID_CONTRACT"),
        ({"sources": ["source:"]}, "INVALID_UID"),
        ({"producedBy": "featureset:risk/x"}, "UNEXPECTED_KIND"),
    ],
)
async def test_bad_version_input_is_refused(
    client: httpx.AsyncClient, graph: Graph, feature_set: str, change: dict[str, Any], code: str
) -> None:
    refused = await publish(client, {**V1, **change})
    assert refused["code"] == code, refused
    assert "FeatureSetVersion" not in await labels(graph)


async def test_publishing_into_a_missing_feature_set_is_not_found(client: httpx.AsyncClient) -> None:
    refused = await publish(client, V1)
    assert (refused["code"], refused["uids"]) == ("NOT_FOUND", ["featureset:risk/customer_profile"])


async def test_concurrent_identical_publishes_leave_one_version(
    client: httpx.AsyncClient, graph: Graph, feature_set: str
) -> None:
    results = await asyncio.gather(*(publish(client, V1) for _ in range(2)))
    assert sorted(r["outcome"] for r in results) == ["CREATED", "UNCHANGED"]
    assert (await labels(graph))["FeatureSetVersion"] == 1
    events = await gql(
        client, '{ auditLog(uid: "featureset:risk/customer_profile@1") { edges { node { seq } } } }'
    )
    assert len(events["auditLog"]["edges"]) == 1


async def test_concurrent_different_publishes_of_one_version_leave_one_and_refuse_the_other(
    client: httpx.AsyncClient, graph: Graph, feature_set: str
) -> None:
    other = {**V1, "features": [{"name": "age", "dtype": "INT32"}]}
    results = await asyncio.gather(publish(client, V1), publish(client, other))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["Conflict", "Published"]
    conflict = next(r for r in results if r["__typename"] == "Conflict")
    assert conflict["code"] == "IMMUTABLE_CONFLICT"
    assert conflict["differences"]
    assert (await labels(graph))["FeatureSetVersion"] == 1


async def test_lineage_of_a_version_and_its_history(client: httpx.AsyncClient, feature_set: str) -> None:
    source = "source:s3%3A%2F%2Flake/customers"
    await gql(
        client,
        'mutation { registerDataSource(input: {namespace: "s3://lake", name: "customers"}) { __typename } }',
    )
    await gql(
        client,
        "mutation($i: TransformInput!) { registerTransform(input: $i) { __typename } }",
        i={"namespace": "dbt", "name": "profile", "type": "DBT", "reads": [source]},
    )
    v1 = {
        **V1,
        "producedBy": "transform:dbt/profile",
        "sources": [source],
        "features": [
            {
                "name": "age",
                "dtype": "INT64",
                "description": "Age in years",
                "derivedFrom": [{"source": source, "columns": ["birth_date"]}],
            },
            {"name": "income", "dtype": "FLOAT64"},
        ],
    }
    assert (await publish(client, v1))["outcome"] == "CREATED"
    assert (await publish(client, v1))["outcome"] == "UNCHANGED"
    moved = await publish(client, {**v1, "sources": []})
    assert moved["code"] == "IMMUTABLE_CONFLICT"
    v2 = {
        **v1,
        "version": 2,
        "contract": "1.1.0",
        "features": [*v1["features"], {"name": "tenure", "dtype": "INT64"}],
    }
    assert (await publish(client, v2))["bump"] == "MINOR"
    query = """query($uid: String!) {
      featureSet(uid: $uid) {
        versions { version contract bump supersedes { uid } producedBy { uid } }
        latest { uid features { name derivedFrom { source { uid } columns } } }
      }
      history(uid: "featureset:risk/customer_profile@2") {
        entity { uid }
        versions { version { uid ... on FeatureSetVersion { status bump } } events { action actor } }
        events { action }
      }
    }"""
    data = await gql(client, query, uid=feature_set)
    versions = data["featureSet"]["versions"]
    assert [(v["version"], v["contract"], v["bump"]) for v in versions] == [
        (2, "1.1.0", "MINOR"),
        (1, "1.0.0", "INITIAL"),
    ]
    assert versions[0]["supersedes"] == {"uid": "featureset:risk/customer_profile@1"}
    assert versions[0]["producedBy"] == {"uid": "transform:dbt/profile"}
    features = {f["name"]: f["derivedFrom"] for f in data["featureSet"]["latest"]["features"]}
    assert features["age"] == [{"source": {"uid": source}, "columns": ["birth_date"]}]
    assert features["tenure"] == [{"source": {"uid": source}, "columns": []}]
    history = data["history"]
    assert history["entity"] == {"uid": feature_set}
    assert [v["version"]["uid"][-1] for v in history["versions"]] == ["2", "1"]
    assert history["versions"][1]["events"] == [{"action": "publishFeatureSetVersion", "actor": "alice"}]
    assert history["events"] == [{"action": "registerFeatureSet"}]
