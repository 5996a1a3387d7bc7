"""OpenLineage RunEvent, DatasetEvent and JobEvent → catalog facts, and their ingestion.

Mapping (a dataset is ``(namespace, name)``, a job too; see `domain.openlineage_naming`):

- every input and output dataset is a DataSource; its facets say: ``schema`` → schema fields
  (nested fields flattened as ``parent.child``; the producer's type kept as ``nativeType``),
  ``dataSource`` → platform (URI scheme), ``documentation`` → description, ``ownership`` →
  owners (``OWNED_BY``), ``tags`` → tags (``key=value``; a ``classification`` tag or
  ``pii=true`` sets the classification);
- a dataset with a ``version`` facet is also a DatasetSnapshot ``@<datasetVersion>``
  (``SNAPSHOT_OF`` its source; row count from ``outputStatistics`` or ``dataQualityMetrics``);
- ``columnLineage`` → ``DERIVED_FROM`` between the output and each input source, with the
  columns (``columns``, ``fields``, ``columnMapJson``: output field → input fields);
- the job is a Transform: ``sql`` → its SQL (type SQL), ``jobType`` → type (SPARK, DBT,
  QUERY → SQL), ``sourceCodeLocation`` → codeRef (repo, commit = version, path),
  ``documentation``, ``ownership``, ``tags``; it READS its input sources and its outputs are
  PRODUCED_BY it;
- the run of a RunEvent is a TransformRun ``@<runId>`` (``RUN_OF`` the job) with the state
  START/RUNNING/COMPLETE/FAIL/ABORT/OTHER, ``startedAt`` from START and ``endedAt`` from the
  terminal event; it READS the input snapshots (or sources) and its outputs are PRODUCED_BY it;
- Feast's own facets: a dataset with ``feast_featureView`` or ``feast_featureService`` is a
  feature set (not a source), its schema a feature-set version (`feature_views`); an entity
  dataset (``feast_entity``) is not a source (entities are recorded on the feature sets).

A batch is stored in one transaction (`lineage_writer.write_batch`); batches that define or
change Feast feature views take two more (register and publish, then link the versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from pydantic import ValidationError

from lineage_graph.domain import (
    Classification,
    CodeRef,
    DatasetSnapshotInput,
    DataSourceInput,
    DomainError,
    FeatureSetInput,
    RunState,
    SchemaField,
    TransformInput,
    TransformType,
    dataset_uid,
    job_uid,
    run_uid,
    validation_error_to_domain,
)
from lineage_graph.domain.features import FeatureInput
from lineage_graph.ingest import openlineage_events as ol
from lineage_graph.ingest.dtypes import dtype_of
from lineage_graph.ingest.feature_views import FeatureViewSpec, ViewsSummary, publish_views
from lineage_graph.ingest.lineage_writer import (
    EPOCH,
    Facts,
    JobFacts,
    LineageBatch,
    RunFacts,
    WriteSummary,
    owner_uid,
    write_batch,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lineage_graph.graph import Graph

_TERMINAL: Final = frozenset({ol.EventType.COMPLETE, ol.EventType.FAIL, ol.EventType.ABORT})
_FEAST_TAGS: Final = " [Tags: "


@dataclass
class Translation:
    """A batch's facts, the Feast views it defines, and the problems found translating it."""

    batch: LineageBatch = field(default_factory=LineageBatch)
    views: dict[str, tuple[datetime, FeatureViewSpec]] = field(default_factory=dict)
    view_refs: LineageBatch = field(default_factory=LineageBatch)
    """Reads and writes of feature-set versions, linked once the views are published."""
    problems: list[dict[str, str]] = field(default_factory=list)

    def add_view(self, at: datetime, spec: FeatureViewSpec) -> None:
        known = self.views.get(spec.uid)
        if known is None or at >= known[0]:
            self.views[spec.uid] = (at, spec)


