"""The demo catalog that `make up` loads: a credit-risk and a card-fraud example.

Two warehouses (Postgres for lending, Snowflake for payments) and their sources (customers
are PII), four transforms, three feature sets with two or three versions each (one breaking
change, one version deprecated past its sunset with a replacement), two models with three
and two versions, their training runs, snapshots and evaluations against baselines, and
deployments in dev, staging and prod, including a shadow in prod. Everything goes through
`CatalogService`, so the demo is audited like any client's writes, and loading it again
changes nothing (every write is an identical re-send).

The loader is trusted (no policy gates), so the demo keeps the governance problems a real
catalog accumulates; a full compliance scan (`lineage-graph policies scan`) finds at least one
violation of every package:

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

Each named audit in ``cypher/audits/`` finds exactly the case planted for it (constants below,
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
  given a `Governor`: a decision is OPA's, never written by hand);
- ``high_risk_promotions_lacking_approvals``: `UNDER_APPROVED_PROMOTIONS`;
- ``features_never_consumed``: `UNCONSUMED_FEATURE`;
- ``version_history``: `HISTORY_SUBJECT`; ``entity_changes``: `CHANGES_SUBJECT`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import (
    Classification,
    DatasetSnapshotInput,
    DataSourceInput,
    DeploymentInput,
    DeploymentMode,
    EvaluationInput,
    FeatureSetInput,
    FeatureSetVersionInput,
    ModelInput,
    ModelVersionInput,
    RiskTier,
    RunState,
    TrainingRunInput,
    TransformInput,
    TransformRunInput,
    TransformType,
    dataset_uid,
    snapshot_uid,
    validate,
)
from lineage_graph.services import bootstrap
from lineage_graph.services.catalog.queries import CatalogQueries
from lineage_graph.services.catalog.service import (
    CatalogService,
    ModelVersionRegistration,
    Publication,
    TransformRegistration,
    TransformRunRecord,
    default_deployment_name,
)
from lineage_graph.services.errors import PolicyDenied
from lineage_graph.services.governance.decisions import decisions_about
from lineage_graph.services.governance.gates import Gates

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.services.governance.decisions import Governor

LOADER: Final = "demo-loader"
REVIEWERS: Final = ("alice", "carol")

LENDING: Final = "postgres://finance-wh.internal:5432"
PAYMENTS: Final = "snowflake://acme-payments.eu-west-1"
SNAPSHOT_DAY: Final = "2026-01-31"


def _source_uid(namespace: str, name: str) -> str:
    return dataset_uid(namespace, name).format()


def _snapshot_uid(namespace: str, name: str, version: str) -> str:
    return snapshot_uid(namespace, name, version).format()


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


STORY_DAY: Final = _at("2026-11-26")
"""The day the demo's story is told: past every planted expiry and sunset but the pending one.
Nodes are stamped with the loader's real clock; audits with a time window take it as ``asOf``."""


