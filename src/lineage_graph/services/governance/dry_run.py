"""Dry run of a changed policy set: which decisions across the catalog would change.

`dry_run` pushes the candidate policy set to a *separate* OPA (the caller starts an ephemeral
one; the live OPA is only read), runs the same compliance scan against both at the same instant
and lists every decision whose outcome differs: allow/deny, or the codes of its findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lineage_graph.policy.sync import sync_policies
from lineage_graph.services.audit.unit import utc_now
from lineage_graph.services.governance.compliance import ComplianceScan, Scope, SubjectDecision

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable
    from datetime import datetime

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine, PolicySet
    from lineage_graph.policy.decisions import Package
    from lineage_graph.policy.principals import TokenDirectory


@dataclass(frozen=True, slots=True)
class Outcome:
    allow: bool
    violations: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, decision: SubjectDecision) -> Outcome:
        return cls(
            decision.decision.allow,
            tuple(sorted(f.code for f in decision.decision.violations)),
            tuple(sorted(f.code for f in decision.decision.warnings)),
        )

    def __str__(self) -> str:
        text = "allow" if self.allow else f"deny [{', '.join(self.violations)}]"
        return text + (f" (warnings: {', '.join(self.warnings)})" if self.warnings else "")

    def to_dict(self) -> dict[str, object]:
        return {"allow": self.allow, "violations": list(self.violations), "warnings": list(self.warnings)}


@dataclass(frozen=True, slots=True)
class Change:
    package: Package
    subject: str
    before: Outcome | None
    after: Outcome | None

    def to_dict(self) -> dict[str, object]:
        return {
            "package": self.package.value,
            "subject": self.subject,
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
        }


@dataclass(frozen=True, slots=True)
class DryRun:
    now: str
    live_revision: str | None
    candidate_revision: str
    evaluated: int
    changes: list[Change]


def changes(before: Iterable[SubjectDecision], after: Iterable[SubjectDecision]) -> list[Change]:
    """Every (package, subject) whose outcome differs, or that only one side judged."""
    old = {(d.package, d.subject): Outcome.of(d) for d in before}
    new = {(d.package, d.subject): Outcome.of(d) for d in after}
    return [
        Change(package, subject, old.get((package, subject)), new.get((package, subject)))
        for package, subject in sorted(old.keys() | new.keys())
        if old.get((package, subject)) != new.get((package, subject))
    ]


async def dry_run(
    graph: Graph,
    live: PolicyEngine,
    candidate: PolicyEngine,
    policy_set: PolicySet,
    *,
    scope: Scope | None = None,
    packages: Collection[Package] | None = None,
    directory: TokenDirectory | None = None,
    live_revision: str | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> DryRun:
    """Sync `policy_set` into `candidate` (never `live`) and compare the two scans."""
    revision = await sync_policies(candidate, policy_set)
    at = clock()

    def scan(engine: PolicyEngine) -> ComplianceScan:
        return ComplianceScan(graph, engine, directory=directory, clock=lambda: at, keep_decisions=True)

    before = await scan(live).run(scope, packages)
    after = await scan(candidate).run(scope, packages)
    return DryRun(
        now=before.now,
        live_revision=live_revision,
        candidate_revision=revision,
        evaluated=after.evaluated,
        changes=changes(before.decisions, after.decisions),
    )
