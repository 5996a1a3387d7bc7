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
        default_factory=list, max_length=MAX_ENTITIES
    )
    owner: OwnerUid | None = None


class FeatureInput(DomainModel):
    name: FeatureName
    dtype: DtypeValue
    description: Description = ""


class FeatureSetVersionInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.FEATURE_SET_VERSION

    version: VersionNumber
    contract: Contract
    status: VersionStatus = VersionStatus.ACTIVE
    sunset_at: AwareDatetime | None = None
    store: Token | None = None
    features: Annotated[
        list[FeatureInput],
        unique_by("feature", "name"),
        Field(min_length=1, max_length=MAX_FEATURES_PER_VERSION),
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
    feature_set: Name
    version: VersionNumber
    name: FeatureName
    dtype: DtypeValue
    description: Description = ""

    def identity(self) -> Uid:
        return Uid.of(self.KIND, self.namespace, self.feature_set, self.version, self.name)


class FeatureSet(FeatureSetInput, Stored): ...


class FeatureSetVersion(FeatureSetVersionInput, Stored): ...


class Feature(FeatureNode, Stored): ...
