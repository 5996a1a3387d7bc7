"""``lineage-graph cypher``: auditors' own read-only questions, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lineage_graph.cli._async import connected_graph, fail, run
from lineage_graph.graph.readonly import CypherError, WriteRefusedError, run_read_only
from lineage_graph.settings import Settings


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def split_pairs(pairs: list[str]) -> dict[str, str]:
    """``--param k=v`` pairs as text; a pair without ``=`` or key is one clear error line."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise fail(f"expected --param key=value, got {pair!r}")
        params[key.strip()] = value
    return params


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``k=v`` pairs; values are JSON when they parse as JSON (numbers, lists), else strings."""
    params: dict[str, Any] = {}
    for key, value in split_pairs(pairs).items():
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def render(columns: list[str], rows: list[dict[str, Any]], fmt: Format) -> str:
    if fmt is Format.JSON:
        return json.dumps(rows, indent=2, default=str)
    if fmt is Format.CSV:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: json.dumps(v, default=str) if isinstance(v, list | dict) else v for k, v in row.items()}
            )
        return out.getvalue()
    table = Table(*columns)
    for row in rows:
        table.add_row(*(str(row.get(c)) for c in columns))
    console = Console(record=True, width=160)
    with console.capture() as capture:
        console.print(table)
    return capture.get()


def cypher_command(
    query: Annotated[str, typer.Argument(help="A read-only Cypher statement.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.TABLE,
) -> None:
    """Run a read-only Cypher statement; writes of any kind are refused and change nothing."""
    settings = Settings()

    async def go() -> tuple[list[str], list[dict[str, Any]]]:
        async with connected_graph(settings) as graph:
            return await run_read_only(graph, query, parse_params(param or []))

    try:
        columns, rows = run(go())
    except (WriteRefusedError, CypherError) as exc:
        raise fail(str(exc)) from exc
    typer.echo(render(columns, rows, fmt).rstrip("\n"))
