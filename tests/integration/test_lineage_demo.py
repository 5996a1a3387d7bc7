"""Lineage on the demo catalog: every answer against networkx on the graph's exported edges, the
reproduction manifests against the lineage policy in OPA, what-if, skew, GraphQL and the CLI."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING

import networkx as nx
import pytest

from lineage_graph.demo import builder as demo
from lineage_graph.domain import DeploymentInput, FeatureInput
from lineage_graph.policy.decisions import Package, decide
from lineage_graph.services.catalog.service import CatalogService
from lineage_graph.services.lineage.impact import ImpactService
from lineage_graph.services.lineage.reproduction import ReproductionService
from lineage_graph.services.lineage.skew import SkewService
from lineage_graph.services.lineage.walks import LINEAGE_TYPES, Direction, LineageService
from lineage_graph.services.lineage.what_if import WhatIfService
from tests.cypher import cypher
from tests.graphql_client import gql

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

LOANS = demo.LOANS
CREDIT = [f"model:risk/credit_default@{v}" for v in (1, 2, 3)]
FRAUD = [f"model:fraud/card_fraud@{v}" for v in (1, 2)]


@pytest.fixture
async def demo_graph(graph: Graph) -> Graph:
    await demo.load(graph)
    return graph


async def exported(graph: Graph) -> tuple[nx.DiGraph, dict[str, str]]:
    """The current lineage edges (dependent → dependency) and every node's kind, read back raw."""
    rows = await cypher(
        graph,
        "MATCH (a:Entity)-[r]->(b:Entity) WHERE type(r) IN $types AND r.retiredAt IS NULL "
        "AND a.retiredAt IS NULL AND b.retiredAt IS NULL RETURN a.uid AS a, b.uid AS b",
        {"types": list(LINEAGE_TYPES)},
    )
    kinds = {
        r["uid"]: r["kind"]
        for r in await cypher(graph, "MATCH (n:Entity) RETURN n.uid AS uid, n.kind AS kind")
    }
    dg = nx.DiGraph()
    dg.add_edges_from((r["a"], r["b"]) for r in rows)
    return dg, kinds


async def test_lineage_of_every_demo_node_matches_networkx(demo_graph: Graph) -> None:
    dg, kinds = await exported(demo_graph)
    service = LineageService(demo_graph)
    for root in sorted(
        n for n in dg.nodes if kinds[n] in {"DataSource", "FeatureSetVersion", "ModelVersion", "Deployment"}
    ):
        for depth in (1, 3, 20):
            up = nx.single_source_shortest_path_length(dg, root, cutoff=depth)
            down = nx.single_source_shortest_path_length(dg.reverse(copy=False), root, cutoff=depth)
            answer = await service.lineage(root, Direction.BOTH, depth)
            assert not answer.truncated, (root, depth, answer.truncation)
            assert {n.uid: n.distance for n in answer.nodes} == {**up, **down, root: 0}


async def test_impact_of_the_loans_table(demo_graph: Graph) -> None:
    dg, kinds = await exported(demo_graph)
    impact = await ImpactService(demo_graph).impact(LOANS)
    reach = nx.single_source_shortest_path_length(dg.reverse(copy=False), LOANS)
    assert impact.affected == len(reach) - 1
    assert (
        {a.uid for a in impact.feature_set_versions}
        == {u for u in reach if kinds[u] == "FeatureSetVersion"}
        == {
            "featureset:risk/customer_profile@1",
            "featureset:risk/customer_profile@2",
            "featureset:risk/customer_profile@3",
            "featureset:risk/repayment_behaviour@1",
            "featureset:risk/repayment_behaviour@2",
        }
    )
    assert {a.uid for a in impact.model_versions} == set(CREDIT)
    by_env = {e.environment: sorted(a.uid for a in e.deployments) for e in impact.deployments}
    assert [e.environment for e in impact.deployments] == ["dev", "staging", "prod"]
    assert by_env == {
        "dev": ["deployment:risk/credit_default-2-dev", "deployment:risk/credit_default-3-dev"],
        "staging": ["deployment:risk/credit_default-2-staging"],
        "prod": ["deployment:risk/credit_default-2-prod", "deployment:risk/credit_default-3-prod-shadow"],
    }
    assert [o.uid for o in impact.owners] == [demo.RISK_TEAM]
    for a in impact.model_versions:
        assert a.path_count == sum(
            1 for _ in nx.all_simple_paths(dg.reverse(copy=False), LOANS, a.uid, cutoff=20)
        )
        assert a.distance == reach[a.uid]


