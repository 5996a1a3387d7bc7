"""The typed per-request GraphQL context: the principal, the services, the DataLoaders."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Final

from strawberry.fastapi import BaseContext

from lineage_graph.api.graphql.loaders import Loaders
from lineage_graph.services.catalog import CatalogService
from lineage_graph.services.catalog_queries import CatalogQueries

if TYPE_CHECKING:
    from lineage_graph.api.runtime import Runtime

ACTOR_HEADER: Final = "X-Lineage-Actor"
ANONYMOUS: Final = "anonymous"
MAX_ACTOR_LENGTH: Final = 256


def resolve_principal(header: str | None) -> str:
    """The one place a request's principal is decided.

    For now the ``X-Lineage-Actor`` header names it (default ``anonymous``); bearer tokens
    and OPA authorisation replace this function's body, not its callers.
    """
    if header is None:
        return ANONYMOUS
    actor = header.strip()
    if not actor or len(actor) > MAX_ACTOR_LENGTH or any(ch < " " or ch == "\x7f" for ch in actor):
        return ANONYMOUS
    return actor


class Context(BaseContext):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime

    @cached_property
    def actor(self) -> str:
        headers = getattr(self.request, "headers", None)
        return resolve_principal(headers.get(ACTOR_HEADER) if headers is not None else None)

    @cached_property
    def catalog(self) -> CatalogService:
        return CatalogService(self.runtime.graph)

    @cached_property
    def queries(self) -> CatalogQueries:
        return CatalogQueries(self.runtime.graph)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.queries)
