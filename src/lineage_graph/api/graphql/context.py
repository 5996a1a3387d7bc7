"""The typed per-request GraphQL context: the principal, the services, the DataLoaders."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from strawberry.fastapi import BaseContext

from lineage_graph.api.graphql.access import AccessGuard
from lineage_graph.api.graphql.loaders import Loaders
from lineage_graph.api.principal import ANONYMOUS
from lineage_graph.services.catalog.queries import CatalogQueries
from lineage_graph.services.catalog.service import CatalogService
from lineage_graph.services.governance.decisions import Governor
from lineage_graph.services.governance.gates import Enforcement, Gates

if TYPE_CHECKING:
    from lineage_graph.api.runtime import Runtime
    from lineage_graph.policy.principals import Principal


class Context(BaseContext):
    def __init__(self, runtime: Runtime, principal: Principal) -> None:
        super().__init__()
        self.runtime = runtime
        self.principal = principal

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
