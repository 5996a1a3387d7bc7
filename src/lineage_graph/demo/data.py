"""The demo catalog as records: a credit-risk and a card-fraud example (`make up` loads it).

Two warehouses (Postgres for lending, Snowflake for payments) and their sources (customers
are PII), four transforms, three feature sets with two or three versions each (one breaking
change, one version deprecated past its sunset with a replacement), two models with three
and two versions, their training runs, snapshots and evaluations against baselines, and
deployments in dev, staging and prod, including a shadow in prod. The names, and the cases
planted for the audits and policies, are `demo.story`'s.

`CATALOG` is every write, in the order `demo.builder` sends it to `CatalogService` (dependency
order: what a record references comes earlier). A record is a `Step`: the service method, its
payload in the API's camelCase (validated by the domain models) and the actor.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

from lineage_graph.demo import story
from lineage_graph.domain import Classification, DeploymentMode, RiskTier, RunState, TransformType

Payload = dict[str, Any]


class Step(NamedTuple):
    """One `CatalogService` call: the method's name, its payload and the actor sending it."""

    call: str
    payload: Any
    actor: str = story.LOADER


def _columns(spec: str) -> list[dict[str, str]]:
    return [dict(zip(("name", "dtype"), column.split(), strict=True)) for column in spec.split(", ")]


SOURCES: Final[list[Payload]] = [
    {
        "namespace": story.LENDING,
        "name": "core.public.customers",
        "classification": Classification.PII,
        "retentionDays": 2555,
        "platform": "postgres",
        "description": "Borrowers: identity, contact details and employment.",
        "schemaFields": _columns(
            "customer_id INT64, birth_date DATE, email STRING, employer STRING, annual_income FLOAT64"
        ),
    },
    {
        "namespace": story.LENDING,
        "name": "core.public.loans",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 3650,
        "platform": "postgres",
        "description": "Loan contracts and their outstanding balances.",
        "schemaFields": _columns("loan_id INT64, customer_id INT64, principal FLOAT64, defaulted BOOL"),
    },
    {
        "namespace": story.LENDING,
        "name": "core.public.repayments",
        "classification": Classification.INTERNAL,
        "retentionDays": 3650,
        "platform": "postgres",
        "description": "Every scheduled and actual repayment.",
        "schemaFields": _columns("loan_id INT64, due_date DATE, days_past_due INT32"),
    },
    {
        "namespace": story.PAYMENTS,
        "name": "PAYMENTS.RAW.CARD_TRANSACTIONS",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 730,
        "platform": "snowflake",
        "description": "Card authorisations streamed from the switch.",
        "schemaFields": _columns("card_id INT64, merchant_id INT64, amount FLOAT64, authorised_at TIMESTAMP"),
    },
    {
        "namespace": story.PAYMENTS,
        "name": "PAYMENTS.RAW.MERCHANTS",
        "classification": Classification.PUBLIC,
        "platform": "snowflake",
        "description": "Merchant registry with category codes.",
        "schemaFields": [{"name": "merchant_id", "dtype": "INT64"}, {"name": "mcc", "dtype": "STRING"}],
    },
    {
        "namespace": story.PAYMENTS,
        "name": "PAYMENTS.RAW.CHARGEBACKS",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 1825,
        "platform": "snowflake",
        "description": "Chargebacks reported by issuers: the fraud labels' origin.",
        "schemaFields": _columns("card_id INT64, authorised_at TIMESTAMP, reason STRING"),
    },
    {
        "namespace": story.PAYMENTS,
        "name": "PAYMENTS.CURATED.FRAUD_LABELS",
        "classification": Classification.CONFIDENTIAL,
        "retentionDays": 1825,
        "platform": "snowflake",
        "description": "Transactions labelled fraudulent or not (training target).",
        "schemaFields": _columns("card_id INT64, authorised_at TIMESTAMP, is_fraud BOOL"),
    },
]


def _code(repo: str, commit: str, path: str) -> dict[str, str]:
    return {"repo": repo, "commit": commit, "path": path}


def _snapshot(namespace: str, name: str, day: str, rows: int, expires: str | None = None) -> Payload:
    snapshot = {
        "namespace": namespace,
        "name": name,
        "version": day,
        "rowCount": rows,
        "contentHash": f"sha256-{name.lower()}-{day}",
    }
    return {**snapshot, "expiresAt": story.at(expires)} if expires else snapshot


