"""``lineage-graph import ...`` and ``lineage-graph export``: fill the catalog from other tools, move it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lineage_graph.cli._async import connected_graph, fail, run
from lineage_graph.domain import DomainError
from lineage_graph.ingest import feast, mlflow
from lineage_graph.ingest import openlineage_events as ol
from lineage_graph.ingest.openlineage import OpenLineageIngest, translate
from lineage_graph.services import backup
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

import_app = typer.Typer(
    help="Import from OpenLineage files, Feast, MLflow, or a catalog export.", no_args_is_help=True
)

DEFAULT_ACTOR: Final = "importer"
Actor = Annotated[str, typer.Option(help="Principal recorded as the author of every change.")]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def _lines(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise fail(f"{path}:{number}: not JSON ({exc.msg})") from exc


def _read_events(path: Path) -> tuple[list[ol.Event], list[int]]:
    """Every event of a JSON-lines file (a line may hold an array), validated, with its line."""
    events: list[ol.Event] = []
    lines: list[int] = []
    problems: list[str] = []
    for number, value in _lines(path):
        try:
            parsed = ol.parse_events(value)
        except DomainError as exc:
            problems += [
                f"{path}:{number}: {p['path'] or '/'}: {p['message']}" for p in exc.details["problems"]
            ]
            continue
        translation = translate(parsed, single=not isinstance(value, list))
        problems += [f"{path}:{number}: {p['path'] or '/'}: {p['message']}" for p in translation.problems]
        events += parsed
        lines += [number] * len(parsed)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise fail(f"{problems[0]}{more}; nothing was imported")
    return events, lines


@import_app.command("openlineage")
def import_openlineage(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="OpenLineage events, one JSON per line.")
    ],
    batch_size: Annotated[
        int, typer.Option(min=1, max=ol.MAX_EVENTS, help="Events per transaction.")
    ] = 1_000,
    actor: Actor = DEFAULT_ACTOR,
) -> None:
    """Import OpenLineage events from a JSON-lines file (validated first: a bad line imports nothing)."""
    settings = Settings()
    events, _ = _read_events(file)

    async def go() -> dict[str, int]:
        totals = {"created": 0, "updated": 0, "unchanged": 0, "transactions": 0}
        async with connected_graph(settings) as graph:
            ingest = OpenLineageIngest(graph)
            with _progress() as progress:
                task = progress.add_task("events", total=len(events), rate="")
                for start in range(0, len(events), batch_size):
                    batch = events[start : start + batch_size]
                    result = await ingest.ingest(batch, actor=actor)
                    for key, value in result.to_dict().items():
                        if key in totals:
                            totals[key] += value
                    progress.advance(task, len(batch))
                    elapsed = progress.tasks[0].elapsed or 0.0
                    done = progress.tasks[0].completed
                    progress.update(task, rate=f"{done / elapsed:,.0f} events/s" if elapsed else "")
        return totals

    try:
        totals = run(go())
    except DomainError as exc:
        raise fail(exc.message) from exc
    typer.echo(
        f"imported {len(events)} events in {totals['transactions']} transaction(s): "
        f"{totals['created']} created, {totals['updated']} updated, {totals['unchanged']} unchanged"
    )


def export_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="File to write (default: standard output)."),
    ] = None,
) -> None:
    """Export the whole catalog (nodes, edges, audit chain) as JSON lines."""
    settings = Settings()

    async def go(write: Callable[[str], object]) -> backup.Summary:
        async with connected_graph(settings) as graph:
            with _progress() as progress:
                task = progress.add_task("nodes", total=None, rate="")
                return await backup.export_catalog(graph, write, on_nodes=lambda n: progress.advance(task, n))

    try:
        if output is None:
            summary = run(go(sys.stdout.write))
        else:
            with output.open("w", encoding="utf-8") as handle:
                summary = run(go(handle.write))
    except backup.CatalogIOError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"exported {summary.nodes} nodes and {summary.edges} edges", err=True)


@import_app.command("catalog")
def import_catalog(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A `lineage-graph export` file.")],
) -> None:
    """Import a catalog export into an empty database: same uids, properties, edges and audit chain."""
    settings = Settings()

    async def go() -> backup.Summary:
        with file.open(encoding="utf-8") as handle:
            header = backup.read_header(handle.readline())
        total = int(header.get("nodes", 0)) + int(header.get("edges", 0))
        async with connected_graph(settings) as graph:
            await backup.ensure_empty(graph)
            with _progress() as progress:
                task = progress.add_task("nodes+edges", total=total or None, rate="")
                with file.open(encoding="utf-8") as lines:
                    return await backup.import_catalog(
                        graph, lines, on_progress=lambda n: progress.advance(task, n)
                    )

    try:
        summary = run(go())
    except backup.CatalogIOError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"imported {summary.nodes} nodes and {summary.edges} edges; audit chain verified")


@import_app.command("mlflow")
def import_mlflow(
    url: Annotated[str, typer.Argument(help="The MLflow tracking server, e.g. http://mlflow:5000.")],
    namespace: Annotated[
        str, typer.Option(help="Namespace of the imported models.")
    ] = mlflow.DEFAULT_NAMESPACE,
    token: Annotated[
        str | None,
        typer.Option(envvar="MLFLOW_TRACKING_TOKEN", help="Bearer token for MLflow, if it needs one."),
    ] = None,
    actor: Actor = DEFAULT_ACTOR,
) -> None:
    """Import registered models, versions, aliases, runs and dataset inputs over MLflow's REST API."""
    settings = Settings()

    async def go() -> mlflow.MlflowSummary:
        async with connected_graph(settings) as graph, httpx.AsyncClient(timeout=60) as http:
            importer = mlflow.MlflowImport(graph, mlflow.MlflowRest(url, http, token), namespace=namespace)
            summary = mlflow.MlflowSummary()
            models = await importer.rest.registered_models()
            with _progress() as progress:
                task = progress.add_task("models", total=len(models), rate="")
                for registered in models:
                    await importer.import_model(registered, actor=actor, summary=summary)
                    progress.advance(task)
            return summary

    try:
        summary = run(go())
    except mlflow.MlflowError as exc:
        raise fail(str(exc)) from exc
    except DomainError as exc:
        raise fail(exc.message) from exc
    typer.echo(
        f"imported {summary.models} model(s) and {summary.versions} version(s): "
        f"{summary.created} written, {summary.unchanged} unchanged"
    )


