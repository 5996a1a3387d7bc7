"""The names of the demo's story: its namespaces and actors, and the cases planted in it.

The demo catalog (`demo.data`, sent by `demo.builder`) is written by a trusted loader (no policy
gates), so the demo keeps the governance problems a real catalog accumulates; a full compliance
scan (`lineage-graph policies scan`) finds at least one violation of every package:

- authz: the approvals of alice and carol are backed by no approve grant (no tokens file, or
  one that does not grant them approve in risk and fraud);
- retention: planted, `EXPIRED_SNAPSHOT`, a 2025 extract of the PII customers table whose
  expiry (2026-01-29) has passed and which was never retired;
- deprecation: card_fraud@1 and its prod deployment use txn_velocity@1, past its sunset;
- schema: customer_profile's features derive from the PII customers table and are not tagged pii;
- lineage: the first versions' evaluations have no baseline;
- promotion: card_fraud@1 went to prod without dev and staging, credit_default@2 (HIGH risk)
  runs in prod with one approval;
- targets: every feature-set version is served from redis-online, approved nowhere.

Each named audit in ``cypher/audits/`` finds exactly the case planted for it (constants here,
checked by tests/integration/test_audits.py) when run at `STORY_DAY`:

- ``prod_models_incomplete_lineage``: `INCOMPLETE_LINEAGE_IN_PROD`, card_fraud@1 (no baseline);
- ``deprecated_still_served``: `PAST_SUNSET_SERVED` (txn_velocity@1 under card_fraud-1-prod) and
  `BEFORE_SUNSET_SERVED` (repayment_behaviour@1, deprecated until 2029, under credit_default-3-dev);
- ``pii_paths_to_prod``: `PII_PATHS`, the customers table into both risk deployments in prod;
- ``snapshots_past_retention``: `EXPIRED_SNAPSHOT`;
- ``artifacts_without_owner``: `UNOWNED_ARTIFACT`, a feature set registered before anyone owned it;
- ``training_serving_skew``: `SKEWED_DEPLOYMENT`, credit_default@3 in dev trained on
  repayment_behaviour@2 and served from @1 (a patch that changed what the feature counts);
- ``policy_decisions``: `DENIED_REQUEST`, dave's refused deploy (planted only when `load` is
  given a `Governor`: a decision is OPA's, never written by hand; the request is `data.DENIED_STEP`);
- ``high_risk_promotions_lacking_approvals``: `UNDER_APPROVED_PROMOTIONS`;
- ``features_never_consumed``: `UNCONSUMED_FEATURE`;
- ``version_history``: `HISTORY_SUBJECT`; ``entity_changes``: `CHANGES_SUBJECT`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from lineage_graph.domain import dataset_uid, snapshot_uid

LOADER: Final = "demo-loader"
REVIEWERS: Final = ("alice", "carol")

LENDING: Final = "postgres://finance-wh.internal:5432"
PAYMENTS: Final = "snowflake://acme-payments.eu-west-1"
SNAPSHOT_DAY: Final = "2026-01-31"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def _source(namespace: str, name: str) -> str:
    return dataset_uid(namespace, name).format()


def _snapshot(namespace: str, name: str, version: str) -> str:
    return snapshot_uid(namespace, name, version).format()


STORY_DAY: Final = at("2026-11-26")
"""The day the demo's story is told: past every planted expiry and sunset but the pending one.
Nodes are stamped with the loader's real clock; audits with a time window take it as ``asOf``."""

CUSTOMERS: Final = _source(LENDING, "core.public.customers")
LOANS: Final = _source(LENDING, "core.public.loans")
REPAYMENTS: Final = _source(LENDING, "core.public.repayments")
TRANSACTIONS: Final = _source(PAYMENTS, "PAYMENTS.RAW.CARD_TRANSACTIONS")
MERCHANTS: Final = _source(PAYMENTS, "PAYMENTS.RAW.MERCHANTS")
CHARGEBACKS: Final = _source(PAYMENTS, "PAYMENTS.RAW.CHARGEBACKS")
FRAUD_LABELS: Final = _source(PAYMENTS, "PAYMENTS.CURATED.FRAUD_LABELS")