SNAPSHOTS: Final = [
    _snapshot(story.LENDING, "core.public.customers", story.SNAPSHOT_DAY, 182_340),
    _snapshot(story.LENDING, "core.public.loans", story.SNAPSHOT_DAY, 96_112),
    _snapshot(story.LENDING, "core.public.repayments", story.SNAPSHOT_DAY, 2_410_877),
    _snapshot(story.PAYMENTS, "PAYMENTS.RAW.CARD_TRANSACTIONS", "2026-02-28", 48_221_904),
    _snapshot(story.PAYMENTS, "PAYMENTS.CURATED.FRAUD_LABELS", "2026-02-28", 48_221_904),
    _snapshot(*story.EXPIRED_SNAPSHOT),
]
TRANSFORMS: Final[list[Payload]] = [
    {
        "transform": {
            "namespace": "dbt://finance",
            "name": "customer_profile_daily",
            "type": TransformType.DBT,
            "codeRef": _code(
                "https://git.acme.test/data/finance-dbt", "4e1f0a2", "models/customer_profile.sql"
            ),
            "description": "Daily customer profile: age, income, employment, debt ratio.",
        },
        "reads": [story.CUSTOMERS, story.LOANS],
    },
    {
        "transform": {
            "namespace": "airflow://risk",
            "name": "repayment_behaviour",
            "type": TransformType.PYTHON,
            "codeRef": _code("https://git.acme.test/risk/pipelines", "b7c9d11", "repayment.py"),
            "description": "Late-payment statistics over the last twelve months.",
        },
        "reads": [story.LOANS, story.REPAYMENTS],
    },
    {
        "transform": {
            "namespace": "spark://payments",
            "name": "txn_velocity_hourly",
            "type": TransformType.SPARK,
            "codeRef": _code("https://git.acme.test/payments/streaming", "91aa3f0", "velocity.scala"),
            "description": "Hourly transaction counts and amounts per card, with merchant risk.",
        },
        "reads": [story.TRANSACTIONS, story.MERCHANTS],
    },
    {
        "transform": {
            "namespace": "dbt://payments",
            "name": "chargeback_labels",
            "type": TransformType.SQL,
            "sql": "SELECT t.card_id, t.authorised_at, c.card_id IS NOT NULL AS is_fraud\n"
            "FROM PAYMENTS.RAW.CARD_TRANSACTIONS t\n"
            "LEFT JOIN PAYMENTS.RAW.CHARGEBACKS c USING (card_id, authorised_at)",
            "description": "Joins chargebacks onto transactions to label fraud.",
        },
        "reads": [story.TRANSACTIONS, story.CHARGEBACKS],
        "writes": [story.FRAUD_LABELS],
    },
]
TRANSFORM_RUNS: Final[list[Payload]] = [
    {
        "run": {
            "namespace": "dbt://payments",
            "name": "chargeback_labels",
            "runId": "2026-02-28T02:00",
            "state": RunState.COMPLETE,
            "startedAt": story.at("2026-02-28T02:00:00"),
            "endedAt": story.at("2026-02-28T02:14:00"),
        },
        "reads": [story.TRANSACTIONS, story.CHARGEBACKS],
        "writes": [story.FRAUD_LABELS],
    }
]

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


RISK_PROFILE = "transform:dbt%3A%2F%2Ffinance/customer_profile_daily"
RISK_REPAYMENT = "transform:airflow%3A%2F%2Frisk/repayment_behaviour"
FRAUD_VELOCITY = "transform:spark%3A%2F%2Fpayments/txn_velocity_hourly"
FEATURE_SETS: Final[list[Payload]] = [
    {
        "namespace": "risk",
        "name": "customer_profile",
        "entities": ["customer_id"],
        "owner": story.RISK_TEAM,
        "description": "Who the borrower is.",
    },
    {
        "namespace": "risk",
        "name": "repayment_behaviour",
        "entities": ["customer_id"],
        "owner": story.RISK_TEAM,
        "description": "How the borrower repays.",
    },
    {
        "namespace": "fraud",
        "name": "txn_velocity",
        "entities": ["card_id"],
        "owner": story.FRAUD_TEAM,
        "description": "How fast a card is spending.",
    },
    {
        "namespace": "fraud",
        "name": "merchant_profile",
        "entities": ["merchant_id"],
        "description": "Merchant category and chargeback history (imported from Feast, unowned).",
    },
]


def _publication(
    of: Payload, version: int, contract: str, features: list[Any], by: str, sources: list[str]
) -> Step:
    published = {
        "namespace": of["namespace"],
        "name": of["name"],
        "version": version,
        "contract": contract,
        "store": "redis-online",
        "description": of["description"],
        "features": features,
    }
    return Step("publish_feature_set_version", {"version": published, "producedBy": by, "sources": sources})


