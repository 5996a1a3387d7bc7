"""Authorisation of every query and mutation through /graphql: bearer tokens, roles, namespaces."""

from __future__ import annotations

import json
import time
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from pydantic import SecretStr

from lineage_graph.api import create_app
from lineage_graph.demo import builder as demo
from lineage_graph.devstack._process import free_port
from lineage_graph.ingest import mlflow
from lineage_graph.policy.decisions import Package
from lineage_graph.policy.principals import TokenDirectory, TokensFileError, hash_token
from lineage_graph.services.governance.compliance import ComplianceScan, Scope
from tests.cypher import cypher
from tests.integration.test_ingest_helpers import event

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from fastapi import FastAPI

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

PRINCIPALS = {
    "vera": [("viewer", "risk")],
    "eddie": [("editor", "risk")],
    "olga": [("owner", "risk")],
    "april": [("approver", "*")],
    "audrey": [("auditor", "*")],
    "ada": [("admin", "*")],
}
REGISTER = (
    "mutation($i: FeatureSetInput!) { registerFeatureSet(input: $i) { __typename "
    "... on Refusal { code message } ... on PolicyDenied { violations { code message entity remediation } } } }"
)
REGISTER_MANY = (
    "mutation($i: [FeatureSetInput!]!) { registerFeatureSets(inputs: $i) { __typename "
    "... on Refusal { code } ... on PolicyDenied { violations { code entity } } } }"
)
SET_OWNER = (
    'mutation($u: String!) { setOwner(uid: $u, owner: "team:risk/ds") { __typename ... on Refusal { code } '
    "... on PolicyDenied { violations { code } } } }"
)


def overwrite(path: Path, text: str) -> None:
    path.write_text(text)


def token(name: str) -> str:
    return f"token-of-{name}"


def tokens_file(path: Path, principals: dict[str, list[tuple[str, str]]]) -> Path:
    entries = []
    for name, grants in principals.items():
        roles = ", ".join(f'{{ role = "{r}", namespace = "{n}" }}' for r, n in grants)
        entries.append(
            f'[[principals]]\nid = "{name}"\ntoken_sha256 = "{hash_token(token(name))}"\nroles = [{roles}]\n'
        )
    path.write_text("\n".join(entries))
    return path


@asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        yield app, http


@pytest.fixture
def tokens(tmp_path: Path) -> Path:
    return tokens_file(tmp_path / "tokens.toml", PRINCIPALS)