SOURCES: Final[list[dict[str, Any]]] = [
    {
        "namespace": LENDING,
        "name": "core.public.customers",
        "classification": Classification.PII,
        "retentionDays": 2555,
        "platform": "postgres",
        "description": "Borrowers: identity, contact details and employment.",
        "schemaFields": [
            {"name": "customer_id", "dtype": "INT64"},
            {"name": "birth_date", "dtype": "DATE"},
            {"name": "email", "dtype": "STRING"},
            {"name": "employer", "dtype": "STRING"},
            {"name": "annual_income", "dtype": "FLOAT64"},
        ],
    },
    {
        "namespace": LENDING,
        "name": "core.public.loans",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 3650,
        "platform": "postgres",
        "description": "Loan contracts and their outstanding balances.",
        "schemaFields": [
            {"name": "loan_id", "dtype": "INT64"},
            {"name": "customer_id", "dtype": "INT64"},
            {"name": "principal", "dtype": "FLOAT64"},
            {"name": "defaulted", "dtype": "BOOL"},
        ],
    },
    {
        "namespace": LENDING,
        "name": "core.public.repayments",
        "classification": Classification.INTERNAL,
        "retentionDays": 3650,
        "platform": "postgres",
        "description": "Every scheduled and actual repayment.",
        "schemaFields": [
            {"name": "loan_id", "dtype": "INT64"},
            {"name": "due_date", "dtype": "DATE"},
            {"name": "days_past_due", "dtype": "INT32"},
        ],
    },
    {
        "namespace": PAYMENTS,
        "name": "PAYMENTS.RAW.CARD_TRANSACTIONS",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 730,
        "platform": "snowflake",
        "description": "Card authorisations streamed from the switch.",
        "schemaFields": [
            {"name": "card_id", "dtype": "INT64"},
            {"name": "merchant_id", "dtype": "INT64"},
            {"name": "amount", "dtype": "FLOAT64"},
            {"name": "authorised_at", "dtype": "TIMESTAMP"},
        ],
    },
    {
        "namespace": PAYMENTS,
        "name": "PAYMENTS.RAW.MERCHANTS",
        "classification": Classification.PUBLIC,
        "platform": "snowflake",
        "description": "Merchant registry with category codes.",
        "schemaFields": [
            {"name": "merchant_id", "dtype": "INT64"},
            {"name": "mcc", "dtype": "STRING"},
        ],
    },
    {
        "namespace": PAYMENTS,
        "name": "PAYMENTS.RAW.CHARGEBACKS",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 1825,
        "platform": "snowflake",
        "description": "Chargebacks reported by issuers: the fraud labels' origin.",
        "schemaFields": [
            {"name": "card_id", "dtype": "INT64"},
            {"name": "authorised_at", "dtype": "TIMESTAMP"},
            {"name": "reason", "dtype": "STRING"},
        ],
    },
    {
        "namespace": PAYMENTS,
        "name": "PAYMENTS.CURATED.FRAUD_LABELS",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 1825,
        "platform": "snowflake",
        "description": "Transactions labelled fraudulent or not (training target).",
        "schemaFields": [
            {"name": "card_id", "dtype": "INT64"},
            {"name": "authorised_at", "dtype": "TIMESTAMP"},
            {"name": "is_fraud", "dtype": "BOOL"},
        ],
    },
]

CUSTOMERS = _source_uid(LENDING, "core.public.customers")
LOANS = _source_uid(LENDING, "core.public.loans")
REPAYMENTS = _source_uid(LENDING, "core.public.repayments")
TRANSACTIONS = _source_uid(PAYMENTS, "PAYMENTS.RAW.CARD_TRANSACTIONS")
MERCHANTS = _source_uid(PAYMENTS, "PAYMENTS.RAW.MERCHANTS")
CHARGEBACKS = _source_uid(PAYMENTS, "PAYMENTS.RAW.CHARGEBACKS")
FRAUD_LABELS = _source_uid(PAYMENTS, "PAYMENTS.CURATED.FRAUD_LABELS")

SNAPSHOTS: Final = [
    (LENDING, "core.public.customers", SNAPSHOT_DAY, 182_340),
    (LENDING, "core.public.loans", SNAPSHOT_DAY, 96_112),
    (LENDING, "core.public.repayments", SNAPSHOT_DAY, 2_410_877),
    (PAYMENTS, "PAYMENTS.RAW.CARD_TRANSACTIONS", "2026-02-28", 48_221_904),
    (PAYMENTS, "PAYMENTS.CURATED.FRAUD_LABELS", "2026-02-28", 48_221_904),
]
EXPIRED_SNAPSHOT: Final = (LENDING, "core.public.customers", "2025-10-31", 176_905, "2026-01-29")
"""Planted retention violation: a PII extract kept past its expiry (see the module docstring)."""
EXPIRED_SNAPSHOT_UID: Final = _snapshot_uid(*EXPIRED_SNAPSHOT[:3])
LENDING_SNAPSHOTS = [_snapshot_uid(ns, name, day) for ns, name, day, _ in SNAPSHOTS[:3]]
FRAUD_SNAPSHOTS = [_snapshot_uid(ns, name, day) for ns, name, day, _ in SNAPSHOTS[3:]]