@dataclass
class IngestResult:
    events: int
    transactions: int
    written: WriteSummary
    views: ViewsSummary

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "transactions": self.transactions,
            "created": self.written.created,
            "updated": self.written.updated,
            "unchanged": self.written.unchanged,
            "featureSetVersionsPublished": self.views.published,
        }


# --- facets → values ---------------------------------------------------------------------------


def _schema_fields(facet: ol.SchemaFacet) -> list[SchemaField]:
    out: list[SchemaField] = []

    def walk(fields: Sequence[ol.SchemaFieldFacet], prefix: str) -> None:
        for f in fields:
            name = f"{prefix}{f.name}"
            native = f.type if f.type and f.type != dtype_of(f.type).value else None
            out.append(
                SchemaField(
                    name=name, dtype=dtype_of(f.type), description=f.description or "", native_type=native
                )
            )
            walk(f.fields, f"{name}.")

    walk(facet.fields, "")
    return out


def _tags(facet: ol.TagsFacet | None) -> tuple[list[str], Classification | None]:
    if facet is None:
        return [], None
    tags, classification = [], None
    for tag in facet.tags:
        key, value = tag.key.strip(), tag.value.strip()
        if key.lower() == "classification" and value.upper() in Classification.__members__:
            classification = Classification(value.upper())
        elif key.lower() == "pii" and value.lower() in ("true", "yes", "1"):
            classification = Classification.PII
        tags.append(f"{key}={value}".replace(" ", "_") if value else key.replace(" ", "_"))
    return list(dict.fromkeys(tags)), classification


def _platform(namespace: str, facet: ol.DataSourceFacet | None) -> str | None:
    for candidate in (facet.uri if facet else None, namespace):
        if candidate and "://" in candidate:
            scheme = urlsplit(candidate).scheme
            if scheme:
                return scheme.lower()
    return None


def _owners(facet: ol.OwnershipFacet | None) -> tuple[str, ...] | None:
    if facet is None:
        return None
    return tuple(sorted({owner_uid(o.name) for o in facet.owners}))


def _source_values(ds: ol.Dataset) -> dict[str, Any]:
    values: dict[str, Any] = {}
    schema = ol.facet(ds.facets, "schema", ol.SchemaFacet)
    if schema is not None:
        values["schema_fields"] = _schema_fields(schema)
    platform = _platform(ds.namespace, ol.facet(ds.facets, "dataSource", ol.DataSourceFacet))
    if platform is not None:
        values["platform"] = platform
    values.update(_documented(ds.facets))
    tags_facet = ol.facet(ds.facets, "tags", ol.TagsFacet)
    if tags_facet is not None:
        tags, classification = _tags(tags_facet)
        values["tags"] = tags
        if classification is not None:
            values["classification"] = classification
    return values


def _documented(facets: ol.Facets) -> dict[str, Any]:
    """``description`` and ``owners`` from a dataset's or job's documentation and ownership facets."""
    values: dict[str, Any] = {}
    doc = ol.facet(facets, "documentation", ol.DocumentationFacet)
    if doc is not None:
        values["description"] = doc.description
    owners = _owners(ol.facet(facets, "ownership", ol.OwnershipFacet))
    if owners is not None:
        values["owners"] = owners
    return values


def _job_values(job: ol.Job) -> dict[str, Any]:
    values: dict[str, Any] = {}
    sql = ol.facet(job.facets, "sql", ol.SqlFacet)
    job_type = ol.facet(job.facets, "jobType", ol.JobTypeFacet)
    source_code = ol.facet(job.facets, "sourceCode", ol.SourceCodeFacet)
    integration = (job_type.integration or "").upper() if job_type else ""
    if integration in ("SPARK", "DBT"):
        values["type"] = TransformType(integration)
    elif sql is not None or (job_type is not None and (job_type.job_type or "").upper() == "QUERY"):
        values["type"] = TransformType.SQL
    elif source_code is not None and (source_code.language or "").lower() in ("python", "sql"):
        values["type"] = TransformType((source_code.language or "").upper())
    if sql is not None:
        values["sql"] = sql.query
    location = ol.facet(job.facets, "sourceCodeLocation", ol.SourceCodeLocationFacet)
    if location is not None and location.version and (location.repo_url or location.url):
        values["code_ref"] = CodeRef(
            repo=location.repo_url or location.url or "", commit=location.version, path=location.path
        )
    values.update(_documented(job.facets))
    tags_facet = ol.facet(job.facets, "tags", ol.TagsFacet)
    if tags_facet is not None:
        values["tags"] = _tags(tags_facet)[0]
    return values


