"""A Feast registry → data sources, feature sets (views and services) and their versions.

``lineage-graph import feast REPO_OR_REGISTRY`` reads the registry through the Feast
installation the team already has (Feast is not a lineage-graph dependency): `DUMP_SCRIPT`
runs under that installation's Python (``--feast-python``, else the ``python`` beside
``feast`` on PATH) and prints the registry as JSON (Feast's own ``registry.to_dict``, the
shape of ``feast registry-dump``) with the repository's provider. The argument may be a
repository (a folder with ``feature_store.yaml``), a registry file (``registry.db``, with
``--project``), or such a JSON dump made elsewhere.

Mapping, consistent with the OpenLineage events Feast emits (`ingest.openlineage`), so both
paths land on the same nodes:

- a data source → DataSource ``source:<project>/<source name>`` (platform from its type or
  URI, description);
- a feature view (batch, stream or on-demand) → FeatureSet ``featureset:<project>/<view>``
  (entities, owner, ``key=value`` tags, description) and, when its schema differs from the
  latest published version, a new FeatureSetVersion with the contract bump the change
  requires (`feature_views.publish_views`), store ``feast-<provider>``, its features
  DERIVED_FROM the view's batch source;
- a feature service → a FeatureSet tagged ``feast:feature_service`` whose versions list the
  features it serves (``<view>__<feature>`` where two views share a feature name);
- entities are recorded on the feature sets that use them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import DomainError, FeatureSetInput, InvalidInput, dataset_uid
from lineage_graph.domain.features import FeatureInput
from lineage_graph.ingest.dtypes import dtype_of
from lineage_graph.ingest.feature_views import FeatureViewSpec, ViewsSummary, publish_views
from lineage_graph.ingest.lineage_writer import Facts, LineageBatch, WriteSummary, owner_uid, write_batch
from lineage_graph.ingest.openlineage import feast_tags

if TYPE_CHECKING:
    from lineage_graph.graph import Graph

DUMP_SCRIPT: Final = """
import json, sys
from pathlib import Path
from feast import FeatureStore
store = FeatureStore(repo_path=sys.argv[1])
project = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else store.project
registry = store.registry.to_dict(project=project)
online = getattr(store.config, "online_store", None)
print(json.dumps({"registry": registry, "project": project, "provider": store.config.provider,
                  "onlineStore": getattr(online, "type", None)}))
