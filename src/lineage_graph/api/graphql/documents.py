"""The operation a GraphQL request runs, read from its parsed document before execution.

Shared by the checks that run before execution (`cost`, `access`): the operation by name (or
the only one), its variables with their defaults, whether ``@skip``/``@include`` keep a
selection, and its root fields with every fragment walked once (walking a fragment at each of
its spreads doubles per level of nested spreads).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
)
from graphql.utilities import value_from_ast_untyped

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from graphql import DocumentNode, SelectionSetNode

Selection = FieldNode | InlineFragmentNode | FragmentSpreadNode


@dataclass(frozen=True)
class Operation:
    node: OperationDefinitionNode
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]

    @classmethod
    def of(
        cls, document: DocumentNode, name: str | None, variables: Mapping[str, Any] | None
    ) -> Operation | None:
        """The operation `name` of `document` (the only one when `name` is None), else None."""
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        found = next((o for o in operations if name is None or (o.name and o.name.value == name)), None)
        if found is None or (name is None and len(operations) > 1):
            return None
        values: dict[str, Any] = {
            v.variable.name.value: value_from_ast_untyped(v.default_value)
            for v in found.variable_definitions or ()
            if v.default_value is not None
        }
        values.update(variables or {})
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        return cls(found, fragments, values)

    def value(self, node: Any) -> Any:
        """An argument's value as plain data, variables substituted."""
        return value_from_ast_untyped(node, dict(self.variables))

    def included(self, node: Selection) -> bool:
        """Whether ``@skip``/``@include`` keep `node` under this operation's variables."""
        for directive in node.directives or ():
            condition = next((a for a in directive.arguments or () if a.name.value == "if"), None)
            value = bool(self.value(condition.value)) if condition else True
            if (directive.name.value == "skip" and value) or (
                directive.name.value == "include" and not value
            ):
                return False
        return True

    def selections(self, selection_set: SelectionSetNode) -> Iterator[Selection]:
        """The kept selections of `selection_set` (fields, inline fragments, spreads)."""
        for selection in selection_set.selections:
            if isinstance(selection, Selection) and self.included(selection):
                yield selection

    def root_fields(self) -> Iterator[FieldNode]:
        """The root field nodes in document order, through fragments (each fragment walked once)."""
        walked: set[str] = set()
        stack = [self.selections(self.node.selection_set)]
        while stack:
            selection = next(stack[-1], None)
            if selection is None:
                stack.pop()
            elif isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                stack.append(self.selections(selection.selection_set))
            elif selection.name.value in self.fragments and selection.name.value not in walked:
                walked.add(selection.name.value)
                stack.append(self.selections(self.fragments[selection.name.value].selection_set))
