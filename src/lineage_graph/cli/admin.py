"""Commands that administer a running graph and policy engine."""

from __future__ import annotations

import typer

from lineage_graph.cli import audits
from lineage_graph.cli._async import connected_engine, connected_graph, fail, run
from lineage_graph.demo import builder as demo_service
from lineage_graph.graph.migrations import MigrationError
from lineage_graph.policy import PolicyEngine, PolicyEngineUnavailableError, PolicySyntaxError
from lineage_graph.services import bootstrap
from lineage_graph.services.audit import chain as audit_service
from lineage_graph.services.governance.decisions import Governor
from lineage_graph.settings import Settings

policies = typer.Typer(help="Push and test the Rego policies.", no_args_is_help=True)
demo = typer.Typer(help="The demo catalog.", no_args_is_help=True)
audit = typer.Typer(help="The audit trail and the auditors' Cypher library.", no_args_is_help=True)
audit.command("list")(audits.audit_list)
audit.command("run")(audits.audit_run)


def migrate_command() -> None:
    """Apply pending schema migrations from cypher/migrations (idempotent)."""
    settings = Settings()

    async def go() -> list[str]:
        async with connected_graph(settings) as graph:
            applied = [m.path.name for m in await bootstrap.apply_migrations(graph, settings)]
            await bootstrap.ensure_environments(graph)
            return applied

    try:
        applied = run(go())
    except MigrationError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"applied {len(applied)} migration(s)" + "".join(f"\n  {name}" for name in applied))


@policies.command("sync")
def policies_sync() -> None:
    """Push every .rego under policies/ (and its data files) to OPA."""
    settings = Settings()

    async def go() -> tuple[str, int]:
        async with connected_engine(settings) as engine:
            revision, policy_set = await bootstrap.push_policies(engine, settings)
            return revision, len(policy_set.policies)

    try:
        revision, count = run(go())
    except (PolicySyntaxError, PolicyEngineUnavailableError) as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"synced {count} policies to {settings.opa_url} (revision {revision[:12]})")


async def _answers(engine: PolicyEngine) -> bool:
    try:
        return await engine.healthy()
    except Exception:  # any transport failure means OPA does not answer
        return False


@demo.command("load")
def demo_load() -> None:
    """Load the demo catalog (idempotent). When OPA answers, sync the policies first and plant
    the demo's refused request, whose decisions the policy_decisions audit finds."""
    settings = Settings()

    async def go() -> tuple[int, bool]:
        async with connected_engine(settings) as engine, connected_graph(settings) as graph:
            if not await _answers(engine):
                return await demo_service.load(graph), False
            revision, _ = await bootstrap.push_policies(engine, settings)
            return await demo_service.load(graph, Governor(engine, graph, revision)), True

    try:
        nodes, judged = run(go())
    except PolicySyntaxError as exc:
        raise fail(str(exc)) from exc
    note = "" if judged else f"; OPA at {settings.opa_url} does not answer, so no policy decision was planted"
    typer.echo(f"demo catalog loaded ({nodes} nodes){note}")


@audit.command("verify")
def audit_verify() -> None:
    """Walk the audit chain, recompute every hash; exit 1 at the first edited or missing event."""
    settings = Settings()

    async def go() -> audit_service.Verification:
        async with connected_graph(settings) as graph:
            return await audit_service.verify(graph)

    result = run(go())
    if not result.ok:
        raise fail(str(result))
    typer.echo(str(result))
