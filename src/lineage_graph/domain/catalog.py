"""Data catalog payloads and records: sources, snapshots, transforms and their runs.

Sources and snapshots are named by their OpenLineage dataset; their namespace is
normalised on input with `openlineage_naming.normalize_dataset_namespace`. A
schema field's ``dtype`` is a `Dtype`; the platform's own type name may be kept in
``nativeType``. ``classification`` defaults to INTERNAL when the producer (e.g. an
OpenLineage event) does not say; transform runs are named by their job plus run id.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import AwareDatetime, Field, field_validator, model_validator

from lineage_graph.domain.base import DomainModel, NodeInput, Stored
from lineage_graph.domain.ids import Uid
from lineage_graph.domain.kinds import Kind
from lineage_graph.domain.limits import MAX_RETENTION_DAYS, MAX_SCHEMA_FIELDS, MAX_URI_LENGTH
from lineage_graph.domain.openlineage_naming import normalize_dataset_namespace
from lineage_graph.domain.values import (
    ColumnName,
    Description,
    DtypeValue,
    ShortText,
    SqlText,
    Token,
    UriText,
    check_interval,
    unique_by,
)


class Classification(StrEnum):
    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"
    CONFIDENTIAL = "CONFIDENTIAL"
    PII = "PII"


class TransformType(StrEnum):
    SQL = "SQL"
    SPARK = "SPARK"
    PYTHON = "PYTHON"
    DBT = "DBT"


class RunState(StrEnum):
    START = "START"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"
    ABORT = "ABORT"
    OTHER = "OTHER"


class CodeRef(DomainModel):
    repo: UriText
    commit: Token
    path: Annotated[str, Field(max_length=MAX_URI_LENGTH)] | None = None


class SchemaField(DomainModel):
    name: ColumnName
    dtype: DtypeValue
    description: Description = ""
    native_type: ShortText | None = None


class DataSourceInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.SOURCE

    classification: Classification = Classification.INTERNAL
    retention_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS, strict=True)] | None = None
    platform: ShortText | None = None
    schema_fields: Annotated[list[SchemaField], unique_by("schema field", "name")] = Field(
        default_factory=list, max_length=MAX_SCHEMA_FIELDS
    )

    @field_validator("namespace")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_dataset_namespace(value)


class DatasetSnapshotInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.SNAPSHOT

    version: Token
    content_hash: Token | None = None
    row_count: Annotated[int, Field(ge=0, strict=True)] | None = None
    expires_at: AwareDatetime | None = None

    @field_validator("namespace")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_dataset_namespace(value)

    def identity(self) -> Uid:
        return Uid(self.KIND, self.namespace, self.name, self.version)


class TransformInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.TRANSFORM

    type: TransformType
    code_ref: CodeRef | None = None
    sql: SqlText | None = None


class TransformRunInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.TRANSFORM_RUN

    run_id: Token
    state: RunState
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_interval(self.started_at, self.ended_at)
        return self

    def identity(self) -> Uid:
        return Uid(self.KIND, self.namespace, self.name, self.run_id)


class DataSource(DataSourceInput, Stored): ...


class DatasetSnapshot(DatasetSnapshotInput, Stored): ...


class Transform(TransformInput, Stored): ...


class TransformRun(TransformRunInput, Stored): ...
