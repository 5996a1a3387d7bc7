"""Apply retention: mark the dataset snapshots past their window retired.

`apply` scans ``lineage_graph.retention`` (batched, like every compliance scan) and, for each
snapshot it finds ``RETENTION_EXPIRED``, sets ``retiredAt`` — lineage is never deleted: the
node and its edges stay, and ``lineage(asOf)`` before that time still shows it. Each change is
an audit event (``applyRetention``, before/after ``retiredAt``) in the chained audit trail, and
the retention decision that justified it is recorded as a ``PolicyDecision`` about the
snapshot in the same transaction. Expired data sources are reported, not retired: a source is
retired by its owner. Deleting the data itself is the storage owner's job; `retiredAt` says it
must be gone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from lineage_graph.graph.codec import canonical_json, native
from lineage_graph.policy.decisions import Package
from lineage_graph.services.audit.unit import Unit, transaction, utc_now
from lineage_graph.services.governance.compliance import ComplianceScan, Scope, SubjectDecision
from lineage_graph.services.governance.decisions import Governor, Judgement

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine

EXPIRED: Final = "RETENTION_EXPIRED"
SNAPSHOT_PREFIX: Final = "snapshot:"
BATCH: Final = 1_000
ACTION: Final = "applyRetention"


@dataclass
class RetentionResult:
    now: str
    expired_snapshots: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    expired_sources: list[str] = field(default_factory=list)
    dry_run: bool = False


def _expired(decision: SubjectDecision) -> bool:
    return any(v.code == EXPIRED for v in decision.decision.violations)


async def apply(
    graph: Graph,
    engine: PolicyEngine,
    *,
    actor: str,
    revision: str | None = None,
    scope: Scope | None = None,
    dry_run: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> RetentionResult:
    scan = ComplianceScan(graph, engine, clock=clock, keep_decisions=True)
    report = await scan.run(scope, [Package.RETENTION])
    expired = [d for d in report.decisions if _expired(d)]
    result = RetentionResult(
        now=report.now,
        expired_snapshots=[d.subject for d in expired if d.subject.startswith(SNAPSHOT_PREFIX)],
        expired_sources=[d.subject for d in expired if not d.subject.startswith(SNAPSHOT_PREFIX)],
        dry_run=dry_run,
    )
    if dry_run:
        return result
    governor = Governor(engine, graph, revision)
    snapshots = [d for d in expired if d.subject.startswith(SNAPSHOT_PREFIX)]
    for start in range(0, len(snapshots), BATCH):
        batch = snapshots[start : start + BATCH]

        async def work(unit: Unit, batch: Sequence[SubjectDecision] = batch) -> list[str]:
            return await _retire(unit, governor, batch)

        result.retired += await transaction(graph, actor, work, clock=clock)
    return result


async def _retire(unit: Unit, governor: Governor, decisions: Sequence[SubjectDecision]) -> list[str]:
    """Retire the snapshots still current (a concurrent apply may have retired some)."""
    current = await unit.store.nodes(d.subject for d in decisions)
    todo = [d for d in decisions if d.subject in current and current[d.subject].get("retiredAt") is None]
    if not todo:
        return []
    await unit.store.set_properties([{"uid": d.subject, "props": {"retiredAt": unit.now}} for d in todo])
    for d in todo:
        unit.audit(ACTION, d.subject, {"retiredAt": None}, {"retiredAt": _json_time(unit.now)})
    judgements = [
        Judgement(d.decision, about=d.subject, actor=unit.actor, action=ACTION, input_hash=d.input_hash)
        for d in todo
    ]
    await governor.record_in(unit.store.tx, judgements)
    return [d.subject for d in todo]


def _json_time(at: datetime) -> str:
    return str(json.loads(canonical_json(native(at))))
