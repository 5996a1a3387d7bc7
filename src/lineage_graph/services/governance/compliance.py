"""Compliance scans: every policy over the whole catalog (or a scope), in batches.

Subjects are listed in uid order (``cypher/governance/page``, `LISTING_PAGES` pages per query)
and read a page at a time (`page_size` uids): their bounded subgraphs with the same named
queries the gates use (each feature-set version once per scan), shaped by
`services.policy_inputs`, and judged through each package's ``batch`` rule `chunk_size`
documents per OPA call (a scan of N subjects makes ``ceil(N / chunk_size)`` calls per package,
never one per entity), with up to `concurrency` calls in flight.

| package | subjects |
|---|---|
| ``retention`` | data sources and dataset snapshots |
| ``schema`` | feature-set versions |
| ``lineage`` | model versions |
| ``deprecation`` | model versions (the versions they consume) and deployments (their serving path) |
| ``promotion`` | deployments: would their model version enter their environment today? |
| ``targets`` | deployments: target and serving stores |
| ``authz`` | approvals: does each approver hold ``approve`` in the subject's namespace? Grants come from the tokens file; without one (open mode) no recorded identity holds any, so every approval is reported |

A scan is a read-only report: its decisions are returned, not recorded (a full scan would write
one node per entity each time). OPA being unreachable fails the scan
(`PolicyEngineUnavailableError`); it never reports a catalog as compliant without decisions.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import Kind
from lineage_graph.policy.decisions import Decision, Package, decide_batch, input_hash
from lineage_graph.policy.principals import Principal
from lineage_graph.services.audit.unit import utc_now
from lineage_graph.services.governance import inputs
from lineage_graph.services.governance.decisions import report_invalid_input

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Collection, Coroutine, Iterable, Mapping, Sequence
    from datetime import datetime

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.policy.principals import TokenDirectory

PAGE_SIZE: Final = 2_000
CHUNK_SIZE: Final = 1_000
CONCURRENCY: Final = 4
LISTING_PAGES: Final = 25
"""Subjects are listed ``LISTING_PAGES`` pages per ``governance/page`` query: each listing sorts
every candidate of its kinds, so one listing for many input pages saves re-sorting."""

Doc = dict[str, Any]


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Scope:
    """A namespace (``risk``), a uid prefix (``model:risk/credit``), or everything."""

    namespace: str | None = None
    prefix: str = ""

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        if not text:
            return cls()
        if ":" in text:
            return cls(prefix=text)
        return cls(namespace=text)

    def __str__(self) -> str:
        return self.prefix or self.namespace or "*"

    def params(self) -> dict[str, Any]:
        return {"namespace": self.namespace, "prefix": self.prefix}


@dataclass(frozen=True, slots=True)
class ScanFinding:
    package: Package
    severity: Severity
    subject: str
    code: str
    message: str
    entity: str
    remediation: str

    def to_dict(self) -> dict[str, str]:
        return {
            "package": self.package.value,
            "severity": self.severity.value,
            "subject": self.subject,
            "code": self.code,
            "entity": self.entity,
            "message": self.message,
            "remediation": self.remediation,
        }


@dataclass(frozen=True, slots=True)
class SubjectDecision:
    """One decision of a scan: the package, what it judged, the answer and its input's hash."""

    package: Package
    subject: str
    decision: Decision
    input_hash: str


@dataclass
class PackageSummary:
    package: Package
    evaluated: int = 0
    violations: int = 0
    warnings: int = 0
    calls: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package.value,
            "evaluated": self.evaluated,
            "violations": self.violations,
            "warnings": self.warnings,
            "calls": self.calls,
        }


