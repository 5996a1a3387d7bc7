"""Node kinds: the uid prefix, the Neo4j label and the identity shape of each.

A `Kind` value is its Neo4j label (also stored as the `kind` property). Logical and
versioned kinds may share a uid prefix (`featureset`, `model`); the presence of
`@<version>` in the uid tells them apart. `ALL_LABELS` lists every label once, in a
stable order, for the uniqueness-constraint migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping


class VersionShape(Enum):
    NONE = "none"
    INTEGER = "integer"
    TEXT = "text"


class Kind(StrEnum):
    SOURCE = "DataSource"
    SNAPSHOT = "DatasetSnapshot"
    TRANSFORM = "Transform"
    TRANSFORM_RUN = "TransformRun"
    FEATURE_SET = "FeatureSet"
    FEATURE_SET_VERSION = "FeatureSetVersion"
    FEATURE = "Feature"
    MODEL = "Model"
    MODEL_VERSION = "ModelVersion"
    TRAINING_RUN = "TrainingRun"
    EVALUATION = "Evaluation"
    ENVIRONMENT = "Environment"
    DEPLOYMENT = "Deployment"
    TEAM = "Team"
    PRINCIPAL = "Principal"
    POLICY_DECISION = "PolicyDecision"
    AUDIT_EVENT = "AuditEvent"

    @property
    def label(self) -> str:
        return self.value

    @property
    def prefix(self) -> str:
        return _SPECS[self].prefix

    @property
    def version_shape(self) -> VersionShape:
        return _SPECS[self].version

    @property
    def versioned(self) -> bool:
        return _SPECS[self].version is not VersionShape.NONE

    @property
    def has_field(self) -> bool:
        return _SPECS[self].field

    @property
    def parent(self) -> Kind | None:
        """The kind of the entity this one is a version, run or member of."""
        return _SPECS[self].parent

    @classmethod
    def from_label(cls, label: str) -> Kind:
        return KIND_BY_LABEL[label]

    @classmethod
    def from_prefix(cls, prefix: str, *, versioned: bool) -> Kind | None:
        return _KIND_BY_PREFIX.get((prefix, versioned))


@dataclass(frozen=True, slots=True)
class _Spec:
    prefix: str
    version: VersionShape = VersionShape.NONE
    field: bool = False
    parent: Kind | None = None


_SPECS: Final[Mapping[Kind, _Spec]] = {
    Kind.SOURCE: _Spec("source"),
    Kind.SNAPSHOT: _Spec("snapshot", VersionShape.TEXT, parent=Kind.SOURCE),
    Kind.TRANSFORM: _Spec("transform"),
    Kind.TRANSFORM_RUN: _Spec("transformrun", VersionShape.TEXT, parent=Kind.TRANSFORM),
    Kind.FEATURE_SET: _Spec("featureset"),
    Kind.FEATURE_SET_VERSION: _Spec("featureset", VersionShape.INTEGER, parent=Kind.FEATURE_SET),
    Kind.FEATURE: _Spec("feature", VersionShape.INTEGER, field=True, parent=Kind.FEATURE_SET_VERSION),
    Kind.MODEL: _Spec("model"),
    Kind.MODEL_VERSION: _Spec("model", VersionShape.INTEGER, parent=Kind.MODEL),
    Kind.TRAINING_RUN: _Spec("trainingrun", VersionShape.TEXT),
    Kind.EVALUATION: _Spec("evaluation"),
    Kind.ENVIRONMENT: _Spec("environment"),
    Kind.DEPLOYMENT: _Spec("deployment"),
    Kind.TEAM: _Spec("team"),
    Kind.PRINCIPAL: _Spec("principal"),
    Kind.POLICY_DECISION: _Spec("decision"),
    Kind.AUDIT_EVENT: _Spec("auditevent"),
}

_KIND_BY_PREFIX: Final[Mapping[tuple[str, bool], Kind]] = {
    (spec.prefix, spec.version is not VersionShape.NONE): kind for kind, spec in _SPECS.items()
}

KIND_BY_LABEL: Final[Mapping[str, Kind]] = {kind.label: kind for kind in Kind}
LABEL_BY_KIND: Final[Mapping[Kind, str]] = {kind: kind.label for kind in Kind}
ALL_LABELS: Final[tuple[str, ...]] = tuple(kind.label for kind in Kind)
PREFIXES: Final[frozenset[str]] = frozenset(spec.prefix for spec in _SPECS.values())
GLOBAL_NAMESPACE: Final = "global"
