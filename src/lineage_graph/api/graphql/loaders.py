"""Per-request DataLoaders: every nested field batches into one query per level of nesting.

`node` (uid → entry), `versions` (feature set or model → its versions, newest first),
`related` (uid + edge type + direction → neighbours with edge properties) and `events`
(entity uid → its audit events). A nested query costs a number of Neo4j round trips that
depends on its depth, not on the sizes of the lists it walks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from lineage_graph.services.catalog.queries import AuditRecord, CatalogQueries, Entry, Related, RelKey

if TYPE_CHECKING:
    from collections.abc import Sequence


class Loaders:
    def __init__(self, queries: CatalogQueries) -> None:
        self.queries = queries
        self.node: DataLoader[str, Entry | None] = DataLoader(load_fn=self._nodes)
        self.versions: DataLoader[str, list[Entry]] = DataLoader(load_fn=self._versions)
        self.related: DataLoader[RelKey, list[Related]] = DataLoader(load_fn=self._related)
        self.events: DataLoader[str, list[AuditRecord]] = DataLoader(load_fn=self._events)

    def prime(self, entry: Entry) -> None:
        self.node.prime(entry.uid, entry)

    async def _nodes(self, uids: Sequence[str]) -> list[Entry | None]:
        found = await self.queries.nodes(list(uids))
        return [found.get(uid) for uid in uids]

    async def _versions(self, uids: Sequence[str]) -> list[list[Entry]]:
        found = await self.queries.versions(list(uids))
        return [found.get(uid, []) for uid in uids]

    async def _related(self, keys: Sequence[RelKey]) -> list[list[Related]]:
        found = await self.queries.related(list(keys))
        return [found.get(key, []) for key in keys]

    async def _events(self, uids: Sequence[str]) -> list[list[AuditRecord]]:
        found = await self.queries.events_about(list(uids))
        return [found.get(uid, []) for uid in uids]
