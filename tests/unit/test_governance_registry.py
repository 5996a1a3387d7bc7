"""A policy family or a root field is declared in one place: scans and authorisation follow."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import strawberry

from lineage_graph.api.graphql.access import AccessGuard, Authorization, guard_root_fields
from lineage_graph.api.graphql.authz import authz
from lineage_graph.domain import Kind
from lineage_graph.policy.decisions import Decision, Package
from lineage_graph.policy.principals import Principal
from lineage_graph.services.governance.compliance import ComplianceScan, Severity
from lineage_graph.services.governance.decisions import Judgement
from lineage_graph.services.governance.families import FAMILIES, Judged, Lookups, PolicyFamily, Row, Source

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
THROWAWAY = Package("throwaway")


async def shape(rows: Sequence[Row], _: Lookups) -> Judged:
    return [(str(r["uid"]), {"model": {"uid": r["uid"], "owner": r["owner"]}}) for r in rows]


FAMILY = PolicyFamily(THROWAWAY, (Source((Kind.MODEL,), "governance/throwaway_inputs", shape),), timed=True)


@dataclass
class FakeGraph:
    """The two models as ``governance/page`` and ``governance/throwaway_inputs`` see them."""

    reads: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def read_rows(self, name: str, params: dict[str, Any]) -> list[Any]:
        self.reads.append((name, params))
        if name == "governance/page" and params["kinds"] == ["Model"] and not params["after"]:
            return ["model:risk/a", "model:risk/b"]
        if name == "governance/throwaway_inputs":
            return [{"uid": u, "owner": "" if u.endswith("a") else "team:risk/x"} for u in params["uids"]]
        return []

    async def read_values(self, name: str) -> list[Any]:
        return []


@dataclass
class FakeEngine:
    """Denies a model without an owner (what ``lineage_graph.throwaway`` would say)."""

    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    async def evaluate(self, path: str, rule: str, document: dict[str, Any]) -> Any:
        self.calls.append((path, rule, document))
        finding = {"code": "THROWAWAY_NO_OWNER", "message": "no owner", "entity": "", "remediation": ""}
        return [
            {"allow": bool(i["model"]["owner"]), "violations": [] if i["model"]["owner"] else [finding]}
            for i in document["items"]
        ]


def test_a_family_in_the_registry_is_scanned() -> None:
    graph, engine = FakeGraph(), FakeEngine()
    scan = ComplianceScan(
        graph,  # type: ignore[arg-type]
        engine,  # type: ignore[arg-type]
        clock=lambda: NOW,
        keep_decisions=True,
        families=(*FAMILIES, FAMILY),
    )
    report = asyncio.run(scan.run())
    assert [(path, rule) for path, rule, _ in engine.calls] == [("lineage_graph.throwaway", "batch")]
    assert engine.calls[0][2]["now"] == "2026-11-26T10:00:00Z", "a timed family's batch takes now"
    assert ("governance/throwaway_inputs", {"uids": ["model:risk/a", "model:risk/b"]}) in graph.reads
    summary = report.summaries[THROWAWAY]
    assert (summary.evaluated, summary.violations, summary.calls) == (2, 1, 1)
    assert [(f.package, f.severity, f.subject, f.code) for f in report.findings] == [
        (THROWAWAY, Severity.VIOLATION, "model:risk/a", "THROWAWAY_NO_OWNER")
    ]
    assert [d.subject for d in report.decisions if d.package is THROWAWAY] == ["model:risk/a", "model:risk/b"]
    assert report.to_dict()["byPackage"][-1]["package"] == "throwaway"


# --- a root field's declared authorisation ----------------------------------------------------


@dataclass
class FakeGovernor:
    """Allows everything and keeps what it was asked."""

    asked: list[Mapping[str, Any]] = field(default_factory=list)

    async def judge_many(
        self, package: Package, subjects: Sequence[tuple[str, Mapping[str, Any]]], **_: Any
    ) -> list[Judgement]:
        self.asked += [s for _, s in subjects]
        return [
            Judgement(Decision(package, allow=True), about=about, actor="a", action="", input_hash="")
            for about, _ in subjects
        ]

    async def record(self, judgements: Sequence[Judgement]) -> int:
        return len(judgements)


@strawberry.type
class Query:
    @authz("audit", catalog_wide=True)
    @strawberry.field
    def everything(self, uid: str) -> str:
        return uid

    @strawberry.field
    def plain(self, uid: str) -> str:
        return uid


@strawberry.type
class Mutation:
    @authz("promote", kind=Kind.MODEL)
    @strawberry.mutation
    def throwaway(self, input: strawberry.scalars.JSON) -> str:
        return "done"

    @strawberry.mutation
    def undeclared(self, uid: str) -> str:
        return uid


def _asked(document: str) -> tuple[list[tuple[str, str]], Any]:
    guard_root_fields(Query, Mutation)
    schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[Authorization])
    governor = FakeGovernor()
    guard = AccessGuard(governor, Principal(id="alice", roles=()))  # type: ignore[arg-type]
    result = asyncio.run(schema.execute(document, context_value=type("C", (), {"access": guard})()))
    return [(a["action"], a["resource"]["namespace"]) for a in governor.asked], result


def test_a_field_declares_its_action_and_resource() -> None:
    asked, result = _asked(
        'mutation { throwaway(input: {namespace: "risk", name: "m"}) undeclared(uid: "model:fraud/n") }'
    )
    assert result.errors is None
    assert result.data == {"throwaway": "done", "undeclared": "model:fraud/n"}
    assert asked == [("promote", "risk"), ("write", "fraud")]
    asked, result = _asked('{ everything(uid: "model:risk/m") plain(uid: "model:risk/m") }')
    assert asked == [("audit", "*"), ("read", "risk")]
