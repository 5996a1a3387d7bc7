"""``lineage-graph``: run the platform, migrate the graph, sync policies, load demo data."""

from __future__ import annotations

import typer

from lineage_graph.cli import admin, cypher, stack

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
app.add_typer(admin.policies, name="policies")
app.add_typer(admin.demo, name="demo")
app.add_typer(admin.audit, name="audit")

if __name__ == "__main__":
    app()
