"""``lineage-graph``: run the platform, migrate the graph, sync policies, load demo data."""

from __future__ import annotations

import typer

from lineage_graph.cli import admin, cypher, governance, ingest, lineage, stack

app = typer.Typer(
    name="lineage-graph",
    help="Lineage and governance for ML feature stores and model registries.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
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
