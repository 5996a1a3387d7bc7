"""The typed per-request GraphQL context: the principal, the services, the DataLoaders."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Final

from strawberry.fastapi import BaseContext

from lineage_graph.api.graphql.access import AccessGuard
from lineage_graph.api.graphql.loaders import Loaders
from lineage_graph.services.catalog import CatalogService
from lineage_graph.services.catalog_queries import CatalogQueries
from lineage_graph.services.gates import Enforcement, Gates
from lineage_graph.services.governance import Governor

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lineage_graph.api.runtime import Runtime
    from lineage_graph.policy.principals import Principal

ACTOR_HEADER: Final = "X-Lineage-Actor"
AUTHORIZATION_HEADER: Final = "Authorization"
ANONYMOUS: Final = "anonymous"
MAX_ACTOR_LENGTH: Final = 256


def resolve_principal(header: str | None) -> str:
    """The actor an ``X-Lineage-Actor`` header names (default ``anonymous``).

    Only open mode (no tokens file) believes it: see `request_principal`.
    """
    if header is None:
        return ANONYMOUS
    actor = header.strip()
    if not actor or len(actor) > MAX_ACTOR_LENGTH or any(ch < " " or ch == "\x7f" for ch in actor):
        return ANONYMOUS
    return actor


def request_principal(runtime: Runtime, headers: Mapping[str, str] | None) -> Principal:
    """The one place a request's principal is decided.

    With a tokens file: the principal of ``Authorization: Bearer <token>``, or an
    unauthenticated one (no roles) without a valid token. Without (open mode): the actor
    ``X-Lineage-Actor`` names, granted admin on every namespace. Either way OPA's
    ``lineage_graph.authz`` decides each operation.
    """
    authorization = headers.get(AUTHORIZATION_HEADER) if headers is not None else None
    actor = resolve_principal(headers.get(ACTOR_HEADER) if headers is not None else None)
    return runtime.authenticator.principal(authorization, actor)


class Context(BaseContext):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime

    @cached_property
    def principal(self) -> Principal:
        return request_principal(self.runtime, getattr(self.request, "headers", None))

    @cached_property
    def actor(self) -> str:
        return self.principal.id or ANONYMOUS

    @cached_property
    def governor(self) -> Governor:
        return Governor(self.runtime.policies, self.runtime.graph, self.runtime.policy_revision)

    @cached_property
    def access(self) -> AccessGuard:
        return AccessGuard(self.governor, self.principal)

    @cached_property
    def catalog(self) -> CatalogService:
        enforcement = Enforcement(self.runtime.settings.policy_enforcement)
        return CatalogService(self.runtime.graph, gates=Gates(self.governor, enforcement=enforcement))

    @cached_property
    def queries(self) -> CatalogQueries:
        return CatalogQueries(self.runtime.graph)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.queries)
