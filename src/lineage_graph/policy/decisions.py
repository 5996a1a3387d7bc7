"""Typed decisions from the ``lineage_graph.<package>`` policies.

Every package answers ``decision`` (one subject in ``input``) and ``batch`` (``input.items``)
with ``{allow, violations, warnings}``; a finding is ``{code, message, entity,
remediation}`` (see docs/policies.md). Anything else from OPA is treated as unavailable:
the caller denies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from lineage_graph.policy.engine import PolicyEngineUnavailableError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lineage_graph.policy.engine import PolicyEngine


class Package(StrEnum):
    """A package under ``lineage_graph``. The members are the packages code refers to by name; any other
    name (a family only `services.governance.families` declares) is a package too."""

    AUTHZ = "authz"
    RETENTION = "retention"
    DEPRECATION = "deprecation"
    SCHEMA = "schema"
    LINEAGE = "lineage"
    PROMOTION = "promotion"
    TARGETS = "targets"

    @property
    def path(self) -> str:
        return f"lineage_graph.{self.value}"

    @classmethod
    def _missing_(cls, value: object) -> Package | None:
        if not isinstance(value, str) or not value.isidentifier():
            return None
        package = str.__new__(cls, value)
        package._name_ = value.upper()
        package._value_ = value
        return cls._value2member_map_.setdefault(value, package)  # type: ignore[return-value]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    entity: str = ""
    remediation: str = ""

    @classmethod
    def parse(cls, raw: Any) -> Finding:
        if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
            msg = f"policy engine unavailable: malformed finding {raw!r}"
            raise PolicyEngineUnavailableError(msg)
        return cls(
            code=raw["code"],
            message=str(raw.get("message", "")),
            entity=str(raw.get("entity", "")),
            remediation=str(raw.get("remediation", "")),
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.message,
            "entity": self.entity,
            "remediation": self.remediation,
        }


@dataclass(frozen=True)
class Decision:
    package: Package
    allow: bool
    violations: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, package: Package, raw: Any) -> Decision:
        if not isinstance(raw, dict) or not isinstance(raw.get("allow"), bool):
            msg = f"policy engine unavailable: {package.path}.decision returned {raw!r}"
            raise PolicyEngineUnavailableError(msg)
        violations = tuple(Finding.parse(v) for v in raw.get("violations", []))
        warnings = tuple(Finding.parse(w) for w in raw.get("warnings", []))
        extra = {k: v for k, v in raw.items() if k not in {"allow", "violations", "warnings"}}
        return cls(
            package,
            allow=raw["allow"] and not violations,
            violations=violations,
            warnings=warnings,
            extra=extra,
        )

    @classmethod
    def unavailable(cls, package: Package, reason: str) -> Decision:
        finding = Finding(
            code="POLICY_ENGINE_UNAVAILABLE", message=reason, remediation="retry when OPA answers"
        )
        return cls(package, allow=False, violations=(finding,))


def input_hash(document: Mapping[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def decide(engine: PolicyEngine, package: Package, subject: Mapping[str, Any]) -> Decision:
    """One decision; raises ``PolicyEngineUnavailableError`` if none could be obtained."""
    return Decision.parse(package, await engine.evaluate(package.path, "decision", dict(subject)))


async def decide_batch(
    engine: PolicyEngine,
    package: Package,
    items: Sequence[Mapping[str, Any]],
    shared: Mapping[str, Any] | None = None,
) -> list[Decision]:
    """Decisions for many subjects in one OPA call, in order."""
    if not items:
        return []
    documents = [i if isinstance(i, dict) else dict(i) for i in items]  # no copy of thousands
    raw = await engine.evaluate(package.path, "batch", {**(shared or {}), "items": documents})
    if not isinstance(raw, list) or len(raw) != len(items):
        msg = f"policy engine unavailable: {package.path}.batch returned {type(raw).__name__} for {len(items)} items"
        raise PolicyEngineUnavailableError(msg)
    return [Decision.parse(package, r) for r in raw]
