"""What one API process holds for its lifetime: the graph driver, the policy engine, their state.

The process pushes its policies to OPA at start (`Runtime.sync_policies`) and keeps them there:
when OPA no longer holds them (it restarted empty), `/readyz` says which are missing and
`Runtime.repair_policies` pushes them again, from the readiness check or from the first
decision that finds its rule undefined, at most once per ``policy_resync_interval_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lineage_graph import resources
from lineage_graph.policy import PolicySet, PolicySyntaxError, sync_policies
from lineage_graph.policy.engine import PolicyEngineUnavailableError
from lineage_graph.policy.sync import held_revision

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.policy.principals import Authenticator
    from lineage_graph.settings import Settings

log = logging.getLogger("lineage_graph")


@dataclass
class Runtime:
    settings: Settings
    graph: Graph
    policies: PolicyEngine
    authenticator: Authenticator
    policy_revision: str | None = None
    policy_error: str | None = field(default=None)
    policy_ids: frozenset[str] = frozenset()
    """The policies this process pushed (OPA ids)."""
    _repaired_at: float = -math.inf
    _repair_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def sync_policies(self) -> None:
        """Push the policies directory to OPA; a refusal is kept in ``policy_error``."""
        try:
            policy_set = PolicySet.load(resources.policies_dir(self.settings.policies_dir))
            self.policy_ids = frozenset(policy_set.policies)
            self.policy_revision = await sync_policies(self.policies, policy_set)
            self.policy_error = None
        except (PolicySyntaxError, PolicyEngineUnavailableError) as exc:
            self.policy_error = str(exc)
            log.error("policy sync failed: %s", exc)

    async def repair_policies(self) -> bool:
        """Push the policies again if OPA holds none (it restarted empty), at most once per
        ``policy_resync_interval_seconds``; True when OPA holds this process's policies. A
        revision pushed by another process is left alone (no tug of war between versions)."""
        if not self.settings.sync_policies_on_start:
            return False  # the policies are someone else's to push (bundles, another tool)
        async with self._repair_lock:
            try:
                held = await held_revision(self.policies)
                if held is not None:
                    return held == self.policy_revision
                now = time.monotonic()
                if now - self._repaired_at < self.settings.policy_resync_interval_seconds:
                    return False
                self._repaired_at = now
                log.warning("OPA holds no policies (restarted empty?): pushing them again")
                await self.sync_policies()
            except PolicyEngineUnavailableError:
                return False
            return self.policy_error is None

    async def policy_problem(self) -> str | None:
        """Why OPA cannot decide as this process expects, if it cannot: its policies are missing
        (then pushed again, see `repair_policies`), were not loaded, or are another revision."""
        if not self.settings.sync_policies_on_start:
            return None
        held = await held_revision(self.policies)
        if held is None:
            missing = sorted(self.policy_ids - set(await self.policies.policy_ids()))
            lost = ", ".join(missing) if missing else "its revision marker"
            repaired = await self.repair_policies()
            if repaired:
                return f"opa: had lost {lost} (restarted empty?); pushed them again"
            if self.policy_error is not None:
                return f"opa: policies missing ({lost}) and not loaded: {self.policy_error}"
            wait = self._repaired_at + self.settings.policy_resync_interval_seconds - time.monotonic()
            return f"opa: policies missing ({lost}); pushed again in at most {max(wait, 0):.0f}s"
        if self.policy_error is not None:
            return f"opa: policies not loaded: {self.policy_error}"
        if held != self.policy_revision:
            return (
                f"opa: holds policy revision {held[:12]}, not {str(self.policy_revision)[:12]} "
                "which this process pushed (another version synced its policies?)"
            )
        return None
