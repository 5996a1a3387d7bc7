"""Models, model versions, training runs and evaluations through /graphql."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph.graph import audit_store
from tests import graphql_client

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

REFUSAL = (
    "... on Refusal { code message } ... on InvalidInput { problems { path code } } "
    "... on NotFound { uids } ... on Conflict { differences { path stored incoming } } "
    "... on IncompatibleFeatures { incompatibilities { input feature reason expectedDtype actualDtype } } "
    "... on VersionNotMonotonic { latestVersion }"
)
REGISTER_VERSION = (
    "mutation($i: ModelVersionInput!, $r: TrainingRunInput) { registerModelVersion(input: $i, run: $r) { "
    "__typename ... on ModelVersionRegistered { outcome modelVersion { uid randomSeed hyperparameters "
    "trainingScript { repo commit } inputs { input dtype feature { uid } } trainingRun { uid } model { uid } } "
    "trainingRun { uid ... on TrainingRun { seed params datasets { uid } features { uid } } } } "
    f"{REFUSAL} }} }}"
)
SNAPSHOT = "snapshot:s3%3A%2F%2Flake/loans@2026-01"
MODEL_VERSION: dict[str, Any] = {
    "namespace": "risk",
    "name": "credit_default",
    "version": 1,
    "artifactUri": "s3://models/credit_default/1",
    "framework": "xgboost",
    "hyperparameters": {"max_depth": 6, "eta": 0.3},
    "randomSeed": 42,
    "trainingScript": {"repo": "https://git.example/risk", "commit": "9fceb02", "path": "train.py"},
    "inputs": [
        {"input": "age", "feature": "feature:risk/profile@1#age", "dtype": "INT64"},
        {"input": "income", "feature": "feature:risk/profile@1#income"},
    ],
}
RUN: dict[str, Any] = {"runId": "mlflow-77", "seed": 42, "params": {"lr": 0.1}, "datasets": [SNAPSHOT]}


gql = partial(graphql_client.gql, actor="alice")


async def register_version(
    client: httpx.AsyncClient, version: dict[str, Any], run: dict[str, Any] | None = RUN
) -> dict[str, Any]:
    return dict((await gql(client, REGISTER_VERSION, i=version, r=run))["registerModelVersion"])


async def labels(graph: Graph) -> dict[str, int]:
    rows = await graph.read("queries/search_all", {"kinds": None, "skip": 0, "limit": 10_000})
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["props"]["kind"]] = counts.get(row["props"]["kind"], 0) + 1
    return counts


async def audit_count(graph: Graph) -> int:
    head = await audit_store.chain_head(graph)
    return head.seq if head else 0


@pytest.fixture
async def catalog(client: httpx.AsyncClient) -> None:
    """A feature set with one version, a snapshot to train on, and a model."""
    await gql(
        client, 'mutation { registerFeatureSet(input: {namespace: "risk", name: "profile"}) { __typename } }'
    )
    version = {
        "namespace": "risk",
        "name": "profile",
        "version": 1,
        "contract": "1.0.0",
        "features": [
            {"name": "age", "dtype": "INT64"},
            {"name": "income", "dtype": "FLOAT64"},
            {"name": "tenure", "dtype": "INT32"},
        ],
    }
    result = await gql(
        client,
        "mutation($i: FeatureSetVersionInput!) { publishFeatureSetVersion(input: $i) { __typename } }",
        i=version,
    )
    assert result["publishFeatureSetVersion"]["__typename"] == "Published"
    await gql(
        client,
        'mutation { registerDataSource(input: {namespace: "s3://lake", name: "loans"}) { __typename } }',
    )
    await gql(
        client,
        'mutation { registerDatasetSnapshot(input: {namespace: "s3://lake", name: "loans", version: "2026-01"}) '
        "{ __typename } }",
    )
    model = await gql(
        client,
        'mutation { registerModel(input: {namespace: "risk", name: "credit_default", riskTier: HIGH}) '
        "{ __typename ... on Written { outcome } } }",
    )
    assert model["registerModel"]["outcome"] == "CREATED"


async def test_register_model_idempotent_and_updated(client: httpx.AsyncClient) -> None:
    mutation = (
        "mutation($i: ModelInput!) { registerModel(input: $i) { __typename "
        f"... on Written {{ outcome node {{ ... on Model {{ riskTier }} }} }} {REFUSAL} }} }}"
    )
    model = {"namespace": "risk", "name": "m", "riskTier": "LOW"}
    assert (await gql(client, mutation, i=model))["registerModel"]["outcome"] == "CREATED"
    assert (await gql(client, mutation, i=model))["registerModel"]["outcome"] == "UNCHANGED"
    updated = (await gql(client, mutation, i={**model, "riskTier": "HIGH"}))["registerModel"]
    assert (updated["outcome"], updated["node"]["riskTier"]) == ("UPDATED", "HIGH")
    empty = (await gql(client, mutation, i={**model, "name": ""}))["registerModel"]
    assert empty["code"] == "EMPTY_NAME"
    batch = await gql(
        client,
        "mutation($i: [ModelInput!]!) { registerModels(inputs: $i) { __typename ... on BatchWritten { created unchanged } } }",
        i=[{**model, "riskTier": "HIGH"}, {**model, "name": "n"}],
    )
    assert batch["registerModels"] == {"__typename": "BatchWritten", "created": 1, "unchanged": 1}


async def test_register_model_version_binds_inputs_and_records_the_training_run(
    client: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    created = await register_version(client, MODEL_VERSION)
    assert created["outcome"] == "CREATED"
    mv = created["modelVersion"]
    assert mv["uid"] == "model:risk/credit_default@1"
    assert mv["hyperparameters"] == {"max_depth": 6, "eta": 0.3}
    assert mv["trainingScript"] == {"repo": "https://git.example/risk", "commit": "9fceb02"}
    assert mv["inputs"] == [
        {"input": "age", "dtype": "INT64", "feature": {"uid": "feature:risk/profile@1#age"}},
        {"input": "income", "dtype": "FLOAT64", "feature": {"uid": "feature:risk/profile@1#income"}},
    ]
    assert mv["trainingRun"] == {"uid": "trainingrun:risk/credit_default@mlflow-77"}
    assert mv["model"] == {"uid": "model:risk/credit_default"}
    run = created["trainingRun"]
    assert run["datasets"] == [{"uid": SNAPSHOT}]
    assert {f["uid"] for f in run["features"]} == {
        "feature:risk/profile@1#age",
        "feature:risk/profile@1#income",
    }
    again = await register_version(client, MODEL_VERSION)
    assert (again["outcome"], again["trainingRun"]["uid"]) == ("UNCHANGED", run["uid"])
    props = (await graph.read_rows("queries/nodes_by_uid", {"uids": [mv["uid"]]}))[0]["props"]
    assert (props["randomSeed"], props["trainingScriptRepo"], props["trainingScriptCommit"]) == (
        42,
        "https://git.example/risk",
        "9fceb02",
    )
    assert props["hyperparametersJson"] == '{"eta":0.3,"max_depth":6}'


async def test_a_changed_model_version_is_refused_with_differences(
    client: httpx.AsyncClient, catalog: None
) -> None:
    await register_version(client, MODEL_VERSION)
    refused = await register_version(client, {**MODEL_VERSION, "randomSeed": 7})
    assert refused["code"] == "IMMUTABLE_CONFLICT"
    assert refused["differences"] == [{"path": "randomSeed", "stored": 42, "incoming": 7}]
    run_changed = await register_version(client, MODEL_VERSION, {**RUN, "seed": 1})
    assert run_changed["code"] == "IMMUTABLE_CONFLICT"


async def test_a_missing_feature_leaves_nothing_behind(
    client: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    before, events = await labels(graph), await audit_count(graph)
    inputs = [*MODEL_VERSION["inputs"], {"input": "x", "feature": "feature:risk/profile@1#missing"}]
    refused = await register_version(client, {**MODEL_VERSION, "inputs": inputs})
    assert (refused["code"], refused["uids"]) == ("NOT_FOUND", ["feature:risk/profile@1#missing"])
    assert await labels(graph) == before
    assert await audit_count(graph) == events


async def test_a_dtype_mismatch_is_refused_with_the_inputs(
    client: httpx.AsyncClient, graph: Graph, catalog: None
) -> None:
    inputs = [{"input": "age", "feature": "feature:risk/profile@1#age", "dtype": "FLOAT64"}]
    refused = await register_version(client, {**MODEL_VERSION, "inputs": inputs})
    assert refused["code"] == "INCOMPATIBLE_FEATURES"
    assert refused["incompatibilities"] == [
        {
            "input": "age",
            "feature": "feature:risk/profile@1#age",
            "reason": "DTYPE_MISMATCH",
            "expectedDtype": "FLOAT64",
            "actualDtype": "INT64",
        }
    ]
    bad_dtype = await register_version(client, {**MODEL_VERSION, "inputs": [{**inputs[0], "dtype": "FLOAT"}]})
    assert bad_dtype["code"] == "INVALID_DTYPE"
    assert "ModelVersion" not in await labels(graph)


async def test_a_failure_after_the_writes_rolls_everything_back(
    client: httpx.AsyncClient, graph: Graph, catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, events = await labels(graph), await audit_count(graph)

    async def broken(*args: object, **kwargs: object) -> None:
        msg = "disk full"
        raise RuntimeError(msg)

    monkeypatch.setattr(audit_store, "append_events", broken)
    response = await client.post(
        "/graphql", json={"query": REGISTER_VERSION, "variables": {"i": MODEL_VERSION, "r": RUN}}
    )
    assert response.json()["errors"][0]["message"] == "disk full"
    monkeypatch.undo()
    assert await labels(graph) == before
    assert await audit_count(graph) == events


async def test_model_version_numbers_only_grow(client: httpx.AsyncClient, catalog: None) -> None:
    await register_version(client, {**MODEL_VERSION, "version": 2}, {**RUN, "runId": "r2"})
    refused = await register_version(client, MODEL_VERSION)
    assert (refused["code"], refused["latestVersion"]) == ("VERSION_NOT_MONOTONIC", 2)
    missing_model = await register_version(client, {**MODEL_VERSION, "name": "nope"}, None)
    assert missing_model["code"] == "NOT_FOUND"
    malformed = await register_version(
        client, {**MODEL_VERSION, "inputs": [{"input": "a", "feature": "feature:risk/x"}]}
    )
    assert malformed["code"] == "INVALID_UID"


async def test_evaluations_with_baselines(client: httpx.AsyncClient, catalog: None) -> None:
    await register_version(client, MODEL_VERSION)
    mutation = (
        "mutation($i: EvaluationInput!) { recordEvaluation(input: $i) { __typename ... on Written { outcome node "
        "{ uid ... on Evaluation { metrics modelVersion { uid } dataset { uid } baseline { uid } } } } "
        f"{REFUSAL} }} }}"
    )
    base = {
        "namespace": "risk",
        "name": "cd-1-holdout",
        "modelVersion": "model:risk/credit_default@1",
        "metrics": {"auc": 0.81},
        "dataset": SNAPSHOT,
    }
    created = (await gql(client, mutation, i=base))["recordEvaluation"]
    assert created["outcome"] == "CREATED"
    assert created["node"]["metrics"] == {"auc": 0.81}
    assert (await gql(client, mutation, i=base))["recordEvaluation"]["outcome"] == "UNCHANGED"
    changed = (await gql(client, mutation, i={**base, "metrics": {"auc": 0.9}}))["recordEvaluation"]
    assert changed["code"] == "IMMUTABLE_CONFLICT"
    second = {
        **base,
        "name": "cd-1-holdout-b",
        "metrics": {"auc": 0.83},
        "baseline": "evaluation:risk/cd-1-holdout",
    }
    compared = (await gql(client, mutation, i=second))["recordEvaluation"]
    assert compared["node"]["baseline"] == {"uid": "evaluation:risk/cd-1-holdout"}
    missing = await gql(
        client, mutation, i={**base, "name": "x", "modelVersion": "model:risk/credit_default@9"}
    )
    assert missing["recordEvaluation"]["code"] == "NOT_FOUND"
    empty = (await gql(client, mutation, i={**base, "name": "y", "metrics": {}}))["recordEvaluation"]
    assert (empty["code"], empty["problems"]) == (
        "INVALID_VALUE",
        [{"path": "metrics", "code": "INVALID_VALUE"}],
    )


async def test_compatible_feature_set_versions(client: httpx.AsyncClient, catalog: None) -> None:
    await register_version(client, MODEL_VERSION)
    publish = "mutation($i: FeatureSetVersionInput!) { publishFeatureSetVersion(input: $i) { __typename } }"
    base = {
        "namespace": "risk",
        "name": "profile",
        "features": [
            {"name": "age", "dtype": "INT64"},
            {"name": "income", "dtype": "FLOAT64"},
            {"name": "tenure", "dtype": "INT32"},
        ],
    }
    await gql(
        client,
        publish,
        i={
            **base,
            "version": 2,
            "contract": "1.1.0",
            "features": [*base["features"], {"name": "x", "dtype": "BOOL"}],
        },
    )
    await gql(
        client,
        publish,
        i={
            **base,
            "version": 3,
            "contract": "2.0.0",
            "features": [{"name": "age", "dtype": "INT32"}, {"name": "income", "dtype": "FLOAT64"}],
        },
    )
    query = "query($mv: String!) { compatibleFeatureSetVersions(modelVersion: $mv) { uid } }"
    data = await gql(client, query, mv="model:risk/credit_default@1")
    assert [v["uid"] for v in data["compatibleFeatureSetVersions"]] == [
        "featureset:risk/profile@2",
        "featureset:risk/profile@1",
    ]
    response = await client.post("/graphql", json={"query": query, "variables": {"mv": "model:risk/nope@1"}})
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