def _problems_of(error: DomainError, where: str) -> list[dict[str, str]]:
    found = error.details.get("problems") or [{"path": "", "code": error.code, "message": error.message}]
    return [
        {
            "path": where,
            "code": str(p.get("code", error.code)),
            "message": f"{p['path']}: {p['message']}" if p.get("path") else str(p.get("message")),
        }
        for p in found
    ]


# --- events → facts ----------------------------------------------------------------------------


class _Translator:
    def __init__(self) -> None:
        self.out = Translation()

    def event(self, event: ol.Event, prefix: tuple[str | int, ...]) -> None:
        if isinstance(event, ol.DatasetEvent):
            self.dataset(event.dataset, event.event_time, (*prefix, "dataset"), None)
            return
        at, job = event.event_time, event.job
        job_key = job_uid(job.namespace, job.name).format()
        job_facts = JobFacts(Facts.of(job.namespace, job.name, at, self._job_values(job, prefix)))
        view_job = JobFacts(Facts(job.namespace, job.name))
        run_facts = view_run = None
        if isinstance(event, ol.RunEvent):
            state = RunState(event.event_type.value) if event.event_type is not None else RunState.OTHER
            run_facts = RunFacts(
                job.namespace,
                job.name,
                event.run.run_id,
                state,
                at,
                started_at=at if event.event_type is ol.EventType.START else None,
                ended_at=at if event.event_type in _TERMINAL else None,
            )
            view_run = RunFacts(job.namespace, job.name, event.run.run_id, RunState.OTHER, EPOCH)
        definition_sources = self._sources_of_definition(event)
        for i, ds in enumerate(event.inputs):
            target = self.dataset(ds, at, (*prefix, "inputs", i), None, statistics=ds.input_facets)
            if target is not None:
                logical, exact, is_view = target
                (view_job if is_view else job_facts).reads.add(logical)
                if run_facts is not None and view_run is not None:
                    (view_run if is_view else run_facts).reads.add(exact)
        for i, out in enumerate(event.outputs):
            where = (*prefix, "outputs", i)
            target = self.dataset(out, at, where, definition_sources, statistics=out.output_facets)
            if target is not None:
                logical, exact, is_view = target
                (view_job if is_view else job_facts).writes.add(logical)
                if run_facts is not None and view_run is not None:
                    (view_run if is_view else run_facts).writes.add(exact)
        self.out.batch.add_job(job_key, job_facts)
        if view_job.reads or view_job.writes:
            self.out.view_refs.add_job(job_key, view_job)
        if run_facts is not None and view_run is not None:
            key = run_uid(job.namespace, job.name, run_facts.run_id).format()
            self.out.batch.add_run(key, run_facts)
            if view_run.reads or view_run.writes:
                self.out.view_refs.add_run(key, view_run)

    def _job_values(self, job: ol.Job, prefix: tuple[str | int, ...]) -> dict[str, Any]:
        values = _job_values(job)
        plain = {k: v for k, v in values.items() if k != "owners"}
        try:
            TransformInput(namespace=job.namespace, name=job.name, **{"type": TransformType.PYTHON, **plain})
        except ValueError as e:
            self.out.problems += _validation_problems(e, ol.pointer(*prefix, "job"))
        return values

    @staticmethod
    def _sources_of_definition(event: ol.RunEvent | ol.JobEvent) -> tuple[str, ...] | None:
        """The one data source feeding a Feast definition job, when there is exactly one."""
        sources = [
            dataset_uid(ds.namespace, ds.name).format()
            for ds in event.inputs
            if not _is_feast_view(ds) and "feast_entity" not in ds.facets
        ]
        return tuple(sources) if len(sources) == 1 else None

    def dataset(
        self,
        ds: ol.Dataset,
        at: datetime,
        where: tuple[str | int, ...],
        view_sources: tuple[str, ...] | None,
        statistics: ol.Facets | None = None,
    ) -> tuple[str, str, bool] | None:
        """Record a dataset; returns (logical uid, exact uid, is a Feast view) or None to skip."""
        if "feast_entity" in ds.facets:
            return None
        if _is_feast_view(ds):
            spec = self._view(ds, at, where, view_sources)
            if spec is None:
                return None
            return spec.uid, spec.uid, True
        values = _source_values(ds)
        try:
            uid = dataset_uid(ds.namespace, ds.name).format()
            validated = DataSourceInput(
                namespace=ds.namespace, name=ds.name, **{k: v for k, v in values.items() if k != "owners"}
            )
        except (ValueError, DomainError) as e:
            self.out.problems += _validation_problems(e, ol.pointer(*where))
            return None
        self.out.batch.add_source(uid, Facts.of(validated.namespace, validated.name, at, values))
        exact = uid
        version = ol.facet(ds.facets, "version", ol.VersionFacet)
        if version is not None:
            rows = _row_count(statistics or {})
            try:
                snapshot = DatasetSnapshotInput(
                    namespace=ds.namespace, name=ds.name, version=version.dataset_version, row_count=rows
                )
            except ValueError as e:
                self.out.problems += _validation_problems(e, ol.pointer(*where, "facets", "version"))
                return None
            self.out.batch.add_snapshot(snapshot)
            exact = snapshot.identity().format()
        self._columns(ds, uid, where)
        return uid, exact, False

    def _columns(self, ds: ol.Dataset, uid: str, where: tuple[str | int, ...]) -> None:
        lineage = ol.facet(ds.facets, "columnLineage", ol.ColumnLineageFacet)
        if lineage is None:
            return
        pairs = [(out, f) for out, cols in lineage.fields.items() for f in cols.input_fields]
        pairs += [("*", f) for f in lineage.dataset]
        for out_field, f in pairs:
            try:
                source = dataset_uid(f.namespace, f.name).format()
            except DomainError as e:
                self.out.problems += _problems_of(e, ol.pointer(*where, "facets", "columnLineage"))
                continue
            if source not in self.out.batch.sources:
                self.out.batch.add_source(source, Facts(f.namespace, f.name))
            self.out.batch.add_columns(uid, source, out_field, f.field)

    def _view(
        self, ds: ol.Dataset, at: datetime, where: tuple[str | int, ...], sources: tuple[str, ...] | None
    ) -> FeatureViewSpec | None:
        view = ol.facet(ds.facets, "feast_featureView", ol.FeastFeatureViewFacet)
        service = ol.facet(ds.facets, "feast_featureService", ol.FeastFeatureServiceFacet)
        meta = view or service
        if meta is None:
            return None
        schema = ol.facet(ds.facets, "schema", ol.SchemaFacet)
        doc = ol.facet(ds.facets, "documentation", ol.DocumentationFacet)
        try:
            feature_set = FeatureSetInput(
                namespace=ds.namespace,
                name=ds.name,
                description=meta.description or (doc.description if doc and view else ""),
                tags=feast_tags(meta.tags, service=service is not None),
                entities=list(view.entities) if view else [],
                owner=owner_uid(meta.owner) if meta.owner else None,
            )
            features = tuple(
                FeatureInput(
                    name=f.name, dtype=dtype_of(f.type), description=feast_description(f.description)
                )
                for f in (schema.fields if schema else [])
            )
        except ValueError as e:
            self.out.problems += _validation_problems(e, ol.pointer(*where))
            return None
        spec = FeatureViewSpec(
            feature_set, features, sources=sources or (), description=feature_set.description
        )
        self.out.add_view(at, spec)
        return spec


