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

from typing import TYPE_CHECKING, ParamSpec, TypeVar

from lineage_graph.services.audit.unit import utc_now
from lineage_graph.services.catalog import data, features, lifecycle, registry, serving
from lineage_graph.services.catalog.context import Context
from lineage_graph.services.catalog.records import (
    KEEP,
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
    from collections.abc import Awaitable, Callable
    from datetime import datetime
    from typing import Concatenate

    from lineage_graph.graph import Graph
    from lineage_graph.services.governance.gates import Gates

P = ParamSpec("P")
T = TypeVar("T")

__all__ = [
    "KEEP",
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


def _delegate(
    use_case: Callable[Concatenate[Context, P], Awaitable[T]],
) -> Callable[Concatenate[CatalogService, P], Awaitable[T]]:
    """A method running `use_case` with the service's context (same parameters, same docs)."""

    async def method(self: CatalogService, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await use_case(self.context, *args, **kwargs)

    method.__name__ = method.__qualname__ = use_case.__name__
    method.__doc__ = use_case.__doc__
    return method


class CatalogService:
    """Writes to the catalog. Stateless: one instance per process is enough.

    With `gates`, publishing, model-version registration, deploy and promote are judged by
    the governance policies (`services.governance.gates`); without, they are not (trusted
    loaders: the demo, importers that replay an already-governed catalog). Every method takes
    the acting principal as the keyword ``actor``.
    """

    def __init__(
        self, graph: Graph, *, clock: Callable[[], datetime] = utc_now, gates: Gates | None = None
    ) -> None:
        self.graph = graph
        self.clock = clock
        self.gates = gates

    @property
    def context(self) -> Context:
        return Context(self.graph, self.clock, self.gates)

    register_data_sources = _delegate(data.register_data_sources)
    register_dataset_snapshots = _delegate(data.register_dataset_snapshots)
    register_transforms = _delegate(data.register_transforms)
    record_transform_runs = _delegate(data.record_transform_runs)

    register_feature_sets = _delegate(features.register_feature_sets)
    publish_feature_set_version = _delegate(features.publish_feature_set_version)

    register_models = _delegate(registry.register_models)
    register_model_version = _delegate(registry.register_model_version)
    record_evaluation = _delegate(registry.record_evaluation)

    deploy = _delegate(serving.deploy)
    promote = _delegate(serving.promote)
    retire_deployment = _delegate(serving.retire_deployment)

    deprecate = _delegate(lifecycle.deprecate)
    set_owner = _delegate(lifecycle.set_owner)
    approve = _delegate(lifecycle.approve)