TRANSFORMS: Final = [
    (
        {
            "namespace": "dbt://finance",
            "name": "customer_profile_daily",
            "type": TransformType.DBT,
            "codeRef": {
                "repo": "https://git.acme.test/data/finance-dbt",
                "commit": "4e1f0a2",
                "path": "models/customer_profile.sql",
            },
            "description": "Daily customer profile: age, income, employment, debt ratio.",
        },
        (CUSTOMERS, LOANS),
        (),
    ),
    (
        {
            "namespace": "airflow://risk",
            "name": "repayment_behaviour",
            "type": TransformType.PYTHON,
            "codeRef": {
                "repo": "https://git.acme.test/risk/pipelines",
                "commit": "b7c9d11",
                "path": "repayment.py",
            },
            "description": "Late-payment statistics over the last twelve months.",
        },
        (LOANS, REPAYMENTS),
        (),
    ),
    (
        {
            "namespace": "spark://payments",
            "name": "txn_velocity_hourly",
            "type": TransformType.SPARK,
            "codeRef": {
                "repo": "https://git.acme.test/payments/streaming",
                "commit": "91aa3f0",
                "path": "velocity.scala",
            },
            "description": "Hourly transaction counts and amounts per card, with merchant risk.",
        },
        (TRANSACTIONS, MERCHANTS),
        (),
    ),
    (
        {
            "namespace": "dbt://payments",
            "name": "chargeback_labels",
            "type": TransformType.SQL,
            "sql": "SELECT t.card_id, t.authorised_at, c.card_id IS NOT NULL AS is_fraud\n"
            "FROM PAYMENTS.RAW.CARD_TRANSACTIONS t\n"
            "LEFT JOIN PAYMENTS.RAW.CHARGEBACKS c USING (card_id, authorised_at)",
            "description": "Joins chargebacks onto transactions to label fraud.",
        },
        (TRANSACTIONS, CHARGEBACKS),
        (FRAUD_LABELS,),
    ),
]

RISK_TEAM = "team:risk/credit-risk-ds"
FRAUD_TEAM = "team:fraud/fraud-ml"

PROFILE_V1 = [
    {"name": "age", "dtype": "INT64", "description": "Age in years at scoring time."},
    {"name": "annual_income", "dtype": "FLOAT64", "description": "Declared annual income (EUR)."},
    {"name": "employment_years", "dtype": "INT32", "description": "Years with the current employer."},
]
PROFILE_V2 = [
    *PROFILE_V1,
    {"name": "debt_to_income", "dtype": "FLOAT64", "description": "Outstanding debt / income."},
]
PROFILE_V3 = [
    {**f, "dtype": "FLOAT32", "description": "Years with the current employer (fractional)."}
    if f["name"] == "employment_years"
    else f
    for f in PROFILE_V2
]
REPAYMENT_V1 = [
    {"name": "late_payments_12m", "dtype": "INT32", "description": "Late repayments, last 12 months."},
    {"name": "max_dpd_12m", "dtype": "INT32", "description": "Max days past due, last 12 months."},
]
REPAYMENT_V2 = [
    {**f, "description": f["description"] + " Counts only instalments above 10 EUR."} for f in REPAYMENT_V1
]
VELOCITY_V1 = [
    {"name": "txn_count_1h", "dtype": "INT64", "description": "Authorisations in the last hour."},
    {"name": "txn_amount_1h", "dtype": "FLOAT64", "description": "Amount authorised in the last hour."},
]
VELOCITY_V2 = [
    *VELOCITY_V1,
    {"name": "merchant_risk_score", "dtype": "FLOAT64", "description": "Merchant chargeback rate."},
]

