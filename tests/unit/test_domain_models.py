from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from lineage_graph.domain import (
    INPUT_MODELS,
    RECORD_MODELS,
    AuditEventInput,
    Classification,
    DatasetSnapshotInput,
    DataSource,
    DataSourceInput,
    DeploymentInput,
    DeploymentMode,
    DomainError,
    Dtype,
    EnvironmentInput,
    ErrorCode,
    EvaluationInput,
    Feature,
    FeatureSetInput,
    FeatureSetVersion,
    FeatureSetVersionInput,
    InvalidInput,
    Kind,
    ModelInput,
    ModelVersionInput,
    PolicyDecisionInput,
    PrincipalInput,
    TeamInput,
    TrainingRunInput,
    TransformInput,
    TransformRunInput,
    validate,
    validation_error_to_domain,
)
from lineage_graph.domain.limits import MAX_DESCRIPTION_LENGTH, MAX_FEATURES_PER_VERSION

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
FSV: dict[str, Any] = {
    "namespace": "risk",
    "name": "customer_profile",
    "version": 3,
    "contract": "1.1.0",
    "store": "redis-prod",
    "features": [
        {"name": "avg_txn_30d", "dtype": "FLOAT64", "description": "Mean amount"},
        {"name": "n_txn_30d", "dtype": "INT64"},
    ],
}
MODEL_VERSION: dict[str, Any] = {
    "namespace": "risk",
    "name": "credit_default",
    "version": 7,
    "artifactUri": "s3://models/credit_default/7",
    "framework": "xgboost",
    "hyperparameters": {"max_depth": 6, "eta": 0.3, "objective": "binary:logistic", "dart": False},
    "randomSeed": 42,
    "trainingScript": {"repo": "https://git.example/risk", "commit": "9fceb02", "path": "train.py"},
    "trainingRun": "trainingrun:risk/credit_default@mlflow-77",
    "inputs": [{"input": "spend", "feature": "feature:risk/customer_profile@3#avg_txn_30d"}],
}

VALID: list[tuple[type[Any], dict[str, Any], str]] = [
    (
        DataSourceInput,
        {
            "namespace": "postgres://wh:5432/",
            "name": "shop.public.orders",
            "classification": "PII",
            "retentionDays": 365,
            "platform": "postgres",
            "schemaFields": [{"name": "Order ID", "dtype": "INT64", "nativeType": "bigint"}],
        },
        "source:postgres%3A%2F%2Fwh%3A5432/shop.public.orders",
    ),
    (
        DatasetSnapshotInput,
        {"namespace": "s3://lake", "name": "orders", "version": "2026-11-01", "rowCount": 10},
        "snapshot:s3%3A%2F%2Flake/orders@2026-11-01",
    ),
    (
        TransformInput,
        {"namespace": "airflow", "name": "etl.orders", "type": "DBT", "sql": "select 1"},
        "transform:airflow/etl.orders",
    ),
    (
        TransformRunInput,
        {"namespace": "airflow", "name": "etl.orders", "runId": "r-1", "state": "COMPLETE"},
        "transformrun:airflow/etl.orders@r-1",
    ),
    (
        FeatureSetInput,
        {
            "namespace": "risk",
            "name": "customer_profile",
            "entities": ["customer_id"],
            "owner": "team:risk/credit",
        },
        "featureset:risk/customer_profile",
    ),
    (FeatureSetVersionInput, FSV, "featureset:risk/customer_profile@3"),
    (
        ModelInput,
        {"namespace": "risk", "name": "credit_default", "riskTier": "HIGH"},
        "model:risk/credit_default",
    ),
    (ModelVersionInput, MODEL_VERSION, "model:risk/credit_default@7"),
    (
        TrainingRunInput,
        {
            "namespace": "risk",
            "name": "credit_default",
            "runId": "mlflow-77",
            "seed": 42,
            "params": {"lr": 0.1},
        },
        "trainingrun:risk/credit_default@mlflow-77",
    ),
    (
        EvaluationInput,
        {
            "namespace": "risk",
            "name": "credit_default-7-holdout",
            "modelVersion": "model:risk/credit_default@7",
            "metrics": {"auc": 0.91, "n": 1000},
            "dataset": "snapshot:s3%3a%2f%2flake/orders@2026-11-01",
        },
        "evaluation:risk/credit_default-7-holdout",
    ),
    (
        EnvironmentInput,
        {"name": "prod", "order": 2, "approvedTargets": ["sagemaker:prod"]},
        "environment:global/prod",
    ),
    (
        DeploymentInput,
        {
            "namespace": "risk",
            "name": "credit_default-prod-2026-11-26T10:00Z",
            "modelVersion": "model:risk/credit_default@7",
            "environment": "environment:global/prod",
            "target": "sagemaker:prod",
            "mode": "CANARY",
            "trafficPercent": 5,
            "servesFrom": ["featureset:risk/customer_profile@3"],
        },
        "deployment:risk/credit_default-prod-2026-11-26T10%3A00Z",
    ),
    (TeamInput, {"namespace": "risk", "name": "credit", "roles": ["owner"]}, "team:risk/credit"),
    (PrincipalInput, {"namespace": "users", "name": "ana", "roles": ["reviewer"]}, "principal:users/ana"),
    (
        PolicyDecisionInput,
        {
            "namespace": "risk",
            "name": "d-1",
            "policy": "lineage_graph.promotion",
            "allow": False,
            "violations": [{"code": "EVAL_BELOW_BASELINE", "message": "auc dropped", "level": "ERROR"}],
            "inputHash": "sha256:ab",
            "actor": "principal:users/ana",
            "at": "2026-11-26T10:00:00Z",
            "aboutUid": "model:risk/credit_default@7",
        },
        "decision:risk/d-1",
    ),
    (
        AuditEventInput,
        {
            "namespace": "risk",
            "name": "42",
            "action": "DEPRECATE",
            "actor": "ana",
            "at": "2026-11-26T10:00:00+01:00",
            "entityUid": "featureset:risk/customer_profile@3",
            "prevHash": "h41",
            "hash": "h42",
        },
        "auditevent:risk/42",
    ),
]


