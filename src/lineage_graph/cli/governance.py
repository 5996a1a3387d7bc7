"""Governance commands: ``policies scan``, ``policies dry-run``, ``retention apply``, ``tokens``.

Exit codes of ``policies scan``: 0 no violation (warnings allowed), 1 violations found,
2 the scan could not run (OPA or Neo4j unreachable, bad arguments): a CI job can gate on it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from lineage_graph.cli._async import connected_engine, connected_graph, run
from lineage_graph.devstack import OpaServer, ProvisionError, ServerStartError
from lineage_graph.devstack._process import free_port
from lineage_graph.policy import PolicyEngine, PolicyEngineUnavailableError, PolicySet, PolicySyntaxError
from lineage_graph.policy.decisions import Package
from lineage_graph.policy.principals import ROLES, Authenticator, TokensFileError, hash_token, new_token
from lineage_graph.services.governance import dry_run as policy_dry_run
from lineage_graph.services.governance import retention
from lineage_graph.services.governance.compliance import ComplianceScan, ScanFinding, ScanReport, Scope
from lineage_graph.services.governance.families import FAMILIES, UnknownPolicyError, scanned_packages
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

retention_app = typer.Typer(help="Retention windows of snapshots and sources.", no_args_is_help=True)
tokens_app = typer.Typer(help="Bearer tokens for the tokens file.", no_args_is_help=True)

SCAN_ERROR: Final = 2
ACTOR: Final = "lineage-graph-cli"

ScopeOption = Annotated[
    str | None,
    typer.Option("--scope", help="A namespace (risk) or a uid prefix (model:risk/credit); default: all."),
]
PolicyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        "-p",
        help="Only this package (repeatable): " + ", ".join(f.package for f in FAMILIES if f.scanned),
    ),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


def _stop(message: str, code: int = SCAN_ERROR) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=code)


def _packages(names: Sequence[str] | None) -> list[Package] | None:
    try:
        return scanned_packages(names or None)
    except UnknownPolicyError as exc:
        raise _stop(str(exc)) from exc


def _format(value: str) -> str:
    if value not in {"table", "json"}:
        raise _stop(f"--format must be table or json, not {value!r}")
    return value


def _directory(settings: Settings) -> Any:
    try:
        return Authenticator(settings.tokens_file).directory()
    except TokensFileError as exc:
        raise _stop(str(exc)) from exc


def _table(findings: Sequence[ScanFinding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{f.severity.value.upper():9} {f.package.value:11} {f.code}  {f.entity or f.subject}")
        lines.append(f"          {f.message}")
        if f.remediation:
            lines.append(f"          → {f.remediation}")
    return "\n".join(lines)


def _summary(report: ScanReport) -> str:
    per = ", ".join(
        f"{s.package.value} {s.violations}/{s.warnings} in {s.evaluated} ({s.calls} call{'s' if s.calls != 1 else ''})"
        for s in report.summaries.values()
    )
    return (
        f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s) in {report.evaluated} "
        f"decisions at {report.now}, scope {report.scope} — violations/warnings per package: {per}"
    )


def policies_scan(
    scope: ScopeOption = None,
    policy: PolicyOption = None,
    output: FormatOption = "table",
) -> None:
    """Evaluate every policy over the catalog (or a scope) in batches; exit 1 on violations."""
    settings = Settings()
    fmt, packages = _format(output), _packages(policy)
    directory = _directory(settings)

    async def go() -> ScanReport:
        async with connected_graph(settings) as graph, connected_engine(settings) as engine:
            return await ComplianceScan(graph, engine, directory=directory).run(Scope.parse(scope), packages)

    try:
        report = run(go())
    except PolicyEngineUnavailableError as exc:
        raise _stop(str(exc)) from exc
    except OSError as exc:
        raise _stop(f"cannot reach Neo4j at {settings.neo4j_uri}: {exc}") from exc
    if fmt == "json":
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        if report.findings:
            typer.echo(_table(report.violations + report.warnings))
        typer.echo(_summary(report))
    if report.violations:
        raise typer.Exit(code=1)


def policies_dry_run(
    directory: Annotated[Path, typer.Argument(help="A changed copy of policies/ (Rego and data.json).")],
    scope: ScopeOption = None,
    policy: PolicyOption = None,
    output: FormatOption = "table",
    fail_on_change: Annotated[
        bool, typer.Option("--fail-on-change", help="Exit 1 when any decision would change.")
    ] = False,
) -> None:
    """List every decision across the catalog that DIRECTORY's policies would change.

    The changed policies run in an ephemeral OPA on a free port; the live OPA only answers the
    same scan with the active policies. Nothing is activated.
    """
    settings = Settings()
    fmt, packages = _format(output), _packages(policy)
    tokens = _directory(settings)
    if not directory.is_dir():
        raise _stop(f"{directory} is not a directory")
    try:
        policy_set = PolicySet.load(directory)
    except PolicySyntaxError as exc:
        raise _stop(str(exc)) from exc

    async def go(candidate_url: str) -> policy_dry_run.DryRun:
        async with (
            connected_graph(settings) as graph,
            connected_engine(settings) as live,
            PolicyEngine(candidate_url, settings.opa_timeout_seconds) as candidate,
        ):
            return await policy_dry_run.dry_run(
                graph,
                live,
                candidate,
                policy_set,
                scope=Scope.parse(scope),
                packages=packages,
                directory=tokens,
            )

    with tempfile.TemporaryDirectory(prefix="lineage-graph-dry-run-") as scratch:
        try:
            with OpaServer(port=free_port(), log_path=Path(scratch) / "opa.log") as opa:
                result = run(go(opa.url))
        except (ProvisionError, ServerStartError) as exc:
            raise _stop(f"cannot start the ephemeral OPA: {exc}") from exc
        except PolicySyntaxError as exc:
            raise _stop(f"the changed policies were refused:\n{exc}") from exc
        except PolicyEngineUnavailableError as exc:
            raise _stop(str(exc)) from exc
    if fmt == "json":
        body = {
            "now": result.now,
            "candidateRevision": result.candidate_revision,
            "evaluated": result.evaluated,
            "changes": [c.to_dict() for c in result.changes],
        }
        typer.echo(json.dumps(body, indent=2))
    else:
        for change in result.changes:
            before = str(change.before) if change.before else "(not judged)"
            after = str(change.after) if change.after else "(not judged)"
            typer.echo(f"{change.package.value:11} {change.subject}\n            {before} → {after}")
        typer.echo(
            f"{len(result.changes)} of {result.evaluated} decisions would change "
            f"(candidate revision {result.candidate_revision[:12]}, at {result.now}); nothing was activated"
        )
    if fail_on_change and result.changes:
        raise typer.Exit(code=1)


@retention_app.command("apply")
def retention_apply(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be retired; change nothing.")
    ] = False,
    scope: ScopeOption = None,
) -> None:
    """Mark the dataset snapshots past their retention window retired (never deleted), audited."""
    settings = Settings()

    async def go() -> retention.RetentionResult:
        async with connected_graph(settings) as graph, connected_engine(settings) as engine:
            return await retention.apply(
                graph, engine, actor=ACTOR, scope=Scope.parse(scope), dry_run=dry_run
            )

    try:
        result = run(go())
    except PolicyEngineUnavailableError as exc:
        raise _stop(str(exc), code=1) from exc
    verb = "would retire" if dry_run else "retired"
    done = result.expired_snapshots if dry_run else result.retired
    for uid in done:
        typer.echo(f"{verb}: {uid}")
    for uid in result.expired_sources:
        typer.echo(f"expired source (retire it at its owner): {uid}")
    typer.echo(
        f"{verb} {len(done)} snapshot(s) at {result.now}; {len(result.expired_sources)} expired source(s)"
    )


@tokens_app.command("hash")
def tokens_hash(
    token: Annotated[str | None, typer.Argument(help="The token; read from stdin when omitted.")] = None,
) -> None:
    """Print the SHA-256 of a token, for token_sha256 in the tokens file."""
    value = token if token is not None else sys.stdin.readline().strip()
    if not value:
        raise _stop("no token given (pass it as an argument or on stdin)", code=1)
    typer.echo(hash_token(value))


@tokens_app.command("new")
def tokens_new(
    principal: Annotated[str, typer.Option("--id", help="The principal's id, e.g. alice.")],
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role", help="role or role@namespace (repeatable); roles: " + ", ".join(sorted(ROLES))
        ),
    ] = None,
) -> None:
    """Make a random token; print it once, and the tokens-file entry holding only its hash."""
    grants = []
    for text in role or []:
        name, _, namespace = text.partition("@")
        if name not in ROLES:
            raise _stop(f"unknown role {name!r}; roles: {', '.join(sorted(ROLES))}", code=1)
        grants.append(f'{{ role = "{name}", namespace = "{namespace or "*"}" }}')
    token = new_token()
    typer.echo(f"token (give it to {principal}; it is not stored): {token}", err=True)
    typer.echo(
        f'[[principals]]\nid = "{principal}"\ntoken_sha256 = "{hash_token(token)}"\nroles = [{", ".join(grants)}]'
    )
