"""``lineage-graph policies scan``, ``policies dry-run``, ``retention apply`` and ``tokens``."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from lineage_graph import resources
from lineage_graph.demo import builder as demo
from lineage_graph.devstack._process import free_port
from lineage_graph.domain import DatasetSnapshotInput
from lineage_graph.policy.decisions import Package
from lineage_graph.policy.principals import hash_token
from lineage_graph.services.audit.chain import verify
from lineage_graph.services.catalog.service import CatalogService
from lineage_graph.services.governance.compliance import ComplianceScan, Scope
from tests.cypher import cypher

if TYPE_CHECKING:
    from pathlib import Path

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

EXPIRED = demo.EXPIRED_SNAPSHOT
PLANTED = f"snapshot:postgres%3A%2F%2Ffinance-wh.internal%3A5432/core.public.customers@{EXPIRED[2]}"


async def cli(settings: Settings, *args: str, stdin: bytes = b"", **env: str) -> tuple[int, str, str]:
    environment = {
        **os.environ,
        "LINEAGE_GRAPH_NEO4J_URI": settings.neo4j_uri,
        "LINEAGE_GRAPH_OPA_URL": settings.opa_url,
        "COLUMNS": "200",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lineage_graph.cli.main",
        *args,
        env=environment,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(stdin)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_scan_reports_every_package_and_exits_1_on_violations(
    settings: Settings, graph: Graph, session_engine: PolicyEngine
) -> None:
    await demo.load(graph)
    code, out, err = await cli(settings, "policies", "scan", "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert {v["package"] for v in report["violations"]} == {p.value for p in Package}
    assert all(set(v) >= {"code", "entity", "message", "remediation"} for v in report["violations"])
    code, out, _ = await cli(settings, "policies", "scan", "--scope", "fraud", "--policy", "deprecation")
    assert code == 1
    assert "DEPRECATION_PAST_SUNSET" in out
    assert "→ Redirect model:fraud/card_fraud@1 to featureset:fraud/txn_velocity@2." in out
    assert "risk/" not in out.split("violation(s)")[0]
    clean, out, _ = await cli(settings, "policies", "scan", "--scope", "nowhere")
    assert clean == 0
    assert out.startswith("0 violation(s), 0 warning(s) in 0 decisions")
    down, _, err = await cli(
        settings, "policies", "scan", LINEAGE_GRAPH_OPA_URL=f"http://127.0.0.1:{free_port()}"
    )
    assert down == 2
    assert err.startswith("error: policy engine unavailable")
    bad, _, err = await cli(settings, "policies", "scan", "--policy", "nope")
    assert (bad, err.strip()) == (
        2,
        "error: unknown policy 'nope'; policies: authz, deprecation, lineage, promotion, retention, schema, targets",
    )


async def test_dry_run_lists_the_decisions_a_changed_policy_would_change(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> None:
    await demo.load(graph)
    active = await ComplianceScan(graph, session_engine).run(Scope(), [Package.TARGETS])
    changed = tmp_path / "policies"
    shutil.copytree(resources.policies_dir(), changed)
    targets = changed / "lineage_graph" / "targets.rego"
    text = targets.read_text()
    assert text.count("\tnot store in approved\n") == 1
    targets.write_text(
        text.replace("\tnot store in approved\n", '\tnot store in approved\n\tstore != "redis-online"\n')
    )

    code, out, err = await cli(settings, "policies", "dry-run", str(changed), "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    changes = result["changes"]
    assert {c["package"] for c in changes} == {"targets"}
    assert len(changes) == 8
    flipped = next(c for c in changes if c["subject"] == "deployment:risk/credit_default-2-prod")
    assert flipped["before"] == {
        "allow": False,
        "violations": ["TARGET_STORE_NOT_APPROVED"] * 2,
        "warnings": [],
    }
    assert flipped["after"] == {"allow": True, "violations": [], "warnings": []}

    code, out, _ = await cli(
        settings, "policies", "dry-run", str(changed), "--policy", "targets", "--fail-on-change"
    )
    assert code == 1
    assert "deployment:fraud/card_fraud-1-prod" in out
    assert "deny [TARGET_STORE_NOT_APPROVED] → allow" in out
    assert "8 of 8 decisions would change" in out
    live = await ComplianceScan(graph, session_engine).run(Scope(), [Package.TARGETS])
    assert live.violations == active.violations != [], "nothing was activated on the live OPA"

    targets.write_text("package lineage_graph.targets\n\nthis is not rego\n")
    code, _, err = await cli(settings, "policies", "dry-run", str(changed))
    assert code == 2
    assert "targets.rego:3" in err


async def test_retention_apply_retires_only_expired_snapshots_and_audits_each(
    settings: Settings, graph: Graph, session_engine: PolicyEngine
) -> None:
    await demo.load(graph)
    second = DatasetSnapshotInput(
        namespace=EXPIRED[0],
        name=EXPIRED[1],
        version="2025-09-30",
        expires_at=datetime(2025, 12, 29, tzinfo=UTC),
    )
    await CatalogService(graph).register_dataset_snapshots([second], actor="loader")
    older = PLANTED.replace(EXPIRED[2], "2025-09-30")
    events_before = (await verify(graph)).events

    code, out, err = await cli(settings, "retention", "apply", "--dry-run")
    assert code == 0, err
    assert out.splitlines()[:2] == sorted([f"would retire: {older}", f"would retire: {PLANTED}"])
    assert await cypher(
        graph, "MATCH (s:DatasetSnapshot) WHERE s.retiredAt IS NOT NULL RETURN count(s) AS n"
    ) == [{"n": 0}]

    code, out, err = await cli(settings, "retention", "apply")
    assert code == 0, err
    assert "retired 2 snapshot(s)" in out
    retired = await cypher(
        graph, "MATCH (s:DatasetSnapshot) WHERE s.retiredAt IS NOT NULL RETURN s.uid AS uid ORDER BY uid"
    )
    assert [r["uid"] for r in retired] == sorted([older, PLANTED])
    events = await cypher(
        graph,
        "MATCH (e:AuditEvent {action: 'applyRetention'}) RETURN e.entityUid AS uid, e.actor AS actor, "
        "e.beforeJson AS before ORDER BY uid",
    )
    assert [(e["uid"], e["actor"], e["before"]) for e in events] == [
        (uid, "lineage-graph-cli", '{"retiredAt":null}') for uid in sorted([older, PLANTED])
    ]
    chain = await verify(graph)
    assert (chain.ok, chain.events) == (True, events_before + 2)
    for uid in (older, PLANTED):
        recorded = await graph.read("governance/decisions_about", {"uid": uid, "limit": 5})
        assert [(d["policy"], d["allow"], d["codes"]) for d in recorded] == [
            # The source's retentionDays (2555) is longer than PII allows: reported on its
            # snapshots too, now that a snapshot's expiresAt no longer hides it.
            ("lineage_graph.retention", False, ["RETENTION_EXPIRED", "RETENTION_OVERRIDE_IGNORED"])
        ]
    lineage = await cypher(
        graph, "MATCH (s:DatasetSnapshot {uid: $u})-[r:SNAPSHOT_OF]->() RETURN count(r) AS n", {"u": PLANTED}
    )
    assert lineage == [{"n": 1}], "lineage is never deleted"

    code, out, _ = await cli(settings, "retention", "apply")
    assert (code, out.strip().splitlines()[-1].split(" at ")[0]) == (0, "retired 0 snapshot(s)")


async def test_tokens_hash_and_new(settings: Settings) -> None:
    code, out, _ = await cli(settings, "tokens", "hash", stdin=b"s3cret\n")
    assert (code, out.strip()) == (0, hash_token("s3cret"))
    code, out, err = await cli(
        settings, "tokens", "new", "--id", "alice", "--role", "editor@risk", "--role", "viewer"
    )
    assert code == 0
    issued = err.strip().rsplit(" ", 1)[-1]
    assert out.splitlines() == [
        "[[principals]]",
        'id = "alice"',
        f'token_sha256 = "{hash_token(issued)}"',
        'roles = [{ role = "editor", namespace = "risk" }, { role = "viewer", namespace = "*" }]',
    ]
