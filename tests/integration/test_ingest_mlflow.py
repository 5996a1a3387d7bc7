"""``lineage-graph import mlflow URL`` and ``POST /api/v1/webhooks/mlflow`` against a real mlflow server.

The server runs from its own virtual environment (mlflow pins an older graphql-core than
strawberry); runs, datasets and registered models are made by a script in that environment
with MLflow's own client, and lineage-graph talks to the server over REST only.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from typing import TYPE_CHECKING

import httpx
import pytest
from pydantic import SecretStr

from lineage_graph.ingest.mlflow import sign
from tests.integration.test_ingest_catalog import cli
from tests.integration.test_ingest_helpers import count_nodes, edges, mlflow_server, node, served

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings
    from tests.integration.test_ingest_helpers import MlflowServer

pytestmark = pytest.mark.integration

SECRET = "s3cr3t-for-tests"
PRODUCER = r"""
import os, mlflow, pandas as pd
from mlflow.data.pandas_dataset import from_pandas

model = os.environ["MODEL"]
client = mlflow.MlflowClient()
if os.environ.get("WEBHOOK_URL"):
    client.create_webhook(
        name=f"lineage-graph-{model}",
        url=os.environ["WEBHOOK_URL"],
        events=["registered_model.created", "model_version.created", "model_version_alias.created"],
        secret=os.environ["WEBHOOK_SECRET"],
    )
mlflow.set_experiment(f"exp-{model}")
df = pd.DataFrame({"age": [30, 40, 50], "income": [1.0, 2.0, 3.0], "label": [0, 1, 0]})
client.create_registered_model(model, tags={"risk_tier": "HIGH", "owner": "team:risk/ds", "domain": "lending"},
                               description="Credit default model.")
for n, lr in enumerate((0.1, 0.05), start=1):
    with mlflow.start_run(run_name=f"train-{n}") as run:
        mlflow.log_params({"learning_rate": lr, "max_depth": 5, "seed": 42})
        mlflow.log_metrics({"auc": 0.9 + n / 100, "logloss": 0.3})
        mlflow.set_tags({"mlflow.source.git.repoURL": "https://git.example.com/risk/models.git",
                         "mlflow.source.git.commit": f"a1b2c3{n}", "mlflow.source.name": "train.py",
                         "framework": "sklearn"})
        mlflow.log_input(from_pandas(df, source="s3://risk-data/training/credit.parquet", name="train",
                                     targets="label"), context="training")
        mlflow.log_input(from_pandas(df.head(2), source="s3://risk-data/holdout/credit.parquet", name="holdout",
                                     targets="label"), context="evaluation")
    mv = client.create_model_version(model, source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id)