@pytest.fixture
async def secured(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tokens: Path
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with started(
        settings.model_copy(update={"tokens_file": tokens, "policy_enforcement": "enforce"})
    ) as pair:
        yield pair


async def post(
    client: httpx.AsyncClient, query: str, who: str | None = None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token(who)}"} if who else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def denied_codes(body: dict[str, Any]) -> list[str]:
    return [v["code"] for e in body["errors"] for v in e["extensions"]["violations"]]


async def entity_count(graph: Graph) -> int:
    return int((await cypher(graph, "MATCH (n:Entity) RETURN count(n) AS n"))[0]["n"])


async def test_readiness_shows_the_authentication_mode(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tokens: Path
) -> None:
    async with started(settings) as (_, http):
        assert (await http.get("/readyz")).json()["auth"] == "open"
    async with started(settings.model_copy(update={"tokens_file": tokens})) as (_, http):
        assert (await http.get("/readyz")).json()["auth"] == "tokens"


async def test_a_malformed_tokens_file_stops_the_start(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[principals]]\nid = "x"\ntoken_sha256 = "short"\n')
    with pytest.raises(TokensFileError, match="token_sha256"):
        async with started(settings.model_copy(update={"tokens_file": bad})):
            pass


async def test_without_a_valid_token_nothing_is_readable(
    secured: tuple[FastAPI, httpx.AsyncClient], graph: Graph
) -> None:
    _, http = secured
    query = '{ node(uid: "featureset:risk/profile") { uid } }'
    for headers in ({}, {"Authorization": "Bearer nope"}, {"X-Lineage-Actor": "ada"}):
        # No token, a wrong one, or the open mode's actor header (meaningless with tokens): 401.
        response = await http.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    fetched = await http.get("/graphql", params={"query": query})
    assert fetched.status_code == 401
    page = await http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200, "GraphiQL's page itself holds no data"
    recorded = await graph.read("governance/decisions_about", {"uid": "featureset:risk/profile", "limit": 10})
    assert recorded == [], "a caller without a token writes nothing, not even a decision"


async def test_roles_and_namespaces_decide_reads(
    secured: tuple[FastAPI, httpx.AsyncClient], graph: Graph
) -> None:
    _, http = secured
    own = await post(http, '{ node(uid: "featureset:risk/profile") { uid } }', "vera")
    assert "errors" not in own
    other = await post(http, '{ node(uid: "featureset:fraud/velocity") { uid } }', "vera")
    assert denied_codes(other) == ["AUTHZ_DENIED"]
    message = other["errors"][0]["extensions"]["violations"][0]
    assert message["message"] == "vera may not read featureset:fraud/velocity in namespace fraud."
    wide = await post(http, "{ search(first: 5) { edges { node { uid } } } }", "vera")
    assert denied_codes(wide) == ["AUTHZ_DENIED"], "catalog-wide reads need a * binding"
    assert "errors" not in await post(http, "{ search(first: 5) { edges { node { uid } } } }", "audrey")
    audit = '{ decisions(uid: "featureset:risk/profile") { policy allow } }'
    assert denied_codes(await post(http, audit, "vera")) == ["AUTHZ_DENIED"]
    assert "errors" not in await post(http, audit, "audrey")
    allowed_reads = await cypher(graph, "MATCH (d:PolicyDecision {allow: true}) RETURN count(d) AS n")
    assert allowed_reads == [{"n": 0}], "allowed reads are not recorded"


async def test_roles_and_namespaces_decide_writes(
    secured: tuple[FastAPI, httpx.AsyncClient], graph: Graph
) -> None:
    _, http = secured
    risk = {"namespace": "risk", "name": "profile"}
    viewer = (await post(http, REGISTER, "vera", i=risk))["data"]["registerFeatureSet"]
    assert (viewer["__typename"], viewer["code"]) == ("PolicyDenied", "POLICY_DENIED")
    assert viewer["violations"] == [
        {
            "code": "AUTHZ_DENIED",
            "message": "vera may not write featureset:risk/profile in namespace risk.",
            "entity": "featureset:risk/profile",
            "remediation": "Ask an admin for one of the roles admin, editor, owner in namespace risk.",
        }
    ]
    assert await entity_count(graph) == 0
    editor = (await post(http, REGISTER, "eddie", i=risk))["data"]["registerFeatureSet"]
    assert editor["__typename"] == "Written"
    fraud = (await post(http, REGISTER, "eddie", i={"namespace": "fraud", "name": "velocity"}))["data"]
    assert fraud["registerFeatureSet"]["violations"][0]["code"] == "AUTHZ_DENIED"
    mixed = await post(
        http,
        REGISTER_MANY,
        "eddie",
        i=[{"namespace": "risk", "name": "a"}, {"namespace": "fraud", "name": "b"}],
    )
    assert mixed["data"]["registerFeatureSets"]["violations"] == [{"code": "AUTHZ_DENIED", "entity": ""}]
    assert await entity_count(graph) == 1
    assert (await post(http, SET_OWNER, "olga", u="featureset:risk/profile"))["data"]["setOwner"][
        "code"
    ] == "POLICY_DENIED"
    assert (await post(http, SET_OWNER, "ada", u="featureset:risk/profile"))["data"]["setOwner"][
        "__typename"
    ] == "Written"
    recorded = await graph.read("governance/decisions_about", {"uid": "featureset:risk/profile", "limit": 20})
    assert sorted((d["actor"], d["action"], d["allow"]) for d in recorded) == [
        ("ada", "setOwner:admin", True),
        ("eddie", "registerFeatureSet:write", True),
        ("olga", "setOwner:admin", False),
        ("vera", "registerFeatureSet:write", False),
    ]


async def test_approvals_need_the_approve_role_and_the_reviewer_is_the_caller(
    secured: tuple[FastAPI, httpx.AsyncClient], graph: Graph
) -> None:
    await demo.load(graph)
    _, http = secured
    approve = (
        'mutation { approve(subject: "model:risk/credit_default@3") { __typename ... on Approved { reviewer } '
        "... on PolicyDenied { violations { code } } } }"
    )
    assert (await post(http, approve, "eddie"))["data"]["approve"]["violations"] == [{"code": "AUTHZ_DENIED"}]
    assert (await post(http, approve, "april"))["data"]["approve"] == {
        "__typename": "Approved",
        "reviewer": "april",
    }


async def test_an_operation_costs_one_opa_call_whatever_its_root_fields(
    secured: tuple[FastAPI, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, http = secured
    engine = app.state.runtime.policies
    calls: list[str] = []
    original = engine.evaluate

    async def counting(package: str, rule: str, document: dict[str, Any]) -> Any:
        calls.append(f"{package}.{rule}")
        return await original(package, rule, document)

    monkeypatch.setattr(engine, "evaluate", counting)
    query = """
      query Many($u: String!) {
        a: node(uid: $u) { uid }
        ...More
        environments { name deployments { uid } }
      }
      fragment More on Query { b: node(uid: "featureset:fraud/x") { uid } c: featureSet(uid: "featureset:risk/p") { uid } }
    """
    body = await post(http, query, "ada", u="featureset:risk/profile")
    assert calls == ["lineage_graph.authz.batch"]
    assert "errors" not in body
    calls.clear()
    mixed = await post(http, query, "vera", u="featureset:risk/profile")
    assert calls == ["lineage_graph.authz.batch"]
    assert {e["path"][0] for e in mixed["errors"]} == {"b", "environments"}
    assert mixed["data"] is None, "environments is non-null, so its denial nulls the whole answer"


async def test_tokens_file_edits_apply_without_a_restart(
    secured: tuple[FastAPI, httpx.AsyncClient], tokens: Path
) -> None:
    _, http = secured
    query = '{ node(uid: "featureset:fraud/velocity") { uid } }'
    assert denied_codes(await post(http, query, "vera")) == ["AUTHZ_DENIED"]
    tokens_file(tokens, {**PRINCIPALS, "vera": [("viewer", "risk"), ("viewer", "fraud")]})
    assert "errors" not in await post(http, query, "vera")
    overwrite(tokens, "this is not toml [")
    assert "errors" not in await post(http, query, "vera"), "a broken edit keeps the last good file"


async def test_an_authz_scan_reports_approvals_without_an_approve_grant(
    graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> None:
    await demo.load(graph)
    path = tokens_file(
        tmp_path / "t.toml", {"alice": [("approver", "risk")], "carol": [("approver", "fraud")]}
    )
    scan = ComplianceScan(graph, session_engine, directory=TokenDirectory.load(path))
    report = await scan.run(Scope(), [Package.AUTHZ])
    assert [(f.subject, f.code) for f in report.violations] == [
        ("deployment:risk/credit_default-2-prod approved by carol", "AUTHZ_DENIED")
    ]
    assert report.summaries[Package.AUTHZ].evaluated == 3
    unbacked = await ComplianceScan(graph, session_engine).run(Scope(), [Package.AUTHZ])
    assert len(unbacked.violations) == 3, "without a tokens file no recorded approver holds a grant"


# --- REST ingest: the same principals and the same lineage_graph.authz decision --------------

JOB_NAMESPACES = ["dbt://payments", "kafka://broker-1:9092", "snowflake://acme.eu-west-1"]
"""The job and dataset namespaces of fixtures/openlineage/job_event.json."""


async def footprint(graph: Graph) -> tuple[int, int]:
    rows = await cypher(
        graph,
        "CALL () { MATCH (n:Entity) RETURN count(n) AS nodes } "
        "CALL () { MATCH (e:AuditEvent) RETURN count(e) AS events } RETURN nodes, events",
    )
    return rows[0]["nodes"], rows[0]["events"]


def bearer(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(who)}"}


async def test_openlineage_ingest_needs_a_token_and_the_ingest_grant_in_every_namespace(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> None:
    path = tokens_file(
        tmp_path / "t.toml",
        {
            **PRINCIPALS,
            "ingrid": [("editor", ns) for ns in JOB_NAMESPACES],
            "jobs_only": [("editor", "dbt://payments")],
        },
    )
    body = event("job_event.json")
    async with started(settings.model_copy(update={"tokens_file": path})) as (_, http):
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"X-Lineage-Actor": "ada"}):
            response = await http.post("/api/v1/lineage", json=body, headers=headers)
            assert response.status_code == 401, response.text
            assert response.json()["code"] == "UNAUTHENTICATED"
            assert response.headers["WWW-Authenticate"] == "Bearer"

        viewer = await http.post("/api/v1/lineage", json=body, headers=bearer("vera"))
        assert viewer.status_code == 403, viewer.text
        refused = viewer.json()
        assert refused["code"] == "POLICY_DENIED"
        assert [v["code"] for v in refused["violations"]] == ["AUTHZ_DENIED"] * 3
        assert refused["violations"][0]["remediation"].startswith(
            "Ask an admin for one of the roles admin, editor, owner"
        )
        partial = await http.post("/api/v1/lineage", json=body, headers=bearer("jobs_only"))
        assert partial.status_code == 403
        assert {v["message"].rsplit(" ", 1)[-1] for v in partial.json()["violations"]} == {
            "kafka://broker-1:9092.",
            "snowflake://acme.eu-west-1.",
        }
        assert await footprint(graph) == (0, 0)
        recorded = await cypher(
            graph,
            "MATCH (d:PolicyDecision {action: 'openlineage:ingest'}) "
            "RETURN d.actor AS actor, d.allow AS allow ORDER BY actor, allow",
        )
        assert (
            recorded == [{"actor": "jobs_only", "allow": False}] * 2 + [{"actor": "vera", "allow": False}] * 3
        ), "denials are recorded, allowances are not"

        allowed = await http.post("/api/v1/lineage", json=body, headers=bearer("ingrid"))
        assert allowed.status_code == 201, allowed.text
        nodes, _ = await footprint(graph)
        assert nodes >= 3
        creator = await cypher(graph, "MATCH (n:Transform:Entity) RETURN n.createdBy AS by", {})
        assert creator == [{"by": "ingrid"}], "the token's principal is the author, not a header"
        decisions = await cypher(graph, "MATCH (d:PolicyDecision) RETURN count(d) AS n")
        again = await http.post("/api/v1/lineage", json=body, headers=bearer("ada"))
        assert again.status_code == 201
        assert await cypher(graph, "MATCH (d:PolicyDecision) RETURN count(d) AS n") == decisions


async def test_ingest_fails_closed_when_opa_is_down(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> None:
    path = tokens_file(tmp_path / "t.toml", PRINCIPALS)
    dead = {"opa_url": f"http://127.0.0.1:{free_port()}", "opa_timeout_seconds": 1.0}
    for update in ({"tokens_file": path, **dead}, dead):
        async with started(settings.model_copy(update=update)) as (_, http):
            response = await http.post("/api/v1/lineage", json=event("job_event.json"), headers=bearer("ada"))
            assert response.status_code == 503, response.text
            assert response.json()["code"] == "POLICY_ENGINE_UNAVAILABLE"
            assert response.json()["message"].startswith("policy engine unavailable")
    assert await footprint(graph) == (0, 0)


async def test_the_mlflow_webhook_is_authorised_as_its_own_principal(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> None:
    path = tokens_file(tmp_path / "t.toml", PRINCIPALS)
    secret = "webhook-secret"
    configured = settings.model_copy(
        update={
            "tokens_file": path,
            "mlflow_webhook_secret": SecretStr(secret),
            "mlflow_url": f"http://127.0.0.1:{free_port()}",
        }
    )
    body = json.dumps({"entity": "registered_model", "action": "created", "data": {"name": "churn"}}).encode()

    def signed() -> dict[str, str]:
        stamp = str(int(time.time()))
        return {
            "Content-Type": "application/json",
            "X-MLflow-Delivery-Id": "d1",
            "X-MLflow-Timestamp": stamp,
            "X-MLflow-Signature": mlflow.sign(secret, "d1", stamp, body),
        }

    async with started(configured) as (_, http):
        refused = await http.post("/api/v1/webhooks/mlflow", content=body, headers=signed())
        assert refused.status_code == 403, refused.text
        assert [v["code"] for v in refused.json()["violations"]] == ["AUTHZ_DENIED"]
        assert "mlflow-webhook may not ingest model:mlflow/churn" in refused.json()["message"]
        tokens_file(path, {**PRINCIPALS, "mlflow-webhook": [("editor", "mlflow")]})
        passed = await http.post("/api/v1/webhooks/mlflow", content=body, headers=signed())
        assert passed.status_code == 502, "authorised, then MLflow (nobody listening) was asked"
        assert passed.json()["code"] == "MLFLOW_UNAVAILABLE"
    assert await footprint(graph) == (0, 0)
