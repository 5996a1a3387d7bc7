"""Compliance scans: every policy family over the whole catalog (or a scope), in batches.

The families and their subjects are the registry's (`services.governance.families`). Subjects
are listed in uid order (``cypher/governance/page``, `LISTING_PAGES` pages per query) and read a
page at a time (`page_size` uids) with each source's named query (the one the gates use; one
read per page for the families sharing it, each feature-set version once per scan), shaped by
the family's function, and judged through each package's ``batch`` rule `chunk_size` documents
per OPA call (a scan of N subjects makes ``ceil(N / chunk_size)`` calls per package, never one
per entity), with up to `concurrency` calls in flight. The scan is the families' `Lookups`.

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
from lineage_graph.services.governance.families import FAMILIES, MODEL_VERSIONS, PolicyFamily, Row, Source

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Collection, Iterable, Mapping, Sequence
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
    """Judges the catalog (or a scope) against the governance packages of `families`."""

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
        families: Sequence[PolicyFamily] = FAMILIES,
    ) -> None:
        self.graph = graph
        self.engine = engine
        self.directory = directory
        self.page_size = page_size
        self.chunk_size = chunk_size
        self.concurrency = concurrency
        self.clock = clock
        self.keep_decisions = keep_decisions
        self.families = families
        self.slots = asyncio.Semaphore(concurrency)
        self._feature_set_versions: dict[str, Row] = {}
        self._environment_order: dict[str, int] | None = None

    async def run(
        self, scope: Scope | None = None, packages: Collection[Package] | None = None
    ) -> ScanReport:
        scope = scope or Scope()
        wanted = [f for f in self.families if f.scanned and (packages is None or f.package in packages)]
        now = inputs.timestamp(self.clock()) or ""
        report = ScanReport(
            now=now, scope=scope, summaries={f.package: PackageSummary(f.package) for f in wanted}
        )
        self.slots = asyncio.Semaphore(self.concurrency)
        self._feature_set_versions = {}
        self._environment_order = None
        with_now = {"now": now}
        evaluators = {
            f.package: _Evaluator(self, f.package, report, with_now if f.timed else {}) for f in wanted
        }
        readers: dict[tuple[tuple[Kind, ...], str], list[tuple[Source, _Evaluator]]] = {}
        for family in wanted:
            for source in family.sources:
                readers.setdefault(source.key, []).append((source, evaluators[family.package]))
        failed = True
        try:
            try:
                async with asyncio.TaskGroup() as group:
                    for (kinds, query), judges in readers.items():
                        group.create_task(self._read(kinds, query, scope, judges))
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

    async def _read(
        self,
        kinds: Sequence[Kind],
        query: str,
        scope: Scope,
        judges: Sequence[tuple[Source, _Evaluator]],
    ) -> None:
        """Read the input rows of `kinds` a page at a time; each family shapes and judges them."""
        pages = self._rows(kinds, query, scope) if kinds else self._self_paged(query, scope)
        async for rows in pages:
            for source, evaluator in judges:
                await evaluator.add(await source.shape(rows, self))

    # paging ------------------------------------------------------------------------------------

    async def _rows(self, kinds: Sequence[Kind], query: str, scope: Scope) -> AsyncIterator[list[Row]]:
        async for uids in self._pages(kinds, scope):
            yield await self.graph.read_rows(query, {"uids": uids})

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

    async def _self_paged(self, query: str, scope: Scope) -> AsyncIterator[list[Row]]:
        """The rows of a query that lists its subjects itself, `page_size` at a time."""
        after = ""
        while True:
            rows = await self.graph.read_rows(
                query, {"after": after, "limit": self.page_size, **scope.params()}
            )
            yield rows
            if len(rows) < self.page_size:
                return
            after = str(rows[-1]["uid"])

    # lookups (families.Lookups) ----------------------------------------------------------------

    async def feature_set_versions(self, uids: Iterable[str]) -> Mapping[str, Row]:
        """Each read once per scan (model versions and deployments share a few thousand)."""
        known = self._feature_set_versions
        wanted = sorted({u for u in uids if u not in known})
        if wanted:
            rows = await self.graph.read_rows("governance/feature_set_versions", {"uids": wanted})
            known.update((str(r["uid"]), r) for r in rows)
        return known

    async def model_versions(self, uids: Sequence[str]) -> Mapping[str, Row]:
        rows = await self.graph.read_rows(MODEL_VERSIONS, {"uids": list(uids)})
        return {str(r["uid"]): r for r in rows}

    async def environment_order(self) -> Mapping[str, int]:
        if self._environment_order is None:
            environments = await self.graph.read_values("queries/environments")
            self._environment_order = {
                str(e["props"]["name"]): int(e["props"]["order"]) for e in environments
            }
        return self._environment_order

    def principal(self, principal_id: str) -> Principal:
        known = self.directory.by_id(principal_id) if self.directory is not None else None
        return known or Principal(id=principal_id, roles=())
