"""Scalars whose refusals carry a code, like every other invalid argument.

Strawberry's own ``DateTime`` answers a malformed value with an uncoded error; this one reads
ISO 8601 (``datetime.fromisoformat``: ``2026-11-26``, ``2026-11-26T10:00:00Z``, offsets,
fractions) and refuses the rest with ``extensions.code`` ``INVALID_VALUE``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import strawberry
from graphql import GraphQLError
from strawberry.schema.types.base_scalars import DateTimeDefinition

from lineage_graph.domain import ErrorCode
from lineage_graph.domain.values import utc_offset_problem


def _serialize_datetime(value: datetime) -> str:
    return value.isoformat()


def _parse_datetime(value: Any) -> datetime:
    try:
        if not isinstance(value, str):
            raise TypeError(value)
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        msg = f"not a date-time: {value!r}; use ISO 8601, e.g. 2026-11-26T10:00:00Z"
        raise GraphQLError(
            msg, extensions={"code": str(ErrorCode.INVALID_VALUE), "details": {"value": str(value)}}
        ) from None
    if (problem := utc_offset_problem(parsed)) is not None:
        raise GraphQLError(
            f"not a storable date-time: {value!r}: {problem}",
            extensions={"code": str(ErrorCode.INVALID_VALUE), "details": {"value": value}},
        )
    return parsed


DateTime: Final = strawberry.scalar(
    name="DateTime",
    description=DateTimeDefinition.description,
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)
SCALAR_OVERRIDES: Final[dict[object, Any]] = {datetime: DateTime}
