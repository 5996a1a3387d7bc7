"""What every catalog write runs with: the graph, the clock, the governance gates.

`Context.run` runs one write in a `services.audit.unit` transaction; when the gates refuse
it (`PolicyDenied`), the write rolls back and the decisions that refused it are recorded on
their own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from lineage_graph.services.audit.unit import transaction
from lineage_graph.services.errors import PolicyDenied

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable
    from datetime import datetime

    from lineage_graph.graph import Graph
    from lineage_graph.services.audit.unit import Unit
    from lineage_graph.services.governance.gates import Gates

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Context:
    graph: Graph
    clock: Callable[[], datetime]
    gates: Gates | None = None
    """Without gates, writes are not judged by the governance policies (trusted loaders)."""

    async def run(
        self, actor: str, work: Callable[[Unit], Awaitable[T]], *, preload: Iterable[str] = ()
    ) -> T:
        try:
            return await transaction(self.graph, actor, work, clock=self.clock, preload=preload)
        except PolicyDenied as denied:
            if self.gates is not None and denied.judgements:
                try:
                    await self.gates.record(denied.judgements)
                except Exception:
                    log.exception("could not record the decisions of a denied write")
            raise
