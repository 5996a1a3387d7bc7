"""GraphQL types generated from the domain models, so a field is declared once, on the model.

`output_type`, `interface_type` and `input_type` are class decorators: the class body holds only
what the domain does not say (resolvers of relationships, API-only input fields, private
state); every other field of the domain model becomes a GraphQL field with the model's field
name (camelCase in the schema), type and ``Field(description=...)``. A new domain field
therefore appears in the API with no other edit, after the fields listed in ``first``.

Types map once, here:

- strings, numbers, booleans, date-times stay themselves; dicts are ``JSON``;
- enums registered in `enums` are those GraphQL enums; other enums (`Dtype`, `Kind`) are
  plain strings, so an input's dtype or uid is validated by the domain, which reports a
  specific code (INVALID_DTYPE, INVALID_UID...) rather than a generic GraphQL error;
- a nested domain model is the type generated from it (`CodeRef` → ``CodeRef`` as output,
  ``CodeRefInput`` as input).

Inputs: a field with a domain default is optional and left UNSET (the domain applies its
default) unless named in ``defaults`` (the default is then shown in the schema).
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, TypeVar, Union, dataclass_transform, get_args, get_origin

import strawberry
from pydantic import AwareDatetime
from strawberry.scalars import JSON
from strawberry.types.field import StrawberryField

from lineage_graph.domain import DomainModel

C = TypeVar("C", bound=type)

_OUTPUTS: dict[type[DomainModel], type] = {}
_INPUTS: dict[type[DomainModel], type] = {}
_SCALARS: Mapping[Any, Any] = {str: str, int: int, float: float, bool: bool, datetime: datetime}


def graphql_annotation(annotation: Any, nested: Mapping[type[DomainModel], type]) -> Any:
    """The GraphQL (strawberry) annotation of a domain field's annotation."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return graphql_annotation(args[0], nested)
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        if len(present) != 1:
            msg = f"no GraphQL type for the union {annotation!r}"
            raise TypeError(msg)
        inner = graphql_annotation(present[0], nested)
        return inner | None if len(present) < len(args) else inner
    if origin is list:
        return list[graphql_annotation(args[0], nested)]  # type: ignore[misc]
    if origin is dict or annotation is dict:
        return JSON
    if annotation is AwareDatetime:
        return datetime
    if isinstance(annotation, type) and issubclass(annotation, DomainModel):
        return nested[annotation]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation if hasattr(annotation, "__strawberry_definition__") else str
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    msg = f"no GraphQL type for {annotation!r}"
    raise TypeError(msg)


@dataclasses.dataclass(frozen=True, slots=True)
class _Field:
    name: str
    annotation: Any
    description: str | None
    required: bool
    default: Any


def domain_fields(model: type[DomainModel]) -> list[_Field]:
    """The fields of `model` (computed fields included), each with its description."""
    out = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        default = info.get_default(call_default_factory=True) if not info.is_required() else None
        out.append(_Field(name, info.annotation, info.description, info.is_required(), default))
    for name, computed in model.model_computed_fields.items():
        out.append(_Field(name, computed.return_type, computed.description, True, None))
    return out


def _inherited(cls: type) -> set[str]:
    names: set[str] = set()
    for base in cls.__mro__[1:]:
        definition = getattr(base, "__strawberry_definition__", None)
        if definition is not None:
            names.update(f.python_name for f in definition.fields)
    return names


def _generate(
    cls: C,
    fields: list[_Field],
    make: Callable[[_Field], tuple[Any, Any]],
    first: Collection[str],
    exclude: Collection[str],
    last: Collection[str] = (),
) -> C:
    """Put `fields` on `cls`: those named in `first` in that order, then the others in their own
    order, then the class's own fields.

    A field the class declares itself (or inherits from a GraphQL type) overrides the domain's.
    """
    own = dict(inspect.get_annotations(cls))
    skip = set(exclude) | _inherited(cls) | {n for n in vars(cls) if not n.startswith("__")}
    generated: dict[str, Any] = {}
    for f in fields:
        if f.name in skip:
            continue
        if not f.description:
            msg = f"{cls.__name__}.{f.name} has no description: give the domain field one"
            raise TypeError(msg)
        annotation, field = make(f)
        generated[f.name] = annotation
        setattr(cls, f.name, field)
    head = [n for n in first if n in generated or n in own]
    unknown = set(first) - set(head)
    if unknown:
        msg = f"{cls.__name__}: `first` names unknown fields {sorted(unknown)}"
        raise TypeError(msg)
    annotations = {n: generated.get(n, own.get(n)) for n in head}
    annotations |= {n: a for n, a in generated.items() if n not in annotations and n not in last}
    annotations |= {n: generated[n] for n in last if n in generated}
    annotations |= {n: a for n, a in own.items() if n not in annotations}
    cls.__annotations__ = annotations
    return cls


@dataclass_transform(kw_only_default=True, field_specifiers=(strawberry.field, StrawberryField))
def output_type(
    model: type[DomainModel],
    *,
    description: str | None = None,
    name: str | None = None,
    first: Collection[str] = (),
    exclude: Collection[str] = (),
    last: Collection[str] = (),
) -> Callable[[C], C]:
    """A GraphQL object type with the fields of `model`; its description defaults to the model's
    docstring. Whatever a resolver returns for it is read by attribute: a record of `model` will do."""

    def decorate(cls: C) -> C:
        _generate(cls, domain_fields(model), _output_field, first, exclude, last)
        made = strawberry.type(cls, name=name, description=description or model.__doc__)
        _OUTPUTS.setdefault(model, made)
        return made

    return decorate


@dataclass_transform(kw_only_default=True, field_specifiers=(strawberry.field, StrawberryField))
def interface_type(
    models: tuple[type[DomainModel], ...], *, description: str, fields: Collection[str]
) -> Callable[[C], C]:
    """A GraphQL interface with `fields`, each taken from the first of `models` declaring it."""

    def decorate(cls: C) -> C:
        found = {f.name: f for model in reversed(models) for f in domain_fields(model)}
        _generate(cls, [found[n] for n in fields], _output_field, fields, ())
        return strawberry.interface(cls, description=description)

    return decorate


def _output_field(f: _Field) -> tuple[Any, Any]:
    annotation = graphql_annotation(f.annotation, _OUTPUTS)
    return annotation, strawberry.field(description=f.description)


@dataclass_transform(kw_only_default=True, field_specifiers=(strawberry.field, StrawberryField))
def input_type(
    model: type[DomainModel],
    *,
    description: str,
    name: str | None = None,
    first: Collection[str] = (),
    exclude: Collection[str] = (),
    defaults: Collection[str] = (),
) -> Callable[[C], C]:
    """A GraphQL input type with the fields of `model`; `to_domain` turns it into the model."""

    def make(f: _Field) -> tuple[Any, Any]:
        annotation = graphql_annotation(f.annotation, _INPUTS)
        if f.required:
            return annotation, strawberry.field(description=f.description)
        if f.name in defaults:
            return annotation, strawberry.field(default=f.default, description=f.description)
        if get_origin(annotation) not in (Union, types.UnionType):
            annotation = annotation | None
        return annotation, strawberry.field(default=strawberry.UNSET, description=f.description)

    def decorate(cls: C) -> C:
        _generate(cls, domain_fields(model), make, first, exclude)
        made = strawberry.input(cls, name=name, description=description)
        _INPUTS.setdefault(model, made)
        return made

    return decorate
