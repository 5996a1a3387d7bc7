"""Semver contracts of feature-set versions and model/feature compatibility.

Publishing rules:

- a removed feature or a changed dtype requires a MAJOR bump, an added feature a
  MINOR bump, a description-only change a PATCH bump, an identical schema none
  (the new version keeps the previous contract);
- the declared contract must be exactly ``next_contract(previous, required)``;
  over- and under-bumping are both rejected with the diff;
- the first version of a feature set must declare ``1.0.0`` (`FIRST_CONTRACT`);
- version numbers only grow (`check_version_order`); re-sending an existing
  version is an immutability question, not an ordering one.

A feature-set version is compatible with a model's inputs when every consumed
feature exists in it with the same dtype (`incompatible_inputs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Protocol

from lineage_graph.domain.errors import (
    ContractViolation,
    ErrorCode,
    InvalidInput,
    VersionNotMonotonic,
    shorten,
)
from lineage_graph.domain.values import SEMVER_PATTERN

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

FIRST_CONTRACT: Final = "1.0.0"


class FeatureLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def dtype(self) -> str: ...

    @property
    def description(self) -> str: ...


class FeatureSpec(NamedTuple):
    name: str
    dtype: str
    description: str = ""


class Bump(StrEnum):
    NONE = "NONE"
    PATCH = "PATCH"
    MINOR = "MINOR"
    MAJOR = "MAJOR"

    @property
    def rank(self) -> int:
        return list(Bump).index(self)


class Semver(NamedTuple):
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Semver:
        if not isinstance(text, str) or not SEMVER_PATTERN.fullmatch(text):
            raise InvalidInput(
                f"contract {shorten(text)} is not a MAJOR.MINOR.PATCH version",
                code=ErrorCode.INVALID_CONTRACT,
                details={"contract": text},
            )
        major, minor, patch = (int(part) for part in text.split("."))
        return cls(major, minor, patch)

    def bump(self, bump: Bump) -> Semver:
        match bump:
            case Bump.MAJOR:
                return Semver(self.major + 1, 0, 0)
            case Bump.MINOR:
                return Semver(self.major, self.minor + 1, 0)
            case Bump.PATCH:
                return Semver(self.major, self.minor, self.patch + 1)
            case Bump.NONE:
                return self

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True, slots=True)
class DtypeChange:
    name: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class SchemaDiff:
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    dtype_changed: tuple[DtypeChange, ...] = ()
    doc_changed: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.removed or self.added or self.dtype_changed or self.doc_changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "removed": list(self.removed),
            "added": list(self.added),
            "dtypeChanged": [{"name": c.name, "old": c.old, "new": c.new} for c in self.dtype_changed],
            "docChanged": list(self.doc_changed),
        }


def diff_schemas(old: Iterable[FeatureLike], new: Iterable[FeatureLike]) -> SchemaDiff:
    before = {f.name: f for f in old}
    after = {f.name: f for f in new}
    common = sorted(before.keys() & after.keys())
    return SchemaDiff(
        removed=tuple(sorted(before.keys() - after.keys())),
        added=tuple(sorted(after.keys() - before.keys())),
        dtype_changed=tuple(
            DtypeChange(n, str(before[n].dtype), str(after[n].dtype))
            for n in common
            if before[n].dtype != after[n].dtype
        ),
        doc_changed=tuple(n for n in common if (before[n].description or "") != (after[n].description or "")),
    )


def required_bump(diff: SchemaDiff) -> Bump:
    if diff.removed or diff.dtype_changed:
        return Bump.MAJOR
    if diff.added:
        return Bump.MINOR
    if diff.doc_changed:
        return Bump.PATCH
    return Bump.NONE


def next_contract(previous: str, bump: Bump) -> str:
    return str(Semver.parse(previous).bump(bump))


def check_publish(
    previous_version_features: Sequence[FeatureLike] | None,
    previous_contract: str | None,
    new_features: Sequence[FeatureLike],
    declared_contract: str,
) -> SchemaDiff:
    """The schema diff of a publish, or `ContractViolation` if the contract is wrong.

    Pass ``None`` for both previous arguments when publishing the first version.
    """
    Semver.parse(declared_contract)
    if (previous_version_features is None) != (previous_contract is None):
        msg = "previous features and previous contract must be given together"
        raise ValueError(msg)
    diff = diff_schemas(previous_version_features or (), new_features)
    if previous_version_features is None or previous_contract is None:
        bump, expected = None, FIRST_CONTRACT
    else:
        bump = required_bump(diff)
        expected = next_contract(previous_contract, bump)
    if declared_contract != expected:
        raise ContractViolation(
            f"contract {declared_contract} does not match the schema change: expected {expected}"
            + (f" ({bump} bump from {previous_contract})" if bump else " (first version)"),
            details={
                "declaredContract": declared_contract,
                "expectedContract": expected,
                "previousContract": previous_contract,
                "requiredBump": bump,
                "diff": diff.to_dict(),
            },
        )
    return diff


def check_version_order(latest_version: int | None, new_version: int) -> None:
    """Reject a version number that is not greater than the latest published one."""
    if latest_version is not None and new_version <= latest_version:
        raise VersionNotMonotonic(
            f"version {new_version} is not greater than the latest version {latest_version}",
            details={"version": new_version, "latestVersion": latest_version},
        )


class IncompatibilityReason(StrEnum):
    MISSING_FEATURE = "MISSING_FEATURE"
    DTYPE_MISMATCH = "DTYPE_MISMATCH"


@dataclass(frozen=True, slots=True)
class Incompatibility:
    input: str
    feature: str
    reason: IncompatibilityReason
    expected_dtype: str
    actual_dtype: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "feature": self.feature,
            "reason": str(self.reason),
            "expectedDtype": self.expected_dtype,
            "actualDtype": self.actual_dtype,
        }


def incompatible_inputs(
    model_inputs: Iterable[tuple[str, str, str]],
    feature_set_version_features: Iterable[FeatureLike],
) -> list[Incompatibility]:
    """Inputs ``(input, feature_name, trained_dtype)`` the given features cannot serve."""
    available = {f.name: str(f.dtype) for f in feature_set_version_features}
    problems: list[Incompatibility] = []
    for model_input, feature, dtype in model_inputs:
        actual = available.get(feature)
        if actual is None:
            problems.append(
                Incompatibility(model_input, feature, IncompatibilityReason.MISSING_FEATURE, str(dtype))
            )
        elif actual != str(dtype):
            problems.append(
                Incompatibility(
                    model_input, feature, IncompatibilityReason.DTYPE_MISMATCH, str(dtype), actual
                )
            )
    return problems
