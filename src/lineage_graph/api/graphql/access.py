"""Authorisation of every root query and mutation field by ``lineage_graph.authz`` in OPA.

One mechanism for the whole schema: `Authorization` (a schema extension) reads the
operation's root fields before execution, takes for each the action and the resources it
touches from the `Access` the field declares in its metadata (`api.graphql.authz`: the
namespace of a uid argument or of an input's ``namespace``; catalog-wide fields use ``*``,
which only ``*`` bindings reach) and asks OPA for all of them in one call. `Guarded`, a field extension put on every root field by
`guard_root_fields`, then lets an allowed field run and refuses a denied one: a mutation whose
result union has `PolicyDenied` returns it (``POLICY_DENIED``, or
``POLICY_ENGINE_UNAVAILABLE`` when OPA cannot decide); any other field raises a GraphQL error
with the same code and the violations in ``extensions``. A root field the extension did not
judge is refused (fail closed). Introspection (``__schema``, ``__type``, ``__typename``) is
not a resource and is not checked.

Every mutation's decision is recorded as a ``PolicyDecision``, and so is every denied read;
allowed reads are not recorded: a catalog serves orders of magnitude more reads than writes,
and a decision node per read would outgrow the catalog itself. A mutation's decisions are
written by the mutation's own write transaction (`unit.attach`), so they commit with the change
they allowed; decisions no committed transaction took (a denial, a failed or refused write) are
recorded after execution in a transaction of their own.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    GraphQLError,
    GraphQLNonNull,
    GraphQLUnionType,
    OperationType,
)
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types.base import StrawberryObjectDefinition

from lineage_graph.api.graphql.authz import DEFAULT_ACCESS, Access, Resource, access_of
from lineage_graph.api.graphql.documents import Operation
from lineage_graph.api.graphql.errors import refusal
from lineage_graph.policy.decisions import Finding, Package
from lineage_graph.services.audit.unit import attach
from lineage_graph.services.governance.gates import denial
from lineage_graph.services.governance.inputs import authz_document

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    import strawberry
    from graphql import DocumentNode
    from strawberry.types import Info

    from lineage_graph.graph.database import Transaction
    from lineage_graph.policy.principals import Principal
    from lineage_graph.services.errors import PolicyDenied
    from lineage_graph.services.governance.decisions import Governor, Judgement

log = logging.getLogger(__name__)

POLICY_DENIED_TYPE: Final = "PolicyDenied"


@dataclass(frozen=True, slots=True)
class RootField:
    key: str
    name: str
    arguments: Mapping[str, Any]


# --- what each root field declares -----------------------------------------------------------


@lru_cache(maxsize=8)
def declarations(schema: strawberry.Schema, operation: OperationType) -> Mapping[str, Access]:
    """The `Access` each root field of `operation` declares (`authz`), by GraphQL name."""
    root = schema.get_type_by_name("Mutation" if operation is OperationType.MUTATION else "Query")
    fields = root.fields if isinstance(root, StrawberryObjectDefinition) else []
    return {schema.config.name_converter.get_graphql_name(f): access_of(f.metadata) for f in fields}


# --- the operation's root fields ------------------------------------------------------------


def root_fields(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> tuple[OperationType, list[RootField]] | None:
    """The operation's root fields by response key, with their arguments as plain values
    (variables and their defaults substituted); None when the operation is not found."""
    operation = Operation.of(document, operation_name, variables)
    if operation is None:
        return None
    found: dict[str, RootField] = {}
    for field in operation.root_fields():
        name = field.name.value
        if name.startswith("__"):
            continue
        key = field.alias.value if field.alias else name
        arguments = {a.name.value: operation.value(a.value) for a in field.arguments or ()}
        found.setdefault(key, RootField(key, name, arguments))
    return operation.node.operation, list(found.values())


# --- decisions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    judgements: tuple[Judgement, ...]

    @property
    def allow(self) -> bool:
        return bool(self.judgements) and all(j.decision.allow for j in self.judgements)

    def refusal(self, field: str) -> PolicyDenied:
        return denial(self.judgements, f"{field}")


class AccessGuard:
    """The request's authorisation: one OPA call for the operation, verdicts by response key."""

    def __init__(self, governor: Governor, principal: Principal) -> None:
        self.governor = governor
        self.principal = principal
        self.verdicts: dict[str, Verdict] = {}
        self._record: list[Judgement] = []
        self._writing: tuple[Judgement, ...] = ()

    @property
    def actor(self) -> str:
        return self.principal.id or "anonymous"

    async def authorize(
        self, fields: Sequence[RootField], declared: Mapping[str, Access], *, mutation: bool
    ) -> None:
        requests: list[tuple[RootField, str, Resource]] = []
        for field in fields:
            access = declared.get(field.name, DEFAULT_ACCESS)
            action = access.action_for(mutation=mutation)
            requests += [(field, action, resource) for resource in access.resources(field.arguments)]
        if not requests:
            return
        subjects = [
            (r.uid, authz_document(self.principal, action, r.kind, r.uid, r.namespace))
            for _, action, r in requests
        ]
        judged = await self.governor.judge_many(Package.AUTHZ, subjects, actor=self.actor, action="")
        by_key: dict[str, list[Judgement]] = {}
        for (field, action, _), raw in zip(requests, judged, strict=True):
            judgement = dataclasses.replace(raw, action=f"{field.name}:{action}")
            by_key.setdefault(field.key, []).append(judgement)
            if mutation or not judgement.decision.allow:
                self._record.append(judgement)
        self.verdicts.update({key: Verdict(tuple(js)) for key, js in by_key.items()})

    def verdict(self, key: str) -> Verdict | None:
        return self.verdicts.get(key)

    async def write(self, tx: Transaction) -> None:
        """`unit.Attachment`: record the pending decisions inside the request's write transaction."""
        self._writing = tuple(self._record)
        if self._writing:
            await self.governor.record_in(tx, self._writing)

    def committed(self) -> None:
        written = {id(j) for j in self._writing}
        self._record = [j for j in self._record if id(j) not in written]
        self._writing = ()

    async def record(self) -> None:
        """Record, in a transaction of their own, the decisions no write transaction took."""
        pending, self._record = self._record, []
        if pending:
            await self.governor.record(pending)