FEATURE_SETS: Final = [
    (
        "risk",
        "customer_profile",
        ["customer_id"],
        RISK_TEAM,
        "Who the borrower is.",
        "transform:dbt%3A%2F%2Ffinance/customer_profile_daily",
        [CUSTOMERS, LOANS],
        [(1, "1.0.0", PROFILE_V1), (2, "1.1.0", PROFILE_V2), (3, "2.0.0", PROFILE_V3)],
    ),
    (
        "risk",
        "repayment_behaviour",
        ["customer_id"],
        RISK_TEAM,
        "How the borrower repays.",
        "transform:airflow%3A%2F%2Frisk/repayment_behaviour",
        [LOANS, REPAYMENTS],
        [(1, "1.0.0", REPAYMENT_V1), (2, "1.0.1", REPAYMENT_V2)],
    ),
    (
        "fraud",
        "txn_velocity",
        ["card_id"],
        FRAUD_TEAM,
        "How fast a card is spending.",
        "transform:spark%3A%2F%2Fpayments/txn_velocity_hourly",
        [TRANSACTIONS, MERCHANTS],
        [(1, "1.0.0", VELOCITY_V1), (2, "1.1.0", VELOCITY_V2)],
    ),
]


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


def _features(namespace: str, name: str, version: int, inputs: list[str]) -> list[dict[str, str]]:
    return [{"input": i, "feature": f"feature:{namespace}/{name}@{version}#{i}"} for i in inputs]


MODELS: Final = [
    (
        "risk",
        "credit_default",
        RiskTier.HIGH,
        RISK_TEAM,
        "Probability of default within 12 months of origination.",
    ),
    ("fraud", "card_fraud", RiskTier.MEDIUM, FRAUD_TEAM, "Real-time card fraud score."),
]
CREDIT_INPUTS = ["age", "annual_income", "employment_years"]
MODEL_VERSIONS: Final = [
    (
        "risk",
        "credit_default",
        1,
        "xgboost",
        {"max_depth": 5, "eta": 0.3, "n_estimators": 300},
        17,
        _features("risk", "customer_profile", 1, CREDIT_INPUTS)
        + _features("risk", "repayment_behaviour", 1, ["late_payments_12m"]),
        "mlflow-5b1c",
        "2026-02-02",
        LENDING_SNAPSHOTS,
        {"auc": 0.781, "ks": 0.412},
    ),
    (
        "risk",
        "credit_default",
        2,
        "xgboost",
        {"max_depth": 6, "eta": 0.2, "n_estimators": 500},
        17,
        _features("risk", "customer_profile", 2, [*CREDIT_INPUTS, "debt_to_income"])
        + _features("risk", "repayment_behaviour", 2, ["late_payments_12m", "max_dpd_12m"]),
        "mlflow-7d20",
        "2026-03-10",
        LENDING_SNAPSHOTS,
        {"auc": 0.812, "ks": 0.447},
    ),
    (
        "risk",
        "credit_default",
        3,
        "lightgbm",
        {"num_leaves": 63, "learning_rate": 0.05, "n_estimators": 800},
        23,
        _features("risk", "customer_profile", 3, [*CREDIT_INPUTS, "debt_to_income"])
        + _features("risk", "repayment_behaviour", 2, ["late_payments_12m", "max_dpd_12m"]),
        "mlflow-9e41",
        "2026-05-18",
        LENDING_SNAPSHOTS,
        {"auc": 0.829, "ks": 0.463},
    ),
    (
        "fraud",
        "card_fraud",
        1,
        "pytorch",
        {"hidden": 128, "dropout": 0.2, "epochs": 12},
        7,
        _features("fraud", "txn_velocity", 1, ["txn_count_1h", "txn_amount_1h"]),
        "mlflow-f001",
        "2026-03-01",
        FRAUD_SNAPSHOTS,
        {"auc": 0.936, "recall_at_1pct_fpr": 0.58},
    ),
    (
        "fraud",
        "card_fraud",
        2,
        "pytorch",
        {"hidden": 256, "dropout": 0.25, "epochs": 15},
        7,
        _features("fraud", "txn_velocity", 2, ["txn_count_1h", "txn_amount_1h", "merchant_risk_score"]),
        "mlflow-f002",
        "2026-04-12",
        FRAUD_SNAPSHOTS,
        {"auc": 0.951, "recall_at_1pct_fpr": 0.64},
    ),
]

DEV = "environment:global/dev"
PROD = "environment:global/prod"

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
DENIED_REQUEST: Final = ("model:risk/credit_default@3", PROD, "deployment:risk/credit_default-3-prod")
"""Planted: dave deploys credit_default@3 straight to prod, live; the promotion and targets
policies refuse it and their decisions are recorded (needs a `Governor`, see `load`)."""
HISTORY_SUBJECT: Final = "featureset:fraud/txn_velocity"
CHANGES_SUBJECT: Final = "model:risk/credit_default"


