"""Feature sets, their immutable versions and the features they define.

A `FeatureSetVersionInput` carries its features; each becomes a `Feature` node
``feature:<ns>/<set>@<version>#<feature>``. Only ``status`` and ``sunsetAt`` of a
published version may change (see `immutability.MUTABLE_FIELDS`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, ClassVar

from pydantic import AwareDatetime, Field

from lineage_graph.domain.base import DomainModel, Entity, NodeInput, Stored
from lineage_graph.domain.ids import Uid
from lineage_graph.domain.kinds import Kind
from lineage_graph.domain.limits import MAX_ENTITIES, MAX_FEATURES_PER_VERSION
from lineage_graph.domain.values import (
    Contract,
    Description,
    DtypeValue,
    FeatureName,
    Name,
    Namespace,
    OwnerUid,
    Token,
    VersionNumber,
    unique_by,
)

if TYPE_CHECKING:
    from datetime import datetime


class VersionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DEPRECATED = "DEPRECATED"
    RETIRED = "RETIRED"


class FeatureSetInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.FEATURE_SET

    entities: Annotated[list[FeatureName], unique_by("entity")] = Field(
        default_factory=list, max_length=MAX_ENTITIES, description="Entity join keys."
    )
    owner: OwnerUid | None = Field(None, description="Team or principal uid.")


class FeatureInput(DomainModel):
    name: FeatureName = Field(description="Feature name ([A-Za-z_][A-Za-z0-9_]*).")
    dtype: DtypeValue = Field(description="BOOL, INT32, INT64, FLOAT32, FLOAT64, STRING, BYTES, ...")
    description: Description = Field("", description="Documentation.")


class FeatureSetVersionInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.FEATURE_SET_VERSION

    version: VersionNumber = Field(description="Version number, above every published one.")
    contract: Contract = Field(description="Semver contract matching the schema change, e.g. 2.1.0.")
    status: VersionStatus = Field(VersionStatus.ACTIVE, description="ACTIVE, DEPRECATED or RETIRED.")
    sunset_at: AwareDatetime | None = Field(None, description="When a deprecated version stops being served.")
    store: Token | None = Field(None, description="The online/offline store serving it.")
    features: Annotated[
        list[FeatureInput],
        unique_by("feature", "name"),
        Field(min_length=1, max_length=MAX_FEATURES_PER_VERSION, description="The schema."),
    ]

    def identity(self) -> Uid:
        return Uid.of(self.KIND, self.namespace, self.name, self.version)

    def feature_uid(self, feature: str) -> Uid:
        return Uid.of(Kind.FEATURE, self.namespace, self.name, self.version, feature)

    def feature_records(self, *, created_at: datetime, created_by: str) -> list[Feature]:
        return [
            Feature.from_input(
                FeatureNode(
                    namespace=self.namespace,
                    feature_set=self.name,
                    version=self.version,
                    name=f.name,
                    dtype=f.dtype,
                    description=f.description,
                ),
                created_at=created_at,
                created_by=created_by,
            )
            for f in self.features
        ]


class FeatureNode(Entity):
    """A feature as a node: its set, version and definition."""

    KIND: ClassVar[Kind] = Kind.FEATURE

    namespace: Namespace
    feature_set: Name = Field(description="Name of the feature set.")
    version: VersionNumber = Field(description="The feature-set version it belongs to.")
    name: FeatureName
    dtype: DtypeValue = Field(
        description="One of BOOL, INT32, INT64, FLOAT32, FLOAT64, STRING, BYTES, TIMESTAMP, DATE and "
        "their ARRAY_ forms."
    )
    description: Description = ""

    def identity(self) -> Uid:
        return Uid.of(self.KIND, self.namespace, self.feature_set, self.version, self.name)


class FeatureSet(FeatureSetInput, Stored): ...


class FeatureSetVersion(FeatureSetVersionInput, Stored): ...


class Feature(FeatureNode, Stored): ...
