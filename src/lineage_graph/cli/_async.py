"""Run async service code from typer commands with one driver and one OPA client."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TypeVar

import typer

from lineage_graph import resources
from lineage_graph.graph import Graph, QueryLibrary
from lineage_graph.policy import PolicyEngine

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Coroutine
    from typing import Any

    from lineage_graph.settings import Settings

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@asynccontextmanager
async def connected_graph(settings: Settings) -> AsyncIterator[Graph]:
    graph = Graph.connect(settings, QueryLibrary(resources.cypher_dir(settings.cypher_dir)))
    try:
        yield graph
    finally:
        await graph.close()


@asynccontextmanager
async def connected_engine(settings: Settings) -> AsyncIterator[PolicyEngine]:
    async with PolicyEngine(settings.opa_url, settings.opa_timeout_seconds) as engine:
        yield engine
