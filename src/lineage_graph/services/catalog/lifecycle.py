"""Lifecycle and governance writes: deprecate a version, set an owner, approve.

Each is idempotent: deprecating with the same (or no) sunset and replacement, setting the same owner,
or approving again is `Outcome.UNCHANGED` with no audit event. Nobody approves what they
created (`SELF_APPROVAL`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage_graph.domain import EdgeType, ErrorCode, InvalidInput, Kind, Uid, VersionStatus
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.graph.codec import native
from lineage_graph.services.catalog import upsert as up
from lineage_graph.services.catalog.checks import check_ref, require
from lineage_graph.services.catalog.records import (
    APPROVABLE,
    DEPRECATABLE,
    KEEP,
    Approval,
    Keep,
    Outcome,
    Written,
)
from lineage_graph.services.errors import InvalidOperation, ServiceErrorCode

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from lineage_graph.domain import Stored
    from lineage_graph.services.audit.unit import Unit
    from lineage_graph.services.catalog.context import Context


async def deprecate(
    ctx: Context,
    version_uid: str,
    *,
    actor: str,
    sunset_at: datetime | Keep | None = KEEP,
    replacement: str | Keep | None = KEEP,
) -> Written[Stored]:
    """Mark a version DEPRECATED. A `sunset_at` or `replacement` left out (`KEEP`) keeps what is
    stored, so re-deprecating never lifts a sunset; `None` clears it. Moving or clearing either is
    audited; the answer is the node as stored."""
    uid = check_ref(version_uid, tuple(DEPRECATABLE), "uid")
    replaced_by: str | Keep | None = replacement
    if isinstance(replacement, str):
        replaced_by = check_ref(replacement, (Uid.parse(uid).kind,), "replacement") if replacement else None
    if replaced_by == uid:
        raise InvalidInput(
            "a version cannot replace itself", code=ErrorCode.INVALID_VALUE, details={"uid": uid}
        )
    refs = [uid, *([replaced_by] if isinstance(replaced_by, str) else [])]

    async def work(unit: Unit) -> Written[Stored]:
        existing = await unit.store.nodes(refs)
        require(existing, refs)
        props = existing[uid]
        if props.get("status") == VersionStatus.RETIRED.value:
            raise InvalidOperation(
                f"{uid} is retired; it cannot be deprecated", details={"uid": uid, "status": "RETIRED"}
            )
        change: dict[str, Any] = {"status": VersionStatus.DEPRECATED.value}
        if sunset_at is not KEEP:
            change["sunsetAt"] = sunset_at
        if replaced_by is not KEEP:
            change["replacedBy"] = replaced_by
        after_props = {k: v for k, v in {**props, **change}.items() if v is not None}
        before, after = _deprecation(props), _deprecation(after_props)
        if before == after:
            return Written(up.stored(props), Outcome.UNCHANGED)
        await unit.store.set_properties([{"uid": uid, "props": change}])
        if replaced_by is not KEEP:
            await unit.store.retire_edges([(uid, EdgeType.REPLACED_BY, [replaced_by] if replaced_by else [])])
            if replaced_by:
                await unit.store.merge_edges([Edge(uid, EdgeType.REPLACED_BY, replaced_by)])
        unit.audit("deprecate", uid, before, after)
        return Written(up.stored(after_props), Outcome.UPDATED)

    return await ctx.run(actor, work)


def _deprecation(props: Mapping[str, Any]) -> dict[str, Any]:
    """What `deprecate` changes, as audited: status, sunset and replacement."""
    return {
        "status": props.get("status"),
        "sunsetAt": up.jsonable(props.get("sunsetAt")),
        "replacedBy": props.get("replacedBy"),
    }


async def set_owner(ctx: Context, uid: str, owner: str, *, actor: str) -> Written[Stored]:
    entity = check_ref(uid, tuple(Kind), "uid")
    owner_uid = check_ref(owner, (Kind.TEAM, Kind.PRINCIPAL), "owner")

    async def work(unit: Unit) -> Written[Stored]:
        existing = await unit.store.nodes([entity, owner_uid])
        require(existing, [entity])
        props = existing[entity]
        if props.get("owner") == owner_uid:
            return Written(up.stored(props), Outcome.UNCHANGED)
        await up.ensure_owners(unit, [owner_uid], existing)
        await unit.store.set_properties([{"uid": entity, "props": {"owner": owner_uid}}])
        await unit.store.retire_edges([(entity, EdgeType.OWNED_BY, [owner_uid])])
        await unit.store.merge_edges([Edge(entity, EdgeType.OWNED_BY, owner_uid)])
        unit.audit("setOwner", entity, {"owner": props.get("owner")}, {"owner": owner_uid})
        return Written(up.stored({**props, "owner": owner_uid}), Outcome.UPDATED)

    return await ctx.run(actor, work)


async def approve(
    ctx: Context, subject: str, *, actor: str, reviewer: str | None = None, comment: str = ""
) -> Approval:
    subject_uid = check_ref(subject, tuple(APPROVABLE), "subject")
    if reviewer is not None and reviewer != actor:
        raise InvalidInput(
            f"the reviewer is the caller ({actor}); {reviewer} must approve it themselves",
            code=ErrorCode.INVALID_VALUE,
            details={"reviewer": reviewer, "caller": actor},
        )
    principal = Uid(Kind.PRINCIPAL, "global", actor).format()

    async def work(unit: Unit) -> Approval:
        existing = await unit.store.nodes([subject_uid, principal])
        require(existing, [subject_uid])
        props = existing[subject_uid]
        if props.get("createdBy") == actor:
            raise InvalidOperation(
                f"{actor} created {subject_uid} and cannot approve it",
                code=ServiceErrorCode.SELF_APPROVAL,
                details={"uid": subject_uid, "reviewer": actor},
            )
        approvals = await unit.store.incoming([subject_uid], [EdgeType.APPROVED])
        mine = next((a for a in approvals if a["from"] == principal), None)
        if mine is not None:
            comment_given = str(mine["props"].get("comment", ""))
            return Approval(
                up.stored(props), actor, comment_given, native(mine["props"]["createdAt"]), Outcome.UNCHANGED
            )
        await up.ensure_owners(unit, [principal], existing)
        await unit.store.merge_edges(
            [Edge(principal, EdgeType.APPROVED, subject_uid, {"comment": comment, "reviewer": actor})]
        )
        unit.audit("approve", subject_uid, None, {"reviewer": actor, "comment": comment})
        return Approval(up.stored(props), actor, comment, unit.now, Outcome.CREATED)

    return await ctx.run(actor, work)
