"""The typed per-request GraphQL context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.fastapi import BaseContext

if TYPE_CHECKING:
    from lineage_graph.api.runtime import Runtime


class Context(BaseContext):
    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.runtime = runtime
