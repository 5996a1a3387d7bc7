"""Node kinds and edge types: the vocabulary of the graph.

A `Kind` value is its Neo4j label (also stored as the `kind` property), with the uid prefix
and the identity shape of the kind. Logical and versioned kinds may share a uid prefix
(`featureset`, `model`); the presence of `@<version>` in the uid tells them apart.
`ALL_LABELS` lists every label once, in a stable order, for the uniqueness-constraint
migrations.

An `EdgeType` value is a Neo4j relationship type; the members are exactly the types the
Cypher library names or the services write (tests/unit/test_edge_types.py keeps them in step).
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


class EdgeType(StrEnum):
    """A relationship type. Every edge points from the dependent to what it depends on."""

    """Lineage: the "depends on" edges a lineage walk follows (`LINEAGE_EDGE_TYPES`)."""
    READS = "READS"
    PRODUCED_BY = "PRODUCED_BY"
    SNAPSHOT_OF = "SNAPSHOT_OF"
    DEFINED_IN = "DEFINED_IN"
    DERIVED_FROM = "DERIVED_FROM"
    USES = "USES"
    CONSUMES = "CONSUMES"
    SERVES = "SERVES"
    SERVES_FROM = "SERVES_FROM"

    """Versions and runs: a version or run to its entity, and a version to its neighbours."""
    VERSION_OF = "VERSION_OF"
    RUN_OF = "RUN_OF"
    SUPERSEDES = "SUPERSEDES"
    REPLACED_BY = "REPLACED_BY"

    """Serving: a deployment to its environment, the deployment it shadows or was promoted to."""
    IN_ENV = "IN_ENV"
    SHADOWS = "SHADOWS"
    PROMOTED_TO = "PROMOTED_TO"

    """Evaluation: what an evaluation scores, on which data, against which earlier evaluation."""
    EVALUATES = "EVALUATES"
    ON = "ON"
    BASELINE = "BASELINE"

    """Governance: ownership, approvals, and what an audit event or policy decision is about."""
    OWNED_BY = "OWNED_BY"
    APPROVED = "APPROVED"
    ABOUT = "ABOUT"


LINEAGE_EDGE_TYPES: Final[tuple[EdgeType, ...]] = (
    EdgeType.READS,
    EdgeType.PRODUCED_BY,
    EdgeType.SNAPSHOT_OF,
    EdgeType.DEFINED_IN,
    EdgeType.DERIVED_FROM,
    EdgeType.USES,
    EdgeType.CONSUMES,
    EdgeType.SERVES,
    EdgeType.SERVES_FROM,
)
"""The "depends on" edge types a lineage walk follows (VERSION_OF, OWNED_BY... are not lineage)."""


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
