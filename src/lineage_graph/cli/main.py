"""``lineage-graph``: run the platform, migrate the graph, sync policies, load demo data."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from lineage_graph import gc_tuning
from lineage_graph.cli import admin, cypher, governance, ingest, lineage, stack
from lineage_graph.settings import Settings

app = typer.Typer(
    name="lineage-graph",
    help="Lineage and governance for ML feature stores and model registries.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def process() -> None:
    """Checks the LINEAGE_GRAPH_* settings before any command runs and tunes the garbage
    collector for this process (`lineage_graph.gc_tuning`)."""
    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "LINEAGE_GRAPH_" + "_".join(str(p) for p in error["loc"]).upper()
            typer.echo(f"invalid setting {name}: {error['msg']}", err=True)
        raise typer.Exit(2) from None
    gc_tuning.tune(settings.collector_thresholds)


app.command("up")(stack.up)
app.command("serve")(stack.serve)
app.command("provision")(stack.provision)
app.command("migrate")(admin.migrate_command)
app.command("cypher")(cypher.cypher_command)
app.command("lineage")(lineage.lineage_command)
app.command("impact")(lineage.impact_command)
admin.policies.command("scan")(governance.policies_scan)
admin.policies.command("dry-run")(governance.policies_dry_run)
app.add_typer(admin.policies, name="policies")
app.add_typer(governance.retention_app, name="retention")
app.add_typer(governance.tokens_app, name="tokens")
app.add_typer(admin.demo, name="demo")
app.add_typer(admin.audit, name="audit")
app.add_typer(ingest.import_app, name="import")
app.command("export")(ingest.export_command)

if __name__ == "__main__":
    app()