async def load(graph: Graph, governor: Governor | None = None) -> int:
    """Load (or re-send) the demo catalog; returns the number of catalog nodes afterwards.

    With a `governor` (OPA holding the policies), also plant `DENIED_REQUEST` once: a refused
    request leaves only its recorded decisions.
    """
    await bootstrap.ensure_environments(graph)
    catalog = CatalogService(graph)
    await _data(catalog)
    await _features_catalog(catalog)
    await _models(catalog)
    await _serving(catalog)
    if governor is not None:
        await _denied_request(graph, governor)
    nodes, _ = await CatalogQueries(graph).counts()
    return nodes


async def _data(catalog: CatalogService) -> None:
    await catalog.register_data_sources([validate(DataSourceInput, s) for s in SOURCES], actor=LOADER)
    await catalog.register_dataset_snapshots(
        [
            DatasetSnapshotInput(
                namespace=ns,
                name=name,
                version=day,
                row_count=rows,
                content_hash=f"sha256-{name.lower()}-{day}",
                expires_at=_at(expires) if expires else None,
            )
            for ns, name, day, rows, expires in [*((*s, None) for s in SNAPSHOTS), EXPIRED_SNAPSHOT]
        ],
        actor=LOADER,
    )
    await catalog.register_transforms(
        [
            TransformRegistration(validate(TransformInput, t), reads, writes)
            for t, reads, writes in TRANSFORMS
        ],
        actor=LOADER,
    )
    await catalog.record_transform_runs(
        [
            TransformRunRecord(
                TransformRunInput(
                    namespace="dbt://payments",
                    name="chargeback_labels",
                    run_id="2026-02-28T02:00",
                    state=RunState.COMPLETE,
                    started_at=_at("2026-02-28T02:00:00"),
                    ended_at=_at("2026-02-28T02:14:00"),
                ),
                reads=(TRANSACTIONS, CHARGEBACKS),
                writes=(FRAUD_LABELS,),
            )
        ],
        actor=LOADER,
    )


async def _features_catalog(catalog: CatalogService) -> None:
    await catalog.register_feature_sets(
        [
            FeatureSetInput(namespace=ns, name=name, entities=entities, owner=owner, description=doc)
            for ns, name, entities, owner, doc, *_ in FEATURE_SETS
        ]
        + [
            FeatureSetInput(
                namespace="fraud",
                name="merchant_profile",
                entities=["merchant_id"],
                description="Merchant category and chargeback history (imported from Feast, unowned).",
            )
        ],
        actor=LOADER,
    )
    for ns, name, _, _, doc, producer, sources, versions in FEATURE_SETS:
        for version, contract, features in versions:
            publication = Publication(
                validate(
                    FeatureSetVersionInput,
                    {
                        "namespace": ns,
                        "name": name,
                        "version": version,
                        "contract": contract,
                        "store": "redis-online",
                        "description": doc,
                        "features": features,
                    },
                ),
                produced_by=producer,
                sources=tuple(sources),
            )
            await catalog.publish_feature_set_version(publication, actor=LOADER)
    for deprecated, sunset, replacement in (PAST_SUNSET, BEFORE_SUNSET):
        await catalog.deprecate(deprecated, actor=LOADER, sunset_at=_at(sunset), replacement=replacement)


