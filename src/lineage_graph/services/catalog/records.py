"""What the catalog's writes take and give back: requests, results and write outcomes.

Plain frozen dataclasses around the domain's ``*Input`` models; no I/O. `Written` pairs a
record with the `Outcome` of its write (an identical re-send is `Outcome.UNCHANGED`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from lineage_graph.domain import Kind, Stored

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from lineage_graph.domain import (
        FeatureSetVersion,
        ModelVersion,
        ModelVersionInput,
        TrainingRun,
        TrainingRunInput,
        TransformInput,
        TransformRunInput,
    )
    from lineage_graph.domain.features import FeatureSetVersionInput
    from lineage_graph.policy.decisions import Finding

R = TypeVar("R", bound=Stored)

MAX_BATCH: Final = 1_000
"""Most entities one batch request may register (`TOO_LARGE` beyond)."""

APPROVABLE: Final = frozenset({Kind.MODEL_VERSION, Kind.DEPLOYMENT, Kind.FEATURE_SET_VERSION})
DEPRECATABLE: Final = frozenset({Kind.FEATURE_SET_VERSION, Kind.MODEL_VERSION})


INITIAL_BUMP: Final = "INITIAL"
"""The `bump` stored for the first version of a feature set (no previous contract)."""


class Keep(Enum):
    """An optional field a write leaves out: the stored value stays (`None` clears it)."""

    KEEP = "KEEP"


KEEP: Final = Keep.KEEP


class Outcome(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True, slots=True)
class Written(Generic[R]):
    """An entity after a write, and whether the write created, changed or left it."""

    record: R
    outcome: Outcome
    warnings: tuple[Finding, ...] = ()
    """Policy warnings of the write's gate (deploy, promote)."""


def written(
    record: Stored, outcome: Outcome, kind: type[R], warnings: tuple[Finding, ...] = ()
) -> Written[R]:
    """A `Written` of a record known to be of `kind` (checked)."""
    if not isinstance(record, kind):  # pragma: no cover - a bug, not a refusal
        msg = f"{record.uid} is a {type(record).__name__}, expected {kind.__name__}"
        raise TypeError(msg)
    return Written(record, outcome, warnings)


@dataclass(frozen=True, slots=True)
class TransformRegistration:
    transform: TransformInput
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransformRunRecord:
    run: TransformRunInput
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnSource:
    """Column-level lineage of a feature: the source it derives from and which columns."""

    source: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Publication:
    """A feature-set version to publish, with its producing job and the sources it derives from."""

    version: FeatureSetVersionInput
    produced_by: str | None = None
    sources: tuple[str, ...] = ()
    feature_sources: Mapping[str, tuple[ColumnSource, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PublishResult:
    written: Written[FeatureSetVersion]
    bump: str
    """The contract bump as stored: `INITIAL_BUMP` for the first version, else a `Bump` value."""
    warnings: tuple[Finding, ...] = ()
    """Policy warnings of the schema gate."""


@dataclass(frozen=True, slots=True)
class ModelVersionRegistration:
    """A model version, optionally with the training run that produced it (created with it)."""

    version: ModelVersionInput
    training_run: TrainingRunInput | None = None
    datasets: tuple[str, ...] = ()
    input_dtypes: Mapping[str, str] = field(default_factory=dict)
    """The dtype each model input was trained with, checked against its bound feature."""


@dataclass(frozen=True, slots=True)
class ModelVersionResult:
    written: Written[ModelVersion]
    training_run: Written[TrainingRun] | None
    warnings: tuple[Finding, ...] = ()
    """Lineage completeness and deprecated-input findings (never blocking at registration)."""


@dataclass(frozen=True, slots=True)
class Approval:
    subject: Stored
    reviewer: str
    comment: str
    at: datetime
    outcome: Outcome
