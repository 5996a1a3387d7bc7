from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest

from lineage_graph import resources
from lineage_graph.api import create_app
from lineage_graph.devstack._process import free_port
from lineage_graph.policy import PolicyEngine, PolicySet
from lineage_graph.policy.decisions import Package
from lineage_graph.services.governance.decisions import Governor
from tests.cypher import cypher
from tests.graphql_client import gql

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

PROD = "environment:global/prod"


def _request(role: str, namespace: str, action: str = "deploy") -> dict[str, object]:
    return {
        "principal": {"id": "alice", "roles": [{"role": role, "namespace": namespace}]},
        "action": action,
        "resource": {"kind": "Environment", "uid": PROD, "namespace": "global"},
    }


async def test_allowed_and_denied_decisions_are_recorded_about_the_entity(
    graph: Graph, session_engine: PolicyEngine
) -> None:
    await cypher(graph, "CREATE (:Environment:Entity {uid: 'environment:global/prod', kind: 'Environment'})")
    governor = Governor(session_engine, graph, revision="rev-1")
    allowed = await governor.judge(
        Package.AUTHZ, _request("admin", "*"), about=PROD, actor="alice", action="deploy"
    )
    denied = await governor.judge(
        Package.AUTHZ, _request("viewer", "global"), about=PROD, actor="alice", action="deploy"
    )
    assert allowed.decision.allow
    assert not denied.decision.allow
    assert [v.code for v in denied.decision.violations] == ["AUTHZ_DENIED"]

    assert await governor.record([allowed, denied]) == 2
    rows = await graph.read("governance/decisions_about", {"uid": PROD, "limit": 10})
    assert sorted(r["allow"] for r in rows) == [False, True]
    assert {r["policyRevision"] for r in rows} == {"rev-1"}
    assert {r["inputHash"] for r in rows} == {allowed.input_hash, denied.input_hash}
    refused = next(r for r in rows if not r["allow"])
    assert refused["codes"] == ["AUTHZ_DENIED"]
    assert json.loads(refused["violationsJson"])[0]["code"] == "AUTHZ_DENIED"
    edges = await cypher(
        graph, "MATCH (:PolicyDecision)-[:ABOUT]->(e:Entity {uid: $uid}) RETURN count(*) AS n", {"uid": PROD}
    )
    assert edges == [{"n": 2}]


async def test_batch_decisions_take_one_call_and_keep_order(
    session_engine: PolicyEngine, graph: Graph
) -> None:
    governor = Governor(session_engine, graph, revision=None)
    subjects = [(PROD, _request(role, "*")) for role in ("admin", "viewer", "editor", "admin")]
    judged = await governor.judge_many(Package.AUTHZ, subjects, actor="alice", action="deploy")
    assert [j.decision.allow for j in judged] == [True, False, False, True]


async def test_an_unreachable_engine_denies(graph: Graph) -> None:
    async with PolicyEngine(f"http://127.0.0.1:{free_port()}", timeout=1.0) as down:
        governor = Governor(down, graph, revision=None)
        judged = await governor.judge(
            Package.AUTHZ, _request("admin", "*"), about=PROD, actor="a", action="deploy"
        )
        many = await governor.judge_many(
            Package.AUTHZ, [(PROD, _request("admin", "*"))], actor="a", action="x"
        )
    assert not judged.decision.allow
    assert judged.decision.violations[0].code == "POLICY_ENGINE_UNAVAILABLE"
    assert "policy engine unavailable" in judged.decision.violations[0].message
    assert not many[0].decision.allow


async def test_an_undefined_rule_denies(session_engine: PolicyEngine, graph: Graph) -> None:
    from lineage_graph.policy.engine import PolicyEngineUnavailableError

    with pytest.raises(PolicyEngineUnavailableError, match="is undefined"):
        await session_engine.evaluate("lineage_graph.nonexistent", "decision", {})


async def test_an_engine_answering_garbage_denies(graph: Graph) -> None:
    """A server that answers 200 with something other than JSON (a proxy's error page) is no
    decision: the request is denied as if OPA were down."""
    from aiohttp import web

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="<html>gateway says hello</html>", content_type="application/json")

    app = web.Application()
    app.router.add_post("/v1/data/{path:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with PolicyEngine(f"http://127.0.0.1:{port}", timeout=2.0) as garbled:
            governor = Governor(garbled, graph, revision=None)
            judged = await governor.judge(
                Package.AUTHZ, _request("admin", "*"), about=PROD, actor="a", action="deploy"
            )
    finally:
        await runner.cleanup()
    assert not judged.decision.allow
    assert judged.decision.violations[0].code == "POLICY_ENGINE_UNAVAILABLE"


async def test_input_documents_reach_opa_as_the_standard_library_writes_them(
    session_engine: PolicyEngine,
) -> None:
    """The engine encodes with orjson: non-ASCII text, non-string keys, floats and nesting
    arrive in OPA exactly as ``json.dumps`` would have sent them (read back through Rego)."""
    document: dict[str, object] = {
        "text": "Zoë — naïve ✓ 日本",
        "keys": {1: "one", 2.5: "two and a half", None: "none"},
        "numbers": [0, -1, 2**53, 1.5, 1e-7],
        "nested": [{"a": [None, False, {}]}],
    }
    await session_engine.put_policy("tests/echo", "package tests.echo\n\necho := input\n")
    try:
        echoed = await session_engine.evaluate("tests.echo", "echo", document)
    finally:
        await session_engine.delete_policy("tests/echo")
    assert echoed == json.loads(json.dumps(document))


async def test_a_server_started_without_policy_sync_records_the_revision_opa_holds(
    settings: Settings, graph: Graph, session_engine: PolicyEngine
) -> None:
    """The session synced OPA; a server that does not sync reads the revision OPA holds (not
    "unknown") and records it with its decisions."""
    app = create_app(settings.model_copy(update={"sync_policies_on_start": False}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            await gql(
                http,
                'mutation { registerFeatureSet(input: {namespace: "risk", name: "profile"}) { __typename } }',
                actor="alice",
            )
            recorded = await gql(
                http, '{ decisions(uid: "featureset:risk/profile") { policy policyRevision } }'
            )
    assert recorded["decisions"], "the write recorded no decision"
    assert {d["policyRevision"] for d in recorded["decisions"]} == {
        PolicySet.load(resources.policies_dir()).revision
    }