PROFILE, REPAYMENT, VELOCITY, _ = FEATURE_SETS
PUBLICATIONS: Final = [
    _publication(PROFILE, 1, "1.0.0", PROFILE_V1, RISK_PROFILE, [story.CUSTOMERS, story.LOANS]),
    _publication(PROFILE, 2, "1.1.0", PROFILE_V2, RISK_PROFILE, [story.CUSTOMERS, story.LOANS]),
    _publication(PROFILE, 3, "2.0.0", PROFILE_V3, RISK_PROFILE, [story.CUSTOMERS, story.LOANS]),
    _publication(REPAYMENT, 1, "1.0.0", REPAYMENT_V1, RISK_REPAYMENT, [story.LOANS, story.REPAYMENTS]),
    _publication(REPAYMENT, 2, "1.0.1", REPAYMENT_V2, RISK_REPAYMENT, [story.LOANS, story.REPAYMENTS]),
    _publication(VELOCITY, 1, "1.0.0", VELOCITY_V1, FRAUD_VELOCITY, [story.TRANSACTIONS, story.MERCHANTS]),
    _publication(VELOCITY, 2, "1.1.0", VELOCITY_V2, FRAUD_VELOCITY, [story.TRANSACTIONS, story.MERCHANTS]),
]


def _deprecation(version: str, sunset: str, replacement: str) -> Step:
    return Step("deprecate", {"uid": version, "sunsetAt": story.at(sunset), "replacement": replacement})


MODELS: Final[list[Payload]] = [
    {
        "namespace": "risk",
        "name": "credit_default",
        "riskTier": RiskTier.HIGH,
        "owner": story.RISK_TEAM,
        "description": "Probability of default within 12 months of origination.",
    },
    {
        "namespace": "fraud",
        "name": "card_fraud",
        "riskTier": RiskTier.MEDIUM,
        "owner": story.FRAUD_TEAM,
        "description": "Real-time card fraud score.",
    },
]


def _features(namespace: str, name: str, version: int, inputs: list[str]) -> list[dict[str, str]]:
    return [{"input": i, "feature": f"feature:{namespace}/{name}@{version}#{i}"} for i in inputs]


def _trained(model: str, version: int, framework: str, seed: int, run_id: str, day: str) -> list[Step]:
    """Registering a version with its training run, then its holdout evaluation."""
    ns, name = model.split("/")
    params, inputs, metrics = HYPERPARAMETERS[run_id], INPUTS[run_id], METRICS[run_id]
    datasets = story.LENDING_SNAPSHOTS if ns == "risk" else story.FRAUD_SNAPSHOTS
    registration = {
        "version": {
            "namespace": ns,
            "name": name,
            "version": version,
            "artifactUri": f"s3://acme-models/{ns}/{name}/{version}/model.bin",
            "framework": framework,
            "hyperparameters": params,
            "randomSeed": seed,
            "trainingScript": _code(f"https://git.acme.test/{ns}/models", f"{run_id[-4:]}c0de", "train.py"),
            "inputs": inputs,
        },
        "run": {
            "namespace": ns,
            "name": name,
            "runId": run_id,
            "params": {**params, "seed": seed},
            "seed": seed,
            "startedAt": story.at(f"{day}T08:00:00"),
            "endedAt": story.at(f"{day}T09:30:00"),
            "externalRef": f"mlflow://tracking.acme.test/runs/{run_id}",
        },
        "datasets": datasets,
    }
    evaluation = {
        "namespace": ns,
        "name": f"{name}-{version}-holdout",
        "modelVersion": f"model:{model}@{version}",
        "metrics": metrics,
        "dataset": datasets[0],
        "baseline": f"evaluation:{model}-{version - 1}-holdout" if version > 1 else None,
        "description": "Out-of-time holdout evaluation.",
    }
    return [Step("register_model_version", registration), Step("record_evaluation", evaluation)]


