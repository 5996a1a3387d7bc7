"""Feast feature views and feature services as feature sets: register, and publish on change.

Shared by the Feast importer and by OpenLineage events that Feast emits. A view's schema is
compared with the latest published version of its feature set: the same features (names,
dtypes, descriptions) publish nothing; any difference publishes the next version with the
contract bump the change requires (removed feature or changed dtype: major; added feature:
minor; documentation only: patch), so re-importing is idempotent and history is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from lineage_graph.domain import (
    FIRST_CONTRACT,
    Bump,
    DomainError,
    FeatureSetInput,
    FeatureSetVersion,
    FeatureSetVersionInput,
    FeatureSpec,
    ImmutableConflict,
    Kind,
    Uid,
    VersionNotMonotonic,
    diff_schemas,
    next_contract,
    required_bump,
)
from lineage_graph.domain.features import FeatureInput
from lineage_graph.services.catalog.queries import CatalogQueries
from lineage_graph.services.catalog.service import MAX_BATCH, CatalogService, Publication

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lineage_graph.graph import Graph

ATTEMPTS: Final = 3


@dataclass(frozen=True)
class FeatureViewSpec:
    """One Feast feature view (or feature service) as a feature set and its current schema."""

    feature_set: FeatureSetInput
    features: tuple[FeatureInput, ...]
    store: str | None = None
    sources: tuple[str, ...] = ()
    description: str = ""

    @property
    def uid(self) -> str:
        return self.feature_set.identity().format()


@dataclass
class PublishedView:
    feature_set: str
    version: str | None
    bump: Bump | None = None
    created: bool = False


@dataclass
class ViewsSummary:
    views: list[PublishedView] = field(default_factory=list)

    @property
    def published(self) -> int:
        return sum(1 for v in self.views if v.created)

    def current(self) -> dict[str, str]:
        return {v.feature_set: v.version for v in self.views if v.version is not None}


def _specs(features: Sequence[FeatureInput]) -> list[FeatureSpec]:
    return [FeatureSpec(f.name, f.dtype.value, f.description) for f in features]


def _stored_specs(version: FeatureSetVersion) -> list[FeatureSpec]:
    return [FeatureSpec(f.name, f.dtype.value, f.description) for f in version.features]


async def publish_views(graph: Graph, specs: Sequence[FeatureViewSpec], *, actor: str) -> ViewsSummary:
    """Register the feature sets, then publish a new version of each whose schema changed."""
    summary = ViewsSummary()
    if not specs:
        return summary
    catalog = CatalogService(graph)
    queries = CatalogQueries(graph)
    latest_by_uid = {s.uid: s for s in specs}
    ordered = list(latest_by_uid.values())
    for i in range(0, len(ordered), MAX_BATCH):
        await catalog.register_feature_sets([s.feature_set for s in ordered[i : i + MAX_BATCH]], actor=actor)
    for spec in ordered:
        summary.views.append(await _publish(catalog, queries, spec, actor))
    return summary


async def _publish(
    catalog: CatalogService, queries: CatalogQueries, spec: FeatureViewSpec, actor: str
) -> PublishedView:
    if not spec.features:
        versions = (await queries.versions([spec.uid])).get(spec.uid, [])
        return PublishedView(spec.uid, versions[0].uid if versions else None)
    for attempt in range(ATTEMPTS):
        versions = (await queries.versions([spec.uid])).get(spec.uid, [])
        latest = versions[0].record if versions else None
        new = _specs(spec.features)
        if isinstance(latest, FeatureSetVersion):
            bump = required_bump(diff_schemas(_stored_specs(latest), new))
            if bump is Bump.NONE:
                return PublishedView(spec.uid, latest.uid)
            number, contract = latest.version + 1, next_contract(latest.contract, bump)
        else:
            bump, number, contract = None, 1, FIRST_CONTRACT
        entity = Uid.parse(spec.uid, expect=Kind.FEATURE_SET)
        version = FeatureSetVersionInput(
            namespace=entity.namespace,
            name=entity.name,
            version=number,
            contract=contract,
            store=spec.store,
            description=spec.description,
            features=list(spec.features),
        )
        try:
            result = await catalog.publish_feature_set_version(
                Publication(version, sources=spec.sources), actor=actor
            )
        except (VersionNotMonotonic, ImmutableConflict):
            if attempt == ATTEMPTS - 1:
                raise
            continue
        return PublishedView(spec.uid, result.written.record.uid, bump, created=True)
    msg = f"could not publish {spec.uid}"  # pragma: no cover - the loop returns or raises
    raise DomainError(msg)
