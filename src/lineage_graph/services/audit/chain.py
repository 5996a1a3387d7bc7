"""The append-only audit trail: events chained by hash, and their verification.

Each change a service makes is an event ``(seq, action, actor, at, entityUid, before, after,
prevHash)``; its ``hash`` is the SHA-256 of the canonical JSON of those fields, and the next
event's ``prevHash`` is that hash, so editing or deleting any event breaks the chain from
there on. The chain head (``:AuditChain {id: 'main'}``) holds the last ``seq`` and ``hash``,
so deleting the newest events is detected too. Writers lock the head for their whole
transaction, which makes the chain linear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import GLOBAL_NAMESPACE, Kind, Uid
from lineage_graph.graph import audit_store
from lineage_graph.graph.audit_store import ChainHead
from lineage_graph.graph.codec import canonical_json, native

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from lineage_graph.graph import Graph

VERIFY_BATCH: Final = 2_000


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """A change to record: what happened to which entity, and its state before and after."""

    action: str
    entity_uid: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def event_uid(seq: int) -> str:
    return Uid(Kind.AUDIT_EVENT, GLOBAL_NAMESPACE, str(seq)).format()


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(
    *,
    seq: int,
    action: str,
    actor: str,
    at: datetime,
    entity_uid: str,
    before_json: str | None,
    after_json: str | None,
    prev_hash: str,
) -> str:
    material = canonical_json(
        {
            "seq": seq,
            "action": action,
            "actor": actor,
            "at": timestamp(at),
            "entityUid": entity_uid,
            "before": before_json,
            "after": after_json,
            "prevHash": prev_hash,
        }
    )
    return hashlib.sha256(material.encode()).hexdigest()


def chain(
    head: ChainHead, events: list[PendingEvent], *, actor: str, at: datetime
) -> tuple[list[dict[str, Any]], ChainHead]:
    """Rows for `audit_store.append_events` continuing the chain after `head`, and the new head.

    The actor and time are the transaction's, passed once (`append_events` sets them on every
    event; the uid is ``event_uid(seq)``).
    """
    rows: list[dict[str, Any]] = []
    seq, prev = head.seq, head.head
    for event in events:
        seq += 1
        before = None if event.before is None else canonical_json(event.before)
        after = None if event.after is None else canonical_json(event.after)
        digest = event_hash(
            seq=seq,
            action=event.action,
            actor=actor,
            at=at,
            entity_uid=event.entity_uid,
            before_json=before,
            after_json=after,
            prev_hash=prev,
        )
        row: dict[str, Any] = {
            "seq": seq,
            "action": event.action,
            "entityUid": event.entity_uid,
            "prevHash": prev,
            "hash": digest,
        }
        if before is not None:
            row["beforeJson"] = before
        if after is not None:
            row["afterJson"] = after
        rows.append(row)
        prev = digest
    return rows, ChainHead(seq, prev)


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of walking the chain: ok, or the first sequence number that does not check."""

    ok: bool
    events: int
    seq: int | None = None
    problem: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"ok: {self.events} events"
        return f"audit chain broken at seq {self.seq}: {self.problem}"


def _check(event: Mapping[str, Any], expected_seq: int, prev: str) -> str | None:
    seq = event.get("seq")
    if seq != expected_seq:
        return f"event {expected_seq} is missing (next event is {seq})"
    if event.get("prevHash") != prev:
        return "prevHash does not match the previous event's hash"
    at = native(event.get("at"))
    try:
        digest = event_hash(
            seq=int(seq),
            action=str(event["action"]),
            actor=str(event["actor"]),
            at=at,
            entity_uid=str(event["entityUid"]),
            before_json=event.get("beforeJson"),
            after_json=event.get("afterJson"),
            prev_hash=prev,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        return f"event is incomplete ({type(exc).__name__}: {exc})"
    if digest != event.get("hash"):
        return "hash does not match the event's content (edited)"
    return None


async def verify(graph: Graph, *, batch: int = VERIFY_BATCH) -> Verification:
    """Walk the chain in sequence order, recompute every hash, compare with the chain head."""
    expected, prev, count = 1, "", 0
    while True:
        events = await audit_store.events_after(graph, expected - 1, batch)
        for event in events:
            problem = _check(event, expected, prev)
            if problem is not None:
                return Verification(ok=False, events=count, seq=expected, problem=problem)
            prev = str(event["hash"])
            expected += 1
            count += 1
        if len(events) < batch:
            break
    head = await audit_store.chain_head(graph)
    if head is None:
        if count:
            return Verification(ok=False, events=count, seq=1, problem="the chain head is missing")
        return Verification(ok=True, events=0)
    if head.seq != count or head.head != prev:
        return Verification(
            ok=False,
            events=count,
            seq=count + 1,
            problem=f"the chain head says {head.seq} events but {count} remain (deleted)",
        )
    return Verification(ok=True, events=count)
