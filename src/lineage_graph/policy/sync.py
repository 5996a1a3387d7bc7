"""Push every policy under ``policies/`` (and its data files) to OPA.

Policies are ``*.rego`` files other than ``*_test.rego``; their OPA policy id is the path
relative to the policies directory. Data files are ``data.json`` files, mounted at their
directory's path (``lineage_graph/config/data.json`` → ``data.lineage_graph.config``), as
``opa run policies/`` and ``opa test policies/`` load them. Policies that OPA holds but the
directory no longer has are removed. The revision is a hash of every file pushed; a completed
sync leaves it in OPA as ``data.lineage_graph_sync.revision`` (`current_revision`), so a server
that does not sync can record the revision OPA holds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.policy.engine import PolicyEngineUnavailableError, PolicyRejectedError

if TYPE_CHECKING:
    from pathlib import Path

    from lineage_graph.policy.engine import PolicyEngine


REVISION_PATH: Final = "lineage_graph_sync"
"""Where OPA holds the revision last synced, and the policy ids it is made of."""


class PolicySyntaxError(ValueError):
    """A policy or data file was refused; the message names the file and line."""


@dataclass(frozen=True)
class PolicySet:
    root: Path
    policies: dict[str, str]
    data: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, root: Path) -> PolicySet:
        policies = {
            p.relative_to(root).as_posix(): p.read_text()
            for p in sorted(root.rglob("*.rego"))
            if not p.name.endswith("_test.rego") and not _hidden(p.relative_to(root))
        }
        data: dict[str, dict[str, Any]] = {}
        for path in sorted(root.rglob("data.json")):
            relative = path.relative_to(root)
            if _hidden(relative):
                continue
            try:
                document = json.loads(path.read_text())
            except json.JSONDecodeError as exc:
                msg = f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
                raise PolicySyntaxError(msg) from exc
            data[relative.parent.as_posix()] = document
        return cls(root=root, policies=policies, data=data)

    @property
    def revision(self) -> str:
        digest = hashlib.sha256()
        for name, text in sorted(self.policies.items()):
            digest.update(f"policy:{name}\0{text}\0".encode())
        for path, document in sorted(self.data.items()):
            digest.update(f"data:{path}\0{json.dumps(document, sort_keys=True)}\0".encode())
        return digest.hexdigest()


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _located(root: Path, policy_id: str, exc: PolicyRejectedError) -> str:
    lines = []
    for error in exc.errors or [{"message": str(exc)}]:
        location = error.get("location") or {}
        file = location.get("file") or policy_id
        where = f"{root / file}:{location.get('row', '?')}:{location.get('col', '?')}"
        lines.append(f"{where}: {error.get('code', 'error')}: {error.get('message', '')}")
    return "\n".join(lines)


async def _push_until_stable(
    engine: PolicyEngine, policies: dict[str, str]
) -> dict[str, PolicyRejectedError]:
    """Push every policy, retrying refused ones while others still go in.

    OPA compiles each pushed module against those it already holds, so a module that uses
    another one is refused until its dependency is in: retrying until nothing more goes in
    orders them without parsing imports.
    """
    pending = dict(policies)
    refused: dict[str, PolicyRejectedError] = {}
    progress = True
    while pending and progress:
        progress = False
        for policy_id, text in list(pending.items()):
            try:
                await engine.put_policy(policy_id, text)
            except PolicyRejectedError as exc:
                refused[policy_id] = exc
                continue
            del pending[policy_id]
            refused.pop(policy_id, None)
            progress = True
    return refused


async def _delete_until_stable(engine: PolicyEngine, policy_ids: set[str]) -> None:
    """Delete policies, dependents before what they use (OPA refuses the other order)."""
    pending = set(policy_ids)
    progress = True
    while pending and progress:
        progress = False
        for policy_id in sorted(pending):
            try:
                await engine.delete_policy(policy_id)
            except PolicyRejectedError:
                continue
            pending.discard(policy_id)
            progress = True
    if pending:
        msg = f"OPA refused to remove {sorted(pending)}"
        raise PolicySyntaxError(msg)


def _parse_error(exc: PolicyRejectedError) -> bool:
    return any(error.get("code") == "rego_parse_error" for error in exc.errors)


async def sync_policies(engine: PolicyEngine, policy_set: PolicySet) -> str:
    """Make OPA hold exactly this policy set; returns its revision.

    Data goes first, then policies (dependencies resolved by retrying), then policies OPA
    holds that the set no longer has are removed. When a change cannot go in beside the
    modules OPA already holds (a shared function changed its signature), OPA's policies are
    replaced: for that moment decisions are undefined, which callers treat as deny.
    """
    for path, document in policy_set.data.items():
        await engine.put_data(path, document)
    refused = await _push_until_stable(engine, policy_set.policies)
    if refused and not any(_parse_error(exc) for exc in refused.values()):
        await _delete_until_stable(engine, set(await engine.policy_ids()))
        refused = await _push_until_stable(engine, policy_set.policies)
    if refused:
        located = [_located(policy_set.root, policy_id, exc) for policy_id, exc in sorted(refused.items())]
        raise PolicySyntaxError("\n".join(located))
    await _delete_until_stable(engine, set(await engine.policy_ids()) - set(policy_set.policies))
    marker = {"revision": policy_set.revision, "policies": sorted(policy_set.policies)}
    await engine.put_data(REVISION_PATH, marker)
    return policy_set.revision


async def held_revision(engine: PolicyEngine) -> str | None:
    """The revision OPA holds (`sync_policies` wrote it); None when it holds none (restarted empty)."""
    marker = await engine.get_data(REVISION_PATH)
    revision = marker.get("revision") if isinstance(marker, dict) else None
    return revision if isinstance(revision, str) else None


async def current_revision(engine: PolicyEngine) -> str | None:
    """`held_revision`, or None when OPA cannot be reached (a server started without sync
    records the revision OPA holds in its decisions)."""
    try:
        return await held_revision(engine)
    except PolicyEngineUnavailableError:
        return None
