"""What a GraphQL operation may cost, judged before it runs and before anyone is asked to authorise it.

The cost of an operation is the number of field results it can produce: each field costs one
for every time its parent can occur, and a field returning a list multiplies what is below it
by the list's size, read from its ``first``/``limit`` argument (variables and schema defaults
substituted), else from the connection above it (``search(first: 100) { edges ... }``: the
page size applies to ``edges``, not to ``pageInfo``), else `DEFAULT_LIST_SIZE`. Fragments are costed once each and
multiplied where they are spread, so a document of nested spreads is judged in time linear in
its size (walking it would double per level). Introspection (``__schema``, ``__type``) costs
`INTROSPECTION_COST` per field.

`QueryCost` refuses an operation over ``max_cost``, with more than ``max_root_fields`` root
fields (aliases included), or with introspection the caller may not use, in one GraphQL error
with code ``QUERY_TOO_COSTLY`` (or ``INTROSPECTION_DISABLED``) stating the figure and the limit;
nothing runs and OPA is not asked. Limits come from the settings (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from lineage_graph.api.graphql.documents import Operation
from lineage_graph.api.principal import is_authenticated

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from graphql import (
        DocumentNode,
        GraphQLField,
        GraphQLNamedType,
        GraphQLOutputType,
        GraphQLSchema,
        SelectionSetNode,
    )

DEFAULT_LIST_SIZE: Final = 10
"""Items assumed of a list field that takes no ``first``/``limit`` argument."""

INTROSPECTION_COST: Final = 1_000
"""Cost of one ``__schema`` or ``__type`` field: the whole schema is a large answer."""

SIZE_ARGUMENTS: Final = ("first", "limit")

INTROSPECTION_FIELDS: Final = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class Limits:
    max_cost: int
    max_root_fields: int
    introspection: str  # "everyone", "authenticated" or "nobody"


@dataclass(frozen=True)
class Estimate:
    cost: int
    root_fields: int
    introspection: bool


def _unwrap(type_: GraphQLOutputType) -> tuple[GraphQLNamedType, bool]:
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return get_named_type(type_), is_list


class _Estimator:
    def __init__(self, schema: GraphQLSchema, operation: Operation) -> None:
        self.schema = schema
        self.operation = operation
        self.memo: dict[tuple[str, int | None], int] = {}
        self.visiting: set[str] = set()
        self.introspection = False

    def selection_cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, page: int | None = None
    ) -> int:
        """Cost of `selection_set` once; `page` is a connection's page size, for its list fields."""
        if selection_set is None:
            return 0
        total = 0
        for selection in self.operation.selections(selection_set):
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_cost(selection.selection_set, scope, page)
            else:
                total += self.fragment_cost(selection.name.value, page)
        return total

    def fragment_cost(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key in self.memo:
            return self.memo[key]
        fragment = self.operation.fragments.get(name)
        if fragment is None or name in self.visiting:  # unknown or cyclic: validation refuses it
            return 0
        self.visiting.add(name)
        scope = self.schema.get_type(fragment.type_condition.name.value)
        cost = self.selection_cost(fragment.selection_set, scope, page)
        self.visiting.discard(name)
        self.memo[key] = cost
        return cost

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType | None, page: int | None = None) -> int:
        """One for the field, plus what is below it as many times as it can occur. A list field
        occurs its ``first``/``limit`` times, else a connection's page size above it, else
        `DEFAULT_LIST_SIZE`; an object field with a page size (a connection) passes it down to its
        list fields (``edges``) rather than multiplying everything below (``pageInfo``)."""
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            self.introspection = True
            return INTROSPECTION_COST
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        field = fields.get(name)
        if field is None:
            return 1  # __typename, or a field validation refuses
        named, is_list = _unwrap(field.type)
        size = self._size(node, field)
        if is_list:
            return 1 + (size or page or DEFAULT_LIST_SIZE) * self.selection_cost(node.selection_set, named)
        return 1 + self.selection_cost(node.selection_set, named, size)

    def _size(self, node: FieldNode, field: GraphQLField) -> int | None:
        given = {a.name.value: a.value for a in node.arguments or ()}
        for argument in SIZE_ARGUMENTS:
            if argument in given:
                value = self.operation.value(given[argument])
            elif argument in field.args:
                value = field.args[argument].default_value
            else:
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                return max(value, 1)
        return None


def estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> Estimate | None:
    """The cost of the operation `operation_name` of `document`; None when there is no such operation."""
    operation = Operation.of(document, operation_name, variables)
    if operation is None:
        return None
    estimator = _Estimator(schema, operation)
    cost = estimator.selection_cost(
        operation.node.selection_set, schema.get_root_type(operation.node.operation)
    )
    keys = {f.alias.value if f.alias else f.name.value for f in operation.root_fields()}
    return Estimate(cost, len(keys), estimator.introspection)


def refusal(found: Estimate, limits: Limits, authenticated: bool) -> GraphQLError | None:
    """The error refusing an operation of cost `found` under `limits`, if it is refused."""
    if found.introspection and (
        limits.introspection == "nobody" or (limits.introspection == "authenticated" and not authenticated)
    ):
        who = "to nobody" if limits.introspection == "nobody" else "only to authenticated callers"
        return GraphQLError(
            f"introspection is refused: this server allows it {who}",
            extensions={"code": "INTROSPECTION_DISABLED", "introspection": limits.introspection},
        )
    if found.root_fields > limits.max_root_fields:
        return GraphQLError(
            f"the operation selects {found.root_fields} root fields (aliases count); the limit is "
            f"{limits.max_root_fields}",
            extensions={
                "code": "QUERY_TOO_COSTLY",
                "rootFields": found.root_fields,
                "limit": limits.max_root_fields,
            },
        )
    if found.cost > limits.max_cost:
        return GraphQLError(
            f"the operation may produce {found.cost} field results; the limit is {limits.max_cost}: "
            "ask for fewer fields, smaller pages (first/limit) or split it into several requests",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": found.cost, "limit": limits.max_cost},
        )
    return None


class QueryCost(SchemaExtension):
    """Refuses an operation over its limits before it runs (and before authorisation)."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            found = estimate(context.schema._schema, document, context.operation_name, context.variables)
            if found is not None:
                runtime = context.context.runtime
                settings = runtime.settings
                limits = Limits(
                    settings.graphql_max_cost,
                    settings.graphql_max_root_fields,
                    settings.graphql_introspection,
                )
                error = refusal(found, limits, is_authenticated(runtime, context.context.principal))
                if error is not None:
                    context.result = ExecutionResult(data=None, errors=[error])
        yield
