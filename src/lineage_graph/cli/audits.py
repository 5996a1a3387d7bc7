"""``lineage-graph audit list|run``: the auditors' named Cypher questions (``cypher/audits/``).

``run`` goes through `services.audits` (read-only: ``EXPLAIN`` classification, then a READ
transaction). An unknown audit or parameter, or a value of the wrong type, is one line on
stderr and exit 1, like any refusal.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from lineage_graph import resources
from lineage_graph.cli._async import connected_graph, fail, run
from lineage_graph.cli.cypher import Format, render, split_pairs
from lineage_graph.graph import QueryLibrary
from lineage_graph.graph.readonly import CypherError, WriteRefusedError
from lineage_graph.services.reports import AuditError, AuditResult, AuditService, library
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from lineage_graph.services.reports import Audit


def describe(audit: Audit) -> dict[str, Any]:
    return {
        "name": audit.name,
        "question": audit.question,
        "params": [
            {"name": p.name, "type": p.type.value, "default": p.default, "description": p.description}
            for p in audit.params
        ],
        "columns": list(audit.columns),
    }


def audit_list(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.TABLE,
) -> None:
    """List the audits of cypher/audits: name, question, parameters with defaults, columns."""
    settings = Settings()
    audits = list(library(QueryLibrary(resources.cypher_dir(settings.cypher_dir))))
    if fmt is Format.JSON:
        typer.echo(json.dumps([describe(a) for a in audits], indent=2))
        return
    rows = [
        {
            "name": a.name,
            "question": a.question,
            "params": ", ".join(f"{p.name} => {p.default}" for p in a.params) or "-",
            "columns": ", ".join(a.columns),
        }
        for a in audits
    ]
    columns = ["name", "question", "params", "columns"]
    typer.echo(render(columns, rows, fmt).rstrip("\n"))


def audit_run(
    name: Annotated[str, typer.Argument(help="The audit's name (see `lineage-graph audit list`).")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable; defaults from the header.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.TABLE,
) -> None:
    """Run one audit read-only and print its rows as a table, JSON or CSV."""
    settings = Settings()
    params = split_pairs(param or [])

    async def go() -> AuditResult:
        async with connected_graph(settings) as graph:
            return await AuditService(graph).run(name, params)

    try:
        result = run(go())
    except AuditError as exc:
        raise fail(f"{exc.code}: {exc.message}") from exc
    except (WriteRefusedError, CypherError) as exc:
        raise fail(str(exc)) from exc
    except ServiceUnavailable as exc:
        raise fail(f"Neo4j at {settings.neo4j_uri} does not answer ({exc})") from exc
    except Neo4jError as exc:
        raise fail(f"Neo4j refused the audit: {exc.message}") from exc
    typer.echo(render(result.columns, result.rows, fmt).rstrip("\n"))