def feast_tags(tags: dict[str, str], *, service: bool = False) -> list[str]:
    """Feast tags as lineage-graph tags (``key=value``); a feature service is tagged as one."""
    out = [f"{k}={v}".replace(" ", "_") if v else k.replace(" ", "_") for k, v in sorted(tags.items())]
    return [*out, "feast:feature_service"] if service else out


def feast_description(text: str | None) -> str:
    """A field description without the ``[Tags: k=v]`` suffix Feast's emitter appends."""
    if not text:
        return ""
    if text.startswith(_FEAST_TAGS.lstrip()):
        return ""
    return text.split(_FEAST_TAGS, 1)[0]


def _is_feast_view(ds: ol.Dataset) -> bool:
    return "feast_featureView" in ds.facets or "feast_featureService" in ds.facets


def _row_count(statistics: ol.Facets) -> int | None:
    output = ol.facet(statistics, "outputStatistics", ol.OutputStatisticsFacet)
    if output is not None and output.row_count is not None:
        return output.row_count
    quality = ol.facet(statistics, "dataQualityMetrics", ol.DataQualityMetricsFacet)
    return quality.row_count if quality is not None else None


def _validation_problems(error: ValueError | DomainError, where: str) -> list[dict[str, str]]:
    if isinstance(error, ValidationError):
        return _problems_of(validation_error_to_domain(error), where)
    if isinstance(error, DomainError):
        return _problems_of(error, where)
    return [{"path": where, "code": "INVALID_VALUE", "message": str(error)}]


