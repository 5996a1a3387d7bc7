"""One unit of work: a managed write transaction with the audit chain locked, and its events.

`transaction(graph, actor, work)` opens the transaction, locks the audit chain head (which
serialises writers, so every check inside `work` sees all earlier commits), runs `work`, then
appends the audit events `work` recorded, all before the commit. A refusal raised by `work`
rolls everything back: nothing is stored, no event is written.

`Unit.upsert_nodes` writes nodes together with the pending events about them (one statement,
no second lookup of each node); events it cannot attach are appended at the end as before.

Writes that belong with the next write of the current request (an API request's own
authorisation decisions) are `attach`-ed: every transaction run while they are attached writes
them before its commit and reports the commit to them, so they commit (or roll back) with the
change they allowed instead of costing a transaction of their own.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from lineage_graph.graph import audit_store
from lineage_graph.graph.audit_store import AuditChainCorruptedError
from lineage_graph.graph.catalog_store import CatalogStore
from lineage_graph.services.audit.chain import PendingEvent, chain

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence

    from lineage_graph.graph import Graph
    from lineage_graph.graph.audit_store import ChainHead
    from lineage_graph.graph.database import Transaction

T = TypeVar("T")


class Attachment(Protocol):
    """Writes to make inside the next write transaction of the current request."""

    async def write(self, tx: Transaction) -> None:
        """Write inside the transaction (again on a retried attempt)."""

    def committed(self) -> None:
        """The transaction that ran `write` has committed."""


_attached: ContextVar[tuple[Attachment, ...]] = ContextVar("unit_attachments", default=())


@contextmanager
def attach(attachment: Attachment) -> Iterator[None]:
    """Let every transaction run in this context (task) write `attachment` before committing."""
    token = _attached.set((*_attached.get(), attachment))
    try:
        yield
    finally:
        _attached.reset(token)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Unit:
    """What a service's work function gets: the store, the actor, the time, the audit trail."""

    def __init__(
        self,
        tx: Transaction,
        *,
        actor: str,
        now: datetime,
        head: ChainHead,
        preloaded: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.store = CatalogStore(tx, actor=actor, now=now)
        self.actor = actor
        self.now = now
        self.preloaded: dict[str, dict[str, Any]] = preloaded or {}
        """The existing nodes among the transaction's `preload` uids, read when it locked the chain."""
        self._head = head
        self._events: list[PendingEvent] = []

    def audit(
        self,
        action: str,
        entity_uid: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        self._events.append(PendingEvent(action, entity_uid, before, after))

    async def upsert_nodes(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write nodes (`CatalogStore.upsert_nodes` rows) with the pending events about them.

        When every pending event is about a distinct node among `rows`, the events are chained
        now and created by the same statement; otherwise the nodes are written alone and the
        events wait for `flush` (the chain order is the order `audit` was called either way).
        """
        if not rows:
            return
        by_uid = {row["uid"]: row for row in rows}
        targets = {event.entity_uid for event in self._events}
        attachable = len(by_uid) == len(rows) and len(targets) == len(self._events)
        if not self._events or not attachable or not targets <= by_uid.keys():
            await self.store.upsert_nodes(rows)
            return
        events, head = chain(self._head, self._events, actor=self.actor, at=self.now)
        for event in events:
            by_uid[event["entityUid"]] = {**by_uid[event["entityUid"]], "event": event}
        appended = await self.store.upsert_nodes(list(by_uid.values()), head=(head.seq, head.head))
        if appended != len(events):
            msg = f"only {appended} of {len(events)} audit events were written with their entity"
            raise AuditChainCorruptedError(msg)
        self._head = head
        self._events.clear()

    async def flush(self) -> None:
        rows, head = chain(self._head, self._events, actor=self.actor, at=self.now)
        await audit_store.append_events(self.store.tx, rows, head, actor=self.actor, at=self.now)
        self._head = head
        self._events.clear()


async def transaction(
    graph: Graph,
    actor: str,
    work: Callable[[Unit], Awaitable[T]],
    *,
    clock: Callable[[], datetime] = utc_now,
    preload: Iterable[str] = (),
) -> T:
    """Run `work` in a write transaction; the existing nodes among `preload` are read with the
    chain lock (no round trip of their own) into `Unit.preloaded`."""
    attachments = _attached.get()
    wanted = list(preload)

    async def run(tx: Transaction) -> T:
        head, preloaded = await audit_store.lock_chain(tx, wanted)
        unit = Unit(tx, actor=actor, now=clock(), head=head, preloaded=preloaded)
        result = await work(unit)
        await unit.flush()
        for attachment in attachments:
            await attachment.write(tx)
        return result

    result = await graph.in_write_transaction(run)
    for attachment in attachments:
        attachment.committed()
    return result
