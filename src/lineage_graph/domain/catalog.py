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
    repo: UriText = Field(description="Repository URL.")
    commit: Token = Field(description="Commit hash or tag.")
    path: Annotated[str, Field(max_length=MAX_URI_LENGTH)] | None = Field(
        None, description="Path of the file in the repository."
    )


class SchemaField(DomainModel):
    name: ColumnName = Field(description="Column name.")
    dtype: DtypeValue = Field(description="Platform-neutral dtype (INT64, STRING, ...; see Feature.dtype).")
    description: Description = Field("", description="What the column holds.")
    native_type: ShortText | None = Field(None, description="The platform's own type name.")


class DataSourceInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.SOURCE

    classification: Classification = Field(
        Classification.INTERNAL, description="PUBLIC, INTERNAL (the default), CONFIDENTIAL or PII."
    )
    retention_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS, strict=True)] | None = Field(
        None, description="How long its data may be kept, in days."
    )
    platform: ShortText | None = Field(None, description="postgres, snowflake, s3, kafka...")
    schema_fields: Annotated[list[SchemaField], unique_by("schema field", "name")] = Field(
        default_factory=list, max_length=MAX_SCHEMA_FIELDS, description="Its columns."
    )

    @field_validator("namespace")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_dataset_namespace(value)


class DatasetSnapshotInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.SNAPSHOT

    version: Token = Field(description="The snapshot's version id.")
    content_hash: Token | None = Field(None, description="Hash of its content.")
    row_count: Annotated[int, Field(ge=0, strict=True)] | None = Field(None, description="Number of rows.")
    expires_at: AwareDatetime | None = Field(None, description="When it must be deleted.")

    @field_validator("namespace")
    @classmethod
    def _normalize(cls, value: str) -> str:
        return normalize_dataset_namespace(value)

    def identity(self) -> Uid:
        return Uid(self.KIND, self.namespace, self.name, self.version)


class TransformInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.TRANSFORM

    type: TransformType = Field(description="SQL, SPARK, PYTHON or DBT.")
    code_ref: CodeRef | None = Field(None, description="Where its code lives.")
    sql: SqlText | None = Field(None, description="Its SQL, when it is a query.")


class TransformRunInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.TRANSFORM_RUN

    run_id: Token = Field(description="The run id (OpenLineage runId).")
    state: RunState = Field(description="The run's state.")
    started_at: AwareDatetime | None = Field(None, description="When it started.")
    ended_at: AwareDatetime | None = Field(None, description="When it ended.")

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
