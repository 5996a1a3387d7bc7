"""The policy gates end to end through /graphql, with the real OPA and enforcement on.

Each gate allows, denies with its codes (writing nothing but the decision record), and denies
with a clear error when OPA is down; approvals and deprecation follow the issue's rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from lineage_graph import resources
from lineage_graph.api import create_app
from lineage_graph.devstack._process import free_port
from lineage_graph.domain import DeploymentInput, FeatureSetVersionInput, dataset_uid, snapshot_uid
from lineage_graph.policy import PolicyEngine, PolicySet
from lineage_graph.services import bootstrap
from lineage_graph.services.catalog.service import CatalogService, Publication
from lineage_graph.services.errors import PolicyDenied
from lineage_graph.services.governance.decisions import Governor
from lineage_graph.services.governance.gates import Gates
from tests import graphql_client
from tests.cypher import cypher

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

SOURCE = dataset_uid("s3://lake", "customers").format()
SNAPSHOT = snapshot_uid("s3://lake", "customers", "2026-11-01").format()
DEV, STAGING, PROD = (f"environment:global/{e}" for e in ("dev", "staging", "prod"))

FINDINGS = "code message entity remediation"
REFUSAL = (
    f"... on Refusal {{ code message }} ... on PolicyDenied {{ violations {{ {FINDINGS} }} "
    f"warnings {{ {FINDINGS} }} }}"
)
PUBLISH = (
    "mutation($i: FeatureSetVersionInput!) { publishFeatureSetVersion(input: $i) { __typename "
    f"... on Published {{ outcome warnings {{ {FINDINGS} }} }} {REFUSAL} }} }}"
)
REGISTER_MV = (
    "mutation($i: ModelVersionInput!, $r: TrainingRunInput) { registerModelVersion(input: $i, run: $r) { "
    f"__typename ... on ModelVersionRegistered {{ outcome warnings {{ {FINDINGS} }} }} {REFUSAL} }} }}"
)
DEPLOYED = (
    f"... on Deployed {{ outcome deployment {{ uid environment {{ name }} }} warnings {{ {FINDINGS} }} }}"
)
DEPLOY = f"mutation($i: DeployInput!) {{ deploy(input: $i) {{ __typename {DEPLOYED} {REFUSAL} }} }}"
PROMOTE = (
    "mutation($d: String!, $s: [String!]) { promote(deployment: $d, servesFrom: $s) { "
    f"__typename {DEPLOYED} {REFUSAL} }} }}"
)
APPROVE = (
    "mutation($s: String!, $r: String) { approve(subject: $s, reviewer: $r) { __typename "
    f"... on Approved {{ outcome reviewer }} {REFUSAL} }} }}"
)
DEPRECATE = (
    "mutation($u: String!, $s: DateTime, $r: String) { deprecate(uid: $u, sunsetAt: $s, replacement: $r) { "
    f"__typename {REFUSAL} }} }}"
)
EVALUATE = "mutation($i: EvaluationInput!) { recordEvaluation(input: $i) { __typename } }"
FEATURES = [
    {"name": "age", "dtype": "INT64", "description": "Age in years."},
    {"name": "income", "dtype": "FLOAT64", "description": "Declared yearly income, EUR."},
]


async def gql(
    client: httpx.AsyncClient, query: str, actor: str = "alice", **variables: Any
) -> dict[str, Any]:
    """The operation's only root field, as `actor`."""
    return dict(next(iter((await graphql_client.gql(client, query, actor, **variables)).values())))


def codes(findings: list[dict[str, str]]) -> set[str]:
    return {f["code"] for f in findings}


async def footprint(graph: Graph) -> tuple[int, int, int]:
    """Catalog nodes, edges between them, audit events: what a denied request must not change."""
    rows = await cypher(
        graph,
        "CALL () { MATCH (n:Entity) RETURN count(n) AS nodes } "
        "CALL () { MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS edges } "
        "CALL () { MATCH (e:AuditEvent) RETURN count(e) AS events } "
        "RETURN nodes, edges, events",
    )
    return rows[0]["nodes"], rows[0]["edges"], rows[0]["events"]