async def test_reproduction_manifests_agree_with_the_lineage_policy(
    demo_graph: Graph, session_engine: PolicyEngine
) -> None:
    service = ReproductionService(demo_graph)
    v2 = await service.manifest(CREDIT[1])
    assert v2.complete, v2.missing
    assert v2.training_run is not None
    assert (v2.training_run.run_id, v2.seed) == ("mlflow-7d20", 17)
    assert v2.hyperparameters == {"max_depth": 6, "eta": 0.2, "n_estimators": 500}
    assert v2.training_script is not None
    assert v2.training_script.commit == "7d20c0de"
    assert [(i.input, i.feature_set_version) for i in v2.inputs][:2] == [
        ("age", "featureset:risk/customer_profile@2"),
        ("annual_income", "featureset:risk/customer_profile@2"),
    ]
    jobs = {v.uid: v.job for v in v2.feature_set_versions}
    assert set(jobs) == {"featureset:risk/customer_profile@2", "featureset:risk/repayment_behaviour@2"}
    profile_job = jobs["featureset:risk/customer_profile@2"]
    assert profile_job is not None
    assert profile_job.code_ref is not None
    assert profile_job.code_ref.commit == "4e1f0a2"
    assert {d.uid for d in v2.datasets} == set(demo.LENDING_SNAPSHOTS)
    assert [(e.baseline, e.baseline_metrics) for e in v2.evaluations] == [
        ("evaluation:risk/credit_default-1-holdout", {"auc": 0.781, "ks": 0.412})
    ]
    v1 = await service.manifest(CREDIT[0])
    assert [m.code for m in v1.missing] == ["LINEAGE_MISSING_BASELINE"]
    for uid in CREDIT + FRAUD:
        manifest = await service.manifest(uid)
        decision = await decide(session_engine, Package.LINEAGE, manifest.policy_input())
        assert sorted(v.code for v in decision.violations) == sorted(
            m.code for m in manifest.missing if m.code.startswith("LINEAGE_")
        )
        assert decision.allow == manifest.complete
    deployed = await service.manifest("deployment:risk/credit_default-2-prod")
    assert deployed.model_version == CREDIT[1]
    assert deployed.deployment is not None
    assert deployed.deployment.environment == "prod"
    assert deployed.deployment.serves_from == [
        "featureset:risk/customer_profile@2",
        "featureset:risk/repayment_behaviour@2",
    ]


async def test_reproduction_reports_what_is_missing(demo_graph: Graph) -> None:
    await cypher(
        demo_graph, "MATCH (:ModelVersion {uid: $uid})-[r:PRODUCED_BY]->() DELETE r", {"uid": CREDIT[2]}
    )
    await cypher(
        demo_graph, "MATCH (t:Transform) WHERE t.name = 'customer_profile_daily' REMOVE t.codeRefJson"
    )
    manifest = await ReproductionService(demo_graph).manifest(CREDIT[2])
    assert not manifest.complete
    assert [(m.code, m.item) for m in manifest.missing] == [
        ("LINEAGE_MISSING_TRAINING_RUN", "trainingRun"),
        ("LINEAGE_MISSING_SNAPSHOT", "datasets"),
        ("REPRODUCTION_MISSING_TRANSFORM_CODE", "featureset:risk/customer_profile@3"),
    ]


async def test_what_if_a_breaking_schema(demo_graph: Graph) -> None:
    proposed = [
        FeatureInput(name="age", dtype="INT64"),
        FeatureInput(name="annual_income", dtype="FLOAT32"),
        FeatureInput(name="debt_to_income", dtype="FLOAT64"),
    ]
    found = await WhatIfService(demo_graph).schema_change("featureset:risk/customer_profile", proposed)
    assert found.latest_version == "featureset:risk/customer_profile@3"
    assert (found.required_bump, found.next_contract) == ("MAJOR", "3.0.0")
    assert found.diff.removed == ("employment_years",)
    broken = {b.model_version: b for b in found.broken}
    assert set(broken) == set(CREDIT)
    assert {(i.input, str(i.reason)) for i in broken[CREDIT[1]].incompatibilities} == {
        ("annual_income", "DTYPE_MISMATCH"),
        ("employment_years", "MISSING_FEATURE"),
    }
    assert {(d.uid, d.environment) for d in broken[CREDIT[1]].deployments} == {
        ("deployment:risk/credit_default-2-dev", "dev"),
        ("deployment:risk/credit_default-2-staging", "staging"),
        ("deployment:risk/credit_default-2-prod", "prod"),
    }
    additive = await WhatIfService(demo_graph).schema_change(
        "featureset:fraud/txn_velocity@2",
        [
            *(
                FeatureInput(name=n, dtype=d)
                for n, d in (
                    ("txn_count_1h", "INT64"),
                    ("txn_amount_1h", "FLOAT64"),
                    ("merchant_risk_score", "FLOAT64"),
                    ("country", "STRING"),
                )
            )
        ],
    )
    assert additive.broken == []
    assert set(additive.unaffected) == set(FRAUD)
    assert (additive.required_bump, additive.next_contract) == ("MINOR", "1.2.0")


