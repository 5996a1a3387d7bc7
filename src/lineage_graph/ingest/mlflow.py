"""MLflow's model registry and tracking server → Model, ModelVersion, TrainingRun, Evaluation, snapshots.

Talks to MLflow's REST API (``/api/2.0/mlflow/...``) with httpx; the mlflow package is not
needed. For each registered model (in the namespace given, ``mlflow`` by default):

- Model: description; ``riskTier`` from the tag ``risk_tier`` (LOW/MEDIUM/HIGH, else
  MEDIUM); ``owner`` from the tag ``owner``; other tags as ``key=value``; aliases as
  ``alias:<alias>=<version>`` tags (aliases move, so they live on the mutable model);
- each ModelVersion: ``artifactUri`` (MLflow ``source``), ``framework`` (tag ``framework``
  of the version or its run), hyperparameters (the run's params), ``randomSeed`` (param or
  tag ``seed``, ``random_seed`` or ``random_state``), training script (the run's
  ``mlflow.source.git.repoURL``/``commit`` and ``mlflow.source.name``);
- its TrainingRun ``trainingrun:<ns>/<model>@<run id>``: params, seed, start and end,
  ``externalRef`` ``mlflow:<tracking URL>#/experiments/<id>/runs/<run id>``; the run's
  dataset inputs become DataSources (an OpenLineage-style name from the dataset's URI) and
  DatasetSnapshots ``@<digest>`` (row count from the profile) that the run READS;
- an Evaluation ``<model>-<version>-mlflow`` with the run's latest metrics, ON the run's
  evaluation dataset (context ``evaluation``, ``validation`` or ``test``) when there is one.

Everything goes through `CatalogService`, so a re-import changes nothing. MLflow registry
webhooks (`verify_signature`, `WebhookHandler`) keep the catalog current between imports.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import httpx

from lineage_graph.domain import (
    CodeRef,
    DatasetSnapshotInput,
    DataSourceInput,
    EvaluationInput,
    InvalidInput,
    Kind,
    ModelInput,
    ModelVersionInput,
    RiskTier,
    SchemaField,
    TrainingRunInput,
    Uid,
)
from lineage_graph.ingest.dtypes import dtype_of
from lineage_graph.ingest.lineage_writer import owner_uid
from lineage_graph.services.catalog.queries import CatalogQueries
from lineage_graph.services.catalog.service import CatalogService, ModelVersionRegistration, Outcome

if TYPE_CHECKING:
    from lineage_graph.graph import Graph

DEFAULT_NAMESPACE: Final = "mlflow"
PAGE: Final = 100
SEED_KEYS: Final = ("seed", "random_seed", "random_state")
EVALUATION_CONTEXTS: Final = frozenset({"evaluation", "eval", "validation", "test", "holdout"})
SIGNATURE_HEADER: Final = "X-MLflow-Signature"
TIMESTAMP_HEADER: Final = "X-MLflow-Timestamp"
DELIVERY_HEADER: Final = "X-MLflow-Delivery-Id"
MAX_CLOCK_SKEW_SECONDS: Final = 300


class MlflowError(Exception):
    """MLflow did not answer as its REST API says it should."""


class MlflowRest:
    """The few MLflow REST calls the importer needs."""

    def __init__(self, url: str, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self.http.get(
                f"{self.url}/api/2.0/mlflow/{path}", params=params, headers=self.headers
            )
        except httpx.HTTPError as exc:
            msg = f"MLflow at {self.url} does not answer: {exc}"
            raise MlflowError(msg) from exc
        if response.status_code == 404:
            return {}
        if response.status_code != 200:
            msg = f"MLflow {path} answered {response.status_code}: {response.text[:300]}"
            raise MlflowError(msg)
        body = response.json()
        return body if isinstance(body, dict) else {}

    async def _pages(self, path: str, key: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            body = await self._get(
                path, {**params, "max_results": PAGE, **({"page_token": token} if token else {})}
            )
            out += body.get(key, [])
            token = body.get("next_page_token")
            if not token:
                return out

    async def registered_models(self) -> list[dict[str, Any]]:
        return await self._pages("registered-models/search", "registered_models", {})

    async def registered_model(self, name: str) -> dict[str, Any] | None:
        return (await self._get("registered-models/get", {"name": name})).get("registered_model")

    async def model_versions(self, name: str) -> list[dict[str, Any]]:
        escaped = name.replace("'", "\\'")
        return await self._pages("model-versions/search", "model_versions", {"filter": f"name='{escaped}'"})

    async def model_version(self, name: str, version: str) -> dict[str, Any] | None:
        return (await self._get("model-versions/get", {"name": name, "version": version})).get(
            "model_version"
        )

    async def run(self, run_id: str) -> dict[str, Any] | None:
        return (await self._get("runs/get", {"run_id": run_id})).get("run")


def _tags(items: list[dict[str, Any]] | dict[str, Any] | None) -> dict[str, str]:
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    return {str(t["key"]): str(t.get("value", "")) for t in items or []}


def _tag_text(key: str, value: str) -> str:
    text = f"{key}={value}" if value else key
    return "".join("_" if ch.isspace() else ch for ch in text)[:128]


def _ms(value: Any) -> datetime | None:
    if value in (None, "", 0, "0"):
        return None
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def _seed(*maps: dict[str, str]) -> int | None:
    for values in maps:
        for key in SEED_KEYS:
            text = values.get(key)
            if text is not None and text.strip().isdigit():
                return int(text.strip())
    return None


@dataclass
class DatasetRef:
    source: DataSourceInput
    snapshot: DatasetSnapshotInput
    context: str


def _dataset(entry: dict[str, Any]) -> DatasetRef | None:
    dataset = entry.get("dataset") or {}
    context = _tags(entry.get("tags")).get("mlflow.data.context", "training").lower()
    digest = dataset.get("digest")
    if not digest:
        return None
    try:
        source = json.loads(dataset.get("source") or "{}")
    except json.JSONDecodeError:
        source = {}
    uri = source.get("uri") or source.get("url") or source.get("path") if isinstance(source, dict) else None
    if isinstance(uri, str) and "://" in uri:
        parts = urlsplit(uri)
        namespace, name = (
            f"{parts.scheme}://{parts.netloc}",
            parts.path.lstrip("/") or dataset.get("name", "dataset"),
        )
    else:
        namespace, name = "mlflow-dataset", str(uri or dataset.get("name") or "dataset")
    fields: list[SchemaField] = []
    try:
        schema = json.loads(dataset.get("schema") or "{}").get("mlflow_colspec") or []
        fields = [
            SchemaField(name=c["name"], dtype=dtype_of(c.get("type")), native_type=c.get("type"))
            for c in schema
            if c.get("name")
        ]
    except (json.JSONDecodeError, AttributeError, TypeError):
        fields = []
    try:
        rows = json.loads(dataset.get("profile") or "{}").get("num_rows")
    except (json.JSONDecodeError, AttributeError):
        rows = None
    platform = urlsplit(namespace).scheme or dataset.get("source_type")
    return DatasetRef(
        DataSourceInput(namespace=namespace, name=name, platform=platform, schema_fields=fields),
        DatasetSnapshotInput(
            namespace=namespace,
            name=name,
            version=str(digest),
            row_count=rows if isinstance(rows, int) else None,
        ),
        context,
    )


def model_input(registered: dict[str, Any], namespace: str) -> ModelInput:
    tags = _tags(registered.get("tags"))
    tier = tags.pop("risk_tier", "").upper()
    owner = tags.pop("owner", "")
    texts = [_tag_text(k, v) for k, v in sorted(tags.items()) if not k.startswith("mlflow.")]
    texts += [
        f"alias:{a['alias']}={a['version']}"
        for a in sorted(registered.get("aliases") or [], key=lambda a: a["alias"])
    ]
    return ModelInput(
        namespace=namespace,
        name=registered["name"],
        description=registered.get("description") or "",
        tags=list(dict.fromkeys(texts))[:64],
        risk_tier=RiskTier(tier) if tier in RiskTier.__members__ else RiskTier.MEDIUM,
        owner=owner_uid(owner) if owner else None,
    )


@dataclass
class VersionPlan:
    version: ModelVersionInput
    run: TrainingRunInput | None
    datasets: list[DatasetRef] = field(default_factory=list)
    evaluation: EvaluationInput | None = None


def version_plan(
    mv: dict[str, Any], run: dict[str, Any] | None, namespace: str, tracking_url: str
) -> VersionPlan:
    """The catalog entities of one MLflow model version and its run."""
    name, number = str(mv["name"]), int(mv["version"])
    version_tags = _tags(mv.get("tags"))
    info = (run or {}).get("info") or {}
    data = (run or {}).get("data") or {}
    params = {str(p["key"]): str(p.get("value", "")) for p in data.get("params") or []}
    run_tags = _tags(data.get("tags"))
    seed = _seed(params, run_tags, version_tags)
    training_run = None
    if run is not None and info.get("run_id"):
        run_id = str(info["run_id"])
        ref = f"mlflow:{tracking_url}#/experiments/{info.get('experiment_id')}/runs/{run_id}"
        ended = _ms(info.get("end_time"))
        training_run = TrainingRunInput(
            namespace=namespace,
            name=name,
            run_id=run_id,
            description=str(info.get("run_name") or ""),
            params=params,
            seed=seed,
            started_at=_ms(info.get("start_time")),
            ended_at=ended if info.get("status") != "RUNNING" else None,
            external_ref=ref if len(ref) <= 256 else f"mlflow:runs/{run_id}",
        )
    repo, commit = run_tags.get("mlflow.source.git.repoURL"), run_tags.get("mlflow.source.git.commit")
    script = (
        CodeRef(repo=repo, commit=commit, path=run_tags.get("mlflow.source.name"))
        if repo and commit
        else None
    )
    version = ModelVersionInput(
        namespace=namespace,
        name=name,
        version=number,
        description=str(mv.get("description") or ""),
        tags=[_tag_text(k, v) for k, v in sorted(version_tags.items()) if not k.startswith("mlflow.")][:64],
        artifact_uri=str(mv.get("source") or f"models:/{name}/{number}"),
        framework=version_tags.get("framework")
        or run_tags.get("framework")
        or run_tags.get("mlflow.model.flavor"),
        hyperparameters=params,
        random_seed=seed,
        training_script=script,
        training_run=training_run.identity().format() if training_run else None,
    )
    datasets = [
        d for d in (_dataset(e) for e in ((run or {}).get("inputs") or {}).get("dataset_inputs") or []) if d
    ]
    metrics: dict[str, tuple[int, float]] = {}
    for m in data.get("metrics") or []:
        value, stamp = m.get("value"), int(m.get("timestamp") or 0)
        if (
            isinstance(value, int | float)
            and math.isfinite(value)
            and (m["key"] not in metrics or stamp >= metrics[m["key"]][0])
        ):
            metrics[str(m["key"])] = (stamp, float(value))
    evaluation = None
    if metrics:
        on = next((d for d in datasets if d.context in EVALUATION_CONTEXTS), None)
        evaluation = EvaluationInput(
            namespace=namespace,
            name=f"{name}-{number}-mlflow",
            description=f"Metrics MLflow logged for run {info.get('run_id')}",
            model_version=version.identity().format(),
            metrics={k: v for k, (_, v) in sorted(metrics.items())},
            dataset=on.snapshot.identity().format() if on else None,
        )
    return VersionPlan(version, training_run, datasets, evaluation)


@dataclass
class MlflowSummary:
    models: int = 0
    versions: int = 0
    created: int = 0
    unchanged: int = 0

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.UNCHANGED:
            self.unchanged += 1
        else:
            self.created += 1


class MlflowImport:
    """Import registered models and their versions from one MLflow tracking server."""

    def __init__(self, graph: Graph, rest: MlflowRest, *, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.graph = graph
        self.rest = rest
        self.namespace = namespace
        self.catalog = CatalogService(graph)
        self.queries = CatalogQueries(graph)

    async def register_model(self, registered: dict[str, Any], *, actor: str) -> Outcome:
        """Register (or re-send) one MLflow registered model, without its versions."""
        written = await self.catalog.register_models([model_input(registered, self.namespace)], actor=actor)
        return written[0].outcome

    async def import_model(
        self, registered: dict[str, Any], *, actor: str, summary: MlflowSummary | None = None
    ) -> MlflowSummary:
        summary = summary or MlflowSummary()
        summary.models += 1
        summary.count(await self.register_model(registered, actor=actor))
        versions = sorted(await self.rest.model_versions(registered["name"]), key=lambda v: int(v["version"]))
        for mv in versions:
            await self.import_version(mv, actor=actor, summary=summary)
        return summary

    async def import_version(
        self, mv: dict[str, Any], *, actor: str, summary: MlflowSummary | None = None
    ) -> MlflowSummary:
        summary = summary or MlflowSummary()
        run = await self.rest.run(str(mv["run_id"])) if mv.get("run_id") else None
        plan = version_plan(mv, run, self.namespace, self.rest.url)
        model_uid = Uid(Kind.MODEL, self.namespace, plan.version.name).format()
        known = await self.queries.nodes([model_uid, plan.version.identity().format()])
        if model_uid not in known:
            registered = await self.rest.registered_model(plan.version.name)
            if registered is None:
                raise InvalidInput(f"MLflow has no registered model {plan.version.name!r}")
            await self.register_model(registered, actor=actor)
        await self._datasets(plan.datasets, actor)
        exists = plan.version.identity().format() in known
        training = [
            d.snapshot.identity().format() for d in plan.datasets if d.context not in EVALUATION_CONTEXTS
        ]
        registration = ModelVersionRegistration(
            plan.version, None if exists else plan.run, tuple(training) if plan.run and not exists else ()
        )
        result = await self.catalog.register_model_version(registration, actor=actor)
        summary.versions += 1
        summary.count(result.written.outcome)
        if plan.evaluation is not None:
            summary.count((await self.catalog.record_evaluation(plan.evaluation, actor=actor)).outcome)
        return summary

    async def _datasets(self, datasets: list[DatasetRef], actor: str) -> None:
        if not datasets:
            return
        uids = {d.source.identity().format(): d for d in datasets}
        known = await self.queries.nodes(list(uids))
        new_sources = list({u: d.source for u, d in uids.items() if u not in known}.values())
        if new_sources:
            await self.catalog.register_data_sources(new_sources, actor=actor)
        snapshots = list({d.snapshot.identity().format(): d.snapshot for d in datasets}.values())
        await self.catalog.register_dataset_snapshots(snapshots, actor=actor)


# --- webhooks ------------------------------------------------------------------------------------


def sign(secret: str, delivery_id: str, timestamp: str, body: bytes) -> str:
    """MLflow's webhook signature: ``v1,`` + base64 HMAC-SHA256 of ``<delivery>.<timestamp>.<body>``."""
    content = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_signature(
    secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None
) -> str | None:
    """None when the delivery is authentic and fresh, else why not."""
    signature = headers.get(SIGNATURE_HEADER.lower())
    delivery = headers.get(DELIVERY_HEADER.lower())
    timestamp = headers.get(TIMESTAMP_HEADER.lower())
    if not signature or not delivery or not timestamp:
        return f"missing {SIGNATURE_HEADER}, {DELIVERY_HEADER} or {TIMESTAMP_HEADER}"
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "the delivery timestamp is missing or older than 5 minutes"
    if not hmac.compare_digest(sign(secret, delivery, timestamp, body), signature):
        return "the signature does not match"
    return None


