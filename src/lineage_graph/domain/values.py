"""Validated value types shared by the payload models.

Each type is an `Annotated` alias whose validator raises a pydantic error whose
``type`` is a domain `ErrorCode`, so `validation.validation_error_to_domain` can
report a specific code for every problem.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, Final, NoReturn

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from lineage_graph.domain.dtypes import Dtype
from lineage_graph.domain.errors import ErrorCode, InvalidUid, shorten
from lineage_graph.domain.ids import Uid
from lineage_graph.domain.kinds import Kind
from lineage_graph.domain.limits import (
    MAX_COLUMN_NAME_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_FEATURE_NAME_LENGTH,
    MAX_INT_VERSION,
    MAX_MAP_ENTRIES,
    MAX_MAP_VALUE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NAMESPACE_LENGTH,
    MAX_SHORT_TEXT_LENGTH,
    MAX_SQL_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_URI_LENGTH,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable
    from datetime import datetime

FEATURE_NAME_PATTERN: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SEMVER_PATTERN: Final = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE_OR_CONTROL: Final = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def fail(code: ErrorCode, message: str) -> NoReturn:
    raise PydanticCustomError(code.value, "{message}", {"message": message})


def ensure_unique(items: Iterable[Hashable], what: str) -> None:
    seen: set[Hashable] = set()
    for item in items:
        if item in seen:
            fail(ErrorCode.DUPLICATE_NAME, f"duplicate {what} {shorten(item)}")
        seen.add(item)


def unique_by(what: str, attribute: str | None = None) -> AfterValidator:
    """A list validator rejecting duplicate items (or duplicate ``item.attribute``)."""

    def check(values: list[Any]) -> list[Any]:
        ensure_unique((getattr(v, attribute) if attribute else v for v in values), what)
        return values

    return AfterValidator(check)


MAX_UTC_OFFSET: Final = timedelta(hours=18)
"""The widest UTC offset Neo4j stores (Java's ZoneOffset); real zones stay within +-14:00."""


def utc_offset_problem(value: datetime) -> str | None:
    """Why `value` cannot be stored, if its UTC offset is beyond `MAX_UTC_OFFSET`."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return "its UTC offset must be within -18:00..+18:00"
    return None


def check_interval(started_at: datetime | None, ended_at: datetime | None) -> None:
    if started_at is not None and ended_at is not None and ended_at < started_at:
        fail(ErrorCode.INVALID_VALUE, "endedAt is before startedAt")


def _text(
    limit: int,
    *,
    empty: ErrorCode | None = ErrorCode.INVALID_VALUE,
    forbidden: re.Pattern[str] | None = _CONTROL,
    bad: ErrorCode = ErrorCode.INVALID_VALUE,
) -> Callable[[str], str]:
    def check(value: str) -> str:
        if empty is not None and not value.strip():
            fail(empty, "must not be empty or blank")
        if len(value) > limit:
            fail(ErrorCode.TOO_LARGE, f"longer than {limit} characters")
        if forbidden is not None and forbidden.search(value):
            what = "control characters" if forbidden is _CONTROL else "white space or control characters"
            fail(bad, f"must not contain {what}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            fail(bad, "contains a lone surrogate code point")
        return value

    return check


def _feature_name(value: str) -> str:
    if not value:
        fail(ErrorCode.EMPTY_NAME, "must not be empty")
    if len(value) > MAX_FEATURE_NAME_LENGTH:
        fail(ErrorCode.TOO_LARGE, f"longer than {MAX_FEATURE_NAME_LENGTH} characters")
    if not FEATURE_NAME_PATTERN.fullmatch(value):
        fail(ErrorCode.INVALID_NAME, f"{value!r} does not match [A-Za-z_][A-Za-z0-9_]*")
    return value


def _contract(value: str) -> str:
    if not SEMVER_PATTERN.fullmatch(value):
        fail(ErrorCode.INVALID_CONTRACT, f"{shorten(value)} is not a MAJOR.MINOR.PATCH version")
    return value


def _version(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_INT_VERSION:
        fail(ErrorCode.INVALID_VERSION, "must be a positive integer")
    return value


def _dtype(value: object) -> Dtype:
    if isinstance(value, str) and value in Dtype.__members__:
        return Dtype(value)
    fail(ErrorCode.INVALID_DTYPE, f"unknown dtype {shorten(value)}; allowed: {', '.join(Dtype)}")


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        fail(ErrorCode.INVALID_VALUE, "must be a finite number")
    return float(value)


def _scalar(value: object) -> bool | int | float | str:
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str):
        if len(value) > MAX_MAP_VALUE_LENGTH:
            fail(ErrorCode.TOO_LARGE, f"longer than {MAX_MAP_VALUE_LENGTH} characters")
        return value
    fail(ErrorCode.INVALID_VALUE, "must be a string, boolean, integer or finite number")


def uid_of(*kinds: Kind) -> Callable[[str], str]:
    """A validator returning the canonical spelling of a uid of one of `kinds`."""

    def check(value: str) -> str:
        try:
            return Uid.parse(value, expect=kinds or None).format()
        except InvalidUid as e:
            fail(ErrorCode(e.code), e.message)

    return check


Namespace = Annotated[
    str, AfterValidator(_text(MAX_NAMESPACE_LENGTH, empty=ErrorCode.EMPTY_NAME, bad=ErrorCode.INVALID_NAME))
]
Name = Annotated[
    str, AfterValidator(_text(MAX_NAME_LENGTH, empty=ErrorCode.EMPTY_NAME, bad=ErrorCode.INVALID_NAME))
]
FeatureName = Annotated[str, AfterValidator(_feature_name)]
ColumnName = Annotated[
    str,
    AfterValidator(_text(MAX_COLUMN_NAME_LENGTH, empty=ErrorCode.EMPTY_NAME, bad=ErrorCode.INVALID_NAME)),
]
Description = Annotated[str, AfterValidator(_text(MAX_DESCRIPTION_LENGTH, empty=None, forbidden=None))]
ShortText = Annotated[str, AfterValidator(_text(MAX_SHORT_TEXT_LENGTH))]
Token = Annotated[str, AfterValidator(_text(MAX_SHORT_TEXT_LENGTH, forbidden=_SPACE_OR_CONTROL))]
Tag = Annotated[
    str,
    AfterValidator(
        _text(
            MAX_TAG_LENGTH,
            empty=ErrorCode.EMPTY_NAME,
            forbidden=_SPACE_OR_CONTROL,
            bad=ErrorCode.INVALID_NAME,
        )
    ),
]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), unique_by("tag")]
UriText = Annotated[str, AfterValidator(_text(MAX_URI_LENGTH, forbidden=_SPACE_OR_CONTROL))]
SqlText = Annotated[str, AfterValidator(_text(MAX_SQL_LENGTH, forbidden=None))]
Contract = Annotated[str, AfterValidator(_contract)]
VersionNumber = Annotated[int, BeforeValidator(_version)]
DtypeValue = Annotated[Dtype, BeforeValidator(_dtype)]
Seed = Annotated[int, Field(ge=0, le=MAX_INT_VERSION, strict=True)]
Number = Annotated[float, BeforeValidator(_number)]
Scalar = Annotated[bool | int | float | str, BeforeValidator(_scalar)]
ParamKey = Annotated[str, AfterValidator(_text(MAX_SHORT_TEXT_LENGTH))]
ParamMap = Annotated[dict[ParamKey, Scalar], Field(max_length=MAX_MAP_ENTRIES)]
MetricMap = Annotated[dict[ParamKey, Number], Field(max_length=MAX_MAP_ENTRIES)]

AnyUid = Annotated[str, AfterValidator(uid_of())]
OwnerUid = Annotated[str, AfterValidator(uid_of(Kind.TEAM, Kind.PRINCIPAL))]
FeatureUid = Annotated[str, AfterValidator(uid_of(Kind.FEATURE))]
FeatureSetVersionUid = Annotated[str, AfterValidator(uid_of(Kind.FEATURE_SET_VERSION))]
ModelVersionUid = Annotated[str, AfterValidator(uid_of(Kind.MODEL_VERSION))]
SnapshotUid = Annotated[str, AfterValidator(uid_of(Kind.SNAPSHOT))]
TrainingRunUid = Annotated[str, AfterValidator(uid_of(Kind.TRAINING_RUN))]
EvaluationUid = Annotated[str, AfterValidator(uid_of(Kind.EVALUATION))]
EnvironmentUid = Annotated[str, AfterValidator(uid_of(Kind.ENVIRONMENT))]
DeploymentUid = Annotated[str, AfterValidator(uid_of(Kind.DEPLOYMENT))]
