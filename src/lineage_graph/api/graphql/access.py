"""Authorisation of every root query and mutation field by ``lineage_graph.authz`` in OPA.

One mechanism for the whole schema: `Authorization` (a schema extension) reads the
operation's root fields before execution, derives for each an action (`action_of`) and the
resources it touches (`resources_of`: the namespace of a uid argument or of an input's
``namespace``; catalog-wide fields use ``*``, which only ``*`` bindings reach) and asks OPA
for all of them in one call. `Guarded`, a field extension put on every root field by
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
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNonNull,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
)
from graphql.utilities import value_from_ast_untyped
from strawberry.extensions import FieldExtension, SchemaExtension

from lineage_graph.api.graphql.errors import refusal
from lineage_graph.domain import (
    DeploymentMode,
    DomainError,
    Kind,
    Uid,
    dataset_uid,
    job_uid,
    run_uid,
    snapshot_uid,
)
from lineage_graph.policy.decisions import Finding, Package
from lineage_graph.services.audit.unit import attach
from lineage_graph.services.catalog.service import default_deployment_name
from lineage_graph.services.governance.gates import denial
from lineage_graph.services.governance.inputs import authz_document

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from graphql import DocumentNode, SelectionSetNode
    from strawberry.types import Info

    from lineage_graph.graph.database import Transaction
    from lineage_graph.policy.principals import Principal
    from lineage_graph.services.errors import PolicyDenied
    from lineage_graph.services.governance.decisions import Governor, Judgement

log = logging.getLogger(__name__)

EVERY_NAMESPACE: Final = "*"
POLICY_DENIED_TYPE: Final = "PolicyDenied"

MUTATION_ACTIONS: Final[Mapping[str, str]] = {
    "deploy": "deploy",
    "promote": "promote",
    "retireDeployment": "deploy",
    "deprecate": "deprecate",
    "approve": "approve",
    "setOwner": "admin",
}
"""Mutations needing more than ``write`` (every other mutation)."""

QUERY_ACTIONS: Final[Mapping[str, str]] = {
    "auditLog": "audit",
    "decisions": "audit",
    "audits": "audit",
    "audit": "audit",
}
"""Queries needing more than ``read`` (every other query)."""

CATALOG_WIDE: Final = frozenset({"audits", "audit"})
"""Queries about the whole catalog whatever their arguments: only ``*`` bindings reach them."""

UID_ARGUMENTS: Final = ("uid", "subject", "deployment", "modelVersion", "featureSetVersion", "root")
"""Arguments naming the resource, tried in this order before any other uid-valued argument."""

_INPUT_KINDS: Final[Mapping[str, Kind]] = {
    "registerDataSource": Kind.SOURCE,
    "registerDataSources": Kind.SOURCE,
    "registerDatasetSnapshot": Kind.SNAPSHOT,
    "registerDatasetSnapshots": Kind.SNAPSHOT,
    "registerTransform": Kind.TRANSFORM,
    "registerTransforms": Kind.TRANSFORM,
    "recordTransformRun": Kind.TRANSFORM_RUN,
    "recordTransformRuns": Kind.TRANSFORM_RUN,
    "registerFeatureSet": Kind.FEATURE_SET,
    "registerFeatureSets": Kind.FEATURE_SET,
    "publishFeatureSetVersion": Kind.FEATURE_SET_VERSION,
    "registerModel": Kind.MODEL,
    "registerModels": Kind.MODEL,
    "registerModelVersion": Kind.MODEL_VERSION,
    "recordEvaluation": Kind.EVALUATION,
    "deploy": Kind.DEPLOYMENT,
}


@dataclass(frozen=True, slots=True)
class Resource:
    kind: str
    uid: str
    namespace: str


@dataclass(frozen=True, slots=True)
class RootField:
    key: str
    name: str
    arguments: Mapping[str, Any]


# --- what a field does to what --------------------------------------------------------------


def action_of(field: str, *, mutation: bool) -> str:
    if mutation:
        return MUTATION_ACTIONS.get(field, "write")
    return QUERY_ACTIONS.get(field, "read")


def _parse(value: Any) -> Uid | None:
    if not isinstance(value, str) or ":" not in value:
        return None
    try:
        return Uid.parse(value)
    except DomainError:
        return None


def _of_uid(uid: Uid) -> Resource:
    return Resource(uid.kind.value, uid.format(), uid.namespace)


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _input_uid(kind: Kind, data: Mapping[str, Any]) -> Uid:
    namespace, name = _text(data, "namespace"), _text(data, "name")
    match kind:
        case Kind.SOURCE:
            return dataset_uid(namespace, name)
        case Kind.SNAPSHOT:
            return snapshot_uid(namespace, name, _text(data, "version"))
        case Kind.TRANSFORM:
            return job_uid(namespace, name)
        case Kind.TRANSFORM_RUN:
            return run_uid(namespace, name, _text(data, "runId"))
        case Kind.FEATURE_SET_VERSION | Kind.MODEL_VERSION:
            return Uid.of(kind, namespace, name, data.get("version"))
        case _:
            return Uid(kind, namespace, name)


def _deployment(data: Mapping[str, Any]) -> Resource:
    model_version = _parse(data.get("modelVersion"))
    if model_version is None:
        return Resource(Kind.DEPLOYMENT.value, "", EVERY_NAMESPACE)
    try:
        name = _text(data, "name") or default_deployment_name(
            model_version.format(), _text(data, "environment"), DeploymentMode(data.get("mode") or "LIVE")
        )
        uid = Uid(Kind.DEPLOYMENT, model_version.namespace, name).format()
    except (DomainError, ValueError):
        uid = ""
    return Resource(Kind.DEPLOYMENT.value, uid, model_version.namespace)


def _from_input(kind: Kind, data: Any) -> Resource:
    if not isinstance(data, dict):
        return Resource(kind.value, "", EVERY_NAMESPACE)
    if kind is Kind.DEPLOYMENT:
        return _deployment(data)
    try:
        return _of_uid(_input_uid(kind, data))
    except (DomainError, TypeError, ValueError):
        namespace = _text(data, "namespace")
        return Resource(kind.value, "", namespace or EVERY_NAMESPACE)


def _scope(value: Any) -> Resource:
    """``compliance(scope)``: a namespace, or a uid prefix (``model:risk/credit``)."""
    if not isinstance(value, str) or not value:
        return Resource("", "", EVERY_NAMESPACE)
    if ":" not in value:
        return Resource("", "", value)
    rest = value.split(":", 1)[1]
    namespace = rest.split("/", 1)[0] if "/" in rest else ""
    return Resource("", "", namespace or EVERY_NAMESPACE)


def resources_of(field: str, arguments: Mapping[str, Any]) -> list[Resource]:
    """The resources a root field acts on (at least one); arguments too malformed to name one
    make it catalog-wide (``*``: only ``*`` bindings reach it)."""
    try:
        return _resources(field, arguments)
    except (DomainError, TypeError, ValueError):
        return [Resource("", "", EVERY_NAMESPACE)]


def _resources(field: str, arguments: Mapping[str, Any]) -> list[Resource]:
    if field in CATALOG_WIDE:
        return [Resource("", "", EVERY_NAMESPACE)]
    kind = _INPUT_KINDS.get(field)
    if kind is not None and "input" in arguments:
        return [_from_input(kind, arguments["input"])]
    if kind is not None and isinstance(arguments.get("inputs"), list):
        found = {_from_input(kind, item).namespace for item in arguments["inputs"]}
        return [Resource(kind.value, "", namespace) for namespace in sorted(found)] or [
            Resource(kind.value, "", EVERY_NAMESPACE)
        ]
    if field == "dataSource":
        return [_of_uid(dataset_uid(_text(arguments, "namespace"), _text(arguments, "name")))]
    if field == "transform":
        return [_of_uid(job_uid(_text(arguments, "namespace"), _text(arguments, "name")))]
    if field == "compliance":
        return [_scope(arguments.get("scope"))]
    named = [arguments[a] for a in UID_ARGUMENTS if a in arguments]
    others = [v for a, v in arguments.items() if a not in UID_ARGUMENTS]
    for value in (*named, *others):
        uid = _parse(value)
        if uid is not None:
            return [_of_uid(uid)]
    return [Resource("", "", EVERY_NAMESPACE)]


# --- the operation's root fields ------------------------------------------------------------


def _included(
    node: FieldNode | InlineFragmentNode | FragmentSpreadNode, variables: Mapping[str, Any]
) -> bool:
    for directive in node.directives or ():
        condition = next((a for a in directive.arguments or () if a.name.value == "if"), None)
        value = bool(value_from_ast_untyped(condition.value, dict(variables))) if condition else True
        if directive.name.value == "skip" and value:
            return False
        if directive.name.value == "include" and not value:
            return False
    return True


def root_fields(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> tuple[OperationType, list[RootField]] | None:
    """The operation's root fields by response key, with their arguments as plain values
    (variables and their defaults substituted); None when the operation is not found."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)),
        None,
    )
    if operation is None or (operation_name is None and len(operations) > 1):
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    values: dict[str, Any] = {
        v.variable.name.value: value_from_ast_untyped(v.default_value)
        for v in operation.variable_definitions or ()
        if v.default_value is not None
    }
    values.update(variables or {})
    found: dict[str, RootField] = {}

    def visit(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode | InlineFragmentNode | FragmentSpreadNode):
                continue
            if not _included(selection, values):
                continue
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__"):
                    continue
                key = selection.alias.value if selection.alias else name
                arguments = {
                    a.name.value: value_from_ast_untyped(a.value, values) for a in selection.arguments or ()
                }
                found.setdefault(key, RootField(key, name, arguments))
            elif isinstance(selection, InlineFragmentNode):
                visit(selection.selection_set, seen)
            elif selection.name.value in fragments and selection.name.value not in seen:
                visit(fragments[selection.name.value].selection_set, seen | {selection.name.value})

    visit(operation.selection_set, frozenset())
    return operation.operation, list(found.values())


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

    async def authorize(self, fields: Sequence[RootField], *, mutation: bool) -> None:
        requests: list[tuple[RootField, str, Resource]] = [
            (field, action_of(field.name, mutation=mutation), resource)
            for field in fields
            for resource in resources_of(field.name, field.arguments)
        ]
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
        guard: AccessGuard = context.context.access
        document = context.graphql_document
        operation = None
        if document is not None:
            operation = root_fields(document, context.operation_name, context.variables)
        if operation is not None:
            kind, fields = operation
            await guard.authorize(fields, mutation=kind is OperationType.MUTATION)
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