HANDLED: Final = {
    ("registered_model", "created"),
    ("model_version", "created"),
    ("model_version_tag", "set"),
    ("model_version_tag", "deleted"),
    ("model_version_alias", "created"),
    ("model_version_alias", "deleted"),
}


async def handle_webhook(importer: MlflowImport, payload: dict[str, Any], *, actor: str) -> dict[str, Any]:
    """Apply one MLflow registry webhook delivery; returns what was done."""
    entity, action = str(payload.get("entity")), str(payload.get("action"))
    data = payload.get("data") or {}
    if (entity, action) not in HANDLED or not isinstance(data, dict) or not data.get("name"):
        return {"handled": False, "entity": entity, "action": action}
    name = str(data["name"])
    if entity == "model_version" and str(data.get("version", "")).isdigit():
        # Deliveries may arrive out of order; versions are registered in order, so import the
        # earlier versions this one follows first (each is a no-op when already there).
        number = int(data["version"])
        versions = [v for v in await importer.rest.model_versions(name) if int(v["version"]) <= number]
        if not any(int(v["version"]) == number for v in versions):
            versions.append({**data, "name": name})
        summary = MlflowSummary()
        for mv in sorted(versions, key=lambda v: int(v["version"])):
            await importer.import_version(mv, actor=actor, summary=summary)
    else:
        registered = await importer.rest.registered_model(name)
        if registered is None:
            return {
                "handled": False,
                "entity": entity,
                "action": action,
                "reason": f"no registered model {name!r}",
            }
        summary = MlflowSummary(models=1)
        summary.count(await importer.register_model(registered, actor=actor))
    return {
        "handled": True,
        "entity": entity,
        "action": action,
        "created": summary.created,
        "unchanged": summary.unchanged,
    }
