"""Compliance scans: the demo violates every package; scans are batched; scopes and policies filter."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph.demo import builder as demo
from lineage_graph.policy.decisions import Package
from lineage_graph.services.governance.compliance import ComplianceScan, Scope
from tests.graphql_client import gql

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine

pytestmark = pytest.mark.integration

COMPLIANCE = """
query($scope: String, $policies: [String!]) {
  compliance(scope: $scope, policies: $policies) {
    now scope evaluated
    violations { policy severity subject code entity message remediation }
    warnings { policy severity subject code entity message remediation }
    byPackage { policy evaluated violations warnings calls }
  }
}
"""


async def test_the_demo_violates_every_package(client: httpx.AsyncClient, graph: Graph) -> None:
    await demo.load(graph)
    report = (await gql(client, COMPLIANCE))["compliance"]
    import collections
    import json

    print(
        json.dumps(
            collections.Counter(
                (v["policy"], v["subject"], v["code"]) for v in report["violations"] + report["warnings"]
            ).most_common(),
            indent=0,
        )
    )
    violated = {v["policy"] for v in report["violations"]}
    assert violated == {p.value for p in Package}
    codes = {v["code"] for v in report["violations"]}
    assert not {c for c in codes if c.endswith("_INVALID_INPUT")}, (
        "an input builder sent a malformed document"
    )
    assert {
        "AUTHZ_DENIED",
        "RETENTION_EXPIRED",
        "DEPRECATION_PAST_SUNSET",
        "SCHEMA_PII_NOT_TAGGED",
        "LINEAGE_MISSING_BASELINE",
        "PROMOTION_SKIPS_ENVIRONMENT",
        "PROMOTION_INSUFFICIENT_APPROVALS",
        "TARGET_STORE_NOT_APPROVED",
    } <= codes
    expired = next(v for v in report["violations"] if v["code"] == "RETENTION_EXPIRED")
    assert (
        expired["entity"]
        == "snapshot:postgres%3A%2F%2Ffinance-wh.internal%3A5432/core.public.customers@2025-10-31"
    )
    past_sunset = [v for v in report["violations"] if v["code"] == "DEPRECATION_PAST_SUNSET"]
    assert {v["subject"] for v in past_sunset} == {
        "model:fraud/card_fraud@1",
        "deployment:fraud/card_fraud-1-prod",
    }
    assert all(v["remediation"].endswith("featureset:fraud/txn_velocity@2.") for v in past_sunset)
    store = next(v for v in report["violations"] if v["code"] == "TARGET_STORE_NOT_APPROVED")
    assert "redis-prod" in store["remediation"] or "feast-local" in store["remediation"]
    by_package = {s["policy"]: s for s in report["byPackage"]}
    assert by_package["schema"]["evaluated"] == 7
    assert by_package["lineage"]["evaluated"] == 5
    assert by_package["targets"]["evaluated"] == by_package["promotion"]["evaluated"] == 8
    assert all(s["calls"] == 1 for s in report["byPackage"])
    assert report["scope"] == "*"
    assert report["evaluated"] == sum(s["evaluated"] for s in report["byPackage"])


async def test_scope_and_policies_filter_the_scan(client: httpx.AsyncClient, graph: Graph) -> None:
    await demo.load(graph)
    risk = (await gql(client, COMPLIANCE, scope="risk", policies=["schema", "lineage_graph.lineage"]))[
        "compliance"
    ]
    assert {s["policy"] for s in risk["byPackage"]} == {"schema", "lineage"}
    assert {v["subject"].split(":", 1)[1].split("/", 1)[0] for v in risk["violations"]} == {"risk"}
    prefix = (await gql(client, COMPLIANCE, scope="model:fraud/card_fraud@1", policies=["lineage"]))[
        "compliance"
    ]
    assert {v["subject"] for v in prefix["violations"]} == {"model:fraud/card_fraud@1"}
    response = await client.post("/graphql", json={"query": COMPLIANCE, "variables": {"policies": ["nope"]}})
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_VALUE"


async def test_a_scan_makes_one_opa_call_per_chunk(
    graph: Graph, session_engine: PolicyEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await demo.load(graph)
    calls: list[tuple[str, str, int]] = []
    original = session_engine.evaluate

    async def counting(package: str, rule: str, document: dict[str, Any]) -> Any:
        calls.append((package, rule, len(document.get("items", [])) if rule == "batch" else 1))
        return await original(package, rule, document)

    monkeypatch.setattr(session_engine, "evaluate", counting)
    chunk = 3
    report = await ComplianceScan(graph, session_engine, chunk_size=chunk, page_size=4).run(Scope())
    for package, summary in report.summaries.items():
        made = [c for c in calls if c[0] == package.path]
        assert all(rule == "batch" for _, rule, _ in made)
        assert len(made) == summary.calls == math.ceil(summary.evaluated / chunk), package
        assert sum(n for _, _, n in made) == summary.evaluated
    assert report.summaries[Package.TARGETS].evaluated == 8