async def test_serving_skew(demo_graph: Graph) -> None:
    service = SkewService(demo_graph)
    planted = await service.skew()
    assert [(s.deployment, s.compatible) for s in planted] == [(demo.SKEWED_DEPLOYMENT, True)]
    catalog = CatalogService(demo_graph)
    await catalog.deploy(
        DeploymentInput(
            namespace="risk",
            name="credit_default-1-dev",
            model_version=CREDIT[0],
            environment=demo.DEV,
            target="k8s-dev",
            serves_from=["featureset:risk/customer_profile@2", "featureset:risk/repayment_behaviour@2"],
        ),
        actor="test",
    )
    skewed = [s for s in await service.skew() if s.deployment != demo.SKEWED_DEPLOYMENT]
    assert [(s.deployment, s.compatible) for s in skewed] == [("deployment:risk/credit_default-1-dev", True)]
    assert [(d.feature_set, d.training, d.serving) for d in skewed[0].differences] == [
        (
            "featureset:risk/customer_profile",
            ["featureset:risk/customer_profile@1"],
            ["featureset:risk/customer_profile@2"],
        ),
        (
            "featureset:risk/repayment_behaviour",
            ["featureset:risk/repayment_behaviour@1"],
            ["featureset:risk/repayment_behaviour@2"],
        ),
    ]
    # Serving drifts to a version with a breaking dtype change (written behind the catalog's back).
    await cypher(
        demo_graph,
        "MATCH (d:Deployment {uid: 'deployment:risk/credit_default-2-dev'})-[r:SERVES_FROM]->"
        "(:FeatureSetVersion {uid: 'featureset:risk/customer_profile@2'}) SET r.retiredAt = datetime() "
        "WITH d MATCH (v:FeatureSetVersion {uid: 'featureset:risk/customer_profile@3'}) "
        "CREATE (d)-[:SERVES_FROM {createdAt: datetime()}]->(v)",
    )
    drifted = await service.skew("deployment:risk/credit_default-2-dev")
    assert len(drifted) == 1
    assert not drifted[0].compatible
    assert [
        (i.input, str(i.reason), i.expected_dtype, i.actual_dtype) for i in drifted[0].incompatibilities
    ] == [("employment_years", "DTYPE_MISMATCH", "INT32", "FLOAT32")]
    by_model = await service.skew("model:risk/credit_default", include_aligned=True)
    assert {s.deployment for s in by_model} == {
        "deployment:risk/credit_default-1-dev",
        "deployment:risk/credit_default-2-dev",
        "deployment:risk/credit_default-2-staging",
        "deployment:risk/credit_default-2-prod",
        "deployment:risk/credit_default-3-dev",
        "deployment:risk/credit_default-3-prod-shadow",
    }