client.set_registered_model_alias(model, "champion", mv.version)
print(run.info.run_id)
"""


@pytest.fixture(scope="module")
def mlflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    with mlflow_server(tmp_path_factory.mktemp("mlflow")) as server:
        yield server


def produce(server: MlflowServer, model: str, **env: str) -> str:
    result = subprocess.run(
        [str(server.venv / "bin" / "python"), "-c", PRODUCER],
        env={**os.environ, "MLFLOW_TRACKING_URI": server.url, "MODEL": model, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


async def test_import_mlflow_models_versions_runs_datasets_and_metrics(
    mlflow: MlflowServer, settings: Settings, graph: Graph
) -> None:
    last_run = await asyncio.to_thread(produce, mlflow, "credit_default")
    code, out, err = await cli(settings, "import", "mlflow", mlflow.url, "--namespace", "risk")
    assert code == 0, err
    assert "version(s)" in out

    model = await node(graph, "model:risk/credit_default")
    assert model["riskTier"] == "HIGH"
    assert model["description"] == "Credit default model."
    assert "alias:champion=2" in model["tags"]
    assert "domain=lending" in model["tags"]
    assert [e["to"] for e in await edges(graph, model["uid"], "OWNED_BY")] == ["team:risk/ds"]

    v2 = await node(graph, "model:risk/credit_default@2")
    assert v2["artifactUri"].endswith(f"{last_run}/artifacts/model")
    assert v2["framework"] == "sklearn"
    assert json.loads(v2["hyperparametersJson"]) == {"learning_rate": "0.05", "max_depth": "5", "seed": "42"}
    assert v2["randomSeed"] == 42
    assert (v2["trainingScriptRepo"], v2["trainingScriptCommit"]) == (
        "https://git.example.com/risk/models.git",
        "a1b2c32",
    )
    run_uid = f"trainingrun:risk/credit_default@{last_run}"
    assert [e["to"] for e in await edges(graph, v2["uid"], "PRODUCED_BY")] == [run_uid]
    run = await node(graph, run_uid)
    assert run["seed"] == 42
    assert run["externalRef"].startswith(f"mlflow:{mlflow.url}#/experiments/")
    assert {"startedAt", "endedAt"} <= set(run)
    reads = [e["to"] for e in await edges(graph, run_uid, "READS")]
    assert len(reads) == 1
    assert reads[0].startswith("snapshot:s3%3A%2F%2Frisk-data/training%2Fcredit.parquet@")
    snapshot = await node(graph, reads[0])
    assert snapshot["rowCount"] == 3
    source = await node(graph, "source:s3%3A%2F%2Frisk-data/training%2Fcredit.parquet")
    assert [f["dtype"] for f in json.loads(source["schemaFieldsJson"])] == ["INT64", "FLOAT64", "INT64"]

    evaluation = await node(graph, "evaluation:risk/credit_default-2-mlflow")
    assert json.loads(evaluation["metricsJson"]) == {"auc": 0.92, "logloss": 0.3}
    on = [e["to"] for e in await edges(graph, evaluation["uid"], "ON")]
    assert on[0].startswith("snapshot:s3%3A%2F%2Frisk-data/holdout%2Fcredit.parquet@")
    assert [e["to"] for e in await edges(graph, evaluation["uid"], "EVALUATES")] == [v2["uid"]]

    nodes = await count_nodes(graph)
    again, out, _ = await cli(settings, "import", "mlflow", mlflow.url, "--namespace", "risk")
    assert again == 0
    assert ": 0 written" in out
    assert await count_nodes(graph) == nodes
    down, _, err = await cli(settings, "import", "mlflow", "http://127.0.0.1:9")
    assert down == 1
    assert err.startswith("error: MLflow at http://127.0.0.1:9 does not answer")


async def wait_for(graph: Graph, uid: str, seconds: float = 90) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return await node(graph, uid)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def test_webhooks_keep_the_catalog_current_and_bad_signatures_get_401(
    mlflow: MlflowServer, settings: Settings, graph: Graph
) -> None:
    configured = settings.model_copy(
        update={"mlflow_webhook_secret": SecretStr(SECRET), "mlflow_url": mlflow.url}
    )
    with served(configured) as url:
        hook = f"{url}/api/v1/webhooks/mlflow"
        body = json.dumps(
            {"entity": "model_version", "action": "created", "data": {"name": "x", "version": "1"}}
        )
        async with httpx.AsyncClient() as http:
            stamp = str(int(time.time()))
            for headers in (
                {},
                {"X-MLflow-Delivery-Id": "d1", "X-MLflow-Timestamp": stamp, "X-MLflow-Signature": "v1,AAAA"},
                {
                    "X-MLflow-Delivery-Id": "d1",
                    "X-MLflow-Timestamp": stamp,
                    "X-MLflow-Signature": sign("wrong secret", "d1", stamp, body.encode()),
                },
                {
                    "X-MLflow-Delivery-Id": "d1",
                    "X-MLflow-Timestamp": "1000",
                    "X-MLflow-Signature": sign(SECRET, "d1", "1000", body.encode()),
                },
            ):
                response = await http.post(
                    hook, content=body, headers={"Content-Type": "application/json", **headers}
                )
                assert response.status_code == 401, response.text
                assert response.json()["code"] == "BAD_SIGNATURE"
        assert await count_nodes(graph) == 0

        await asyncio.to_thread(produce, mlflow, "fraud_model", WEBHOOK_URL=hook, WEBHOOK_SECRET=SECRET)
        v2 = await wait_for(graph, "model:mlflow/fraud_model@2")
        assert v2["randomSeed"] == 42
        deadline = time.monotonic() + 60
        while "alias:champion=2" not in (await node(graph, "model:mlflow/fraud_model"))["tags"]:
            assert time.monotonic() < deadline, "the alias webhook did not arrive"
            await asyncio.sleep(0.5)