async def decisions(graph: Graph, about: str) -> list[dict[str, Any]]:
    return await graph.read("governance/decisions_about", {"uid": about, "limit": 100})


def governed_settings(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update={"policy_enforcement": "enforce", **changes})


@pytest.fixture
async def governed(
    settings: Settings, graph: Graph, session_engine: PolicyEngine
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(governed_settings(settings))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        yield http


def model_version(
    name: str, version: int, *, commit: str = "9f1c2e3a4b5c", feature_set: str = "profile@1"
) -> dict[str, Any]:
    return {
        "namespace": "risk",
        "name": name,
        "version": version,
        "artifactUri": f"s3://models/{name}/{version}",
        "hyperparameters": {"depth": 4},
        "randomSeed": 7,
        "trainingScript": {"repo": "https://git.test/risk/models", "commit": commit},
        "inputs": [
            {"input": f["name"], "feature": f"feature:risk/{feature_set}#{f['name']}"} for f in FEATURES
        ],
    }


async def register(client: httpx.AsyncClient, name: str, version: int, **options: Any) -> dict[str, Any]:
    """A model version with complete lineage: run, seed, pinned script, snapshot, evaluated against a baseline."""
    registered = await gql(
        client,
        REGISTER_MV,
        actor="bob",
        i=model_version(name, version, **options),
        r={"runId": f"run-{name}-{version}", "seed": 7, "datasets": [SNAPSHOT]},
    )
    assert registered["__typename"] == "ModelVersionRegistered", registered
    uid = f"model:risk/{name}@{version}"
    for suffix, metrics, baseline in [
        ("baseline", 0.70, None),
        ("holdout", 0.80, f"{name}-{version}-baseline"),
    ]:
        evaluation = {
            "namespace": "risk",
            "name": f"{name}-{version}-{suffix}",
            "modelVersion": uid,
            "metrics": {"auc": metrics},
            "dataset": SNAPSHOT,
            **({"baseline": f"evaluation:risk/{baseline}"} if baseline else {}),
        }
        assert (await gql(client, EVALUATE, actor="bob", i=evaluation))["__typename"] == "Written"
    return registered


async def deploy(client: httpx.AsyncClient, mv: str, environment: str = DEV, **fields: Any) -> dict[str, Any]:
    target = {DEV: "k8s-dev", STAGING: "k8s-staging", PROD: "k8s-prod"}[environment]
    return await gql(
        client, DEPLOY, i={"modelVersion": mv, "environment": environment, "target": target, **fields}
    )


@pytest.fixture
async def catalog(governed: httpx.AsyncClient, graph: Graph) -> None:
    """A governed catalog: a source and snapshot, feature set risk/profile with v1 (in redis-dev,
    for dev) and v2 (same schema, in redis-prod, for staging and prod), models credit (LOW risk)
    and scoring (HIGH risk)."""
    await bootstrap.ensure_environments(graph)
    source = {"namespace": "s3://lake", "name": "customers", "classification": "INTERNAL"}
    await gql(
        governed, "mutation($i: DataSourceInput!) { registerDataSource(input: $i) { __typename } }", i=source
    )
    snapshot = {"namespace": "s3://lake", "name": "customers", "version": "2026-11-01"}
    await gql(
        governed,
        "mutation($i: DatasetSnapshotInput!) { registerDatasetSnapshot(input: $i) { __typename } }",
        i=snapshot,
    )
    feature_set = {"namespace": "risk", "name": "profile", "owner": "team:risk/ds"}
    await gql(
        governed,
        "mutation($i: FeatureSetInput!) { registerFeatureSet(input: $i) { __typename } }",
        i=feature_set,
    )
    for version, store in [(1, "redis-dev"), (2, "redis-prod")]:
        fsv = {"namespace": "risk", "name": "profile", "version": version, "contract": "1.0.0"}
        published = await gql(
            governed, PUBLISH, i={**fsv, "store": store, "features": FEATURES, "sources": [SOURCE]}
        )
        assert (published["__typename"], published["warnings"]) == ("Published", []), published
    for name, tier in [("credit", "LOW"), ("scoring", "HIGH")]:
        model = {"namespace": "risk", "name": name, "riskTier": tier, "owner": "team:risk/ds"}
        await gql(governed, "mutation($i: ModelInput!) { registerModel(input: $i) { __typename } }", i=model)


async def test_publish_is_gated_by_the_schema_standards(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    before = await footprint(graph)
    bad = [*FEATURES, {"name": "ZipCode", "dtype": "STRING"}]
    fsv = {"namespace": "risk", "name": "profile", "version": 3, "contract": "1.1.0", "store": "redis-prod"}
    refused = await gql(governed, PUBLISH, i={**fsv, "features": bad, "sources": [SOURCE]})
    assert refused["__typename"] == "PolicyDenied"
    assert refused["code"] == "POLICY_DENIED"
    assert codes(refused["violations"]) == {"SCHEMA_NAME_NOT_SNAKE_CASE", "SCHEMA_MISSING_DESCRIPTION"}
    assert {v["entity"] for v in refused["violations"]} == {"feature:risk/profile@3#ZipCode"}
    snake = next(v for v in refused["violations"] if v["code"] == "SCHEMA_NAME_NOT_SNAKE_CASE")
    assert snake["remediation"] == "Rename it to snake_case, e.g. zip_code."
    assert await footprint(graph) == before
    recorded = await decisions(graph, "featureset:risk/profile@3")
    schema = [d for d in recorded if d["policy"] == "lineage_graph.schema"]
    assert [(d["allow"], d["codes"]) for d in schema] == [
        (False, ["SCHEMA_MISSING_DESCRIPTION", "SCHEMA_NAME_NOT_SNAKE_CASE"])
    ]
    assert schema[0]["actor"] == "alice"
    authz = [d for d in recorded if d["policy"] == "lineage_graph.authz"]
    assert [(d["allow"], d["action"]) for d in authz] == [(True, "publishFeatureSetVersion:write")]

    response = await governed.post(
        "/graphql",
        json={
            "query": "query($u: String!) { decisions(uid: $u) { policy policyRevision allow codes "
            "violations { code entity } actor action inputHash } }",
            "variables": {"u": "featureset:risk/profile@3"},
        },
    )
    records = response.json()["data"]["decisions"]
    schema_record = next(r for r in records if r["policy"] == "lineage_graph.schema")
    assert schema_record["policyRevision"] == PolicySet.load(resources.policies_dir()).revision
    assert (schema_record["allow"], schema_record["actor"], schema_record["action"]) == (
        False,
        "alice",
        "publishFeatureSetVersion",
    )
    assert {v["code"] for v in schema_record["violations"]} == set(schema_record["codes"])
    assert len(schema_record["inputHash"]) == 64

    good = [*FEATURES, {"name": "zip_code", "dtype": "STRING", "description": "Postal code of residence."}]
    accepted = await gql(governed, PUBLISH, i={**fsv, "features": good, "sources": [SOURCE]})
    assert (accepted["__typename"], accepted["outcome"], accepted["warnings"]) == ("Published", "CREATED", [])
    allowed = [
        d
        for d in await decisions(graph, "featureset:risk/profile@3")
        if d["policy"] == "lineage_graph.schema"
    ]
    assert sorted(d["allow"] for d in allowed) == [False, True]
    edges = await cypher(
        graph,
        "MATCH (d:PolicyDecision {policy: 'lineage_graph.schema', allow: true})-[:ABOUT]->(v {uid: $u}) RETURN count(d) AS n",
        {"u": "featureset:risk/profile@3"},
    )
    assert edges == [{"n": 1}]


async def test_pii_sources_require_a_pii_tag(governed: httpx.AsyncClient, catalog: None) -> None:
    pii = {"namespace": "s3://lake", "name": "emails", "classification": "PII"}
    await gql(
        governed, "mutation($i: DataSourceInput!) { registerDataSource(input: $i) { __typename } }", i=pii
    )
    await gql(
        governed,
        'mutation { registerFeatureSet(input: {namespace: "risk", name: "contact", owner: "team:risk/ds"}) { __typename } }',
    )
    fsv = {
        "namespace": "risk",
        "name": "contact",
        "version": 1,
        "contract": "1.0.0",
        "sources": [dataset_uid("s3://lake", "emails").format()],
    }
    features = [{"name": "email_domain", "dtype": "STRING", "description": "Domain of the e-mail address."}]
    refused = await gql(governed, PUBLISH, i={**fsv, "features": features})
    assert codes(refused["violations"]) == {"SCHEMA_PII_NOT_TAGGED"}
    tagged = await gql(governed, PUBLISH, i={**fsv, "features": features, "tags": ["pii"]})
    assert tagged["__typename"] == "Published"


async def test_registering_a_model_version_warns_about_lineage_gaps(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    bare = {
        "namespace": "risk",
        "name": "credit",
        "version": 1,
        "artifactUri": "s3://models/credit/1",
        "inputs": [{"input": "age", "feature": "feature:risk/profile@1#age"}],
    }
    registered = await gql(governed, REGISTER_MV, actor="bob", i=bare)
    assert (registered["__typename"], registered["outcome"]) == ("ModelVersionRegistered", "CREATED")
    assert codes(registered["warnings"]) == {
        "LINEAGE_MISSING_TRAINING_RUN",
        "LINEAGE_MISSING_SEED",
        "LINEAGE_MISSING_CODE_REF",
        "LINEAGE_MISSING_HYPERPARAMETERS",
        "LINEAGE_MISSING_SNAPSHOT",
        "LINEAGE_MISSING_EVALUATION",
    }
    recorded = await decisions(graph, "model:risk/credit@1")
    assert {(d["policy"], d["allow"]) for d in recorded} >= {
        ("lineage_graph.lineage", False),
        ("lineage_graph.deprecation", True),
    }
    complete = await register(governed, "credit", 2)
    assert codes(complete["warnings"]) == {"LINEAGE_MISSING_EVALUATION"}


async def test_deploy_and_promote_to_prod_when_every_gate_allows(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    await register(governed, "credit", 1)
    dev = await deploy(governed, "model:risk/credit@1")
    assert (dev["__typename"], dev["outcome"], dev["warnings"]) == ("Deployed", "CREATED", [])
    staging = await gql(governed, PROMOTE, d=dev["deployment"]["uid"], s=["featureset:risk/profile@2"])
    assert (staging["__typename"], staging["deployment"]["environment"]) == ("Deployed", {"name": "staging"})
    prod = await gql(governed, PROMOTE, d=staging["deployment"]["uid"])
    assert (prod["__typename"], prod["deployment"]["environment"]) == ("Deployed", {"name": "prod"})
    recorded = await decisions(graph, prod["deployment"]["uid"])
    assert {(d["policy"], d["allow"], d["action"]) for d in recorded} == {
        ("lineage_graph.promotion", True, "promote"),
        ("lineage_graph.targets", True, "promote"),
    }


async def test_deploy_is_refused_with_codes_and_writes_nothing(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    await register(governed, "credit", 1)
    before = await footprint(graph)
    skipping = await deploy(governed, "model:risk/credit@1", PROD)
    assert skipping["__typename"] == "PolicyDenied"
    assert {"PROMOTION_SKIPS_ENVIRONMENT", "TARGET_STORE_NOT_APPROVED"} <= codes(skipping["violations"])
    skip = next(v for v in skipping["violations"] if v["code"] == "PROMOTION_SKIPS_ENVIRONMENT")
    assert skip["remediation"] == "Promote to dev first."
    wrong_target = await deploy(governed, "model:risk/credit@1", target="k8s-prod")
    assert codes(wrong_target["violations"]) == {"TARGET_NOT_APPROVED"}
    assert wrong_target["violations"][0]["remediation"] == "Deploy to k8s-dev."
    assert await footprint(graph) == before
    recorded = await decisions(graph, "deployment:risk/credit-1-dev")
    assert {(d["policy"], d["allow"]) for d in recorded} >= {("lineage_graph.targets", False)}
    assert all(d["actor"] == "alice" for d in recorded)


async def test_incomplete_lineage_warns_until_prod_and_blocks_there(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    await register(governed, "credit", 1, commit="main")
    dev = await deploy(governed, "model:risk/credit@1")
    assert dev["__typename"] == "Deployed"
    assert codes(dev["warnings"]) == {"PROMOTION_LINEAGE_GAPS"}
    assert "LINEAGE_CODE_REF_NOT_PINNED" in dev["warnings"][0]["message"]
    staging = await gql(governed, PROMOTE, d=dev["deployment"]["uid"], s=["featureset:risk/profile@2"])
    assert staging["__typename"] == "Deployed"
    before = await footprint(graph)
    prod = await gql(governed, PROMOTE, d=staging["deployment"]["uid"])
    assert prod["__typename"] == "PolicyDenied"
    assert codes(prod["violations"]) == {"PROMOTION_LINEAGE_INCOMPLETE"}
    assert await footprint(graph) == before


async def test_high_risk_needs_two_approvals_by_others_than_the_author_before_prod(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    mv = "model:risk/scoring@1"
    await register(governed, "scoring", 1)
    own = await gql(governed, APPROVE, actor="bob", s=mv)
    assert own["code"] == "SELF_APPROVAL"
    for_someone = await gql(governed, APPROVE, actor="alice", s=mv, r="dave")
    assert for_someone["code"] == "INVALID_VALUE"
    dev = await deploy(governed, mv)
    assert (dev["__typename"], dev["warnings"]) == ("Deployed", []), "no approvals needed before prod"
    staging = await gql(governed, PROMOTE, d=dev["deployment"]["uid"], s=["featureset:risk/profile@2"])
    assert (staging["__typename"], staging["warnings"]) == ("Deployed", [])
    before = await footprint(graph)
    refused = await gql(governed, PROMOTE, d=staging["deployment"]["uid"])
    assert refused["__typename"] == "PolicyDenied"
    assert codes(refused["violations"]) == {"PROMOTION_INSUFFICIENT_APPROVALS"}
    assert "0 approval(s)" in refused["violations"][0]["message"]
    assert await footprint(graph) == before
    assert (await gql(governed, APPROVE, actor="alice", s=mv))["outcome"] == "CREATED"
    once = await gql(governed, PROMOTE, d=staging["deployment"]["uid"])
    assert codes(once["violations"]) == {"PROMOTION_INSUFFICIENT_APPROVALS"}
    assert (
        "1 approval(s) from principals other than its author bob; 2 required in prod"
        in once["violations"][0]["message"]
    )
    assert (await gql(governed, APPROVE, actor="carol", s=mv))["outcome"] == "CREATED"
    prod = await gql(governed, PROMOTE, d=staging["deployment"]["uid"])
    assert prod["__typename"] == "Deployed"


async def test_deprecated_features_warn_before_sunset_and_block_after(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    v1, v2 = "featureset:risk/profile@1", "featureset:risk/profile@2"
    soon = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    assert (await gql(governed, DEPRECATE, u=v1, s=soon, r=v2))["__typename"] == "Written"
    registered = await register(governed, "credit", 1)
    pending = next(w for w in registered["warnings"] if w["code"] == "DEPRECATION_SUNSET_PENDING")
    assert (pending["entity"], pending["remediation"]) == (v1, f"Redirect model:risk/credit@1 to {v2}.")
    dev = await deploy(governed, "model:risk/credit@1")
    assert dev["__typename"] == "Deployed"
    assert [(w["code"], w["remediation"]) for w in dev["warnings"]] == [
        ("PROMOTION_DEPRECATED_FEATURE", f"Redirect model:risk/credit@1 to {v2}.")
    ]
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert (await gql(governed, DEPRECATE, u=v1, s=past, r=v2))["__typename"] == "Written"
    before = await footprint(graph)
    blocked = await deploy(governed, "model:risk/credit@1", name="credit-1-dev-again")
    assert blocked["__typename"] == "PolicyDenied"
    assert codes(blocked["violations"]) == {"PROMOTION_PAST_SUNSET_FEATURE"}
    assert blocked["violations"][0]["remediation"] == f"Redirect model:risk/credit@1 to {v2}."
    assert await footprint(graph) == before


@pytest.fixture
async def down(
    settings: Settings, graph: Graph, session_engine: PolicyEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The app pointed at an OPA port nobody listens on."""
    app = create_app(
        governed_settings(settings, opa_url=f"http://127.0.0.1:{free_port()}", opa_timeout_seconds=1.0)
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        yield http


async def test_every_gated_request_is_denied_clearly_when_opa_is_down(
    governed: httpx.AsyncClient, down: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    await register(governed, "credit", 1)
    dev = await deploy(governed, "model:risk/credit@1")
    before = await footprint(graph)
    fsv = {"namespace": "risk", "name": "profile", "version": 3, "contract": "1.0.0", "features": FEATURES}
    attempts = [
        (PUBLISH, {"i": fsv}),
        (REGISTER_MV, {"i": model_version("credit", 2)}),
        (
            DEPLOY,
            {
                "i": {
                    "modelVersion": "model:risk/credit@1",
                    "environment": DEV,
                    "target": "k8s-dev",
                    "name": "x",
                }
            },
        ),
        (PROMOTE, {"d": dev["deployment"]["uid"]}),
        (APPROVE, {"s": "model:risk/credit@1"}),
        (DEPRECATE, {"u": "featureset:risk/profile@1"}),
    ]
    for query, variables in attempts:
        refused = await gql(down, query, **variables)
        assert refused["__typename"] == "PolicyDenied", refused
        assert refused["code"] == "POLICY_ENGINE_UNAVAILABLE"
        assert refused["message"].startswith("policy engine unavailable")
        assert codes(refused["violations"]) == {"POLICY_ENGINE_UNAVAILABLE"}
    assert await footprint(graph) == before
    recorded = await decisions(graph, "featureset:risk/profile@3")
    assert [(d["allow"], d["codes"]) for d in recorded] == [(False, ["POLICY_ENGINE_UNAVAILABLE"])]
    response = await down.post("/graphql", json={"query": '{ node(uid: "model:risk/credit@1") { uid } }'})
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "POLICY_ENGINE_UNAVAILABLE"
    assert error["message"].startswith("policy engine unavailable")


async def test_each_gate_fails_closed_when_opa_is_down_after_authorisation(
    governed: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    """Authorisation passed, then OPA went away: the gate itself refuses, nothing is written."""
    await register(governed, "credit", 1)
    async with PolicyEngine(f"http://127.0.0.1:{free_port()}", timeout=1.0) as engine:
        service = CatalogService(graph, gates=Gates(Governor(engine, graph, "rev")))
        before = await footprint(graph)
        version = FeatureSetVersionInput.model_validate(
            {"namespace": "risk", "name": "profile", "version": 3, "contract": "1.0.0", "features": FEATURES}
        )
        with pytest.raises(PolicyDenied) as publish:
            await service.publish_feature_set_version(Publication(version), actor="alice")
        assert publish.value.code == "POLICY_ENGINE_UNAVAILABLE"
        assert "policy engine unavailable" in publish.value.message
        with pytest.raises(PolicyDenied) as deployed:
            await service.deploy(
                DeploymentInput(
                    namespace="risk",
                    name="credit-1-dev",
                    model_version="model:risk/credit@1",
                    environment=DEV,
                    target="k8s-dev",
                ),
                actor="alice",
            )
        assert deployed.value.code == "POLICY_ENGINE_UNAVAILABLE"
        assert await footprint(graph) == before
    recorded = await decisions(graph, "deployment:risk/credit-1-dev")
    assert {(d["policy"], d["allow"], tuple(d["codes"])) for d in recorded} == {
        ("lineage_graph.promotion", False, ("POLICY_ENGINE_UNAVAILABLE",)),
        ("lineage_graph.targets", False, ("POLICY_ENGINE_UNAVAILABLE",)),
    }
