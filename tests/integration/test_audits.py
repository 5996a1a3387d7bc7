"""The auditors' library on the demo catalog: every audit finds its planted case and nothing else,
read-only, through the service, the CLI and GraphQL (with the auditor role)."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from typer.testing import CliRunner

from lineage_graph import resources
from lineage_graph.api import create_app
from lineage_graph.cli.main import app
from lineage_graph.demo import builder as demo
from lineage_graph.graph import Graph, QueryLibrary
from lineage_graph.graph.readonly import CypherError, WriteRefusedError
from lineage_graph.policy import PolicySet
from lineage_graph.policy.principals import hash_token
from lineage_graph.services.governance.decisions import Governor
from lineage_graph.services.reports import DIRECTORY, AuditService
from lineage_graph.tools import auditors_doc
from tests.cypher import cypher

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

T = auditors_doc.LOAD_TIME
STORY_DAY = demo.STORY_DAY.date().isoformat()
EXPIRED = demo.EXPIRED_SNAPSHOT_UID
CREDIT = "model:risk/credit_default"

EXPECTED: dict[str, list[dict[str, Any]]] = {
    "prod_models_incomplete_lineage": [
        {
            "modelVersion": demo.INCOMPLETE_LINEAGE_IN_PROD[0],
            "deployments": [demo.INCOMPLETE_LINEAGE_IN_PROD[1]],
            "missing": ["evaluationBaseline"],
        }
    ],
    "deprecated_still_served": [
        {
            "featureSetVersion": demo.PAST_SUNSET_SERVED[0],
            "phase": "PAST_SUNSET",
            "sunsetAt": "2026-09-30T00:00:00Z",
            "replacedBy": "featureset:fraud/txn_velocity@2",
            "deployment": demo.PAST_SUNSET_SERVED[1],
            "environment": "prod",
        },
        {
            "featureSetVersion": demo.BEFORE_SUNSET_SERVED[0],
            "phase": "BEFORE_SUNSET",
            "sunsetAt": "2029-12-31T00:00:00Z",
            "replacedBy": "featureset:risk/repayment_behaviour@2",
            "deployment": demo.BEFORE_SUNSET_SERVED[1],
            "environment": "dev",
        },
    ],
    "pii_paths_to_prod": [
        {
            "source": demo.CUSTOMERS,
            "deployment": deployment,
            # the served version is DERIVED_FROM customers (ADR 0008): one shortest path, 2 hops
            "hops": 2,
            "shortestPaths": 1,
            "path": [deployment, version, demo.CUSTOMERS],
        }
        for (_, deployment), version in zip(
            demo.PII_PATHS,
            ["featureset:risk/customer_profile@2", "featureset:risk/customer_profile@3"],
            strict=True,
        )
    ],
    "snapshots_past_retention": [
        {
            "snapshot": EXPIRED,
            "source": demo.CUSTOMERS,
            "classification": "PII",
            "createdAt": T,
            "expiresAt": "2026-01-29T00:00:00Z",
            "daysOverdue": 301,
        }
    ],
    "artifacts_without_owner": [
        {
            "artifact": demo.UNOWNED_ARTIFACT,
            "kind": "FeatureSet",
            "versions": 0,
            "createdBy": demo.LOADER,
            "createdAt": T,
        }
    ],
    "training_serving_skew": [
        {
            "deployment": demo.SKEWED_DEPLOYMENT,
            "environment": "dev",
            "modelVersion": f"{CREDIT}@3",
            "featureSet": "featureset:risk/repayment_behaviour",
            "training": ["featureset:risk/repayment_behaviour@2"],
            "serving": [demo.SKEWED_SERVING[1]],
            "incompatibleInputs": [],
        }
    ],
    "policy_decisions": [
        {
            "actor": demo.DENIED_ACTOR,
            "at": T,
            "action": "deploy",
            "policy": policy,
            "allow": False,
            "codes": codes,
            "about": demo.DENIED_REQUEST[2],
        }
        for policy, codes in [
            (
                "lineage_graph.promotion",
                ["PROMOTION_INSUFFICIENT_APPROVALS", "PROMOTION_METRIC_DIRECTION_UNKNOWN"],
            ),
            ("lineage_graph.targets", ["TARGET_STORE_NOT_APPROVED"]),
        ]
    ],
    "high_risk_promotions_lacking_approvals": [
        {
            "deployment": deployment,
            "environment": deployment.rsplit("-", 1)[1],
            "promotedFrom": source,
            "modelVersion": f"{CREDIT}@2",
            "approvers": ["alice"],
            "required": 2,
        }
        for deployment, source in zip(
            demo.UNDER_APPROVED_PROMOTIONS[::-1],
            ["deployment:risk/credit_default-2-staging", "deployment:risk/credit_default-2-dev"],
            strict=True,
        )
    ],
    "features_never_consumed": [
        {
            "feature": demo.UNCONSUMED_FEATURE,
            "featureSetVersion": "featureset:risk/repayment_behaviour@1",
            "status": "DEPRECATED",
            "dtype": "INT32",
        }
    ],
    "version_history": [
        {
            "version": 1,
            "uid": f"{demo.HISTORY_SUBJECT}@1",
            "status": "DEPRECATED",
            "contract": "1.0.0",
            "bump": "INITIAL",
            "supersedes": None,
            "sunsetAt": "2026-09-30T00:00:00Z",
            "replacedBy": f"{demo.HISTORY_SUBJECT}@2",
            "createdAt": T,
            "createdBy": demo.LOADER,
            "changes": ["publishFeatureSetVersion by demo-loader", "deprecate by demo-loader"],
        },
        {
            "version": 2,
            "uid": f"{demo.HISTORY_SUBJECT}@2",
            "status": "ACTIVE",
            "contract": "1.1.0",
            "bump": "MINOR",
            "supersedes": f"{demo.HISTORY_SUBJECT}@1",
            "sunsetAt": None,
            "replacedBy": None,
            "createdAt": T,
            "createdBy": demo.LOADER,
            "changes": ["publishFeatureSetVersion by demo-loader"],
        },
    ],
}
CHANGES = [
    (demo.CHANGES_SUBJECT, "registerModel", demo.LOADER),
    (f"{CREDIT}@1", "registerModelVersion", demo.LOADER),
    (f"{CREDIT}@2", "registerModelVersion", demo.LOADER),
    (f"{CREDIT}@3", "registerModelVersion", demo.LOADER),
    (f"{CREDIT}@1", "deprecate", demo.LOADER),
    (f"{CREDIT}@2", "approve", "alice"),
]


def masked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: auditors_doc.masked(k, v) for k, v in row.items()} for row in rows]


def params_for(service: AuditService, name: str) -> dict[str, str]:
    return {"asOf": STORY_DAY} if service.audit(name).param("asOf") else {}


@pytest.fixture
async def demo_graph(graph: Graph, session_engine: PolicyEngine) -> Graph:
    revision = PolicySet.load(resources.policies_dir()).revision
    await demo.load(graph, Governor(session_engine, graph, revision))
    return graph


async def test_every_audit_finds_its_planted_case_and_nothing_else(demo_graph: Graph) -> None:
    service = AuditService(demo_graph)
    results = {a.name: await service.run(a.name, params_for(service, a.name)) for a in service.audits()}
    assert set(results) == {*EXPECTED, "entity_changes"}
    for name, expected in EXPECTED.items():
        assert results[name].columns == list(results[name].audit.columns), name
        assert masked(results[name].rows) == expected, name
    changes = results["entity_changes"]
    assert [(r["entity"], r["action"], r["actor"]) for r in changes.rows] == CHANGES
    seqs = [r["seq"] for r in changes.rows]
    assert seqs == sorted(seqs)
    deprecation = changes.rows[4]
    assert json.loads(deprecation["after"])["sunsetAt"] == "2027-03-31T00:00:00Z"
    assert json.loads(deprecation["before"])["status"] == "ACTIVE"
    examples = {n: (r.audit, r.params, r.rows) for n, r in results.items()}
    generated = auditors_doc.render_audits(examples)
    doc = auditors_doc.DOC.read_text()
    if os.environ.get("LINEAGE_GRAPH_UPDATE_DOCS"):
        auditors_doc.DOC.write_text(auditors_doc.replace_section(doc, "audits", generated))
    assert auditors_doc.section(auditors_doc.DOC.read_text(), "audits") == generated.strip("\n"), (
        "docs/auditors.md is stale: rerun this test with LINEAGE_GRAPH_UPDATE_DOCS=1"
    )


async def test_parameters_narrow_or_widen_the_answers(
    demo_graph: Graph, session_engine: PolicyEngine
) -> None:
    service = AuditService(demo_graph)
    before = await service.run("deprecated_still_served", {"asOf": "2026-09-01"})
    assert [r["phase"] for r in before.rows] == ["BEFORE_SUNSET", "BEFORE_SUNSET"]
    later = await service.run("deprecated_still_served", {"asOf": "2030-01-01T00:00:00Z"})
    assert [r["phase"] for r in later.rows] == ["PAST_SUNSET", "PAST_SUNSET"]
    staging = await service.run("pii_paths_to_prod", {"environment": "staging"})
    assert [r["deployment"] for r in staging.rows] == ["deployment:risk/credit_default-2-staging"]
    assert (await service.run("policy_decisions", {"actor": "nobody"})).rows == []
    assert (await service.run("policy_decisions", {"since": "2020-01-01", "until": "2020-12-31"})).rows == []
    medium = await service.run(
        "high_risk_promotions_lacking_approvals", {"riskTier": "MEDIUM", "required": 2}
    )
    assert [r["deployment"] for r in medium.rows] == ["deployment:fraud/card_fraud-2-staging"]
    history = await service.run("version_history", {"uid": CREDIT})
    assert [r["version"] for r in history.rows] == [1, 2, 3]
    assert history.params == {"uid": CREDIT}
    # Loading the demo again plants nothing twice: the refused request is recorded once.
    revision = PolicySet.load(resources.policies_dir()).revision
    await demo.load(demo_graph, Governor(session_engine, demo_graph, revision))
    assert len((await service.run("policy_decisions")).rows) == 2


async def test_every_audit_is_classified_read_only_by_explain(graph: Graph) -> None:
    service = AuditService(graph)
    for audit in service.audits():
        _, summary, _ = await graph.driver.execute_query(  # type: ignore[call-overload]
            "EXPLAIN " + audit.query.text, database_=graph.database
        )
        assert summary.query_type == "r", audit.name


def _library_graph(graph: Graph, tmp_path: Path, statement: str, default: str = "1") -> Graph:
    (tmp_path / DIRECTORY).mkdir(exist_ok=True)
    (tmp_path / DIRECTORY / "evil.cypher").write_text(
        f"// Question: What if?\n// :param x => {default}\n//   Anything.\n// Returns: x\n{statement}"
    )
    return Graph(graph.driver, graph.database, QueryLibrary(tmp_path), graph.timeout)


@pytest.mark.parametrize(
    ("statement", "default"),
    [
        ("MATCH (n:Environment) WHERE n.order > $x DETACH DELETE n RETURN 1 AS x", "1"),
        ("MERGE (n:Hacked {x: $x}) RETURN n.x AS x", "1"),
        ("RETURN $x AS x", "datetime() + duration({days: COUNT { CREATE (:Hacked) }})"),
    ],
)
async def test_a_writing_audit_is_refused_and_changes_nothing(
    demo_graph: Graph, tmp_path: Path, statement: str, default: str
) -> None:
    count = "MATCH (n) RETURN count(n) AS n"
    before = await cypher(demo_graph, count)
    evil = AuditService(_library_graph(demo_graph, tmp_path, statement, default))
    with pytest.raises((WriteRefusedError, CypherError), match="refused"):
        await evil.run("evil")
    assert await cypher(demo_graph, count) == before


def test_the_cli_lists_and_runs_audits(demo_cli: Settings) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["audit", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    names = {a["name"]: a for a in json.loads(listed.output)}
    assert set(names) == {*EXPECTED, "entity_changes"}
    assert names["deprecated_still_served"]["params"] == [
        {
            "name": "asOf",
            "type": "DATETIME",
            "default": "datetime()",
            "description": "The instant sunsets are judged at.",
        }
    ]
    table = runner.invoke(app, ["audit", "list"])
    assert table.exit_code == 0
    assert "snapshots_past_retention" in table.output
    as_json = runner.invoke(
        app, ["audit", "run", "deprecated_still_served", "--param", f"asOf={STORY_DAY}", "-f", "json"]
    )
    assert as_json.exit_code == 0, as_json.output
    assert masked(json.loads(as_json.output)) == EXPECTED["deprecated_still_served"]
    as_csv = runner.invoke(app, ["audit", "run", "features_never_consumed", "--format", "csv"])
    assert as_csv.output.splitlines() == [
        "feature,featureSetVersion,status,dtype",
        f"{demo.UNCONSUMED_FEATURE},featureset:risk/repayment_behaviour@1,DEPRECATED,INT32",
    ]
    as_table = runner.invoke(app, ["audit", "run", "artifacts_without_owner"])
    assert as_table.exit_code == 0
    assert demo.UNOWNED_ARTIFACT in as_table.output
    for args, message in [
        (["audit", "run", "nope"], "error: UNKNOWN_AUDIT: no audit named 'nope'"),
        (
            ["audit", "run", "version_history", "-p", "who=x"],
            "error: UNKNOWN_PARAM: audit version_history has no parameter 'who'",
        ),
        (
            ["audit", "run", "deprecated_still_served", "-p", "asOf=soon"],
            "error: INVALID_PARAM: audit deprecated_still_served: parameter asOf must be",
        ),
        (["audit", "run", "version_history", "-p", "uid"], "error: expected --param key=value"),
        (["cypher", "RETURN $uid AS uid", "-p", "uid"], "error: expected --param key=value"),
    ]:
        refused = runner.invoke(app, args)
        assert refused.exit_code == 1, args
        assert refused.output.startswith(message), refused.output
        assert len(refused.output.strip().splitlines()) == 1, refused.output


@pytest.fixture
def demo_cli(demo_graph: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("LINEAGE_GRAPH_NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("COLUMNS", "200")
    return settings


# --- GraphQL -----------------------------------------------------------------------------------

PRINCIPALS = {
    "vera": ("viewer", "*"),
    "audrey": ("auditor", "*"),
    "rita": ("auditor", "risk"),
    "ada": ("admin", "*"),
}
AUDITS = "{ audits { name question params { name type default description } columns } }"
AUDIT = "query($n: String!, $p: JSON) { audit(name: $n, params: $p) { name params columns rows } }"


@pytest.fixture
async def secured(
    settings: Settings, demo_graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    tokens = tmp_path / "tokens.toml"
    tokens.write_text(
        "\n".join(
            f'[[principals]]\nid = "{who}"\ntoken_sha256 = "{hash_token("t-" + who)}"\n'
            f'roles = [{{ role = "{role}", namespace = "{namespace}" }}]\n'
            for who, (role, namespace) in PRINCIPALS.items()
        )
    )
    api = create_app(settings.model_copy(update={"tokens_file": tokens}))
    async with (
        api.router.lifespan_context(api),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as http,
    ):
        yield http


async def ask(http: httpx.AsyncClient, who: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer t-{who}"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_graphql_lists_and_runs_audits_for_auditors(secured: httpx.AsyncClient) -> None:
    listed = await ask(secured, "audrey", AUDITS)
    assert "errors" not in listed, listed
    by_name = {a["name"]: a for a in listed["data"]["audits"]}
    assert set(by_name) == {*EXPECTED, "entity_changes"}
    assert by_name["policy_decisions"]["params"][0] == {
        "name": "actor",
        "type": "STRING",
        "default": "null",
        "description": "The principal who asked (null: every actor).",
    }
    assert by_name["training_serving_skew"]["columns"][:2] == ["deployment", "environment"]
    ran = await ask(secured, "audrey", AUDIT, n="snapshots_past_retention", p={"asOf": STORY_DAY})
    assert "errors" not in ran, ran
    result = ran["data"]["audit"]
    assert masked(result["rows"]) == EXPECTED["snapshots_past_retention"]
    assert result["params"]["asOf"] == f"{STORY_DAY}T00:00:00Z"
    assert result["params"]["windows"] == {"PUBLIC": 3650, "INTERNAL": 1095, "CONFIDENTIAL": 365, "PII": 90}
    admin = await ask(secured, "ada", AUDIT, n="high_risk_promotions_lacking_approvals", p={"required": 1})
    assert admin["data"]["audit"]["rows"] == []


@pytest.mark.parametrize(
    ("name", "params", "code"),
    [
        ("nope", None, "UNKNOWN_AUDIT"),
        ("../catalog/upsert_nodes", None, "UNKNOWN_AUDIT"),
        ("catalog/wipe_catalog", None, "UNKNOWN_AUDIT"),
        ("MATCH (n) DETACH DELETE n", None, "UNKNOWN_AUDIT"),
        ("version_history", {"query": "MATCH (n) DETACH DELETE n"}, "UNKNOWN_PARAM"),
        ("deprecated_still_served", {"asOf": "MATCH (n) DETACH DELETE n"}, "INVALID_PARAM"),
        ("high_risk_promotions_lacking_approvals", {"required": "two"}, "INVALID_PARAM"),
        ("version_history", ["uid"], "INVALID_PARAM"),
    ],
)
async def test_graphql_refuses_what_is_not_in_the_library(
    secured: httpx.AsyncClient, demo_graph: Graph, name: str, params: Any, code: str
) -> None:
    count = "MATCH (n) RETURN count(n) AS n"
    before = await cypher(demo_graph, count)
    body = await ask(secured, "audrey", AUDIT, n=name, p=params)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert await cypher(demo_graph, count) == before


async def test_graphql_audits_need_the_auditor_role_everywhere(secured: httpx.AsyncClient) -> None:
    for who in ("vera", "rita"):
        for query, variables in ((AUDITS, {}), (AUDIT, {"n": "version_history"})):
            body = await ask(secured, who, query, **variables)
            assert body["data"] is None, (who, query)
            error = body["errors"][0]["extensions"]
            assert error["code"] == "POLICY_DENIED"
            assert [v["code"] for v in error["violations"]] == ["AUTHZ_DENIED"]