class Authorization(SchemaExtension):
    """Judges the operation's root fields in one OPA call before it executes; records after."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.result is not None:  # refused before authorisation (`cost.QueryCost`)
            yield
            return
        guard: AccessGuard = context.context.access
        document = context.graphql_document
        operation = None
        if document is not None:
            operation = root_fields(document, context.operation_name, context.variables)
        if operation is not None:
            kind, fields = operation
            declared = declarations(context.schema, kind)
            await guard.authorize(fields, declared, mutation=kind is OperationType.MUTATION)
        try:
            with attach(guard):
                yield
        finally:
            try:
                await guard.record()
            except Exception:
                log.exception("could not record the authorisation decisions of a request")


def _offers_refusal(info: Info[Any, Any]) -> bool:
    return_type = info._raw_info.return_type  # the GraphQL type: strawberry's own may be annotated
    if isinstance(return_type, GraphQLNonNull):
        return_type = return_type.of_type
    return isinstance(return_type, GraphQLUnionType) and any(
        t.name == POLICY_DENIED_TYPE for t in return_type.types
    )


def _refuse(info: Info[Any, Any]) -> Any:
    guard: AccessGuard = info.context.access
    verdict = guard.verdict(str(info.path.key))
    if verdict is None:
        missing = Finding(
            "AUTHZ_NOT_EVALUATED",
            f"{info.field_name} was not authorised (refused: fail closed).",
            remediation="Send the operation as a single GraphQL document.",
        )
        raise GraphQLError(
            missing.message,
            extensions={"code": "POLICY_DENIED", "violations": [missing.to_dict()]},
        )
    denied = verdict.refusal(info.field_name)
    if _offers_refusal(info):
        return refusal(denied)
    raise GraphQLError(
        denied.message,
        extensions={"code": str(denied.code), "violations": [v.to_dict() for v in denied.violations]},
    )


class Guarded(FieldExtension):
    """Runs a root field only when the request's verdict for it allows."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        verdict = info.context.access.verdict(str(info.path.key))
        if verdict is not None and verdict.allow:
            return next_(source, info, **kwargs)
        return _refuse(info)

    async def resolve_async(
        self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any
    ) -> Any:
        verdict = info.context.access.verdict(str(info.path.key))
        if verdict is not None and verdict.allow:
            return await next_(source, info, **kwargs)
        return _refuse(info)


def guard_root_fields(*types: type) -> None:
    """Put `Guarded` on every field of the root types (before the schema is built)."""
    for root in types:
        definition: Any = getattr(root, "__strawberry_definition__")  # noqa: B009
        for field in definition.fields:
            if not any(isinstance(e, Guarded) for e in field.extensions):
                field.extensions.append(Guarded())
