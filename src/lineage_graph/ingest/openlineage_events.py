"""The OpenLineage 2-0-x event model as lineage-graph reads it, and its strict validation.

`parse_events(body)` accepts one event or a JSON array of them and returns typed events, or
raises `InvalidInput` listing every problem of every event, each with a JSON Pointer
(RFC 6901) into the request body (``/3/run/runId``; a single event's pointers have no index).

Strict where the spec is: ``eventTime`` (a date-time with a time part), ``producer`` and
``schemaURL`` on every event; ``run.runId`` and ``job.{namespace,name}`` on a RunEvent;
``dataset.{namespace,name}`` on a DatasetEvent; ``namespace`` and ``name`` of every input and
output; and the identifying fields of the facets that are mapped (schema field names,
column-lineage input fields, the SQL query, the dataset version, owner names). Tolerant of
what real producers do: any non-empty ``producer`` (Feast sends ``"feast"``), a ``runId``
that is not a UUID, a naive ``eventTime`` (read as UTC), unknown keys and facets, facets
with optional fields missing, and facets marked ``_deleted``.

Which event it is follows the ``schemaURL`` fragment (``#/$defs/RunEvent``) when it names
one, else the shape: ``run`` makes a RunEvent, ``dataset`` a DatasetEvent, ``job`` alone a
JobEvent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from lineage_graph.domain import ErrorCode, InvalidInput
from lineage_graph.domain.values import Token, utc_offset_problem

MAX_EVENTS: Final = 10_000
"""Most events one request (or one batch of a file import) may carry."""


@dataclass(frozen=True)
class EventCaps:
    """Most datasets one event may list (inputs and outputs, each) and most fields one dataset's
    ``schema`` or ``columnLineage`` facet may list: checked before anything else is validated,
    so one oversized event is refused cheaply (settings ``openlineage_max_*``)."""

    datasets: int = 1_000
    fields: int = 10_000


def _text(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        msg = "must not be empty or blank"
        raise ValueError(msg)
    return value


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if (problem := utc_offset_problem(value)) is not None:
        raise ValueError(problem)
    return value


def _has_time(value: object) -> object:
    if isinstance(value, str) and "t" not in value.lower() and " " not in value.strip():
        msg = "must be a date-time with a time part (ISO 8601)"
        raise ValueError(msg)
    if not isinstance(value, str | datetime):
        msg = "must be an ISO 8601 date-time string"
        raise ValueError(msg)
    return value


Text = Annotated[str, BeforeValidator(_text), Field(strict=True)]
EventTime = Annotated[datetime, BeforeValidator(_has_time), AfterValidator(_utc)]
Facets = dict[str, dict[str, Any]]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


M = TypeVar("M", bound="_Model")


class EventType(StrEnum):
    START = "START"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    ABORT = "ABORT"
    FAIL = "FAIL"
    OTHER = "OTHER"


class Dataset(_Model):
    namespace: Text
    name: Text
    facets: Facets = Field(default_factory=dict)


class InputDataset(Dataset):
    input_facets: Facets = Field(default_factory=dict)


class OutputDataset(Dataset):
    output_facets: Facets = Field(default_factory=dict)


class Job(_Model):
    namespace: Text
    name: Text
    facets: Facets = Field(default_factory=dict)


class Run(_Model):
    run_id: Token  # stored as a TransformRun's runId: no white space or control characters
    facets: Facets = Field(default_factory=dict)


class _Event(_Model):
    event_time: EventTime
    producer: Text
    schema_url: Text = Field(alias="schemaURL")


class RunEvent(_Event):
    kind: Literal["RunEvent"] = Field(default="RunEvent", exclude=True)
    event_type: EventType | None = None
    run: Run
    job: Job
    inputs: list[InputDataset] = Field(default_factory=list)
    outputs: list[OutputDataset] = Field(default_factory=list)


class DatasetEvent(_Event):
    kind: Literal["DatasetEvent"] = Field(default="DatasetEvent", exclude=True)
    dataset: Dataset


class JobEvent(_Event):
    kind: Literal["JobEvent"] = Field(default="JobEvent", exclude=True)
    job: Job
    inputs: list[InputDataset] = Field(default_factory=list)
    outputs: list[OutputDataset] = Field(default_factory=list)


Event = RunEvent | DatasetEvent | JobEvent
_BY_NAME: Final[dict[str, type[RunEvent | DatasetEvent | JobEvent]]] = {
    "RunEvent": RunEvent,
    "DatasetEvent": DatasetEvent,
    "JobEvent": JobEvent,
}

# --- the facets that are mapped --------------------------------------------------------------


class SchemaFieldFacet(_Model):
    name: Text
    type: str | None = None
    description: str | None = None
    fields: list[SchemaFieldFacet] = Field(default_factory=list)


class SchemaFacet(_Model):
    fields: list[SchemaFieldFacet] = Field(default_factory=list)


class InputField(_Model):
    namespace: Text
    name: Text
    field: Text


class ColumnFields(_Model):
    input_fields: list[InputField] = Field(default_factory=list)


class ColumnLineageFacet(_Model):
    fields: dict[str, ColumnFields] = Field(default_factory=dict)
    dataset: list[InputField] = Field(default_factory=list)


class DataSourceFacet(_Model):
    name: str | None = None
    uri: str | None = None


class DocumentationFacet(_Model):
    description: str


class Owner(_Model):
    name: Text
    type: str | None = None


class OwnershipFacet(_Model):
    owners: list[Owner] = Field(default_factory=list)


class VersionFacet(_Model):
    dataset_version: Text


class SqlFacet(_Model):
    query: Text
    dialect: str | None = None


class JobTypeFacet(_Model):
    processing_type: str | None = None
    integration: str | None = None
    job_type: str | None = None


class SourceCodeLocationFacet(_Model):
    type: str | None = None
    url: str | None = None
    repo_url: str | None = None
    path: str | None = None
    version: str | None = None


class SourceCodeFacet(_Model):
    language: str | None = None


class Tag(_Model):
    key: Text
    value: str = ""


class TagsFacet(_Model):
    tags: list[Tag] = Field(default_factory=list)


class OutputStatisticsFacet(_Model):
    row_count: int | None = Field(default=None, ge=0)


class DataQualityMetricsFacet(_Model):
    row_count: int | None = Field(default=None, ge=0)


class FeastFeatureViewFacet(_Model):
    name: str | None = None
    entities: list[str] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)
    owner: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    description: str | None = None
    ttl_seconds: int | None = None


class FeastFeatureServiceFacet(_Model):
    name: str | None = None
    feature_views: list[str] = Field(default_factory=list)
    owner: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    description: str | None = None


class FeastProjectFacet(_Model):
    project_name: str | None = None
    provider: str | None = None
    online_store_type: str | None = None


class FeastMaterializationFacet(_Model):
    online_store_type: str | None = None


DATASET_FACETS: Final[dict[str, type[_Model]]] = {
    "schema": SchemaFacet,
    "columnLineage": ColumnLineageFacet,
    "dataSource": DataSourceFacet,
    "documentation": DocumentationFacet,
    "ownership": OwnershipFacet,
    "version": VersionFacet,
    "tags": TagsFacet,
    "feast_featureView": FeastFeatureViewFacet,
    "feast_featureService": FeastFeatureServiceFacet,
}
OUTPUT_FACETS: Final[dict[str, type[_Model]]] = {"outputStatistics": OutputStatisticsFacet}
INPUT_FACETS: Final[dict[str, type[_Model]]] = {"dataQualityMetrics": DataQualityMetricsFacet}
JOB_FACETS: Final[dict[str, type[_Model]]] = {
    "sql": SqlFacet,
    "jobType": JobTypeFacet,
    "sourceCodeLocation": SourceCodeLocationFacet,
    "sourceCode": SourceCodeFacet,
    "documentation": DocumentationFacet,
    "ownership": OwnershipFacet,
    "tags": TagsFacet,
    "feast_project": FeastProjectFacet,
}
RUN_FACETS: Final[dict[str, type[_Model]]] = {"feast_materialization": FeastMaterializationFacet}


def facet(facets: Facets, name: str, model: type[M]) -> M | None:
    """A facet already checked by `parse_events` (None when absent or ``_deleted``)."""
    raw = facets.get(name)
    if raw is None or raw.get("_deleted") is True:
        return None
    return model.model_validate(raw)


# --- parsing -----------------------------------------------------------------------------------


def pointer(*parts: str | int) -> str:
    """A JSON Pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _problems(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[dict[str, str]]:
    out = []
    for error in exc.errors(include_url=False):
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        code = ErrorCode.MISSING_FIELD if error["type"] == "missing" else ErrorCode.INVALID_VALUE
        message = str(error["msg"]).removeprefix("Value error, ")
        out.append({"path": pointer(*prefix, *loc), "code": str(code), "message": message})
    return out


def _check_facets(
    facets: Facets, known: dict[str, type[_Model]], prefix: tuple[str | int, ...]
) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    for name, model in known.items():
        raw = facets.get(name)
        if raw is None or raw.get("_deleted") is True:
            continue
        try:
            model.model_validate(raw)
        except ValidationError as e:
            problems += _problems(e, (*prefix, name))
    return problems


def _check_datasets(event: RunEvent | JobEvent, prefix: tuple[str | int, ...]) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    for i, ds in enumerate(event.inputs):
        problems += _check_facets(ds.facets, DATASET_FACETS, (*prefix, "inputs", i, "facets"))
        problems += _check_facets(ds.input_facets, INPUT_FACETS, (*prefix, "inputs", i, "inputFacets"))
    for i, out in enumerate(event.outputs):
        problems += _check_facets(out.facets, DATASET_FACETS, (*prefix, "outputs", i, "facets"))
        problems += _check_facets(out.output_facets, OUTPUT_FACETS, (*prefix, "outputs", i, "outputFacets"))
    problems += _check_facets(event.job.facets, JOB_FACETS, (*prefix, "job", "facets"))
    return problems


def _kind(raw: dict[str, Any]) -> str | None:
    url = raw.get("schemaURL")
    if isinstance(url, str):
        fragment = url.rsplit("/", 1)[-1]
        if fragment in _BY_NAME:
            return fragment
    if "run" in raw:
        return "RunEvent"
    if "dataset" in raw:
        return "DatasetEvent"
    if "job" in raw:
        return "JobEvent"
    return None


def _over_caps(raw: dict[str, Any], caps: EventCaps, prefix: tuple[str | int, ...]) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []

    def too_many(path: tuple[str | int, ...], what: str, count: int, limit: int) -> None:
        message = f"at most {limit} {what}, got {count}"
        problems.append(
            {"path": pointer(*prefix, *path), "code": str(ErrorCode.TOO_LARGE), "message": message}
        )

    datasets: list[tuple[tuple[str | int, ...], Any]] = []
    for side in ("inputs", "outputs"):
        listed = raw.get(side)
        if isinstance(listed, list):
            if len(listed) > caps.datasets:
                too_many((side,), f"{side} per event", len(listed), caps.datasets)
                continue
            datasets += [((side, i), ds) for i, ds in enumerate(listed)]
    if "dataset" in raw:
        datasets.append((("dataset",), raw["dataset"]))
    for path, dataset in datasets:
        facets = dataset.get("facets") if isinstance(dataset, dict) else None
        if not isinstance(facets, dict):
            continue
        for facet, key in (("schema", "fields"), ("columnLineage", "fields")):
            found = facets.get(facet)
            fields = found.get(key) if isinstance(found, dict) else None
            if isinstance(fields, list | dict) and len(fields) > caps.fields:
                too_many(
                    (*path, "facets", facet, key), f"{facet} fields per dataset", len(fields), caps.fields
                )
    return problems


def _parse_one(
    raw: Any, prefix: tuple[str | int, ...], caps: EventCaps
) -> tuple[Event | None, list[dict[str, str]]]:
    if not isinstance(raw, dict):
        return None, [
            {
                "path": pointer(*prefix),
                "code": str(ErrorCode.INVALID_VALUE),
                "message": "an event must be an object",
            }
        ]
    kind = _kind(raw)
    if kind is None:
        message = (
            "not an OpenLineage event: a RunEvent needs run and job, a DatasetEvent dataset, a JobEvent job"
        )
        return None, [{"path": pointer(*prefix), "code": str(ErrorCode.MISSING_FIELD), "message": message}]
    if over := _over_caps(raw, caps, prefix):
        return None, over
    try:
        event = _BY_NAME[kind].model_validate(raw)
    except ValidationError as e:
        return None, _problems(e, prefix)
    if isinstance(event, DatasetEvent):
        problems = _check_facets(event.dataset.facets, DATASET_FACETS, (*prefix, "dataset", "facets"))
    else:
        problems = _check_datasets(event, prefix)
        if isinstance(event, RunEvent):
            problems += _check_facets(event.run.facets, RUN_FACETS, (*prefix, "run", "facets"))
    return (event if not problems else None), problems


def parse_events(body: Any, caps: EventCaps | None = None) -> list[Event]:
    """Typed events from a decoded request body (one event, or an array), or `InvalidInput`."""
    caps = caps or EventCaps()
    single = not isinstance(body, list)
    items = [body] if single else list(body)
    if not items:
        raise InvalidInput(
            "the request holds no event",
            code=ErrorCode.MISSING_FIELD,
            details={
                "problems": [{"path": "", "code": str(ErrorCode.MISSING_FIELD), "message": "empty array"}]
            },
        )
    if len(items) > MAX_EVENTS:
        raise InvalidInput(
            f"at most {MAX_EVENTS} events per request, got {len(items)}",
            code=ErrorCode.TOO_LARGE,
            details={"limit": MAX_EVENTS, "count": len(items)},
        )
    events: list[Event] = []
    problems: list[dict[str, str]] = []
    for i, raw in enumerate(items):
        event, found = _parse_one(raw, () if single else (i,), caps)
        problems += found
        if event is not None:
            events.append(event)
    if problems:
        raise invalid(problems, len(items))
    return events


def invalid(problems: list[dict[str, str]], count: int) -> InvalidInput:
    codes = {p["code"] for p in problems}
    first = problems[0]
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return InvalidInput(
        f"invalid OpenLineage event{'s' if count > 1 else ''}: {first['path'] or '/'}: {first['message']}{more}",
        code=codes.pop() if len(codes) == 1 else ErrorCode.INVALID_INPUT,
        details={"problems": problems},
    )
