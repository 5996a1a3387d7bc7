"""Governance decisions: ask OPA, fail closed, and record every decision in the graph.

A decision OPA cannot give (unreachable, undefined rule, malformed answer) becomes a denial
with code ``POLICY_ENGINE_UNAVAILABLE``, never an allow. Each decision is stored as a
``:PolicyDecision`` node ``ABOUT`` the entity it judged, with the policy revision, the
input's hash and the actor, so auditors can query decisions with Cypher.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lineage_graph.domain import Kind, Uid
from lineage_graph.graph.codec import native
from lineage_graph.policy.decisions import Decision, Finding, Package, decide, decide_batch, input_hash
from lineage_graph.policy.engine import PolicyEngineUnavailableError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from lineage_graph.graph import Graph
    from lineage_graph.graph.database import Transaction
    from lineage_graph.policy import PolicyEngine

log = logging.getLogger(__name__)

DECISION_NAMESPACE = "decisions"
UNAVAILABLE = PolicyEngineUnavailableError.code


def report_invalid_input(decision: Decision, about: str) -> None:
    """An ``*_INVALID_INPUT`` finding is a bug of the input builders, not a governance outcome:
    logged as an error (the decision still denies)."""
    invalid = [f for f in decision.violations if f.code.endswith("_INVALID_INPUT")]
    if invalid:
        log.error(
            "%s judged a malformed input about %r: %s",
            decision.package.path,
            about,
            "; ".join(f.message for f in invalid),
        )


@dataclass(frozen=True)
class Judgement:
    """A decision with what it was about, ready to record."""

    decision: Decision
    about: str
    actor: str
    action: str
    input_hash: str

    @property
    def unavailable(self) -> bool:
        """OPA gave no decision (the denial is the engine's, not the policy's)."""
        return any(f.code == UNAVAILABLE for f in self.decision.violations)

    def row(self, revision: str | None) -> dict[str, Any]:
        name = uuid.uuid4().hex
        return {
            "uid": str(Uid.of(Kind.POLICY_DECISION, DECISION_NAMESPACE, name)),
            "namespace": DECISION_NAMESPACE,
            "name": name,
            "policy": self.decision.package.path,
            "policyRevision": revision or "unknown",
            "allow": self.decision.allow,
            "codes": sorted({f.code for f in self.decision.violations + self.decision.warnings}),
            "violationsJson": json.dumps([f.to_dict() for f in self.decision.violations]),
            "warningsJson": json.dumps([f.to_dict() for f in self.decision.warnings]),
            "inputHash": self.input_hash,
            "actor": self.actor,
            "action": self.action,
            "about": self.about,
        }


class Governor:
    """Asks OPA for decisions and records them."""

    def __init__(self, engine: PolicyEngine, graph: Graph, revision: str | None) -> None:
        self.engine = engine
        self.graph = graph
        self.revision = revision

    async def judge(
        self, package: Package, subject: Mapping[str, Any], *, about: str, actor: str, action: str
    ) -> Judgement:
        try:
            decision = await decide(self.engine, package, subject)
        except PolicyEngineUnavailableError as exc:
            decision = Decision.unavailable(package, str(exc))
        report_invalid_input(decision, about)
        return Judgement(decision, about=about, actor=actor, action=action, input_hash=input_hash(subject))

    async def judge_many(
        self,
        package: Package,
        subjects: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        actor: str,
        action: str,
        shared: Mapping[str, Any] | None = None,
    ) -> list[Judgement]:
        """One OPA call for many ``(about, subject)`` pairs; unavailable → every one denied."""
        try:
            decisions = await decide_batch(self.engine, package, [s for _, s in subjects], shared)
        except PolicyEngineUnavailableError as exc:
            decisions = [Decision.unavailable(package, str(exc)) for _ in subjects]
        for decision, (about, _) in zip(decisions, subjects, strict=True):
            report_invalid_input(decision, about)
        return [
            Judgement(
                d, about=about, actor=actor, action=action, input_hash=input_hash({**(shared or {}), **s})
            )
            for d, (about, s) in zip(decisions, subjects, strict=True)
        ]

    async def record(self, judgements: Sequence[Judgement]) -> int:
        """Record decisions in a transaction of their own."""
        if not judgements:
            return 0
        rows = [j.row(self.revision) for j in judgements]
        result = await self.graph.write("governance/record_decisions", {"rows": rows})
        return int(result[0]["count"])

    async def record_in(self, tx: Transaction, judgements: Sequence[Judgement]) -> int:
        """Record decisions inside a write transaction: they commit (or roll back) with it."""
        if not judgements:
            return 0
        rows = [j.row(self.revision) for j in judgements]
        result = await tx.run("governance/record_decisions", {"rows": rows})
        return int(result[0]["count"])


@dataclass(frozen=True)
class DecisionRecord:
    """A recorded ``PolicyDecision``, as auditors read it back."""

    uid: str
    policy: str
    policy_revision: str
    allow: bool
    codes: tuple[str, ...]
    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    input_hash: str
    actor: str
    action: str
    at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> DecisionRecord:
        return cls(
            uid=str(row["uid"]),
            policy=str(row["policy"]),
            policy_revision=str(row["policyRevision"]),
            allow=bool(row["allow"]),
            codes=tuple(row.get("codes") or ()),
            violations=tuple(Finding.parse(f) for f in json.loads(row.get("violationsJson") or "[]")),
            warnings=tuple(Finding.parse(f) for f in json.loads(row.get("warningsJson") or "[]")),
            input_hash=str(row["inputHash"]),
            actor=str(row["actor"]),
            action=str(row.get("action") or ""),
            at=native(row["at"]),
        )


MAX_DECISIONS = 1_000


async def decisions_about(graph: Graph, uid: str, limit: int = 20) -> list[DecisionRecord]:
    """The decisions recorded about an entity, newest first (at most `MAX_DECISIONS`)."""
    rows = await graph.read(
        "governance/decisions_about", {"uid": uid, "limit": max(1, min(limit, MAX_DECISIONS))}
    )
    return [DecisionRecord.from_row(r) for r in rows]