async def test_graphql_fields(client: httpx.AsyncClient, demo_graph: Graph) -> None:
    data = await gql(
        client,
        """query($src: String!, $mv: String!) {
          lineage(uid: $src, direction: DOWNSTREAM, depth: 2, kinds: ["Transform", "FeatureSetVersion"]) {
            root { uid kind distance } nodes { uid kind distance direction namespace name node { uid } }
            edges { from to type } truncated truncatedReason
          }
          impact(uid: $src) {
            affected truncated featureSetVersions { uid distance pathCount pathCountExact shortestPath { uid via } }
            deployments { environment order deployments { uid } } owners { uid kind entities { uid } }
            counts { kind count }
          }
          reproduction(uid: $mv) { modelVersion complete missing { code } trainingScript { repo commit path }
            trainingRun { runId seed params } inputs { input feature } featureSetVersions { uid job { uid codeRef { commit } } }
            datasets { uid rowCount } evaluations { uid baseline metrics } }
          whatIf(featureSet: "featureset:risk/customer_profile", features: [{name: "age", dtype: "INT64"}]) {
            requiredBump nextContract breaking diff { removed } broken { modelVersion incompatibilities { input reason } } }
          servingSkew(includeAligned: true) { deployment skewed compatible }
          columnImpact(uid: $src, column: "principal") { features { feature } unrecordedFeatures }
        }""",
        src=LOANS,
        mv=CREDIT[1],
    )
    lineage = data["lineage"]
    assert lineage["root"] == {"uid": LOANS, "kind": "DataSource", "distance": 0}
    assert {n["kind"] for n in lineage["nodes"][1:]} == {"Transform", "FeatureSetVersion"}
    assert lineage["nodes"][1]["node"]["uid"] == lineage["nodes"][1]["uid"]
    assert {n["namespace"] for n in lineage["nodes"][1:]} <= {"dbt://finance", "airflow://risk", "risk"}
    assert all(e["type"] in {"READS", "PRODUCED_BY", "DERIVED_FROM"} for e in lineage["edges"])
    derived = {(e["from"], e["to"]) for e in lineage["edges"] if e["type"] == "DERIVED_FROM"}
    versions = {n["uid"] for n in lineage["nodes"] if n["kind"] == "FeatureSetVersion"}
    assert derived == {(v, LOANS) for v in versions}, (
        "every version computed from loans, one hop away (ADR 0008)"
    )
    assert lineage["truncated"] is False
    assert lineage["truncatedReason"] is None
    impact = data["impact"]
    assert impact["featureSetVersions"][0]["shortestPath"][0] == {"uid": LOANS, "via": None}
    assert impact["owners"][0]["uid"] == demo.RISK_TEAM
    assert data["reproduction"]["complete"] is True
    assert data["reproduction"]["trainingRun"]["seed"] == 17
    assert data["whatIf"]["requiredBump"] == "MAJOR"
    assert data["whatIf"]["breaking"] is True
    assert len(data["servingSkew"]) == 8
    assert len(data["columnImpact"]["unrecordedFeatures"]) > 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('{ lineage(uid: "source:nope/nothing", depth: 2) { truncated } }', "NOT_FOUND"),
        ('{ lineage(uid: "not a uid") { truncated } }', "INVALID_UID"),
        (f'{{ lineage(uid: "{LOANS}", depth: 21) {{ truncated }} }}', "INVALID_VALUE"),
        (f'{{ lineage(uid: "{LOANS}", kinds: ["Nope"]) {{ truncated }} }}', "UNKNOWN_KIND"),
        ('{ reproduction(uid: "featureset:risk/customer_profile@1") { complete } }', "UNEXPECTED_KIND"),
        ('{ reproduction(uid: "model:risk/none@1") { complete } }', "NOT_FOUND"),
        (
            '{ whatIf(featureSet: "featureset:risk/customer_profile", features: [{name: "a", dtype: "INT99"}]) { breaking } }',
            "INVALID_DTYPE",
        ),
    ],
)
async def test_graphql_refusals_carry_codes(
    client: httpx.AsyncClient, demo_graph: Graph, query: str, code: str
) -> None:
    response = await client.post("/graphql", json={"query": query})
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == code


async def run_cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lineage_graph.cli.main",
        *args,
        env={**os.environ, "LINEAGE_GRAPH_NEO4J_URI": settings.neo4j_uri},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_cli_prints_trees(settings: Settings, demo_graph: Graph) -> None:
    code, out, _ = await run_cli(settings, "lineage", CREDIT[1], "--direction", "upstream", "--depth", "3")
    assert code == 0
    assert out.splitlines()[0].startswith(f"ModelVersion {CREDIT[1]}")
    assert "└── " in out or "├── " in out
    assert "trainingrun:risk/credit_default@mlflow-7d20" in out
    code, out, _ = await run_cli(settings, "impact", LOANS)
    assert code == 0
    assert "Model versions (3)" in out
    assert "prod (2)" in out
    assert demo.RISK_TEAM in out
    code, _, err = await run_cli(settings, "impact", "source:nope/nothing")
    assert code == 1
    assert err.startswith("error: no entity source:nope/nothing")
