"""Deployments, promotion, shadows, deprecation, ownership and approvals through /graphql."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph.services import bootstrap
from tests import graphql_client

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

REFUSAL = (
    "... on Refusal { code message } ... on InvalidInput { problems { path code } } "
    "... on NotFound { uids } ... on Conflict { differences { path stored incoming } } "
    "... on IncompatibleFeatures { incompatibilities { input feature reason expectedDtype actualDtype } }"
)
DEPLOY = (
    "mutation($i: DeployInput!) { deploy(input: $i) { __typename ... on Deployed { outcome deployment { "
    "uid mode status target trafficPercent environment { uid } modelVersion { uid } servesFrom { uid } "
    f"shadows {{ uid }} }} }} {REFUSAL} }} }}"
)
PROMOTE = (
    "mutation($d: String!) { promote(deployment: $d) { __typename ... on Deployed { outcome deployment { "
    f"uid target mode environment {{ uid }} promotedFrom {{ uid }} servesFrom {{ uid }} }} }} {REFUSAL} }} }}"
)
MV = "model:risk/credit_default@1"
DEV = "environment:global/dev"


gql = partial(graphql_client.gql, actor="alice")


async def deploy(client: httpx.AsyncClient, actor: str = "alice", **fields: Any) -> dict[str, Any]:
    payload = {"modelVersion": MV, "environment": DEV, "target": "k8s-dev", **fields}
    return dict((await gql(client, DEPLOY, actor=actor, i=payload))["deploy"])


@pytest.fixture
async def catalog(client: httpx.AsyncClient, graph: Graph) -> None:
    """Environments, a feature set with a compatible v2 and a breaking v3, a model version on v1."""
    await bootstrap.ensure_environments(graph)
    await gql(
        client, 'mutation { registerFeatureSet(input: {namespace: "risk", name: "profile"}) { __typename } }'
    )
    publish = "mutation($i: FeatureSetVersionInput!) { publishFeatureSetVersion(input: $i) { __typename } }"
    features = [{"name": "age", "dtype": "INT64"}, {"name": "income", "dtype": "FLOAT64"}]
    base = {"namespace": "risk", "name": "profile"}
    for version, contract, feats in [
        (1, "1.0.0", features),
        (2, "1.1.0", [*features, {"name": "tenure", "dtype": "INT64"}]),
        (3, "2.0.0", [{"name": "age", "dtype": "INT32"}, features[1]]),
    ]:
        result = await gql(
            client, publish, i={**base, "version": version, "contract": contract, "features": feats}
        )
        assert result["publishFeatureSetVersion"]["__typename"] == "Published"
    await gql(
        client,
        'mutation { registerModel(input: {namespace: "risk", name: "credit_default", riskTier: HIGH}) { __typename } }',
    )
    mv = {
        "namespace": "risk",
        "name": "credit_default",
        "version": 1,
        "artifactUri": "s3://m/1",
        "inputs": [
            {"input": "age", "feature": "feature:risk/profile@1#age"},
            {"input": "income", "feature": "feature:risk/profile@1#income"},
        ],
    }
    result = await gql(
        client,
        "mutation($i: ModelVersionInput!) { registerModelVersion(input: $i) { __typename } }",
        actor="bob",
        i=mv,
    )
    assert result["registerModelVersion"]["__typename"] == "ModelVersionRegistered"


async def test_deploy_defaults_to_the_training_time_versions_and_is_idempotent(
    client: httpx.AsyncClient, catalog: None
) -> None:
    created = await deploy(client)
    assert created["outcome"] == "CREATED"
    deployment = created["deployment"]
    assert deployment["uid"] == "deployment:risk/credit_default-1-dev"
    assert (deployment["mode"], deployment["status"], deployment["trafficPercent"]) == (
        "LIVE",
        "ACTIVE",
        100.0,
    )
    assert deployment["servesFrom"] == [{"uid": "featureset:risk/profile@1"}]
    assert deployment["environment"] == {"uid": DEV}
    assert (await deploy(client))["outcome"] == "UNCHANGED"
    conflict = await deploy(client, target="k8s-other")
    assert conflict["code"] == "CONFLICT"
    assert conflict["differences"] == [{"path": "target", "stored": "k8s-dev", "incoming": "k8s-other"}]


async def test_deploy_checks_the_serving_path_against_training_features(
    client: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    compatible = await deploy(client, servesFrom=["featureset:risk/profile@2"], name="on-v2")
    assert compatible["outcome"] == "CREATED"
    refused = await deploy(client, servesFrom=["featureset:risk/profile@3"], name="on-v3")
    assert refused["code"] == "INCOMPATIBLE_FEATURES"
    assert refused["incompatibilities"] == [
        {
            "input": "age",
            "feature": "feature:risk/profile@1#age",
            "reason": "DTYPE_MISMATCH",
            "expectedDtype": "INT64",
            "actualDtype": "INT32",
        }
    ]
    other = await gql(
        client, 'mutation { registerFeatureSet(input: {namespace: "risk", name: "other"}) { __typename } }'
    )
    assert other["registerFeatureSet"]["__typename"] == "Written"
    missing = await deploy(client, servesFrom=["featureset:risk/other@1"], name="on-nothing")
    assert (missing["code"], missing["uids"]) == ("NOT_FOUND", ["featureset:risk/other@1"])
    for bad, code in [
        ({"modelVersion": "model:risk"}, "INVALID_UID"),
        ({"modelVersion": "model:risk/x"}, "UNEXPECTED_KIND"),
        ({"environment": "environment:global/qa"}, "NOT_FOUND"),
    ]:
        assert (await deploy(client, **bad))["code"] == code
    rows = await graph.read("queries/search_all", {"kinds": ["Deployment"], "skip": 0, "limit": 100})
    assert [r["props"]["uid"] for r in rows] == ["deployment:risk/on-v2"]


async def test_promote_follows_the_environment_order(client: httpx.AsyncClient, catalog: None) -> None:
    await deploy(client)
    staging = (await gql(client, PROMOTE, d="deployment:risk/credit_default-1-dev"))["promote"]
    assert staging["outcome"] == "CREATED"
    assert staging["deployment"] == {
        "uid": "deployment:risk/credit_default-1-staging",
        "target": "k8s-staging",
        "mode": "LIVE",
        "environment": {"uid": "environment:global/staging"},
        "promotedFrom": {"uid": "deployment:risk/credit_default-1-dev"},
        "servesFrom": [{"uid": "featureset:risk/profile@1"}],
    }
    again = (await gql(client, PROMOTE, d="deployment:risk/credit_default-1-dev"))["promote"]
    assert again["outcome"] == "UNCHANGED"
    prod = (await gql(client, PROMOTE, d="deployment:risk/credit_default-1-staging"))["promote"]
    assert prod["deployment"]["environment"] == {"uid": "environment:global/prod"}
    last = (await gql(client, PROMOTE, d="deployment:risk/credit_default-1-prod"))["promote"]
    assert last["code"] == "INVALID_TRANSITION"
    missing = (await gql(client, PROMOTE, d="deployment:risk/none"))["promote"]
    assert missing["code"] == "NOT_FOUND"


async def test_shadow_deployments_point_at_the_live_one(client: httpx.AsyncClient, catalog: None) -> None:
    await deploy(client)
    live = "deployment:risk/credit_default-1-dev"
    shadow = await deploy(client, mode="SHADOW", shadows=live, trafficPercent=0)
    assert shadow["deployment"]["uid"] == "deployment:risk/credit_default-1-dev-shadow"
    assert shadow["deployment"]["shadows"] == {"uid": live}
    not_shadow = await deploy(client, shadows=live, name="x")
    assert not_shadow["code"] == "INVALID_VALUE"
    of_shadow = await deploy(client, mode="SHADOW", shadows=shadow["deployment"]["uid"], name="y")
    assert of_shadow["code"] == "INVALID_TRANSITION"
    data = await gql(
        client, "query($u: String!) { node(uid: $u) { ... on Deployment { shadowedBy { uid } } } }", u=live
    )
    assert data["node"]["shadowedBy"] == [{"uid": shadow["deployment"]["uid"]}]


async def test_retire_deployment(client: httpx.AsyncClient, catalog: None) -> None:
    await deploy(client)
    mutation = (
        "mutation($d: String!) { retireDeployment(deployment: $d) { __typename ... on Deployed { outcome "
        f"deployment {{ status retiredAt }} }} {REFUSAL} }} }}"
    )
    retired = (await gql(client, mutation, d="deployment:risk/credit_default-1-dev"))["retireDeployment"]
    assert retired["outcome"] == "UPDATED"
    assert retired["deployment"]["status"] == "STOPPED"
    assert retired["deployment"]["retiredAt"] is not None
    assert (await gql(client, mutation, d="deployment:risk/credit_default-1-dev"))["retireDeployment"][
        "outcome"
    ] == "UNCHANGED"
    promote = (await gql(client, PROMOTE, d="deployment:risk/credit_default-1-dev"))["promote"]
    assert promote["code"] == "INVALID_TRANSITION"
    assert (await gql(client, mutation, d="deployment:risk/x"))["retireDeployment"]["code"] == "NOT_FOUND"


async def test_deprecate_with_sunset_and_replacement(client: httpx.AsyncClient, catalog: None) -> None:
    mutation = (
        "mutation($u: String!, $s: DateTime, $r: String) { deprecate(uid: $u, sunsetAt: $s, replacement: $r) { "
        "__typename ... on Written { outcome node { ... on FeatureSetVersion { status sunsetAt replacedBy { uid } } } } "
        f"{REFUSAL} }} }}"
    )
    v1, v2 = "featureset:risk/profile@1", "featureset:risk/profile@2"
    done = (await gql(client, mutation, u=v1, s="2027-01-01T00:00:00Z", r=v2))["deprecate"]
    assert done["outcome"] == "UPDATED"
    assert done["node"] == {
        "status": "DEPRECATED",
        "sunsetAt": "2027-01-01T00:00:00+00:00",
        "replacedBy": {"uid": v2},
    }
    assert (await gql(client, mutation, u=v1, s="2027-01-01T00:00:00Z", r=v2))["deprecate"][
        "outcome"
    ] == "UNCHANGED"
    moved = (await gql(client, mutation, u=v1, s="2027-06-01T00:00:00Z", r=v2))["deprecate"]
    assert moved["outcome"] == "UPDATED"
    assert (await gql(client, mutation, u=v1, r=v1))["deprecate"]["code"] == "INVALID_VALUE"
    assert (await gql(client, mutation, u=v1, r=MV))["deprecate"]["code"] == "UNEXPECTED_KIND"
    assert (await gql(client, mutation, u="featureset:risk/profile@9"))["deprecate"]["code"] == "NOT_FOUND"
    history = await gql(
        client, '{ history(uid: "featureset:risk/profile") { versions { events { action before after } } } }'
    )
    events = history["history"]["versions"][-1]["events"]
    assert [e["action"] for e in events] == ["publishFeatureSetVersion", "deprecate", "deprecate"]
    assert events[1]["before"]["status"] == "ACTIVE"
    assert events[2]["after"]["sunsetAt"] == "2027-06-01T00:00:00Z"
    model = (await gql(client, mutation, u=MV))["deprecate"]
    assert model["outcome"] == "UPDATED"


async def test_redeprecating_keeps_what_it_does_not_mention(client: httpx.AsyncClient, catalog: None) -> None:
    """An omitted sunsetAt/replacement keeps the stored value (re-issuing `deprecate(uid)` must not lift
    a sunset); an explicit null clears it; the answer is what `node(uid)` then shows."""
    fields = "status sunsetAt replacedBy { uid }"
    mutation = (
        "mutation($u: String!, $s: DateTime, $r: String) { deprecate(uid: $u, sunsetAt: $s, replacement: $r) { "
        f"__typename ... on Written {{ outcome node {{ ... on FeatureSetVersion {{ {fields} }} }} }} {REFUSAL} }} }}"
    )
    omitted = (
        "mutation($u: String!) { deprecate(uid: $u) { __typename ... on Written { outcome node { "
        f"... on FeatureSetVersion {{ {fields} }} }} }} {REFUSAL} }} }}"
    )
    node = f'{{ node(uid: "featureset:risk/profile@1") {{ ... on FeatureSetVersion {{ {fields} }} }} }}'
    v1, v2 = "featureset:risk/profile@1", "featureset:risk/profile@2"
    full = {"status": "DEPRECATED", "sunsetAt": "2027-06-01T00:00:00+00:00", "replacedBy": {"uid": v2}}

    assert (await gql(client, mutation, u=v1, s="2027-06-01T00:00:00Z", r=v2))["deprecate"]["node"] == full
    again = (await gql(client, omitted, u=v1))["deprecate"]
    assert (again["outcome"], again["node"]) == ("UNCHANGED", full)
    assert (await gql(client, node))["node"] == full
    # Only the sunset given: the replacement stays.
    moved = (await gql(client, mutation, u=v1, s="2027-09-01T00:00:00Z"))["deprecate"]
    assert moved["node"] == {**full, "sunsetAt": "2027-09-01T00:00:00+00:00"}
    assert (await gql(client, node))["node"] == moved["node"]
    # Explicit nulls clear: the answer and the stored node agree.
    cleared = (await gql(client, mutation, u=v1, s=None, r=None))["deprecate"]
    assert (cleared["outcome"], cleared["node"]) == (
        "UPDATED",
        {"status": "DEPRECATED", "sunsetAt": None, "replacedBy": None},
    )
    assert (await gql(client, node))["node"] == cleared["node"]
    history = await gql(
        client, '{ history(uid: "featureset:risk/profile") { versions { events { action before after } } } }'
    )
    events = [e for e in history["history"]["versions"][-1]["events"] if e["action"] == "deprecate"]
    assert [(e["before"]["sunsetAt"], e["after"]["sunsetAt"]) for e in events] == [
        (None, "2027-06-01T00:00:00Z"),
        ("2027-06-01T00:00:00Z", "2027-09-01T00:00:00Z"),
        ("2027-09-01T00:00:00Z", None),
    ]
    assert [e["after"]["replacedBy"] for e in events] == [v2, v2, None]


async def test_set_owner(client: httpx.AsyncClient, catalog: None) -> None:
    mutation = (
        "mutation($u: String!, $o: String!) { setOwner(uid: $u, owner: $o) { __typename ... on Written { outcome "
        f"node {{ owner {{ uid kind }} }} }} {REFUSAL} }} }}"
    )
    first = (await gql(client, mutation, u="model:risk/credit_default", o="team:risk/ds"))["setOwner"]
    assert (first["outcome"], first["node"]["owner"]) == ("UPDATED", {"uid": "team:risk/ds", "kind": "Team"})
    assert (await gql(client, mutation, u="model:risk/credit_default", o="team:risk/ds"))["setOwner"][
        "outcome"
    ] == "UNCHANGED"
    moved = (await gql(client, mutation, u="model:risk/credit_default", o="principal:global/carol"))[
        "setOwner"
    ]
    assert moved["node"]["owner"] == {"uid": "principal:global/carol", "kind": "Principal"}
    assert (await gql(client, mutation, u="model:risk/none", o="team:risk/ds"))["setOwner"][
        "code"
    ] == "NOT_FOUND"
    assert (await gql(client, mutation, u="model:risk/credit_default", o="model:risk/x"))["setOwner"][
        "code"
    ] == "UNEXPECTED_KIND"


async def test_approve_refuses_self_approval(client: httpx.AsyncClient, catalog: None) -> None:
    mutation = (
        'mutation($s: String!) { approve(subject: $s, comment: "looks good") { __typename ... on Approved { '
        f"outcome reviewer comment }} {REFUSAL} }} }}"
    )
    own = (await gql(client, mutation, actor="bob", s=MV))["approve"]
    assert own["code"] == "SELF_APPROVAL"
    approved = (await gql(client, mutation, actor="alice", s=MV))["approve"]
    assert approved == {
        "__typename": "Approved",
        "outcome": "CREATED",
        "reviewer": "alice",
        "comment": "looks good",
    }
    assert (await gql(client, mutation, actor="alice", s=MV))["approve"]["outcome"] == "UNCHANGED"
    data = await gql(
        client,
        'query { node(uid: "model:risk/credit_default@1") { ... on ModelVersion { approvals { reviewer { uid } comment } } } }',
    )
    assert data["node"]["approvals"] == [
        {"reviewer": {"uid": "principal:global/alice"}, "comment": "looks good"}
    ]
    assert (await gql(client, mutation, s="model:risk/credit_default"))["approve"][
        "code"
    ] == "UNEXPECTED_KIND"
    assert (await gql(client, mutation, s="model:risk/credit_default@5"))["approve"]["code"] == "NOT_FOUND"
