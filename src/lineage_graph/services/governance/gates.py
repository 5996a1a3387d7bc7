"""Policy gates on the catalog's write path.

A write of a kind is judged by the families whose source of that kind has a ``gate`` position
(`services.governance.families`, the registry scans use), today:

| write | package(s) | blocking |
|---|---|---|
| ``publishFeatureSetVersion`` | ``schema`` | yes |
| ``registerModelVersion`` | ``lineage``, ``deprecation`` | no: findings come back as warnings |
| ``deploy``, ``promote`` | ``promotion`` (which applies ``lineage`` and ``deprecation``), ``targets`` | yes |

A gate runs inside the write's transaction (`Unit`), so it sees every earlier commit, and reads
the bounded subgraph its packages need through their sources' named queries (the ones the
compliance scan uses, shaped by the same functions), then asks OPA once per package. A blocking violation raises
`PolicyDenied` carrying the judgements: the transaction rolls back and `CatalogService` records
them in a transaction of their own, so a denied write leaves nothing but its decision record.
An allowed write records its decisions inside its own transaction. Warnings (and, under
`Enforcement.WARN`, the violations too) come back for the success payload. When OPA gives no
decision the write is refused with ``POLICY_ENGINE_UNAVAILABLE`` in either mode.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from lineage_graph.domain import Kind
from lineage_graph.policy.decisions import Finding
from lineage_graph.policy.principals import Principal
from lineage_graph.services.errors import PolicyDenied
from lineage_graph.services.governance import inputs
from lineage_graph.services.governance.families import FAMILIES, MODEL_VERSIONS, PolicyFamily, Row, gated

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from lineage_graph.services.audit.unit import Unit
    from lineage_graph.services.governance.decisions import Governor, Judgement


class Enforcement(StrEnum):
    """``enforce``: blocking violations refuse the write. ``warn``: they are recorded and
    returned as warnings (to roll a new policy out); OPA being down still refuses."""

    ENFORCE = "enforce"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class DeploymentCandidate:
    """A deployment about to be created: what the promotion and targets gates judge."""

    uid: str
    model_version: str
    environment: str
    target: str
    serves_from: tuple[str, ...]
    promoted_from: str | None = None
    """The environment (uid or name) of the deployment it is promoted from."""


def denial(judgements: Sequence[Judgement], what: str) -> PolicyDenied:
    """The refusal for judgements of which at least one denies."""
    unavailable = [j for j in judgements if j.unavailable]
    if unavailable:
        reason = unavailable[0].decision.violations[0].message
        message = (
            reason
            if reason.startswith("policy engine unavailable")
            else f"policy engine unavailable: {reason}"
        )
        return PolicyDenied(
            message,
            violations=[v for j in unavailable for v in j.decision.violations],
            unavailable=True,
            judgements=judgements,
        )
    violations = [v for j in judgements for v in j.decision.violations] or [
        Finding("POLICY_DENIED", f"{what} was denied without a reason given.")
    ]
    warnings = [w for j in judgements for w in j.decision.warnings]
    first = violations[0]
    more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
    return PolicyDenied(
        f"{what} denied by policy: {first.code}: {first.message}{more}",
        violations=violations,
        warnings=warnings,
        judgements=judgements,
    )


class Gates:
    """The catalog's policy gates, deciding through a `Governor`."""

    def __init__(
        self,
        governor: Governor,
        *,
        enforcement: Enforcement = Enforcement.ENFORCE,
        families: Sequence[PolicyFamily] = FAMILIES,
    ) -> None:
        self.governor = governor
        self.enforcement = enforcement
        self.families = families

    async def publish(self, unit: Unit, uid: str) -> tuple[Finding, ...]:
        """The families gating a feature-set version just written in `unit` (schema)."""
        return await self.gate(
            unit,
            Kind.FEATURE_SET_VERSION,
            uid,
            action="publishFeatureSetVersion",
            blocking=True,
            what=f"publishing {uid}",
        )

    async def register_model_version(self, unit: Unit, uid: str) -> tuple[Finding, ...]:
        """The families gating a model version just written (lineage, deprecation): warnings."""
        return await self.gate(
            unit,
            Kind.MODEL_VERSION,
            uid,
            action="registerModelVersion",
            blocking=False,
            what=f"registering {uid}",
        )

    async def deploy(self, unit: Unit, candidate: DeploymentCandidate, action: str) -> tuple[Finding, ...]:
        """The families gating a deployment about to be created (promotion, targets), judged on
        the ``deployment_inputs`` row it will have."""
        running = await unit.store.tx.run_rows(
            "governance/model_version_environments", {"uids": [candidate.model_version]}
        )
        row = {
            "uid": candidate.uid,
            "target": candidate.target,
            "environment": inputs.environment_name(candidate.environment) or candidate.environment,
            "modelVersion": candidate.model_version,
            "promotedFrom": inputs.environment_name(candidate.promoted_from),
            "servesFrom": sorted(set(candidate.serves_from)),
            "otherEnvironments": running[0]["environments"] if running else [],
        }
        return await self.gate(
            unit,
            Kind.DEPLOYMENT,
            candidate.uid,
            action=action,
            blocking=True,
            what=f"{action} of {candidate.uid}",
            row=row,
        )

    async def gate(
        self,
        unit: Unit,
        kind: Kind,
        uid: str,
        *,
        action: str,
        blocking: bool,
        what: str,
        row: Row | None = None,
    ) -> tuple[Finding, ...]:
        """Judge `uid` by every family gating `kind` (`families.gated`), on `row` or on the
        row its source's query reads in `unit`; a family without a document for it denies."""
        lookups = _UnitLookups(unit)
        now = inputs.timestamp(unit.now)
        rows: dict[str, Sequence[Row]] = {}
        pending = []
        for family, source in gated(kind, self.families):
            if source.query not in rows:
                read = (
                    [row] if row is not None else await unit.store.tx.run_rows(source.query, {"uids": [uid]})
                )
                rows[source.query] = read
            documents = await source.shape(rows[source.query], lookups)
            if not documents:
                msg = f"no {family.package.value} input for {uid}"
                raise LookupError(msg)
            pending += [
                self.governor.judge(
                    family.package,
                    {**doc, "now": now} if family.timed else doc,
                    about=about,
                    actor=unit.actor,
                    action=action,
                )
                for about, doc in documents
            ]
        judged = await asyncio.gather(*pending)
        return await self._settle(unit, list(judged), blocking=blocking, what=what)

    async def record(self, judgements: Sequence[Judgement]) -> int:
        """Record the judgements of a refused write (its transaction rolled back)."""
        return await self.governor.record(judgements)

    async def _settle(
        self, unit: Unit, judgements: list[Judgement], *, blocking: bool, what: str
    ) -> tuple[Finding, ...]:
        if any(j.unavailable for j in judgements):
            raise denial(judgements, what)
        enforce = blocking and self.enforcement is Enforcement.ENFORCE
        if enforce and any(not j.decision.allow for j in judgements):
            raise denial(judgements, what)
        await self.governor.record_in(unit.store.tx, judgements)
        warnings = [w for j in judgements for w in j.decision.warnings]
        if not enforce:
            warnings = [v for j in judgements for v in j.decision.violations] + warnings
        return tuple(warnings)


class _UnitLookups:
    """`families.Lookups` in the write's transaction (feature-set versions read once per gate)."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.versions: dict[str, Row] = {}

    async def feature_set_versions(self, uids: Iterable[str]) -> Mapping[str, Row]:
        wanted = sorted({u for u in uids if u not in self.versions})
        if wanted:
            rows = await self.unit.store.tx.run_rows("governance/feature_set_versions", {"uids": wanted})
            self.versions.update((str(r["uid"]), r) for r in rows)
        return self.versions

    async def model_versions(self, uids: Sequence[str]) -> Mapping[str, Row]:
        rows = await self.unit.store.tx.run_rows(MODEL_VERSIONS, {"uids": list(uids)})
        return {str(r["uid"]): r for r in rows}

    async def environment_order(self) -> Mapping[str, int]:
        return {str(e["name"]): int(e["order"]) for e in await self.unit.store.environments()}

    def principal(self, principal_id: str) -> Principal:
        return Principal(id=principal_id, roles=())
