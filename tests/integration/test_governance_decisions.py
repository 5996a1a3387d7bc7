from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from lineage_graph.devstack._process import free_port
from lineage_graph.policy import PolicyEngine
from lineage_graph.policy.decisions import Package
from lineage_graph.services.governance import Governor
from tests.cypher import cypher

if TYPE_CHECKING:
    from lineage_graph.graph import Graph

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