@pytest.mark.parametrize(("model", "payload", "uid"), VALID, ids=[m.__name__ for m, _, _ in VALID])
def test_valid_payloads_and_their_records(model: type[Any], payload: dict[str, Any], uid: str) -> None:
    data = validate(model, payload)
    assert str(data.identity()) == uid
    record_type = RECORD_MODELS[model.KIND]
    record = record_type.from_input(data, created_at=NOW, created_by="ana")
    properties = record.to_properties()
    assert properties["uid"] == uid
    assert properties["kind"] == model.KIND.label
    assert properties["createdAt"] == "2026-11-26T10:00:00Z"
    assert record_type.model_validate(properties) == record
    assert record_type.model_validate({**properties, "futureProperty": 1}) == record
    assert model.model_validate(data.to_properties()) == data


def test_every_kind_has_an_input_and_a_record_model() -> None:
    assert set(INPUT_MODELS) == set(RECORD_MODELS) == set(Kind)
    for kind, model in INPUT_MODELS.items():
        assert model.KIND is kind
        assert issubclass(RECORD_MODELS[kind], model)


def test_python_names_and_camel_case_aliases() -> None:
    by_name = DataSourceInput(namespace="s3://b", name="k", retention_days=30, schema_fields=[])
    by_alias = DataSourceInput.model_validate({"namespace": "s3://b", "name": "k", "retentionDays": 30})
    assert by_name == by_alias
    assert by_name.classification is Classification.INTERNAL
    assert "retentionDays" in by_name.to_properties()
    assert "platform" not in by_name.to_properties()


def test_references_are_canonicalised_and_sources_normalised() -> None:
    evaluation = validate(EvaluationInput, VALID[9][1])
    assert evaluation.dataset == "snapshot:s3%3A%2F%2Flake/orders@2026-11-01"
    source = validate(DataSourceInput, {"namespace": "S3://lake/", "name": "orders"})
    assert source.namespace == "s3://lake"


def test_models_are_frozen() -> None:
    data = validate(FeatureSetVersionInput, FSV)
    with pytest.raises(ValidationError):
        data.version = 4  # type: ignore[misc]


def test_feature_records() -> None:
    data = validate(FeatureSetVersionInput, FSV)
    features = data.feature_records(created_at=NOW, created_by="ana")
    assert [f.uid for f in features] == [
        "feature:risk/customer_profile@3#avg_txn_30d",
        "feature:risk/customer_profile@3#n_txn_30d",
    ]
    assert features[0].dtype is Dtype.FLOAT64
    assert features[0].feature_set == "customer_profile"
    assert str(data.feature_uid("n_txn_30d")) == features[1].uid
    assert Feature.model_validate(features[1].to_properties()) == features[1]