"""
VIEW_KEYS: Final = ("featureViews", "streamFeatureViews", "onDemandFeatureViews")
_SOURCE_TYPES: Final = {
    "BATCH_FILE": "file",
    "BATCH_BIGQUERY": "bigquery",
    "BATCH_SNOWFLAKE": "snowflake",
    "BATCH_REDSHIFT": "redshift",
    "BATCH_SPARK": "spark",
    "BATCH_TRINO": "trino",
    "STREAM_KAFKA": "kafka",
    "STREAM_KINESIS": "kinesis",
    "PUSH_SOURCE": "push",
    "REQUEST_SOURCE": "request",
}


class FeastError(Exception):
    """The Feast registry could not be read."""


@dataclass
class FeastSummary:
    sources: WriteSummary
    views: ViewsSummary
    feature_sets: int


def feast_python(explicit: str | None) -> str:
    if explicit:
        return explicit
    feast = shutil.which("feast")
    if feast is None:
        msg = "no Feast installation found: put `feast` on PATH or pass --feast-python"
        raise FeastError(msg)
    python = Path(feast).resolve().parent / "python"
    return str(python) if python.exists() else sys.executable


def read_registry(target: Path, *, python: str | None = None, project: str | None = None) -> dict[str, Any]:
    """The registry dump of a repository, a registry file or a JSON dump file."""
    if target.is_file() and target.suffix == ".json":
        try:
            document = json.loads(target.read_text())
        except json.JSONDecodeError as exc:
            msg = f"{target}: not JSON ({exc.msg})"
            raise FeastError(msg) from exc
        return (
            document if "registry" in document else {"registry": document, "project": document.get("project")}
        )
    if target.is_dir():
        if not (target / "feature_store.yaml").exists():
            msg = f"{target} has no feature_store.yaml"
            raise FeastError(msg)
        return _dump(target, python, project)
    if target.is_file():
        if not project:
            msg = "a registry file needs --project"
            raise FeastError(msg)
        with tempfile.TemporaryDirectory(prefix="lineage-graph-feast-") as tmp:
            yaml = f"project: {project}\nregistry: {target.resolve()}\nprovider: local\nentity_key_serialization_version: 3\n"
            (Path(tmp) / "feature_store.yaml").write_text(yaml)
            return _dump(Path(tmp), python, project)
    msg = f"{target} does not exist"
    raise FeastError(msg)


def _dump(repo: Path, python: str | None, project: str | None) -> dict[str, Any]:
    interpreter = feast_python(python)
    try:
        result = subprocess.run(
            [interpreter, "-c", DUMP_SCRIPT, str(repo.resolve()), project or ""],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=repo,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        msg = f"could not run Feast with {interpreter}: {exc}"
        raise FeastError(msg) from exc
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        msg = f"Feast could not read the registry of {repo}: {last}"
        raise FeastError(msg)
    try:
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))
    except (json.JSONDecodeError, IndexError) as exc:
        msg = f"Feast printed no registry for {repo}"
        raise FeastError(msg) from exc


def _platform(spec: dict[str, Any]) -> str | None:
    for options in ("fileOptions", "kafkaOptions", "sparkOptions"):
        uri = (spec.get(options) or {}).get("uri") or (spec.get(options) or {}).get("path")
        if isinstance(uri, str) and "://" in uri:
            return uri.split("://", 1)[0].lower()
    return _SOURCE_TYPES.get(str(spec.get("type")))


def _when(meta: dict[str, Any] | None) -> datetime:
    stamp = (meta or {}).get("lastUpdatedTimestamp") or (meta or {}).get("createdTimestamp")
    if isinstance(stamp, str):
        try:
            return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            pass
    return datetime.now(UTC)


def _source_facts(project: str, source: dict[str, Any]) -> tuple[str, Facts]:
    spec = source.get("spec", source)
    values: dict[str, Any] = {}
    if spec.get("description"):
        values["description"] = spec["description"]
    platform = _platform(spec)
    if platform:
        values["platform"] = platform
    if spec.get("tags"):
        values["tags"] = feast_tags(spec["tags"])
    if spec.get("owner"):
        values["owners"] = (owner_uid(spec["owner"]),)
    name = str(spec["name"])
    return dataset_uid(project, name).format(), Facts.of(project, name, _when(source.get("meta")), values)


def _view_spec(project: str, view: dict[str, Any], store: str | None) -> FeatureViewSpec:
    spec = view.get("spec", view)
    features = tuple(
        FeatureInput(name=f["name"], dtype=dtype_of(f.get("valueType")), description=f.get("description", ""))
        for f in spec.get("features") or []
    )
    batch = (spec.get("batchSource") or {}).get("name")
    feature_set = FeatureSetInput(
        namespace=project,
        name=spec["name"],
        description=spec.get("description", ""),
        tags=feast_tags(spec.get("tags") or {}),
        entities=[e for e in spec.get("entities") or [] if e != "__dummy"],
        owner=owner_uid(spec["owner"]) if spec.get("owner") else None,
    )
    sources = (dataset_uid(project, batch).format(),) if batch else ()
    return FeatureViewSpec(feature_set, features, store, sources, feature_set.description)


def _service_spec(project: str, service: dict[str, Any], store: str | None) -> FeatureViewSpec:
    spec = service.get("spec", service)
    columns = [
        (str(p.get("featureViewName")), c)
        for p in spec.get("features") or []
        for c in p.get("featureColumns") or []
    ]
    names = [c["name"] for _, c in columns]
    clash = {n for n in names if names.count(n) > 1}
    features = tuple(
        FeatureInput(
            name=f"{view}__{c['name']}" if c["name"] in clash else c["name"],
            dtype=dtype_of(c.get("valueType")),
            description=c.get("description", ""),
        )
        for view, c in columns
    )
    feature_set = FeatureSetInput(
        namespace=project,
        name=spec["name"],
        description=spec.get("description", ""),
        tags=feast_tags(spec.get("tags") or {}, service=True),
        owner=owner_uid(spec["owner"]) if spec.get("owner") else None,
    )
    return FeatureViewSpec(feature_set, features, store, (), feature_set.description)


def plan(document: dict[str, Any]) -> tuple[LineageBatch, list[FeatureViewSpec]]:
    """The sources and feature sets of a registry dump (``{"registry": ..., "provider": ...}``)."""
    registry = document.get("registry") or {}
    project = str(document.get("project") or registry.get("project") or "")
    if not project:
        msg = "the registry dump names no project"
        raise FeastError(msg)
    provider = document.get("provider")
    store = f"feast-{provider}" if provider else None
    batch = LineageBatch()
    try:
        for source in registry.get("dataSources") or []:
            batch.add_source(*_source_facts(project, source))
        views = [v for key in VIEW_KEYS for v in registry.get(key) or []]
        specs = [_view_spec(project, v, store) for v in views]
        for view in views:
            name = ((view.get("spec", view).get("batchSource")) or {}).get("name")
            if name and dataset_uid(project, name).format() not in batch.sources:
                batch.add_source(dataset_uid(project, name).format(), Facts(project, name))
        specs += [_service_spec(project, s, store) for s in registry.get("featureServices") or []]
    except (ValueError, DomainError, KeyError) as exc:
        msg = f"the registry of {project} holds something lineage-graph cannot map: {exc}"
        raise FeastError(msg) from exc
    return batch, specs


async def import_registry(graph: Graph, document: dict[str, Any], *, actor: str) -> FeastSummary:
    batch, specs = plan(document)
    sources = await write_batch(graph, batch, actor=actor) if batch.size else WriteSummary()
    try:
        views = await publish_views(graph, specs, actor=actor)
    except DomainError as exc:
        raise InvalidInput(exc.message, code=exc.code, details=exc.details) from exc
    return FeastSummary(sources, views, len(specs))
