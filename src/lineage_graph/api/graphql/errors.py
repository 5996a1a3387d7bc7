"""Refusals: the expected failures of a mutation, returned as members of its result union.

Every refusal implements `Refusal { code message }`; ``code`` is a stable string from
`domain.errors.ErrorCode` or `services.errors.ServiceErrorCode`. `refusal` maps a
`DomainError` to its GraphQL type once, for every mutation.

`OutageAwareRouter` is the GraphQL route: an answer with nothing but ``DATABASE_UNAVAILABLE``
errors (Neo4j unreachable, `Schema.process_errors`) and no data goes out as HTTP 503 with
``Retry-After``, as the REST routes answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.fastapi import GraphQLRouter
from strawberry.scalars import JSON

from lineage_graph.domain import ContractViolation as ContractViolationError
from lineage_graph.domain import DomainError, ImmutableConflict
from lineage_graph.domain import VersionNotMonotonic as VersionNotMonotonicError
from lineage_graph.graph.database import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from lineage_graph.services.errors import Conflict as ConflictError
from lineage_graph.services.errors import IncompatibleFeatures as IncompatibleFeaturesError
from lineage_graph.services.errors import InvalidOperation as InvalidOperationError
from lineage_graph.services.errors import NotFound as NotFoundError
from lineage_graph.services.errors import PolicyDenied as PolicyDeniedError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from starlette.responses import Response
    from strawberry.http import GraphQLHTTPResponse

    from lineage_graph.policy.decisions import Finding


@strawberry.interface(description="Why a mutation was refused. Nothing was stored.")
class Refusal:
    code: str = strawberry.field(description="Stable machine-readable reason, e.g. INVALID_DTYPE.")
    message: str = strawberry.field(description="Human-readable explanation (may change).")


@strawberry.type(description="One problem with an input value.")
class Problem:
    path: str = strawberry.field(description="Where in the input, camelCase with [i] for list items.")
    code: str = strawberry.field(description="Stable reason code.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="The input is malformed or out of bounds (uid, name, dtype, size...).")
class InvalidInput(Refusal):
    problems: list[Problem] = strawberry.field(description="Every problem found, when known.")


@strawberry.type(description="Entities the request refers to do not exist.")
class NotFound(Refusal):
    uids: list[str] = strawberry.field(description="The uids that were not found.")


@strawberry.type(description="One field that differs between what is stored and what was sent.")
class FieldDifference:
    path: str = strawberry.field(description="The field, e.g. features[avg_txn].dtype.")
    change: str = strawberry.field(description="ADDED, REMOVED or CHANGED.")
    stored: JSON | None = strawberry.field(description="The stored value.")
    incoming: JSON | None = strawberry.field(description="The value sent.")


@strawberry.type(
    description="The uid exists with different content: a published version never changes "
    "(IMMUTABLE_CONFLICT), or a name is already used for something else (CONFLICT)."
)
class Conflict(Refusal):
    uid: str | None = strawberry.field(description="The entity in conflict.")
    differences: list[FieldDifference] = strawberry.field(description="What differs, field by field.")


@strawberry.type(description="A dtype change between two versions of a feature.")
class DtypeChange:
    name: str = strawberry.field(description="The feature.")
    old: str = strawberry.field(description="Its dtype in the previous version.")
    new: str = strawberry.field(description="Its dtype in the new version.")


@strawberry.type(description="How a feature-set version's schema differs from the previous version.")
class SchemaDiff:
    removed: list[str] = strawberry.field(description="Features removed (breaking: major bump).")
    added: list[str] = strawberry.field(description="Features added (minor bump).")
    dtype_changed: list[DtypeChange] = strawberry.field(description="Dtype changes (breaking: major bump).")
    doc_changed: list[str] = strawberry.field(description="Description-only changes (patch bump).")

    @classmethod
    def from_dict(cls, diff: dict[str, Any]) -> SchemaDiff:
        return cls(
            removed=list(diff.get("removed", [])),
            added=list(diff.get("added", [])),
            dtype_changed=[DtypeChange(**c) for c in diff.get("dtypeChanged", [])],
            doc_changed=list(diff.get("docChanged", [])),
        )


@strawberry.type(description="The declared semver contract does not match the schema change.")
class ContractViolation(Refusal):
    declared: str = strawberry.field(description="The contract the publisher declared.")
    expected: str = strawberry.field(description="The contract the schema change requires.")
    previous: str | None = strawberry.field(description="The previous version's contract.")
    required_bump: str | None = strawberry.field(description="MAJOR, MINOR, PATCH or NONE.")
    diff: SchemaDiff = strawberry.field(description="The schema diff with the previous version.")


@strawberry.type(description="Version numbers only grow: this one is not above the latest.")
class VersionNotMonotonic(Refusal):
    version: int = strawberry.field(description="The version sent.")
    latest_version: int = strawberry.field(description="The latest published version.")


@strawberry.type(description="A model input that a feature-set version cannot serve.")
class Incompatibility:
    input: str = strawberry.field(description="The model input.")
    feature: str = strawberry.field(description="The feature it is bound to.")
    reason: str = strawberry.field(description="MISSING_FEATURE or DTYPE_MISMATCH.")
    expected_dtype: str = strawberry.field(description="The dtype the model was trained with.")
    actual_dtype: str | None = strawberry.field(description="The dtype offered, if any.")


@strawberry.type(description="Feature versions that cannot serve the model's inputs.")
class IncompatibleFeatures(Refusal):
    incompatibilities: list[Incompatibility] = strawberry.field(description="One per input that fails.")


@strawberry.type(
    description="Well-formed but not allowed now: promoting past the last environment, approving "
    "one's own change (SELF_APPROVAL), deprecating a retired version (INVALID_TRANSITION)."
)
class InvalidOperation(Refusal):
    uid: str | None = strawberry.field(description="The entity concerned.")


@strawberry.type(description="One finding of a governance policy (lineage_graph.* in OPA).")
class PolicyFinding:
    code: str = strawberry.field(
        description="Stable code prefixed by its package, e.g. PROMOTION_INSUFFICIENT_APPROVALS."
    )
    message: str = strawberry.field(description="Human-readable explanation (may change).")
    entity: str = strawberry.field(description="The uid the finding is about, or empty.")
    remediation: str = strawberry.field(
        description="What to do, naming the replacement or the approved target where there is one."
    )

    @classmethod
    def from_finding(cls, finding: Finding) -> PolicyFinding:
        return cls(
            code=finding.code,
            message=finding.message,
            entity=finding.entity,
            remediation=finding.remediation,
        )

    @classmethod
    def many(cls, findings: Iterable[Finding]) -> list[PolicyFinding]:
        return [cls.from_finding(f) for f in findings]


@strawberry.type(
    description="A governance policy refused the request (POLICY_DENIED: see violations), or the "
    "policy engine could not decide (POLICY_ENGINE_UNAVAILABLE: denied, fail closed). Nothing was "
    "stored but the decision record."
)
class PolicyDenied(Refusal):
    violations: list[PolicyFinding] = strawberry.field(description="Why: every blocking finding.")
    warnings: list[PolicyFinding] = strawberry.field(description="Non-blocking findings.")


REFUSALS = (
    InvalidInput,
    NotFound,
    Conflict,
    ContractViolation,
    VersionNotMonotonic,
    IncompatibleFeatures,
    InvalidOperation,
    PolicyDenied,
)

RefusalType = (
    InvalidInput
    | NotFound
    | Conflict
    | ContractViolation
    | VersionNotMonotonic
    | IncompatibleFeatures
    | InvalidOperation
    | PolicyDenied
)


def _differences(details: dict[str, Any]) -> list[FieldDifference]:
    return [FieldDifference(**d) for d in details.get("differences", [])]


def refusal(error: DomainError) -> RefusalType:
    """The GraphQL refusal of a domain or service error."""
    details, code, message = error.details, str(error.code), error.message
    match error:
        case NotFoundError():
            return NotFound(code=code, message=message, uids=list(details.get("uids", [])))
        case ImmutableConflict() | ConflictError():
            return Conflict(
                code=code, message=message, uid=details.get("uid"), differences=_differences(details)
            )
        case ContractViolationError():
            return ContractViolation(
                code=code,
                message=message,
                declared=str(details.get("declaredContract")),
                expected=str(details.get("expectedContract")),
                previous=details.get("previousContract"),
                required_bump=None if details.get("requiredBump") is None else str(details["requiredBump"]),
                diff=SchemaDiff.from_dict(details.get("diff", {})),
            )
        case VersionNotMonotonicError():
            return VersionNotMonotonic(
                code=code,
                message=message,
                version=int(details.get("version", 0)),
                latest_version=int(details.get("latestVersion", 0)),
            )
        case IncompatibleFeaturesError():
            return IncompatibleFeatures(
                code=code,
                message=message,
                incompatibilities=[
                    Incompatibility(
                        input=i["input"],
                        feature=i["feature"],
                        reason=i["reason"],
                        expected_dtype=i["expectedDtype"],
                        actual_dtype=i.get("actualDtype"),
                    )
                    for i in details.get("incompatibilities", [])
                ],
            )
        case InvalidOperationError():
            return InvalidOperation(code=code, message=message, uid=details.get("uid"))
        case PolicyDeniedError():
            return PolicyDenied(
                code=code,
                message=message,
                violations=PolicyFinding.many(error.violations),
                warnings=PolicyFinding.many(error.warnings),
            )
        case _:
            problems = details.get("problems") or [{"path": "", "code": code, "message": message}]
            return InvalidInput(
                code=code,
                message=message,
                problems=[
                    Problem(path=p["path"], code=str(p["code"]), message=p["message"]) for p in problems
                ],
            )


def _outage_only(answer: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    if not isinstance(answer, dict):
        return False
    data, errors = answer.get("data"), answer.get("errors") or []
    no_data = data is None or (isinstance(data, dict) and all(v is None for v in data.values()))
    codes = {(e.get("extensions") or {}).get("code") if isinstance(e, dict) else None for e in errors}
    return no_data and codes == {DATABASE_UNAVAILABLE}


class OutageAwareRouter(GraphQLRouter[Any, None]):
    """strawberry's FastAPI router; an answer that only says Neo4j is unreachable is HTTP 503."""

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if _outage_only(response_data):
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
