"""Governance queries: compliance scans and the decisions recorded about an entity.

``compliance(scope, policies)`` runs `services.compliance.ComplianceScan` (batched: one OPA call
per chunk of subjects, never per entity); ``decisions(uid)`` reads the ``PolicyDecision`` nodes
recorded about an entity. OPA being unreachable is a GraphQL error with
``extensions.code = POLICY_ENGINE_UNAVAILABLE``; an unknown policy name is ``INVALID_VALUE``.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from graphql import GraphQLError

from lineage_graph.api.graphql.authz import authz, by_scope
from lineage_graph.api.graphql.catalog_queries import DEFAULT_PAGE
from lineage_graph.api.graphql.errors import PolicyFinding
from lineage_graph.api.graphql.nodes import CtxInfo
from lineage_graph.domain import ErrorCode
from lineage_graph.policy.decisions import Package
from lineage_graph.policy.engine import PolicyEngineUnavailableError
from lineage_graph.services.governance import compliance as compliance_service
from lineage_graph.services.governance.decisions import DecisionRecord, decisions_about
from lineage_graph.services.governance.families import UnknownPolicyError, scanned_packages


@strawberry.type(description="One finding of a compliance scan.")
class ComplianceFinding:
    policy: str = strawberry.field(description="The package: authz, retention, deprecation, schema, ...")
    severity: str = strawberry.field(description="violation or warning.")
    subject: str = strawberry.field(description="What was judged (a uid; for authz, an approval).")
    code: str = strawberry.field(description="Stable code, e.g. DEPRECATION_PAST_SUNSET.")
    entity: str = strawberry.field(description="The uid the finding is about (may differ from subject).")
    message: str = strawberry.field(description="Human-readable explanation (may change).")
    remediation: str = strawberry.field(
        description="What to do: the replacement version, the approved target, the missing item."
    )

    @classmethod
    def of(cls, f: compliance_service.ScanFinding) -> ComplianceFinding:
        return cls(
            policy=f.package.value,
            severity=f.severity.value,
            subject=f.subject,
            code=f.code,
            entity=f.entity,
            message=f.message,
            remediation=f.remediation,
        )


@strawberry.type(description="What a scan judged under one package.")
class PolicySummary:
    policy: str = strawberry.field(description="The package.")
    evaluated: int = strawberry.field(description="Subjects judged.")
    violations: int = strawberry.field(description="Violations found.")
    warnings: int = strawberry.field(description="Warnings found.")
    calls: int = strawberry.field(description="OPA calls made (one per chunk of subjects).")


@strawberry.type(description="The result of a compliance scan.")
class ComplianceReport:
    now: str = strawberry.field(description="The instant every decision was taken at.")
    scope: str = strawberry.field(description="The scope scanned (* for the whole catalog).")
    evaluated: int = strawberry.field(description="Decisions taken, all packages together.")
    violations: list[ComplianceFinding] = strawberry.field(description="Blocking findings.")
    warnings: list[ComplianceFinding] = strawberry.field(description="Non-blocking findings.")
    by_package: list[PolicySummary] = strawberry.field(description="Counts per package.")

    @classmethod
    def of(cls, report: compliance_service.ScanReport) -> ComplianceReport:
        return cls(
            now=report.now,
            scope=str(report.scope),
            evaluated=report.evaluated,
            violations=[ComplianceFinding.of(f) for f in report.violations],
            warnings=[ComplianceFinding.of(f) for f in report.warnings],
            by_package=[
                PolicySummary(
                    policy=s.package.value,
                    evaluated=s.evaluated,
                    violations=s.violations,
                    warnings=s.warnings,
                    calls=s.calls,
                )
                for s in report.summaries.values()
            ],
        )


@strawberry.type(description="A policy decision recorded in the graph (a PolicyDecision node).")
class PolicyDecisionRecord:
    uid: str = strawberry.field(description="The decision's uid.")
    policy: str = strawberry.field(description="The package, e.g. lineage_graph.promotion.")
    policy_revision: str = strawberry.field(description="Hash of the Rego and data that decided.")
    allow: bool = strawberry.field(description="The policy's answer.")
    codes: list[str] = strawberry.field(description="Codes of every finding.")
    violations: list[PolicyFinding] = strawberry.field(description="Blocking findings.")
    warnings: list[PolicyFinding] = strawberry.field(description="Non-blocking findings.")
    input_hash: str = strawberry.field(description="SHA-256 of the canonical input document.")
    actor: str = strawberry.field(description="Who asked.")
    action: str = strawberry.field(description="What was asked, e.g. deploy or node:read.")
    at: datetime = strawberry.field(description="When.")

    @classmethod
    def of(cls, r: DecisionRecord) -> PolicyDecisionRecord:
        return cls(
            uid=r.uid,
            policy=r.policy,
            policy_revision=r.policy_revision,
            allow=r.allow,
            codes=list(r.codes),
            violations=PolicyFinding.many(r.violations),
            warnings=PolicyFinding.many(r.warnings),
            input_hash=r.input_hash,
            actor=r.actor,
            action=r.action,
            at=r.at,
        )


def packages(names: list[str] | None) -> list[Package] | None:
    """Packages by name (``promotion`` or ``lineage_graph.promotion``); None for all."""
    try:
        return scanned_packages(names)
    except UnknownPolicyError as exc:
        raise GraphQLError(str(exc), extensions={"code": ErrorCode.INVALID_VALUE.value}) from exc


@strawberry.type
class GovernanceQuery:
    @authz(locate=by_scope)
    @strawberry.field(
        description="Violations and warnings of the governance policies across the catalog, or below "
        "a scope: a namespace (risk) or a uid prefix (model:risk/credit_default). `policies` limits the "
        "packages (authz, retention, deprecation, schema, lineage, promotion, targets). Subjects are "
        "judged in batches, never one OPA call per entity."
    )
    async def compliance(
        self, info: CtxInfo, scope: str | None = None, policies: list[str] | None = None
    ) -> ComplianceReport:
        runtime = info.context.runtime
        scan = compliance_service.ComplianceScan(
            runtime.graph, runtime.policies, directory=runtime.authenticator.directory()
        )
        try:
            report = await scan.run(compliance_service.Scope.parse(scope), packages(policies))
        except PolicyEngineUnavailableError as exc:
            raise GraphQLError(str(exc), extensions={"code": PolicyEngineUnavailableError.code}) from exc
        return ComplianceReport.of(report)

    @authz("audit")
    @strawberry.field(description="The policy decisions recorded about an entity, newest first.")
    async def decisions(
        self, info: CtxInfo, uid: str, first: int = DEFAULT_PAGE
    ) -> list[PolicyDecisionRecord]:
        records = await decisions_about(info.context.runtime.graph, uid, first)
        return [PolicyDecisionRecord.of(r) for r in records]
