"""Authorisation declared on each root field, and the resources a field's arguments name.

A root field declares what it needs in the metadata of its strawberry field (not printed in
the SDL) with the `authz` decorator above it: ``@authz("deploy", kind=Kind.DEPLOYMENT)``.
Undeclared fields need ``write`` (mutations) or ``read`` (queries) on the namespace of their
uid argument. `Access` says:

- ``action``: ``read``, ``write``, ``deploy``, ``promote``, ``deprecate``, ``approve``,
  ``admin`` or ``audit`` (None: the default);
- ``catalog_wide``: the field is about the whole catalog whatever its arguments (``*``, which
  only ``*`` bindings reach);
- ``kind``: the field's ``input`` (or each of its ``inputs``) describes an entity of this kind,
  whose uid (or namespace) is the resource;
- ``locate``: any other way to find the resources from the arguments (`by_name`, `by_scope`).

Otherwise the resource is the first argument that parses as a uid, trying `UID_ARGUMENTS`
first; arguments too malformed to name one make the field catalog-wide.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from strawberry.types.field import StrawberryField

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
from lineage_graph.services.catalog.service import default_deployment_name

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

EVERY_NAMESPACE: Final = "*"
METADATA_KEY: Final = "lineage_graph.authz"
UID_ARGUMENTS: Final = ("uid", "subject", "deployment", "modelVersion", "featureSetVersion", "root")
"""Arguments naming the resource, tried in this order before any other uid-valued argument."""


@dataclass(frozen=True, slots=True)
class Resource:
    kind: str
    uid: str
    namespace: str


EVERYWHERE: Final = Resource("", "", EVERY_NAMESPACE)


@dataclass(frozen=True, slots=True)
class Access:
    """What a root field needs (see the module's docstring)."""

    action: str | None = None
    kind: Kind | None = None
    catalog_wide: bool = False
    locate: Callable[[Mapping[str, Any]], list[Resource]] | None = None

    def action_for(self, *, mutation: bool) -> str:
        return self.action or ("write" if mutation else "read")

    def resources(self, arguments: Mapping[str, Any]) -> list[Resource]:
        """The resources the field acts on (at least one)."""
        try:
            return self._resources(arguments)
        except (DomainError, TypeError, ValueError):
            return [EVERYWHERE]

    def _resources(self, arguments: Mapping[str, Any]) -> list[Resource]:
        if self.catalog_wide:
            return [EVERYWHERE]
        if self.kind is not None and "input" in arguments:
            return [_from_input(self.kind, arguments["input"])]
        if self.kind is not None and isinstance(arguments.get("inputs"), list):
            found = {_from_input(self.kind, item).namespace for item in arguments["inputs"]}
            return [Resource(self.kind.value, "", namespace) for namespace in sorted(found)] or [
                Resource(self.kind.value, "", EVERY_NAMESPACE)
            ]
        if self.locate is not None:
            return self.locate(arguments)
        named = [arguments[a] for a in UID_ARGUMENTS if a in arguments]
        others = [v for a, v in arguments.items() if a not in UID_ARGUMENTS]
        for value in (*named, *others):
            uid = _parse(value)
            if uid is not None:
                return [_of_uid(uid)]
        return [EVERYWHERE]


DEFAULT_ACCESS: Final = Access()


def authz(
    action: str | None = None,
    *,
    kind: Kind | None = None,
    catalog_wide: bool = False,
    locate: Callable[[Mapping[str, Any]], list[Resource]] | None = None,
) -> Callable[[StrawberryField], StrawberryField]:
    """Declare a root field's `Access` in its metadata; put it above ``@strawberry.field``."""
    access = Access(action, kind, catalog_wide, locate)

    def declare(field: StrawberryField) -> StrawberryField:
        if not isinstance(field, StrawberryField):
            msg = "@authz goes above @strawberry.field or @strawberry.mutation"
            raise TypeError(msg)
        field.metadata = MappingProxyType({**field.metadata, METADATA_KEY: access})
        return field

    return declare


def access_of(metadata: Mapping[Any, Any] | None) -> Access:
    """The `Access` a field's metadata declares (the default when none)."""
    declared = (metadata or {}).get(METADATA_KEY)
    return declared if isinstance(declared, Access) else DEFAULT_ACCESS


# --- locating resources -----------------------------------------------------------------------


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


def by_name(uid_of: Callable[[str, str], Uid]) -> Callable[[Mapping[str, Any]], list[Resource]]:
    """The entity named by the ``namespace`` and ``name`` arguments (OpenLineage names)."""

    def locate(arguments: Mapping[str, Any]) -> list[Resource]:
        return [_of_uid(uid_of(_text(arguments, "namespace"), _text(arguments, "name")))]

    return locate


def by_scope(arguments: Mapping[str, Any]) -> list[Resource]:
    """``compliance(scope)``: a namespace, or a uid prefix (``model:risk/credit``)."""
    value = arguments.get("scope")
    if not isinstance(value, str) or not value:
        return [Resource("", "", EVERY_NAMESPACE)]
    if ":" not in value:
        return [Resource("", "", value)]
    rest = value.split(":", 1)[1]
    namespace = rest.split("/", 1)[0] if "/" in rest else ""
    return [Resource("", "", namespace or EVERY_NAMESPACE)]