def test_record_uid_must_match_its_identity() -> None:
    data = validate(FeatureSetVersionInput, FSV)
    properties = FeatureSetVersion.from_input(data, created_at=NOW, created_by="ana").to_properties()
    with pytest.raises(InvalidInput) as info:
        validate(FeatureSetVersion, {**properties, "uid": "featureset:risk/customer_profile@4"})
    assert info.value.code == ErrorCode.INVALID_UID
    with pytest.raises(InvalidInput) as info:
        validate(FeatureSetVersion, {**properties, "kind": "FeatureSet"})
    assert info.value.code == ErrorCode.UNEXPECTED_KIND
    with pytest.raises(InvalidInput) as info:
        validate(DataSource, {"namespace": "a", "name": "b", "uid": "source:a/b", "kind": "DataSource"})
    assert info.value.code == ErrorCode.MISSING_FIELD


def features(*items: dict[str, Any]) -> dict[str, Any]:
    return {**FSV, "features": list(items)}


@pytest.mark.parametrize(
    ("model", "payload", "code", "path"),
    [
        (
            FeatureSetVersionInput,
            features({"name": "a", "dtype": "int64"}),
            "INVALID_DTYPE",
            "features[0].dtype",
        ),
        (
            FeatureSetVersionInput,
            features({"name": "a", "dtype": "DECIMAL"}),
            "INVALID_DTYPE",
            "features[0].dtype",
        ),
        (FeatureSetVersionInput, features({"name": "a", "dtype": 3}), "INVALID_DTYPE", "features[0].dtype"),
        (FeatureSetVersionInput, features({"name": "", "dtype": "BOOL"}), "EMPTY_NAME", "features[0].name"),
        (
            FeatureSetVersionInput,
            features({"name": "1a", "dtype": "BOOL"}),
            "INVALID_NAME",
            "features[0].name",
        ),
        (
            FeatureSetVersionInput,
            features({"name": "a-b", "dtype": "BOOL"}),
            "INVALID_NAME",
            "features[0].name",
        ),
        (
            FeatureSetVersionInput,
            features({"name": "a" * 129, "dtype": "BOOL"}),
            "TOO_LARGE",
            "features[0].name",
        ),
        (
            FeatureSetVersionInput,
            features({"name": "a", "dtype": "BOOL", "description": "x" * (MAX_DESCRIPTION_LENGTH + 1)}),
            "TOO_LARGE",
            "features[0].description",
        ),
        (
            FeatureSetVersionInput,
            features(*({"name": f"f{i}", "dtype": "BOOL"} for i in range(MAX_FEATURES_PER_VERSION + 1))),
            "TOO_LARGE",
            "features",
        ),
        (FeatureSetVersionInput, features(), "INVALID_VALUE", "features"),
        (
            FeatureSetVersionInput,
            features({"name": "a", "dtype": "BOOL"}, {"name": "a", "dtype": "INT64"}),
            "DUPLICATE_NAME",
            "features",
        ),
        (FeatureSetVersionInput, {**FSV, "name": ""}, "EMPTY_NAME", "name"),
        (FeatureSetVersionInput, {**FSV, "namespace": "  "}, "EMPTY_NAME", "namespace"),
        (FeatureSetVersionInput, {**FSV, "name": "n" * 513}, "TOO_LARGE", "name"),
        (FeatureSetVersionInput, {**FSV, "version": 0}, "INVALID_VERSION", "version"),
        (FeatureSetVersionInput, {**FSV, "version": "3"}, "INVALID_VERSION", "version"),
        (FeatureSetVersionInput, {**FSV, "version": True}, "INVALID_VERSION", "version"),
        (FeatureSetVersionInput, {**FSV, "contract": "1.1"}, "INVALID_CONTRACT", "contract"),
        (FeatureSetVersionInput, {**FSV, "status": "GONE"}, "INVALID_VALUE", "status"),
        (FeatureSetVersionInput, {**FSV, "sunsetAt": "2027-01-01T00:00:00"}, "INVALID_VALUE", "sunsetAt"),
        (FeatureSetVersionInput, {**FSV, "tags": ["a", "a"]}, "DUPLICATE_NAME", "tags"),
        (FeatureSetVersionInput, {**FSV, "tags": ["a b"]}, "INVALID_NAME", "tags[0]"),
        (FeatureSetVersionInput, {**FSV, "owner": "team:a/b"}, "UNKNOWN_FIELD", "owner"),
        (
            FeatureSetVersionInput,
            {k: v for k, v in FSV.items() if k != "contract"},
            "MISSING_FIELD",
            "contract",
        ),
        (FeatureSetInput, {"namespace": "a", "name": "b", "owner": "model:a/b"}, "UNEXPECTED_KIND", "owner"),
        (FeatureSetInput, {"namespace": "a", "name": "b", "owner": "team:a"}, "INVALID_UID", "owner"),
        (
            FeatureSetInput,
            {"namespace": "a", "name": "b", "entities": ["id", "id"]},
            "DUPLICATE_NAME",
            "entities",
        ),
        (
            ModelVersionInput,
            {**MODEL_VERSION, "inputs": [{"input": "x", "feature": "featureset:risk/customer_profile@3"}]},
            "UNEXPECTED_KIND",
            "inputs[0].feature",
        ),
        (
            ModelVersionInput,
            {**MODEL_VERSION, "inputs": [{"input": "x", "feature": "feature:a/b@1#f"}] * 2},
            "DUPLICATE_NAME",
            "inputs",
        ),
        (
            ModelVersionInput,
            {**MODEL_VERSION, "hyperparameters": {"x": [1]}},
            "INVALID_VALUE",
            "hyperparameters.x",
        ),
        (
            ModelVersionInput,
            {**MODEL_VERSION, "hyperparameters": {"x": float("inf")}},
            "INVALID_VALUE",
            "hyperparameters.x",
        ),
        (ModelVersionInput, {**MODEL_VERSION, "randomSeed": -1}, "INVALID_VALUE", "randomSeed"),
        (ModelVersionInput, {**MODEL_VERSION, "artifactUri": "s3://a b"}, "INVALID_VALUE", "artifactUri"),
        (ModelInput, {"namespace": "a", "name": "b", "riskTier": "EXTREME"}, "INVALID_VALUE", "riskTier"),
        (
            EvaluationInput,
            {"namespace": "a", "name": "e", "modelVersion": "model:a/b@1", "metrics": {"auc": True}},
            "INVALID_VALUE",
            "metrics.auc",
        ),
        (
            EvaluationInput,
            {"namespace": "a", "name": "e", "modelVersion": "model:a/b@1", "metrics": {}},
            "INVALID_VALUE",
            "metrics",
        ),
        (
            DeploymentInput,
            {**VALID[11][1], "trafficPercent": 101},
            "INVALID_VALUE",
            "trafficPercent",
        ),
        (
            DeploymentInput,
            {**VALID[11][1], "shadows": "deployment:risk/live"},
            "INVALID_VALUE",
            "",
        ),
        (
            TransformRunInput,
            {**VALID[3][1], "startedAt": "2026-01-02T00:00:00Z", "endedAt": "2026-01-01T00:00:00Z"},
            "INVALID_VALUE",
            "",
        ),
        (
            DataSourceInput,
            {"namespace": "a", "name": "b", "retentionDays": 0},
            "INVALID_VALUE",
            "retentionDays",
        ),
        (
            DataSourceInput,
            {"namespace": "a", "name": "b", "schemaFields": [{"name": "x\ty", "dtype": "BOOL"}]},
            "INVALID_NAME",
            "schemaFields[0].name",
        ),
    ],
)
def test_validation_errors_have_specific_codes(
    model: type[Any], payload: dict[str, Any], code: str, path: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        validate(model, payload)
    error = info.value
    assert isinstance(error, DomainError)
    assert error.code == code
    assert [(p["path"], p["code"]) for p in error.details["problems"]] == [(path, code)]
    assert error.details["model"] == model.__name__


def test_several_problems_are_all_listed() -> None:
    payload = {**FSV, "name": "", "version": -1, "features": [{"name": "a", "dtype": "X"}], "bogus": 1}
    with pytest.raises(ValidationError) as info:
        FeatureSetVersionInput.model_validate(payload)
    error = validation_error_to_domain(info.value)
    assert error.code == ErrorCode.INVALID_INPUT
    assert sorted((p["path"], p["code"]) for p in error.details["problems"]) == [
        ("bogus", "UNKNOWN_FIELD"),
        ("features[0].dtype", "INVALID_DTYPE"),
        ("name", "EMPTY_NAME"),
        ("version", "INVALID_VERSION"),
    ]
    assert "and 3 more problems" in error.message


def test_shadow_deployment() -> None:
    shadow = validate(
        DeploymentInput,
        {**VALID[11][1], "mode": "SHADOW", "shadows": "deployment:risk/credit_default-prod-live"},
    )
    assert shadow.mode is DeploymentMode.SHADOW
    assert shadow.traffic_percent == 5.0