@dataclass
class ScanReport:
    now: str
    scope: Scope
    summaries: dict[Package, PackageSummary]
    findings: list[ScanFinding] = field(default_factory=list)
    decisions: list[SubjectDecision] = field(default_factory=list)

    @property
    def violations(self) -> list[ScanFinding]:
        return [f for f in self.findings if f.severity is Severity.VIOLATION]

    @property
    def warnings(self) -> list[ScanFinding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def evaluated(self) -> int:
        return sum(s.evaluated for s in self.summaries.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "scope": str(self.scope),
            "evaluated": self.evaluated,
            "byPackage": [s.to_dict() for s in self.summaries.values()],
            "violations": [f.to_dict() for f in self.violations],
            "warnings": [f.to_dict() for f in self.warnings],
        }


class _Evaluator:
    """Buffers one package's documents and judges them `chunk` at a time, one OPA call each."""

    def __init__(self, scan: ComplianceScan, package: Package, report: ScanReport, shared: Doc) -> None:
        self.scan = scan
        self.package = package
        self.report = report
        self.shared = shared
        self.summary = report.summaries[package]
        self.pending: list[tuple[str, Doc]] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def add(self, items: Iterable[tuple[str, Doc]]) -> None:
        self.pending.extend(items)
        while len(self.pending) >= self.scan.chunk_size:
            await self._flush(self.scan.chunk_size)

    async def close(self) -> None:
        while self.pending:
            await self._flush(self.scan.chunk_size)
        await self.wait()

    async def wait(self) -> None:
        """Wait for the calls in flight; the first failure is raised."""
        results = await asyncio.gather(*self.tasks, return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise failures[0]

    async def _flush(self, size: int) -> None:
        chunk, self.pending = self.pending[:size], self.pending[size:]
        await self.scan.slots.acquire()
        self.tasks.add(asyncio.create_task(self._judge(chunk)))

    async def _judge(self, chunk: list[tuple[str, Doc]]) -> None:
        try:
            self.summary.calls += 1
            decisions = await decide_batch(self.scan.engine, self.package, [d for _, d in chunk], self.shared)
        finally:
            self.scan.slots.release()
        self.summary.evaluated += len(chunk)
        for (subject, doc), decision in zip(chunk, decisions, strict=True):
            report_invalid_input(decision, subject)
            for severity, found in (
                (Severity.VIOLATION, decision.violations),
                (Severity.WARNING, decision.warnings),
            ):
                for f in found:
                    self.report.findings.append(
                        ScanFinding(
                            self.package, severity, subject, f.code, f.message, f.entity, f.remediation
                        )
                    )
            self.summary.violations += len(decision.violations)
            self.summary.warnings += len(decision.warnings)
            if self.scan.keep_decisions:
                self.report.decisions.append(
                    SubjectDecision(self.package, subject, decision, input_hash({**self.shared, **doc}))
                )


class ComplianceScan:
    """Judges the catalog (or a scope) against the governance packages."""

    def __init__(
        self,
        graph: Graph,
        engine: PolicyEngine,
        *,
        directory: TokenDirectory | None = None,
        page_size: int = PAGE_SIZE,
        chunk_size: int = CHUNK_SIZE,
        concurrency: int = CONCURRENCY,
        clock: Callable[[], datetime] = utc_now,
        keep_decisions: bool = False,
    ) -> None:
        self.graph = graph
        self.engine = engine
        self.directory = directory
        self.page_size = page_size
        self.chunk_size = chunk_size
        self.concurrency = concurrency
        self.clock = clock
        self.keep_decisions = keep_decisions
        self.slots = asyncio.Semaphore(concurrency)
        self._feature_set_versions: dict[str, dict[str, Any]] = {}

    async def run(
        self, scope: Scope | None = None, packages: Collection[Package] | None = None
    ) -> ScanReport:
        scope = scope or Scope()
        wanted = [p for p in Package if packages is None or p in packages]
        now = inputs.timestamp(self.clock()) or ""
        report = ScanReport(now=now, scope=scope, summaries={p: PackageSummary(p) for p in wanted})
        self.slots = asyncio.Semaphore(self.concurrency)
        self._feature_set_versions = {}
        with_now = {"now": now}
        evaluators = {p: _Evaluator(self, p, report, with_now if p in _TIMED else {}) for p in wanted}
        failed = True
        families: list[Coroutine[Any, Any, None]] = []
        if Package.RETENTION in evaluators:
            families.append(self._retention(scope, evaluators[Package.RETENTION]))
        if Package.SCHEMA in evaluators:
            families.append(self._schema(scope, evaluators[Package.SCHEMA]))
        if {Package.LINEAGE, Package.DEPRECATION} & evaluators.keys():
            families.append(self._model_versions(scope, evaluators))
        if {Package.PROMOTION, Package.TARGETS, Package.DEPRECATION} & evaluators.keys():
            families.append(self._deployments(scope, evaluators))
        if Package.AUTHZ in evaluators:
            families.append(self._approvals(scope, evaluators[Package.AUTHZ]))
        try:
            try:
                async with asyncio.TaskGroup() as group:
                    for family in families:
                        group.create_task(family)
            except BaseExceptionGroup as group_failure:
                raise group_failure.exceptions[0] from None
            for evaluator in evaluators.values():
                await evaluator.close()
            failed = False
        finally:
            if failed:
                for evaluator in evaluators.values():
                    for task in evaluator.tasks:
                        task.cancel()
                    await asyncio.gather(*evaluator.tasks, return_exceptions=True)
        report.findings.sort(key=lambda f: (f.package, f.severity, f.subject, f.code, f.entity, f.message))
        report.decisions.sort(key=lambda d: (d.package, d.subject))
        return report

    # paging ------------------------------------------------------------------------------------

    async def _pages(self, kinds: Sequence[Kind], scope: Scope) -> AsyncIterator[list[str]]:
        """The subjects, `page_size` uids at a time, in uid order. The next listing is read
        while the pages of the current one are judged."""
        limit = self.page_size * LISTING_PAGES
        params = {"kinds": [k.value for k in kinds], "limit": limit, **scope.params()}

        async def listing(after: str) -> list[str]:
            return [str(u) for u in await self.graph.read_rows("governance/page", {**params, "after": after})]

        uids = await listing("")
        while uids:
            following = asyncio.ensure_future(listing(uids[-1])) if len(uids) == limit else None
            try:
                for start in range(0, len(uids), self.page_size):
                    yield uids[start : start + self.page_size]
            finally:
                if following is not None and not following.done():
                    following.cancel()
            uids = await following if following is not None else []

    async def _versions(self, uids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """``feature_set_versions`` rows, each read once per scan (model versions and
        deployments share a few thousand feature-set versions)."""
        known = self._feature_set_versions
        wanted = sorted({u for u in uids if u not in known})
        if wanted:
            rows = await self.graph.read_rows("governance/feature_set_versions", {"uids": wanted})
            known.update((str(r["uid"]), r) for r in rows)
        return known

    # families ----------------------------------------------------------------------------------

    async def _retention(self, scope: Scope, evaluator: _Evaluator) -> None:
        async for uids in self._pages((Kind.SOURCE, Kind.SNAPSHOT), scope):
            rows = await self.graph.read_rows("governance/retention_inputs", {"uids": uids})
            await evaluator.add((str(r["uid"]), inputs.retention_document(r)) for r in rows)

    async def _schema(self, scope: Scope, evaluator: _Evaluator) -> None:
        async for uids in self._pages((Kind.FEATURE_SET_VERSION,), scope):
            rows = await self.graph.read_rows("governance/schema_inputs", {"uids": uids})
            await evaluator.add((str(r["uid"]), inputs.schema_document(r)) for r in rows)

    async def _model_versions(self, scope: Scope, evaluators: Mapping[Package, _Evaluator]) -> None:
        lineage, deprecation = evaluators.get(Package.LINEAGE), evaluators.get(Package.DEPRECATION)
        async for uids in self._pages((Kind.MODEL_VERSION,), scope):
            rows = await self.graph.read_rows("governance/model_version_inputs", {"uids": uids})
            if lineage is not None:
                await lineage.add((str(r["uid"]), inputs.lineage_document(r)) for r in rows)
            if deprecation is not None:
                consumed = {str(r["uid"]): inputs.consumed_versions(r) for r in rows}
                versions = await self._versions(v for vs in consumed.values() for v in vs)
                await deprecation.add(
                    (
                        uid,
                        inputs.deprecation_document(
                            "modelVersion", uid, [versions[v] for v in vs if v in versions]
                        ),
                    )
                    for uid, vs in consumed.items()
                )

    async def _deployments(self, scope: Scope, evaluators: Mapping[Package, _Evaluator]) -> None:
        promotion = evaluators.get(Package.PROMOTION)
        targets = evaluators.get(Package.TARGETS)
        deprecation = evaluators.get(Package.DEPRECATION)
        environments = await self.graph.read_values("queries/environments")
        order = {str(e["props"]["name"]): int(e["props"]["order"]) for e in environments}
        async for uids in self._pages((Kind.DEPLOYMENT,), scope):
            rows = await self.graph.read_rows("governance/deployment_inputs", {"uids": uids})
            versions = await self._versions(v for r in rows for v in r["servesFrom"])
            model_versions: dict[str, dict[str, Any]] = {}
            if promotion is not None:
                wanted = sorted({str(r["modelVersion"]) for r in rows if r.get("modelVersion")})
                if wanted:
                    found = await self.graph.read_rows("governance/model_version_inputs", {"uids": wanted})
                    model_versions = {str(m["uid"]): m for m in found}
            promotions, placements, consumers = [], [], []
            for row in rows:
                uid = str(row["uid"])
                serving = [versions[v] for v in sorted(row["servesFrom"]) if v in versions]
                environment = inputs.environment_name(row.get("environment")) or ""
                if promotion is not None:
                    model_version = model_versions.get(str(row.get("modelVersion")))
                    if model_version is not None:
                        promotions.append((uid, deployment_promotion(row, model_version, order, serving)))
                if targets is not None:
                    placements.append(
                        (uid, inputs.targets_document(environment, uid, row.get("target"), serving))
                    )
                if deprecation is not None:
                    consumers.append((uid, inputs.deprecation_document("deployment", uid, serving)))
            if promotion is not None:
                await promotion.add(promotions)
            if targets is not None:
                await targets.add(placements)
            if deprecation is not None:
                await deprecation.add(consumers)

    async def _approvals(self, scope: Scope, evaluator: _Evaluator) -> None:
        after = ""
        while True:
            rows = await self.graph.read_rows(
                "governance/approvals", {"after": after, "limit": self.page_size, **scope.params()}
            )
            items = []
            for row in rows:
                for approval in sorted(row["approvals"], key=lambda a: str(a.get("principal"))):
                    approver = str(approval.get("principal") or "")
                    principal = self._grants(approver)
                    doc = inputs.authz_document(
                        principal, "approve", str(row["kind"]), str(row["uid"]), str(row["namespace"])
                    )
                    items.append((f"{row['uid']} approved by {approver}", doc))
            await evaluator.add(items)
            if len(rows) < self.page_size:
                return
            after = str(rows[-1]["uid"])

    def _grants(self, principal_id: str) -> Principal:
        known = self.directory.by_id(principal_id) if self.directory is not None else None
        return known or Principal(id=principal_id, roles=())


def deployment_promotion(
    row: Mapping[str, Any],
    model_version: Mapping[str, Any],
    order: Mapping[str, int],
    serving: Sequence[Mapping[str, Any]],
) -> Doc:
    """The promotion document of a deployment (a ``deployment_inputs`` row): would its model
    version (a ``model_version_inputs`` row) enter its environment today, served by `serving`."""
    environment = inputs.environment_name(row.get("environment")) or ""
    from_env = inputs.from_environment(
        environment,
        order,
        promoted_from=row.get("promotedFrom"),
        elsewhere=[str(e) for e in row["otherEnvironments"] if e],
    )
    return inputs.promotion_document(
        model_version, to_environment=environment, from_env=from_env, order=order, versions=serving
    )


_TIMED: Final = frozenset({Package.RETENTION, Package.DEPRECATION, Package.PROMOTION})
"""Packages whose documents take ``now`` (sent once per batch)."""
