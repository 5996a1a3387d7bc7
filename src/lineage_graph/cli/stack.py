"""Run the platform: provision and start the local servers, then serve the API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
import uvicorn

from lineage_graph.api import create_app
from lineage_graph.cli._async import connected_engine, connected_graph, fail
from lineage_graph.demo import builder as demo
from lineage_graph.devstack import (
    Neo4jServer,
    OpaServer,
    ProvisionError,
    ServerStartError,
    provision_neo4j,
    provision_opa,
    provision_regal,
)
from lineage_graph.devstack.paths import state_dir
from lineage_graph.graph.migrations import MigrationError
from lineage_graph.policy import PolicyEngineUnavailableError, PolicySyntaxError
from lineage_graph.services import bootstrap
from lineage_graph.services.governance.decisions import Governor
from lineage_graph.settings import Settings


def provision(
    regal: Annotated[bool, typer.Option(help="Also build Regal, the Rego linter.")] = True,
) -> None:
    """Fetch Neo4j's jars and build OPA (and Regal) into the cache, once."""
    try:
        dist = provision_neo4j()
        typer.echo(f"neo4j jars: {dist.lib}")
        typer.echo(f"opa:        {provision_opa()}")
        if regal:
            typer.echo(f"regal:      {provision_regal()}")
    except ProvisionError as exc:
        raise fail(str(exc)) from exc


async def _prepare(settings: Settings, load_demo: bool) -> str:
    async with connected_engine(settings) as engine, connected_graph(settings) as graph:
        revision, _ = await bootstrap.push_policies(engine, settings)
        await bootstrap.apply_migrations(graph, settings)
        await bootstrap.ensure_environments(graph)
        if load_demo:
            await demo.load(graph, Governor(engine, graph, revision))
    return revision


def up(
    api_port: Annotated[int | None, typer.Option(envvar="LINEAGE_GRAPH_API_PORT")] = None,
    bolt_port: Annotated[int, typer.Option(envvar="LINEAGE_GRAPH_BOLT_PORT")] = 7687,
    neo4j_http_port: Annotated[int, typer.Option(envvar="LINEAGE_GRAPH_NEO4J_HTTP_PORT")] = 7474,
    opa_port: Annotated[int, typer.Option(envvar="LINEAGE_GRAPH_OPA_PORT")] = 8181,
    data_dir: Annotated[
        Path | None, typer.Option(help="Neo4j's home (default: the state dir in the cache).")
    ] = None,
    load_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Load the demo catalog.")] = True,
) -> None:
    """Start Neo4j and OPA on loopback, migrate, sync policies, load the demo and serve the API."""
    base = Settings()
    if (refusal := base.open_mode_refusal()) is not None:
        typer.echo(f"error: {refusal}", err=True)
        raise typer.Exit(2)
    port = api_port or base.api_port
    neo4j = Neo4jServer(
        home=data_dir or state_dir() / "neo4j", bolt_port=bolt_port, http_port=neo4j_http_port
    )
    opa = OpaServer(port=opa_port, log_path=state_dir() / "opa.log")
    settings = base.model_copy(
        update={
            "neo4j_uri": neo4j.bolt_url,
            "opa_url": opa.url,
            "neo4j_http_port": neo4j_http_port,
            "api_port": port,
        }
    )
    try:
        typer.echo("provisioning Neo4j and OPA (cached after the first run)…")
        provision_neo4j()
        provision_opa()
        typer.echo("starting Neo4j and OPA…")
        neo4j.start()
        opa.start()
        revision = asyncio.run(_prepare(settings, load_demo))
        typer.echo(
            "\nlineage-graph is up:\n"
            f"  GraphQL (GraphiQL)  http://{settings.api_host}:{port}/graphql\n"
            f"  readiness           http://{settings.api_host}:{port}/readyz\n"
            f"  Neo4j Bolt          {neo4j.bolt_url}\n"
            f"  Neo4j Browser       {neo4j.http_url}/browser/\n"
            f"  OPA                 {opa.url}  (policy revision {revision[:12]})\n"
            "Press Ctrl-C to stop everything.\n"
        )
        uvicorn.run(create_app(settings), host=settings.api_host, port=port, log_level=settings.log_level)
    except (
        ProvisionError,
        ServerStartError,
        MigrationError,
        PolicySyntaxError,
        PolicyEngineUnavailableError,
    ) as exc:
        raise fail(str(exc)) from exc
    finally:
        typer.echo("stopping OPA and Neo4j…")
        opa.stop()
        neo4j.stop()


def serve(
    host: Annotated[str | None, typer.Option(envvar="LINEAGE_GRAPH_API_HOST")] = None,
    port: Annotated[int | None, typer.Option(envvar="LINEAGE_GRAPH_API_PORT")] = None,
) -> None:
    """Serve the API against the Neo4j and OPA named in the settings."""
    settings = Settings()
    if (refusal := settings.open_mode_refusal(host)) is not None:
        typer.echo(f"error: {refusal}", err=True)
        raise typer.Exit(2)
    uri = urlsplit(settings.neo4j_uri)
    typer.echo(f"serving against Neo4j {uri.hostname}:{uri.port} and OPA {settings.opa_url}")
    uvicorn.run(
        create_app(settings),
        host=host or settings.api_host,
        port=port or settings.api_port,
        log_level=settings.log_level,
    )
