"""Lineage queries: lineage, impact, column impact, reproduction, schema what-if, serving skew.

Each field calls one service of `lineage_graph.services.lineage` (walks, impact, reproduction,
what_if, skew) and maps its answer to the GraphQL types of `lineage_walks`, `lineage_impact`,
`lineage_reproduction` (generated from the domain's records, returned as they are) and
`lineage_what_if`.
Invalid arguments (malformed uid, depth out of range, unknown kind, bad dtype) and unknown uids are
GraphQL errors whose ``extensions.code`` is the domain error code (INVALID_VALUE, NOT_FOUND...).
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from lineage_graph.api.graphql.catalog_queries import guarded
from lineage_graph.api.graphql.lineage_impact import (
    ColumnImpact,
    Impact,
)
from lineage_graph.api.graphql.lineage_reproduction import ReproductionManifest
from lineage_graph.api.graphql.lineage_walks import LineageGraph
from lineage_graph.api.graphql.lineage_what_if import (
    ProposedFeatureInput,
    SchemaChangeImpact,
    ServingSkew,
    proposed_features,
)
from lineage_graph.api.graphql.nodes import CtxInfo
from lineage_graph.domain import reproduction as records
from lineage_graph.services.lineage import impact as impact_service
from lineage_graph.services.lineage.impact import ImpactService
from lineage_graph.services.lineage.reproduction import ReproductionService
from lineage_graph.services.lineage.skew import Skew, SkewService
from lineage_graph.services.lineage.walks import MAX_DEPTH, Direction, Lineage, LineageService
from lineage_graph.services.lineage.what_if import WhatIf, WhatIfService


def _seconds(timeout_ms: int | None) -> float | None:
    return None if timeout_ms is None else timeout_ms / 1000


@strawberry.type
class LineageQuery:
    @strawberry.field(
        description="The lineage of a node: what it depends on (UPSTREAM), what depends on it "
        f"(DOWNSTREAM) or both, up to `depth` edges (1..{MAX_DEPTH}); `kinds` keeps only nodes of those "
        "kinds; `asOf` shows the lineage as it stood then; past `timeoutMs` (default 10,000) the "
        "answer is what was found, with `truncated: true`.",
        graphql_type=LineageGraph,
    )
    async def lineage(
        self,
        info: CtxInfo,
        uid: str,
        direction: Direction = Direction.BOTH,
        depth: int = 5,
        kinds: list[str] | None = None,
        as_of: datetime | None = None,
        timeout_ms: int | None = None,
    ) -> Lineage:
        return await guarded(
            LineageService(info.context.runtime.graph).lineage(
                uid, direction, depth, kinds, as_of, _seconds(timeout_ms)
            )
        )

    @strawberry.field(
        description="What a change to `uid` affects downstream, up to `depth` edges: feature-set "
        "versions, model versions, deployments by environment and owners to notify, each with its "
        "path count and one shortest path.",
        graphql_type=Impact,
    )
    async def impact(
        self,
        info: CtxInfo,
        uid: str,
        depth: int = MAX_DEPTH,
        as_of: datetime | None = None,
        timeout_ms: int | None = None,
    ) -> impact_service.Impact:
        return await guarded(
            ImpactService(info.context.runtime.graph).impact(uid, depth, as_of, _seconds(timeout_ms))
        )

    @strawberry.field(
        description="What a change to one column of a data source (or snapshot) `uid` affects: the "
        "features derived from it, the model inputs bound to them and the deployments serving those model versions.",
        graphql_type=ColumnImpact,
    )
    async def column_impact(
        self, info: CtxInfo, uid: str, column: str, as_of: datetime | None = None
    ) -> impact_service.ColumnImpact:
        return await guarded(ImpactService(info.context.runtime.graph).column_impact(uid, column, as_of))

    @strawberry.field(
        description="The manifest to reproduce a model version or a deployment's model version: "
        "training run, seed, hyperparameters, script, exact feature versions with their jobs' code, "
        "dataset snapshots, evaluations and baselines; `complete` and `missing` say what is not recorded.",
        graphql_type=ReproductionManifest,
    )
    async def reproduction(self, info: CtxInfo, uid: str) -> records.ReproductionManifest:
        return await guarded(ReproductionService(info.context.runtime.graph).manifest(uid))

    @strawberry.field(
        description="What-if for a new version of a feature set with the proposed `features`: the "
        "model versions that would lose inputs or see a dtype change, the deployments serving them, "
        "the schema diff and the contract bump it needs. Nothing is written.",
        graphql_type=SchemaChangeImpact,
    )
    async def what_if(self, info: CtxInfo, feature_set: str, features: list[ProposedFeatureInput]) -> WhatIf:
        proposed = proposed_features(features)
        return await guarded(WhatIfService(info.context.runtime.graph).schema_change(feature_set, proposed))

    @strawberry.field(
        description="Training/serving skew: deployments (of `uid`, a deployment, model version or model; "
        "all when null) whose serving feature-set versions differ from the training ones, with the "
        "inputs they cannot serve as trained flagged. `includeAligned` lists the others too.",
        graphql_type=list[ServingSkew],
    )
    async def serving_skew(
        self, info: CtxInfo, uid: str | None = None, include_aligned: bool = False
    ) -> list[Skew]:
        return await guarded(
            SkewService(info.context.runtime.graph).skew(uid, include_aligned=include_aligned)
        )
