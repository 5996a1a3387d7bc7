"""Refusals the services add to the domain's: missing entities, conflicts, incompatible features.

Each is a `DomainError` with a stable ``code`` (`ServiceErrorCode`), a human ``message`` and
JSON-serialisable ``details``, so every entry point reports them the same way.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from lineage_graph.domain.errors import DomainError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lineage_graph.domain import FieldDifference, Incompatibility
    from lineage_graph.policy.decisions import Finding


class ServiceErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    INCOMPATIBLE_FEATURES = "INCOMPATIBLE_FEATURES"
    SELF_APPROVAL = "SELF_APPROVAL"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    POLICY_DENIED = "POLICY_DENIED"
    POLICY_ENGINE_UNAVAILABLE = "POLICY_ENGINE_UNAVAILABLE"


class NotFound(DomainError):  # noqa: N818
    """Entities a request refers to do not exist."""

    default_code = ServiceErrorCode.NOT_FOUND

    def __init__(self, uids: Sequence[str], what: str = "entity") -> None:
        missing = sorted(set(uids))
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        plural = "" if len(missing) == 1 else "s"
        super().__init__(f"no {what}{plural} {shown}", details={"uids": missing})

    @property
    def uids(self) -> list[str]:
        return list(self.details["uids"])


class Conflict(DomainError):  # noqa: N818
    """The request contradicts what is stored (e.g. a deployment name already used differently)."""

    default_code = ServiceErrorCode.CONFLICT

    def __init__(
        self, message: str, *, uid: str, differences: Sequence[FieldDifference] = (), **details: Any
    ) -> None:
        super().__init__(
            message,
            details={"uid": uid, "differences": [d.to_dict() for d in differences], **details},
        )


class IncompatibleFeatures(DomainError):  # noqa: N818
    """Model inputs the given feature-set versions cannot serve."""

    default_code = ServiceErrorCode.INCOMPATIBLE_FEATURES

    def __init__(self, message: str, incompatibilities: Sequence[Incompatibility]) -> None:
        super().__init__(message, details={"incompatibilities": [i.to_dict() for i in incompatibilities]})


class InvalidOperation(DomainError):  # noqa: N818
    """An operation that is well-formed but not allowed in the entity's current state."""

    default_code = ServiceErrorCode.INVALID_TRANSITION


class PolicyDenied(DomainError):  # noqa: N818
    """A policy refused the request (``POLICY_DENIED``), or OPA could not decide
    (``POLICY_ENGINE_UNAVAILABLE``: fail closed). ``judgements`` are the decisions to record
    once the request's transaction has rolled back."""

    default_code = ServiceErrorCode.POLICY_DENIED

    def __init__(
        self,
        message: str,
        *,
        violations: Sequence[Finding],
        warnings: Sequence[Finding] = (),
        unavailable: bool = False,
        judgements: Sequence[Any] = (),
    ) -> None:
        super().__init__(
            message,
            code=ServiceErrorCode.POLICY_ENGINE_UNAVAILABLE
            if unavailable
            else ServiceErrorCode.POLICY_DENIED,
            details={
                "violations": [f.to_dict() for f in violations],
                "warnings": [f.to_dict() for f in warnings],
            },
        )
        self.violations = tuple(violations)
        self.warnings = tuple(warnings)
        self.judgements = tuple(judgements)