EXPIRED_SNAPSHOT: Final = (LENDING, "core.public.customers", "2025-10-31", 176_905, "2026-01-29")
"""Planted retention violation: a PII extract kept past its expiry (see the module docstring)."""
EXPIRED_SNAPSHOT_UID: Final = _snapshot(*EXPIRED_SNAPSHOT[:3])
LENDING_SNAPSHOTS: Final = [
    _snapshot(LENDING, f"core.public.{table}", SNAPSHOT_DAY) for table in ("customers", "loans", "repayments")
]
FRAUD_SNAPSHOTS: Final = [
    _snapshot(PAYMENTS, "PAYMENTS.RAW.CARD_TRANSACTIONS", "2026-02-28"),
    _snapshot(PAYMENTS, "PAYMENTS.CURATED.FRAUD_LABELS", "2026-02-28"),
]

RISK_TEAM: Final = "team:risk/credit-risk-ds"
FRAUD_TEAM: Final = "team:fraud/fraud-ml"

UNOWNED_ARTIFACT: Final = "featureset:fraud/merchant_profile"
"""Planted: registered by the Feast import before anyone claimed it; no owner, no version yet."""
BEFORE_SUNSET: Final = (
    "featureset:risk/repayment_behaviour@1",
    "2029-12-31",
    "featureset:risk/repayment_behaviour@2",
)
"""Planted: deprecated with a sunset far enough ahead to stay pending for the demo's lifetime."""
PAST_SUNSET: Final = ("featureset:fraud/txn_velocity@1", "2026-09-30", "featureset:fraud/txn_velocity@2")
UNCONSUMED_FEATURE: Final = "feature:risk/repayment_behaviour@1#max_dpd_12m"
"""Planted: credit_default@1 bound only late_payments_12m of repayment_behaviour@1."""


DEV = "environment:global/dev"
PROD = "environment:global/prod"
CREDIT_V2, CREDIT_V3 = "model:risk/credit_default@2", "model:risk/credit_default@3"
FRAUD_V1, FRAUD_V2 = "model:fraud/card_fraud@1", "model:fraud/card_fraud@2"

INCOMPLETE_LINEAGE_IN_PROD: Final = ("model:fraud/card_fraud@1", "deployment:fraud/card_fraud-1-prod")
"""Planted: the first fraud model went to prod with an evaluation that has no baseline."""
PAST_SUNSET_SERVED: Final = (PAST_SUNSET[0], "deployment:fraud/card_fraud-1-prod")
BEFORE_SUNSET_SERVED: Final = (BEFORE_SUNSET[0], "deployment:risk/credit_default-3-dev")
SKEWED_DEPLOYMENT: Final = "deployment:risk/credit_default-3-dev"
"""Planted: serves credit_default@3 from repayment_behaviour@1 though it was trained on @2."""
SKEWED_SERVING: Final = ("featureset:risk/customer_profile@3", BEFORE_SUNSET[0])
PII_PATHS: Final = (
    (CUSTOMERS, "deployment:risk/credit_default-2-prod"),
    (CUSTOMERS, "deployment:risk/credit_default-3-prod-shadow"),
)
"""Planted: the PII customers table reaches both risk deployments in prod."""
UNDER_APPROVED_PROMOTIONS: Final = (
    "deployment:risk/credit_default-2-staging",
    "deployment:risk/credit_default-2-prod",
)
"""Planted: credit_default@2 (HIGH risk) was promoted twice with one approval (alice's) of two."""
DENIED_ACTOR: Final = "dave"
DENIED_REQUEST: Final = (CREDIT_V3, PROD, "deployment:risk/credit_default-3-prod")
"""Planted: dave deploys credit_default@3 straight to prod, live; the promotion and targets
policies refuse it and their decisions are recorded (needs a `Governor`, see `builder.load`)."""
HISTORY_SUBJECT: Final = "featureset:fraud/txn_velocity"
CHANGES_SUBJECT: Final = "model:risk/credit_default"
