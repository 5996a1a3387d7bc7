"""Feature-store writes: feature sets, and publishing their immutable versions.

Publishing checks the version order and the schema change against the latest version
(`domain.check_publish`), records the contract bump it required, creates the version's
features (``DEFINED_IN``) with their column lineage (``DERIVED_FROM``), makes the version itself
``DERIVED_FROM`` every source or snapshot it was computed from (its ``sources`` and what its
features derive from, docs/adr/0008-feature-set-versions-in-lineage.md), and is judged by the
schema gate when the service has gates. Re-publishing an identical version is a no-op; a
different payload under a published version is `ImmutableConflict`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineage_graph.domain import (
    EdgeType,
    ErrorCode,
    FeatureSet,
    FeatureSetVersion,
    InvalidInput,
    Kind,
    Uid,
    check_publish,
    check_version_order,
    ensure_unchanged,
    ignored_fields,
    required_bump,
)
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.graph.codec import canonical_json, to_properties
from lineage_graph.services.catalog import upsert as up
from lineage_graph.services.catalog.checks import check_batch, check_ref, check_refs, require, uid_of
from lineage_graph.services.catalog.records import INITIAL_BUMP, Outcome, PublishResult, written

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lineage_graph.domain import FeatureSetInput
    from lineage_graph.domain.features import FeatureSetVersionInput
    from lineage_graph.services.audit.unit import Unit
    from lineage_graph.services.catalog.context import Context
    from lineage_graph.services.catalog.records import ColumnSource, Publication, Written

_PUBLICATION_EXTRAS = ("producedBy", "sources", "featureSources")


async def register_feature_sets(
    ctx: Context, inputs: Sequence[FeatureSetInput], *, actor: str
) -> list[Written[FeatureSet]]:
    check_batch(inputs, "feature sets")

    async def work(unit: Unit) -> list[Written[FeatureSet]]:
        return [written(r, o, FeatureSet) for r, o in await up.register_owned(unit, up.FEATURE_SET, inputs)]

    return await ctx.run(actor, work)


async def publish_feature_set_version(ctx: Context, publication: Publication, *, actor: str) -> PublishResult:
    version = publication.version
    kinds = (Kind.TRANSFORM, Kind.TRANSFORM_RUN)
    produced_by = check_ref(publication.produced_by, kinds, "producedBy") if publication.produced_by else None
    sources = check_refs(publication.sources, (Kind.SOURCE, Kind.SNAPSHOT), "sources")
    feature_sources = _feature_sources(version, publication.feature_sources)

    async def work(unit: Unit) -> PublishResult:
        uid = uid_of(version)
        entity = Uid(Kind.FEATURE_SET, version.namespace, version.name).format()
        refs = {*sources, *(s for cols in feature_sources.values() for s in cols)}
        if produced_by:
            refs.add(produced_by)
        existing = await unit.store.nodes([uid, entity, *refs])
        require(existing, [entity], "feature set")
        require(existing, sorted(refs))
        extras = {"producedBy": produced_by, "sources": sources, "featureSources": feature_sources}
        incoming = up.incoming(version, extras)
        if uid in existing:
            stored = existing[uid]
            before = up.payload(stored, _PUBLICATION_EXTRAS)
            ensure_unchanged(uid, before or {}, incoming, ignored_fields(Kind.FEATURE_SET_VERSION))
            return PublishResult(
                written(up.stored(stored), Outcome.UNCHANGED, FeatureSetVersion),
                str(stored.get("bump", INITIAL_BUMP)),
            )
        latest = await unit.store.latest_version(entity)
        check_version_order(int(latest["version"]) if latest else None, version.version)
        previous = up.feature_specs(latest) if latest else None
        diff = check_publish(
            previous, latest["contract"] if latest else None, version.features, version.contract
        )
        bump = required_bump(diff).value if latest else INITIAL_BUMP
        row = up.node_row(version, extras)
        row["props"] |= {
            "bump": bump,
            "schemaDiffJson": canonical_json(diff.to_dict()),
        }
        features = version.feature_records(created_at=unit.now, created_by=unit.actor)
        await unit.store.upsert_nodes(
            [row, *({"uid": f.uid, "kind": f.kind.value, "props": to_properties(f)} for f in features)]
        )
        edges = [Edge(uid, EdgeType.VERSION_OF, entity)]
        if latest:
            edges.append(Edge(uid, EdgeType.SUPERSEDES, latest["uid"]))
        if produced_by:
            edges.append(Edge(uid, EdgeType.PRODUCED_BY, produced_by))
        for feature in features:
            edges.append(Edge(feature.uid, EdgeType.DEFINED_IN, uid))
            own = feature_sources.get(feature.name)
            if own is not None:
                edges += [
                    Edge(feature.uid, EdgeType.DERIVED_FROM, s, {"columns": list(c)}) for s, c in own.items()
                ]
            else:
                edges += [Edge(feature.uid, EdgeType.DERIVED_FROM, s, {"columns": []}) for s in sources]
        edges += [Edge(uid, EdgeType.DERIVED_FROM, s) for s in _version_sources(sources, feature_sources)]
        await unit.store.merge_edges(edges)
        warnings = await ctx.gates.publish(unit, uid) if ctx.gates else ()
        unit.audit("publishFeatureSetVersion", uid, None, incoming)
        record = up.record(row, None, unit.actor, unit.now)
        return PublishResult(written(record, Outcome.CREATED, FeatureSetVersion), bump, warnings)

    return await ctx.run(actor, work)


def _version_sources(
    sources: Sequence[str], feature_sources: Mapping[str, Mapping[str, Sequence[str]]]
) -> list[str]:
    """What a version is computed from: its own `sources` and every source its features derive from."""
    return sorted({*sources, *(s for own in feature_sources.values() for s in own)})


def _feature_sources(
    version: FeatureSetVersionInput, given: Mapping[str, Sequence[ColumnSource]]
) -> dict[str, dict[str, list[str]]]:
    names = {f.name for f in version.features}
    unknown = sorted(set(given) - names)
    if unknown:
        raise InvalidInput(
            f"derivedFrom names feature {unknown[0]!r}, which the version does not define",
            code=ErrorCode.UNKNOWN_FIELD,
            details={"features": unknown},
        )
    out: dict[str, dict[str, list[str]]] = {}
    for name, column_sources in sorted(given.items()):
        columns: dict[str, set[str]] = {}
        for c in column_sources:
            ref = check_ref(c.source, (Kind.SOURCE, Kind.SNAPSHOT), "derivedFrom")
            columns.setdefault(ref, set()).update(c.columns)
        out[name] = {ref: sorted(cols) for ref, cols in columns.items()}
    return out