async def _models(catalog: CatalogService) -> None:
    await catalog.register_models(
        [
            ModelInput(namespace=ns, name=name, risk_tier=tier, owner=owner, description=doc)
            for ns, name, tier, owner, doc in MODELS
        ],
        actor=LOADER,
    )
    for ns, name, version, framework, params, seed, inputs, run_id, day, datasets, metrics in MODEL_VERSIONS:
        model_version = validate(
            ModelVersionInput,
            {
                "namespace": ns,
                "name": name,
                "version": version,
                "artifactUri": f"s3://acme-models/{ns}/{name}/{version}/model.bin",
                "framework": framework,
                "hyperparameters": params,
                "randomSeed": seed,
                "trainingScript": {
                    "repo": f"https://git.acme.test/{ns}/models",
                    "commit": f"{run_id[-4:]}c0de",
                    "path": "train.py",
                },
                "inputs": inputs,
            },
        )
        run = TrainingRunInput(
            namespace=ns,
            name=name,
            run_id=run_id,
            params={**params, "seed": seed},
            seed=seed,
            started_at=_at(f"{day}T08:00:00"),
            ended_at=_at(f"{day}T09:30:00"),
            external_ref=f"mlflow://tracking.acme.test/runs/{run_id}",
        )
        await catalog.register_model_version(
            ModelVersionRegistration(model_version, run, tuple(datasets)), actor=LOADER
        )
        uid = model_version.identity().format()
        baseline = f"evaluation:{ns}/{name}-{version - 1}-holdout" if version > 1 else None
        await catalog.record_evaluation(
            EvaluationInput(
                namespace=ns,
                name=f"{name}-{version}-holdout",
                model_version=uid,
                metrics=metrics,
                dataset=datasets[0],
                baseline=baseline,
                description="Out-of-time holdout evaluation.",
            ),
            actor=LOADER,
        )
    await catalog.deprecate(
        "model:risk/credit_default@1",
        actor=LOADER,
        sunset_at=_at("2027-03-31"),
        replacement="model:risk/credit_default@2",
    )


def _deployment(
    model_version: str,
    environment: str,
    target: str,
    mode: DeploymentMode = DeploymentMode.LIVE,
    **extra: Any,
) -> DeploymentInput:
    namespace = model_version.split(":", 1)[1].split("/", 1)[0]
    return DeploymentInput(
        namespace=namespace,
        name=default_deployment_name(model_version, environment, mode),
        model_version=model_version,
        environment=environment,
        target=target,
        mode=mode,
        **extra,
    )


async def _serving(catalog: CatalogService) -> None:
    credit_v2, credit_v3 = "model:risk/credit_default@2", "model:risk/credit_default@3"
    fraud_v1, fraud_v2 = "model:fraud/card_fraud@1", "model:fraud/card_fraud@2"
    await catalog.deploy(_deployment(credit_v2, DEV, "k8s-dev"), actor=LOADER)
    staging = await catalog.promote("deployment:risk/credit_default-2-dev", actor=LOADER)
    prod = await catalog.promote(staging.record.uid, actor=LOADER)
    await catalog.deploy(
        _deployment(credit_v3, DEV, "k8s-dev", serves_from=list(SKEWED_SERVING)), actor=LOADER
    )
    await catalog.deploy(
        _deployment(
            credit_v3, PROD, "k8s-prod", DeploymentMode.SHADOW, traffic_percent=0.0, shadows=prod.record.uid
        ),
        actor=LOADER,
    )
    await catalog.deploy(_deployment(fraud_v1, PROD, "sagemaker-prod"), actor=LOADER)
    await catalog.deploy(_deployment(fraud_v2, DEV, "k8s-dev"), actor=LOADER)
    await catalog.promote("deployment:fraud/card_fraud-2-dev", actor=LOADER)
    alice, carol = REVIEWERS
    await catalog.approve(credit_v2, actor=alice, comment="Backtest and fairness review passed.")
    await catalog.approve(prod.record.uid, actor=carol, comment="Prod rollout approved by model risk.")
    await catalog.approve(fraud_v2, actor=carol, comment="Recall gain confirmed on February data.")


async def _denied_request(graph: Graph, governor: Governor) -> None:
    model_version, environment, deployment = DENIED_REQUEST
    if any(d.actor == DENIED_ACTOR for d in await decisions_about(graph, deployment)):
        return
    gated = CatalogService(graph, gates=Gates(governor))
    try:
        await gated.deploy(_deployment(model_version, environment, "k8s-prod"), actor=DENIED_ACTOR)
    except PolicyDenied:
        return
    msg = f"the policies let {DENIED_ACTOR} deploy {deployment}; the demo expects a refusal"
    raise RuntimeError(msg)
