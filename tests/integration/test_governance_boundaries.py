"""Governance decisions exactly at their limits: expiry instants and decimal metric tolerances.

End to end against the real Neo4j and OPA: a snapshot whose ``expiresAt`` is hours away is
expiring, not expired, in the scan and in ``retention apply``; a metric written exactly at its
tolerance passes OPA's promotion policy for both directions, swept with hypothesis.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineage_graph.domain import Classification, DatasetSnapshotInput, DataSourceInput
from lineage_graph.policy.decisions import Package, decide
from lineage_graph.services.catalog.service import CatalogService
from lineage_graph.services.governance import retention
from lineage_graph.services.governance.compliance import ComplianceScan, Scope

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
SOURCE = ("s3://lake", "customers")


def _uid(version: str) -> str:
    return f"snapshot:s3%3A%2F%2Flake/customers@{version}"


async def test_expiry_is_an_instant_not_a_count_of_days(graph: Graph, session_engine: PolicyEngine) -> None:
    catalog = CatalogService(graph)
    source = DataSourceInput(namespace=SOURCE[0], name=SOURCE[1], classification=Classification.PUBLIC)
    await catalog.register_data_sources([source], actor="loader")
    expiries = {
        "later-today": NOW + timedelta(hours=12),
        "one-second-ago": NOW - timedelta(seconds=1),
        "at-this-instant": NOW,
    }
    snapshots = [
        DatasetSnapshotInput(namespace=SOURCE[0], name=SOURCE[1], version=version, expires_at=at)
        for version, at in expiries.items()
    ]
    await catalog.register_dataset_snapshots(snapshots, actor="loader")

    report = await ComplianceScan(graph, session_engine, clock=lambda: NOW).run(Scope(), [Package.RETENTION])
    found = {(f.subject, f.code) for f in [*report.violations, *report.warnings]}
    assert found == {
        (_uid("later-today"), "RETENTION_EXPIRING_SOON"),
        (_uid("one-second-ago"), "RETENTION_EXPIRED"),
        (_uid("at-this-instant"), "RETENTION_EXPIRED"),
    }
    soon = next(f for f in report.warnings if f.subject == _uid("later-today"))
    assert soon.message.endswith("reaches the end of its expiry date on 2026-11-26T22:00:00Z.")

    applied = await retention.apply(graph, session_engine, actor="ops", clock=lambda: NOW)
    assert sorted(applied.retired) == sorted([_uid("one-second-ago"), _uid("at-this-instant")])


# --- metric tolerances ----------------------------------------------------------------------

TOLERANCES = {"logloss": Decimal("0.02"), "auc": Decimal("0.01")}  # config/data.json
DIRECTIONS = {"logloss": 1, "auc": -1}  # lower is better: worse is larger; higher: worse is smaller


def _promotion(metric: str, baseline: Decimal, candidate: Decimal) -> dict[str, Any]:
    """A staging → prod promotion that passes every other rule (policies' promotion_test.rego)."""
    return {
        "now": "2026-11-26T10:00:00Z",
        "modelVersion": {
            "uid": "model:risk/m@7",
            "riskTier": "LOW",
            "createdBy": "alice",
            "randomSeed": 42,
            "hyperparameters": {"max_depth": 6},
            "trainingScript": {"repo": "https://git.test/risk", "commit": "9f1c2e3a"},
            "trainingRun": {"runId": "4f2a"},
            "features": ["feature:risk/cp@3#avg_txn_30d"],
            "snapshots": ["snapshot:pg/orders@20260901"],
            "evaluations": [{"uid": "evaluation:risk/m@7", "baseline": {"uid": "evaluation:risk/m@6"}}],
        },
        "fromEnvironment": "staging",
        "toEnvironment": "prod",
        "evaluation": {
            "uid": "evaluation:risk/m@7",
            # float(Decimal) prints back as the same short decimal: what a user's JSON holds.
            "metrics": {metric: float(candidate)},
            "baseline": {"uid": "evaluation:risk/m@6", "metrics": {metric: float(baseline)}},
        },
        "incompatibleInputs": [],
        "approvals": [],
        "featureSetVersions": [{"uid": "featureset:risk/cp@3", "status": "ACTIVE"}],
    }


async def _codes(engine: PolicyEngine, metric: str, baseline: Decimal, candidate: Decimal) -> set[str]:
    decision = await decide(engine, Package.PROMOTION, _promotion(metric, baseline, candidate))
    return {f.code for f in decision.violations}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    metric=st.sampled_from(sorted(TOLERANCES)),
    baseline=st.decimals(min_value=Decimal("0.05"), max_value=Decimal("5"), places=4),
    past=st.integers(min_value=1, max_value=10**6),
)
async def test_a_metric_exactly_at_its_tolerance_passes_and_beyond_it_does_not(
    session_engine: PolicyEngine, metric: str, baseline: Decimal, past: int
) -> None:
    limit = baseline + DIRECTIONS[metric] * TOLERANCES[metric]
    assert await _codes(session_engine, metric, baseline, limit) == set()
    beyond = limit + DIRECTIONS[metric] * Decimal(past) * Decimal("1e-9")
    assert await _codes(session_engine, metric, baseline, beyond) == {"PROMOTION_METRIC_REGRESSION"}


async def test_the_reported_case_passes(session_engine: PolicyEngine) -> None:
    # baseline logloss 0.58, tolerance 0.02, candidate 0.60: OPA's 0.58 + 0.02 is not 0.6.
    assert await _codes(session_engine, "logloss", Decimal("0.58"), Decimal("0.60")) == set()