@import_app.command("feast")
def import_feast(
    repo_or_registry: Annotated[
        Path,
        typer.Argument(help="A Feast repository, a registry file (with --project) or a registry JSON dump."),
    ],
    project: Annotated[
        str | None, typer.Option(help="The Feast project (default: the repository's).")
    ] = None,
    feast_python: Annotated[
        str | None,
        typer.Option(
            envvar="LINEAGE_GRAPH_FEAST_PYTHON", help="Python of the Feast installation to read it with."
        ),
    ] = None,
    actor: Actor = DEFAULT_ACTOR,
) -> None:
    """Import a Feast registry: data sources, feature views (new versions when changed) and feature services."""
    settings = Settings()
    try:
        document = feast.read_registry(repo_or_registry, python=feast_python, project=project)
    except feast.FeastError as exc:
        raise fail(str(exc)) from exc

    async def go() -> feast.FeastSummary:
        async with connected_graph(settings) as graph:
            return await feast.import_registry(graph, document, actor=actor)

    try:
        summary = run(go())
    except (feast.FeastError, DomainError) as exc:
        raise fail(exc.message if isinstance(exc, DomainError) else str(exc)) from exc
    typer.echo(
        f"imported {summary.feature_sets} feature view(s) and service(s): "
        f"{summary.views.published} new version(s); data sources: {summary.sources.created} created, "
        f"{summary.sources.updated} updated, {summary.sources.unchanged} unchanged"
    )
