"""Domain errors: one base class carrying a stable machine code.

`DomainError.code` is part of the public API (GraphQL `extensions.code`, CLI exit
messages, policy inputs) and never changes meaning once released; `message` is for
humans and may change; `details` holds JSON-serialisable structured data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


def shorten(value: object, limit: int = 80) -> str:
    """`repr` of a user-supplied value, cut to `limit` characters for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ErrorCode(StrEnum):
    INVALID_UID = "INVALID_UID"
    UNKNOWN_KIND = "UNKNOWN_KIND"
    UNEXPECTED_KIND = "UNEXPECTED_KIND"
    EMPTY_NAME = "EMPTY_NAME"
    INVALID_NAME = "INVALID_NAME"
    DUPLICATE_NAME = "DUPLICATE_NAME"
    INVALID_VERSION = "INVALID_VERSION"
    INVALID_DTYPE = "INVALID_DTYPE"
    INVALID_CONTRACT = "INVALID_CONTRACT"
    INVALID_VALUE = "INVALID_VALUE"
    MISSING_FIELD = "MISSING_FIELD"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    TOO_LARGE = "TOO_LARGE"
    INVALID_INPUT = "INVALID_INPUT"
    CONTRACT_VIOLATION = "CONTRACT_VIOLATION"
    VERSION_NOT_MONOTONIC = "VERSION_NOT_MONOTONIC"
    IMMUTABLE_CONFLICT = "IMMUTABLE_CONFLICT"


class DomainError(Exception):
    """Base of every expected failure of the domain layer."""

    default_code: str = "DOMAIN_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.details: dict[str, Any] = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidUid(DomainError):  # noqa: N818
    default_code = ErrorCode.INVALID_UID


class InvalidInput(DomainError):  # noqa: N818
    default_code = ErrorCode.INVALID_INPUT


class ContractViolation(DomainError):  # noqa: N818
    default_code = ErrorCode.CONTRACT_VIOLATION


class VersionNotMonotonic(DomainError):  # noqa: N818
    default_code = ErrorCode.VERSION_NOT_MONOTONIC


class ImmutableConflict(DomainError):  # noqa: N818
    default_code = ErrorCode.IMMUTABLE_CONFLICT
