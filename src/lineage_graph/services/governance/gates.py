"""Policy gates on the catalog's write path.

| write | package(s) | blocking |
|---|---|---|
| ``publishFeatureSetVersion`` | ``schema`` | yes |
| ``registerModelVersion`` | ``lineage``, ``deprecation`` | no: findings come back as warnings |
| ``deploy``, ``promote`` | ``promotion`` (which applies ``lineage`` and ``deprecation``), ``targets`` | yes |

A gate runs inside the write's transaction (`Unit`), so it sees every earlier commit, and reads
the bounded subgraph its packages need through the named queries of ``cypher/governance/`` (the
ones the compliance scan uses), then asks OPA once per package. A blocking violation raises
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

from lineage_graph.policy.decisions import Finding, Package
from lineage_graph.services.errors import PolicyDenied
from lineage_graph.services.governance import inputs

if TYPE_CHECKING:
    from collections.abc import Sequence

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

    def __init__(self, governor: Governor, *, enforcement: Enforcement = Enforcement.ENFORCE) -> None:
        self.governor = governor
        self.enforcement = enforcement

    async def publish(self, unit: Unit, uid: str) -> tuple[Finding, ...]:
        """Schema standards of a feature-set version just written in `unit`."""
        rows = await unit.store.tx.run_rows("governance/schema_inputs", {"uids": [uid]})
        judged = await self.governor.judge(
            Package.SCHEMA,
            inputs.schema_document(rows[0]),
            about=uid,
            actor=unit.actor,
            action="publishFeatureSetVersion",
        )
        return await self._settle(unit, [judged], blocking=True, what=f"publishing {uid}")

    async def register_model_version(self, unit: Unit, uid: str) -> tuple[Finding, ...]:
        """Lineage completeness and deprecated inputs of a model version just written: warnings."""
        row = (await unit.store.tx.run_rows("governance/model_version_inputs", {"uids": [uid]}))[0]
        versions = await self._versions(unit, inputs.consumed_versions(row))
        now = inputs.timestamp(unit.now)
        action = "registerModelVersion"
        judged = await asyncio.gather(
            self.governor.judge(
                Package.LINEAGE, inputs.lineage_document(row), about=uid, actor=unit.actor, action=action
            ),
            self.governor.judge(
                Package.DEPRECATION,
                inputs.deprecation_document("modelVersion", uid, versions, now),
                about=uid,
                actor=unit.actor,
                action=action,
            ),
        )
        return await self._settle(unit, list(judged), blocking=False, what=f"registering {uid}")

    async def deploy(self, unit: Unit, candidate: DeploymentCandidate, action: str) -> tuple[Finding, ...]:
        """Promotion (with lineage and deprecation) and targets of a deployment about to be created."""
        row = (
            await unit.store.tx.run_rows(
                "governance/model_version_inputs", {"uids": [candidate.model_version]}
            )
        )[0]
        versions = await self._versions(unit, candidate.serves_from)
        order = {str(e["name"]): int(e["order"]) for e in await unit.store.environments()}
        running = await unit.store.tx.run_rows(
            "governance/model_version_environments", {"uids": [candidate.model_version]}
        )
        environment = inputs.environment_name(candidate.environment) or candidate.environment
        from_env = inputs.from_environment(
            environment,
            order,
            promoted_from=inputs.environment_name(candidate.promoted_from),
            elsewhere=[str(e) for e in running[0]["environments"] if e] if running else [],
        )
        promotion = inputs.promotion_document(
            row,
            to_environment=environment,
            from_env=from_env,
            order=order,
            versions=versions,
            now=inputs.timestamp(unit.now),
        )
        targets = inputs.targets_document(environment, candidate.uid, candidate.target, versions)
        judged = await asyncio.gather(
            self.governor.judge(
                Package.PROMOTION, promotion, about=candidate.uid, actor=unit.actor, action=action
            ),
            self.governor.judge(
                Package.TARGETS, targets, about=candidate.uid, actor=unit.actor, action=action
            ),
        )
        return await self._settle(unit, list(judged), blocking=True, what=f"{action} of {candidate.uid}")

    async def record(self, judgements: Sequence[Judgement]) -> int:
        """Record the judgements of a refused write (its transaction rolled back)."""
        return await self.governor.record(judgements)

    @staticmethod
    async def _versions(unit: Unit, uids: Sequence[str]) -> list[dict[str, object]]:
        if not uids:
            return []
        rows = await unit.store.tx.run_rows("governance/feature_set_versions", {"uids": sorted(set(uids))})
        return sorted(rows, key=lambda r: str(r["uid"]))

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
