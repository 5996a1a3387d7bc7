"""Catalog use cases: register, publish, deploy, deprecate, own, approve.

`CatalogService` is the one class callers use; each method delegates to the module of its
context (`data`, `features`, `registry`, `serving`, `lifecycle`). Every method runs in one
write transaction (`services.audit.unit.transaction`): it locks the audit chain, reads what
it must check (existing nodes, the latest version, references), raises a `DomainError` to
refuse (nothing is stored), else writes its nodes and edges in ``UNWIND`` batches and records
one audit event per changed entity. Re-sending an identical request is a successful no-op
(`Outcome.UNCHANGED`, no event); how a re-send merges with what is stored is the shared
upsert's policy (`upsert`, docs/adr/0007-one-write-path.md). Published versions, training
runs and evaluations are immutable: a different payload under an existing uid is
`ImmutableConflict`.

Entry points (GraphQL, OpenLineage ingest, importers) validate their payloads into domain
``*Input`` models (`domain.validate`) and call these methods with the principal as ``actor``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lineage_graph.services.audit.unit import utc_now
from lineage_graph.services.catalog import data, features, lifecycle, registry, serving
from lineage_graph.services.catalog.context import Context
from lineage_graph.services.catalog.records import (
    MAX_BATCH,
    Approval,
    ColumnSource,
    ModelVersionRegistration,
    ModelVersionResult,
    Outcome,
    Publication,
    PublishResult,
    TransformRegistration,
    TransformRunRecord,
    Written,
)
from lineage_graph.services.catalog.serving import default_deployment_name

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from lineage_graph.domain import (
        DatasetSnapshot,
        DatasetSnapshotInput,
        DataSource,
        DataSourceInput,
        Deployment,
        DeploymentInput,
        Evaluation,
        EvaluationInput,
        FeatureSet,
        FeatureSetInput,
        Model,
        ModelInput,
        Stored,
        Transform,
        TransformRun,
    )
    from lineage_graph.graph import Graph
    from lineage_graph.services.governance.gates import Gates

__all__ = [
    "MAX_BATCH",
    "Approval",
    "CatalogService",
    "ColumnSource",
    "ModelVersionRegistration",
    "ModelVersionResult",
    "Outcome",
    "Publication",
    "PublishResult",
    "TransformRegistration",
    "TransformRunRecord",
    "Written",
    "default_deployment_name",
]


class CatalogService:
    """Writes to the catalog. Stateless: one instance per process is enough.

    With `gates`, publishing, model-version registration, deploy and promote are judged by
    the governance policies (`services.governance.gates`); without, they are not (trusted
    loaders: the demo, importers that replay an already-governed catalog).
    """

    def __init__(
        self, graph: Graph, *, clock: Callable[[], datetime] = utc_now, gates: Gates | None = None
    ) -> None:
        self.graph = graph
        self.clock = clock
        self.gates = gates

    @property
    def _ctx(self) -> Context:
        return Context(self.graph, self.clock, self.gates)

    # data sources, snapshots, transforms ---------------------------------------------------

    async def register_data_sources(
        self, inputs: Sequence[DataSourceInput], *, actor: str
    ) -> list[Written[DataSource]]:
        return await data.register_data_sources(self._ctx, inputs, actor=actor)

    async def register_dataset_snapshots(
        self, inputs: Sequence[DatasetSnapshotInput], *, actor: str
    ) -> list[Written[DatasetSnapshot]]:
        return await data.register_dataset_snapshots(self._ctx, inputs, actor=actor)

    async def register_transforms(
        self, requests: Sequence[TransformRegistration], *, actor: str
    ) -> list[Written[Transform]]:
        return await data.register_transforms(self._ctx, requests, actor=actor)

    async def record_transform_runs(
        self, records: Sequence[TransformRunRecord], *, actor: str
    ) -> list[Written[TransformRun]]:
        return await data.record_transform_runs(self._ctx, records, actor=actor)

    # feature sets ----------------------------------------------------------------------------

    async def register_feature_sets(
        self, inputs: Sequence[FeatureSetInput], *, actor: str
    ) -> list[Written[FeatureSet]]:
        return await features.register_feature_sets(self._ctx, inputs, actor=actor)

    async def publish_feature_set_version(self, publication: Publication, *, actor: str) -> PublishResult:
        return await features.publish_feature_set_version(self._ctx, publication, actor=actor)

    # models ------------------------------------------------------------------------------------

    async def register_models(self, inputs: Sequence[ModelInput], *, actor: str) -> list[Written[Model]]:
        return await registry.register_models(self._ctx, inputs, actor=actor)

    async def register_model_version(
        self, registration: ModelVersionRegistration, *, actor: str
    ) -> ModelVersionResult:
        return await registry.register_model_version(self._ctx, registration, actor=actor)

    async def record_evaluation(self, evaluation: EvaluationInput, *, actor: str) -> Written[Evaluation]:
        return await registry.record_evaluation(self._ctx, evaluation, actor=actor)

    # serving -----------------------------------------------------------------------------------

    async def deploy(self, deployment: DeploymentInput, *, actor: str) -> Written[Deployment]:
        return await serving.deploy(self._ctx, deployment, actor=actor)

    async def promote(
        self,
        deployment_uid: str,
        *,
        actor: str,
        target: str | None = None,
        serves_from: Sequence[str] | None = None,
    ) -> Written[Deployment]:
        """A LIVE deployment of the same model version in the next environment, on `target` (default:
        the source's when approved there, else the first approved) and the same serving path unless
        `serves_from` names another (e.g. the versions materialised in that environment's store)."""
        return await serving.promote(
            self._ctx, deployment_uid, actor=actor, target=target, serves_from=serves_from
        )

    async def retire_deployment(self, deployment_uid: str, *, actor: str) -> Written[Deployment]:
        return await serving.retire_deployment(self._ctx, deployment_uid, actor=actor)

    # lifecycle and governance ----------------------------------------------------------------

    async def deprecate(
        self,
        version_uid: str,
        *,
        actor: str,
        sunset_at: datetime | None = None,
        replacement: str | None = None,
    ) -> Written[Stored]:
        return await lifecycle.deprecate(
            self._ctx, version_uid, actor=actor, sunset_at=sunset_at, replacement=replacement
        )

    async def set_owner(self, uid: str, owner: str, *, actor: str) -> Written[Stored]:
        return await lifecycle.set_owner(self._ctx, uid, owner, actor=actor)

    async def approve(
        self, subject: str, *, actor: str, reviewer: str | None = None, comment: str = ""
    ) -> Approval:
        return await lifecycle.approve(self._ctx, subject, actor=actor, reviewer=reviewer, comment=comment)