CREDIT_INPUTS = ["age", "annual_income", "employment_years"]
CREDIT_V1_INPUTS = [
    *_features("risk", "customer_profile", 1, CREDIT_INPUTS),
    *_features("risk", "repayment_behaviour", 1, ["late_payments_12m"]),
]
REPAYMENT_V2_INPUTS = _features("risk", "repayment_behaviour", 2, ["late_payments_12m", "max_dpd_12m"])
FRAUD_V1_INPUTS = _features("fraud", "txn_velocity", 1, ["txn_count_1h", "txn_amount_1h"])
FRAUD_V2_INPUTS = _features(
    "fraud", "txn_velocity", 2, ["txn_count_1h", "txn_amount_1h", "merchant_risk_score"]
)
HYPERPARAMETERS: Final[dict[str, dict[str, Any]]] = {
    "mlflow-5b1c": {"max_depth": 5, "eta": 0.3, "n_estimators": 300},
    "mlflow-7d20": {"max_depth": 6, "eta": 0.2, "n_estimators": 500},
    "mlflow-9e41": {"num_leaves": 63, "learning_rate": 0.05, "n_estimators": 800},
    "mlflow-f001": {"hidden": 128, "dropout": 0.2, "epochs": 12},
    "mlflow-f002": {"hidden": 256, "dropout": 0.25, "epochs": 15},
}
INPUTS: Final = {
    "mlflow-5b1c": CREDIT_V1_INPUTS,
    "mlflow-7d20": _features("risk", "customer_profile", 2, [*CREDIT_INPUTS, "debt_to_income"])
    + REPAYMENT_V2_INPUTS,
    "mlflow-9e41": _features("risk", "customer_profile", 3, [*CREDIT_INPUTS, "debt_to_income"])
    + REPAYMENT_V2_INPUTS,
    "mlflow-f001": FRAUD_V1_INPUTS,
    "mlflow-f002": FRAUD_V2_INPUTS,
}
METRICS: Final = {
    "mlflow-5b1c": {"auc": 0.781, "ks": 0.412},
    "mlflow-7d20": {"auc": 0.812, "ks": 0.447},
    "mlflow-9e41": {"auc": 0.829, "ks": 0.463},
    "mlflow-f001": {"auc": 0.936, "recall_at_1pct_fpr": 0.58},
    "mlflow-f002": {"auc": 0.951, "recall_at_1pct_fpr": 0.64},
}
TRAINING: Final = [  # model, version, framework, seed, MLflow run, day; the run's facts above
    *_trained("risk/credit_default", 1, "xgboost", 17, "mlflow-5b1c", "2026-02-02"),
    *_trained("risk/credit_default", 2, "xgboost", 17, "mlflow-7d20", "2026-03-10"),
    *_trained("risk/credit_default", 3, "lightgbm", 23, "mlflow-9e41", "2026-05-18"),
    *_trained("fraud/card_fraud", 1, "pytorch", 7, "mlflow-f001", "2026-03-01"),
    *_trained("fraud/card_fraud", 2, "pytorch", 7, "mlflow-f002", "2026-04-12"),
]


def _deployment(model_version: str, environment: str, target: str, **extra: Any) -> Step:
    namespace, rest = model_version.split(":", 1)[1].split("/", 1)
    name, version = rest.split("@")
    suffix = f"-{extra['mode'].value.lower()}" if "mode" in extra else ""
    deployment = {
        "namespace": namespace,
        "name": f"{name}-{version}-{environment.rsplit('/', 1)[1]}{suffix}",
        "modelVersion": model_version,
        "environment": environment,
        "target": target,
        **extra,
    }
    return Step("deploy", deployment)


SERVING: Final = [
    _deployment(story.CREDIT_V2, story.DEV, "k8s-dev"),
    Step("promote", {"uid": "deployment:risk/credit_default-2-dev"}),
    Step("promote", {"uid": "deployment:risk/credit_default-2-staging"}),
    _deployment(story.CREDIT_V3, story.DEV, "k8s-dev", servesFrom=list(story.SKEWED_SERVING)),
    _deployment(
        story.CREDIT_V3,
        story.PROD,
        "k8s-prod",
        mode=DeploymentMode.SHADOW,
        trafficPercent=0.0,
        shadows="deployment:risk/credit_default-2-prod",
    ),
    _deployment(story.FRAUD_V1, story.PROD, "sagemaker-prod"),
    _deployment(story.FRAUD_V2, story.DEV, "k8s-dev"),
    Step("promote", {"uid": "deployment:fraud/card_fraud-2-dev"}),
    Step(
        "approve",
        {"uid": story.CREDIT_V2, "comment": "Backtest and fairness review passed."},
        story.REVIEWERS[0],
    ),
    Step(
        "approve",
        {"uid": "deployment:risk/credit_default-2-prod", "comment": "Prod rollout approved by model risk."},
        story.REVIEWERS[1],
    ),
    Step(
        "approve",
        {"uid": story.FRAUD_V2, "comment": "Recall gain confirmed on February data."},
        story.REVIEWERS[1],
    ),
]

CATALOG: Final[list[Step]] = [
    Step("register_data_sources", SOURCES),
    Step("register_dataset_snapshots", SNAPSHOTS),
    Step("register_transforms", TRANSFORMS),
    Step("record_transform_runs", TRANSFORM_RUNS),
    Step("register_feature_sets", FEATURE_SETS),
    *PUBLICATIONS,
    _deprecation(*story.PAST_SUNSET),
    _deprecation(*story.BEFORE_SUNSET),
    Step("register_models", MODELS),
    *TRAINING,
    _deprecation("model:risk/credit_default@1", "2027-03-31", "model:risk/credit_default@2"),
    *SERVING,
]
"""The demo catalog: every write, in the order it is sent."""

DENIED_STEP: Final = _deployment(story.CREDIT_V3, story.PROD, "k8s-prod")._replace(actor=story.DENIED_ACTOR)
"""The planted refused request (`DENIED_REQUEST`), sent through the policy gates."""
