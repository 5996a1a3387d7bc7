"""Load the demo catalog: each record of `demo.data.CATALOG` becomes its `CatalogService` call.

`load` sends the records in order (they are in dependency order), so the demo is audited like any
client's writes, and loading it again changes nothing (every write is an identical re-send).
`CALLS` is the whole mapping from a record to a call: the payload is validated by the domain
model the method takes, as the API would. The story's names (`demo.story`) are re-exported here
for the callers that check the planted cases (``demo.UNOWNED_ARTIFACT``...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pydantic import BaseModel

from lineage_graph import domain
from lineage_graph.demo.data import CATALOG, DENIED_STEP, Step
from lineage_graph.demo.story import *  # noqa: F403
from lineage_graph.demo.story import DENIED_ACTOR, DENIED_REQUEST
from lineage_graph.domain import validate
from lineage_graph.services import bootstrap
from lineage_graph.services.catalog.queries import CatalogQueries
from lineage_graph.services.catalog.service import (
    CatalogService,
    ModelVersionRegistration,
    Publication,
    TransformRegistration,
    TransformRunRecord,
)
from lineage_graph.services.errors import PolicyDenied
from lineage_graph.services.governance.decisions import decisions_about
from lineage_graph.services.governance.gates import Gates

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.services.governance.decisions import Governor

Call = Callable[[CatalogService, Any, str], Awaitable[object]]
M = TypeVar("M", bound=BaseModel)


def _each(model: type[M], method: Callable[..., Awaitable[object]]) -> Call:
    """A batch call: every row validated by `model`."""
    return lambda c, rows, actor: method(c, [validate(model, r) for r in rows], actor=actor)


def _linked(
    record: Callable[..., object], model: type[M], key: str, method: Callable[..., Awaitable[object]]
) -> Call:
    """A batch call whose rows are `model` (under `key`) with what it ``reads`` and ``writes``."""
    return lambda c, rows, actor: method(
        c,
        [
            record(validate(model, r[key]), tuple(r.get("reads", ())), tuple(r.get("writes", ())))
            for r in rows
        ],
        actor=actor,
    )


CALLS: Final[dict[str, Call]] = {
    "register_data_sources": _each(domain.DataSourceInput, CatalogService.register_data_sources),
    "register_dataset_snapshots": _each(
        domain.DatasetSnapshotInput, CatalogService.register_dataset_snapshots
    ),
    "register_transforms": _linked(
        TransformRegistration, domain.TransformInput, "transform", CatalogService.register_transforms
    ),
    "record_transform_runs": _linked(
        TransformRunRecord, domain.TransformRunInput, "run", CatalogService.record_transform_runs
    ),
    "register_feature_sets": _each(domain.FeatureSetInput, CatalogService.register_feature_sets),
    "register_models": _each(domain.ModelInput, CatalogService.register_models),
    "publish_feature_set_version": lambda c, p, actor: c.publish_feature_set_version(
        Publication(
            validate(domain.FeatureSetVersionInput, p["version"]),
            produced_by=p.get("producedBy"),
            sources=tuple(p.get("sources", ())),
        ),
        actor=actor,
    ),
    "deprecate": lambda c, p, actor: c.deprecate(
        p["uid"], actor=actor, sunset_at=p.get("sunsetAt"), replacement=p.get("replacement")
    ),
    "register_model_version": lambda c, p, actor: c.register_model_version(
        ModelVersionRegistration(
            validate(domain.ModelVersionInput, p["version"]),
            validate(domain.TrainingRunInput, p["run"]) if "run" in p else None,
            tuple(p.get("datasets", ())),
        ),
        actor=actor,
    ),
    "record_evaluation": lambda c, p, actor: c.record_evaluation(
        validate(domain.EvaluationInput, p), actor=actor
    ),
    "deploy": lambda c, p, actor: c.deploy(validate(domain.DeploymentInput, p), actor=actor),
    "promote": lambda c, p, actor: c.promote(p["uid"], actor=actor),
    "approve": lambda c, p, actor: c.approve(p["uid"], actor=actor, comment=p.get("comment", "")),
}
"""A record's ``call`` names the `CatalogService` method; its payload becomes the method's input."""


async def send(catalog: CatalogService, step: Step) -> object:
    """The `CatalogService` call the record stands for."""
    return await CALLS[step.call](catalog, step.payload, step.actor)


async def load(graph: Graph, governor: Governor | None = None) -> int:
    """Load (or re-send) the demo catalog; returns the number of catalog nodes afterwards.

    With a `governor` (OPA holding the policies), also plant `DENIED_REQUEST` once: a refused
    request leaves only its recorded decisions.
    """
    await bootstrap.ensure_environments(graph)
    catalog = CatalogService(graph)
    for step in CATALOG:
        await send(catalog, step)
    if governor is not None:
        await _denied_request(graph, governor)
    nodes, _ = await CatalogQueries(graph).counts()
    return nodes


async def _denied_request(graph: Graph, governor: Governor) -> None:
    deployment = DENIED_REQUEST[2]
    if any(d.actor == DENIED_ACTOR for d in await decisions_about(graph, deployment)):
        return
    try:
        await send(CatalogService(graph, gates=Gates(governor)), DENIED_STEP)
    except PolicyDenied:
        return
    msg = f"the policies let {DENIED_ACTOR} deploy {deployment}; the demo expects a refusal"
    raise RuntimeError(msg)