def translate(events: Sequence[ol.Event], *, single: bool = False) -> Translation:
    """The facts of `events` (merged), or the problems that make them invalid."""
    translator = _Translator()
    for i, event in enumerate(events):
        prefix: tuple[str | int, ...] = () if single else (i,)
        try:
            translator.event(event, prefix)
        except DomainError as e:
            translator.out.problems += _problems_of(e, ol.pointer(*prefix, "job"))
    return translator.out


def _resolve(refs: LineageBatch, current: dict[str, str]) -> LineageBatch:
    """Feature-set references replaced by the current version of each set (dropped if none)."""
    resolved = LineageBatch()
    for uid, job in refs.jobs.items():
        reads = {current[r] for r in job.reads if r in current}
        writes = {current[w] for w in job.writes if w in current}
        if reads or writes:
            resolved.add_job(uid, JobFacts(job.facts, reads, writes))
    for uid, run in refs.runs.items():
        run.reads = {current[r] for r in run.reads if r in current}
        run.writes = {current[w] for w in run.writes if w in current}
        if run.reads or run.writes:
            resolved.add_run(uid, run)
    return resolved


class OpenLineageIngest:
    """Validate, translate and store OpenLineage events as `actor`."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    async def ingest(self, events: Sequence[ol.Event], *, actor: str, single: bool = False) -> IngestResult:
        """Translate and store `events`; `InvalidInput` lists every problem (nothing stored)."""
        translation = translate(events, single=single)
        if translation.problems:
            raise ol.invalid(translation.problems, len(events))
        return await self.write(translation, events=len(events), actor=actor)

    async def write(self, translation: Translation, *, events: int, actor: str) -> IngestResult:
        """Store a translation without problems (of `events` events), translated once by the caller."""
        transactions = 0
        written = WriteSummary()
        if translation.batch.size:
            written = await write_batch(self.graph, translation.batch, actor=actor)
            transactions += 1
        specs = [spec for _, spec in translation.views.values()]
        views = await publish_views(self.graph, specs, actor=actor)
        if specs:
            refs = _resolve(translation.view_refs, views.current())
            if refs.size:
                more = await write_batch(self.graph, refs, actor=actor)
                written.updated += more.updated
                transactions += 1
        return IngestResult(events, transactions, written, views)
