"""One unit of work: a managed write transaction with the audit chain locked, and its events.

`transaction(graph, actor, work)` opens the transaction, locks the audit chain head (which
serialises writers, so every check inside `work` sees all earlier commits), runs `work`, then
appends the audit events `work` recorded, all before the commit. A refusal raised by `work`
rolls everything back: nothing is stored, no event is written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from lineage_graph.graph import audit_store
from lineage_graph.graph.catalog_store import CatalogStore
from lineage_graph.services.audit import PendingEvent, chain

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from lineage_graph.graph import Graph
    from lineage_graph.graph.audit_store import ChainHead
    from lineage_graph.graph.database import Transaction

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Unit:
    """What a service's work function gets: the store, the actor, the time, the audit trail."""

    def __init__(self, tx: Transaction, *, actor: str, now: datetime, head: ChainHead) -> None:
        self.store = CatalogStore(tx, actor=actor, now=now)
        self.actor = actor
        self.now = now
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
) -> T:
    async def run(tx: Transaction) -> T:
        head = await audit_store.lock_chain(tx)
        unit = Unit(tx, actor=actor, now=clock(), head=head)
        result = await work(unit)
        await unit.flush()
        return result

    return await graph.in_write_transaction(run)
