"""Serving writes: deploy a model version, promote a deployment, retire one.

A deployment serves a model version in an environment from a serving path (feature-set
versions that must serve every feature the version consumes, same dtype); it is judged by
the deployment gate when the service has gates. Re-deploying the same thing is a no-op; the
same uid serving something else is a `Conflict`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lineage_graph.domain import (
    Deployment,
    DeploymentInput,
    DeploymentMode,
    DeploymentStatus,
    EdgeType,
    Incompatibility,
    IncompatibilityReason,
    Kind,
    Uid,
    diff_payload,
    incompatible_inputs,
)
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.services.catalog import upsert as up
from lineage_graph.services.catalog.checks import check_ref, check_refs, require, uid_of
from lineage_graph.services.catalog.records import Outcome, written
from lineage_graph.services.errors import Conflict, IncompatibleFeatures, InvalidOperation, ServiceErrorCode
from lineage_graph.services.governance.gates import DeploymentCandidate

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lineage_graph.domain import FeatureSpec
    from lineage_graph.policy.decisions import Finding
    from lineage_graph.services.audit.unit import Unit
    from lineage_graph.services.catalog.context import Context
    from lineage_graph.services.catalog.records import Written

_REDEPLOY_IGNORES = up.SERVER_FIELDS | {"status", "startedAt", "description", "tags"}


def default_deployment_name(model_version: str, environment: str, mode: DeploymentMode) -> str:
    mv = Uid.parse(model_version, expect=Kind.MODEL_VERSION)
    env = Uid.parse(environment, expect=Kind.ENVIRONMENT)
    name = f"{mv.name}-{mv.version}-{env.name}"
    return name if mode is DeploymentMode.LIVE else f"{name}-{mode.value.lower()}"


async def deploy(ctx: Context, deployment: DeploymentInput, *, actor: str) -> Written[Deployment]:
    async def work(unit: Unit) -> Written[Deployment]:
        return await _deploy(ctx, unit, deployment, "deploy")

    return await ctx.run(actor, work)


async def _deploy(
    ctx: Context,
    unit: Unit,
    deployment: DeploymentInput,
    action: str,
    promoted_from: str | None = None,
    source_environment: str | None = None,
) -> Written[Deployment]:
    uid = uid_of(deployment)
    refs = [deployment.model_version, deployment.environment, *deployment.serves_from]
    if deployment.shadows:
        refs.append(deployment.shadows)
    existing = await unit.store.nodes([uid, *refs])
    require(existing, refs)
    if deployment.shadows:
        _check_shadowed(deployment, existing[deployment.shadows])
    mv = existing[deployment.model_version]
    consumed = await unit.store.outgoing([deployment.model_version], [EdgeType.CONSUMES])
    serves_from = list(deployment.serves_from) or sorted(
        {str(Uid.parse(row["to"]).parent) for row in consumed}
    )
    missing = [s for s in serves_from if s not in existing]
    if missing:
        existing = {**existing, **await unit.store.nodes(missing)}
        require(existing, missing, "feature-set version")
    _check_serving(mv["uid"], consumed, {s: existing[s] for s in serves_from})
    deployment = deployment.model_copy(update={"serves_from": serves_from})
    if uid in existing:
        before = up.payload(existing[uid]) or {}
        differences = diff_payload(before, deployment.to_properties(), _REDEPLOY_IGNORES)
        if differences:
            raise Conflict(
                f"deployment {uid} exists and serves something else "
                f"({', '.join(d.path for d in differences[:5])})",
                uid=uid,
                differences=differences,
            )
        if promoted_from:
            await unit.store.merge_edges([Edge(promoted_from, EdgeType.PROMOTED_TO, uid)])
        return written(up.stored(existing[uid]), Outcome.UNCHANGED, Deployment)
    warnings: tuple[Finding, ...] = ()
    if ctx.gates is not None:
        candidate = DeploymentCandidate(
            uid=uid,
            model_version=deployment.model_version,
            environment=deployment.environment,
            target=deployment.target,
            serves_from=tuple(serves_from),
            promoted_from=source_environment,
        )
        warnings = await ctx.gates.deploy(unit, candidate, action)
    deployment = deployment.model_copy(
        update={"status": DeploymentStatus.ACTIVE, "started_at": deployment.started_at or unit.now}
    )
    row = up.node_row(deployment)
    await unit.store.upsert_nodes([row])
    edges = [
        Edge(uid, EdgeType.SERVES, deployment.model_version),
        Edge(uid, EdgeType.IN_ENV, deployment.environment),
        *(Edge(uid, EdgeType.SERVES_FROM, s) for s in serves_from),
    ]
    if deployment.shadows:
        edges.append(Edge(uid, EdgeType.SHADOWS, deployment.shadows))
    if promoted_from:
        edges.append(Edge(promoted_from, EdgeType.PROMOTED_TO, uid))
    await unit.store.merge_edges(edges)
    unit.audit(action, uid, None, deployment.to_properties())
    return written(up.record(row, None, unit.actor, unit.now), Outcome.CREATED, Deployment, warnings)


def _check_shadowed(deployment: DeploymentInput, live: Mapping[str, Any]) -> None:
    problems = []
    if live.get("mode") == DeploymentMode.SHADOW.value:
        problems.append("it is itself a SHADOW deployment")
    if live.get("environment") != deployment.environment:
        problems.append(f"it runs in {live.get('environment')}, not {deployment.environment}")
    if live.get("retiredAt") is not None:
        problems.append("it is retired")
    if problems:
        raise InvalidOperation(
            f"cannot shadow {live['uid']}: " + "; ".join(problems),
            code=ServiceErrorCode.INVALID_TRANSITION,
            details={"shadows": live["uid"], "problems": problems},
        )


def _check_serving(
    model_version: str, consumed: Sequence[Mapping[str, Any]], serving: Mapping[str, Mapping[str, Any]]
) -> None:
    """Every consumed feature must be served by a serving version of its set, same dtype."""
    by_set: dict[str, list[list[FeatureSpec]]] = {}
    for uid, props in serving.items():
        parent = Uid.parse(uid).parent
        if parent is not None:
            by_set.setdefault(parent.format(), []).append(up.feature_specs(props))
    problems: list[Incompatibility] = []
    for row in consumed:
        feature = Uid.parse(row["to"])
        version = feature.parent
        feature_set = version.parent if version else None
        model_input = (str(row["props"].get("input")), feature.field or "", str(row["props"].get("dtype")))
        candidates = by_set.get(feature_set.format() if feature_set else "", [])
        per_version = [incompatible_inputs([model_input], specs) for specs in candidates]
        if not candidates:
            problems.append(
                Incompatibility(
                    model_input[0], row["to"], IncompatibilityReason.MISSING_FEATURE, model_input[2]
                )
            )
        elif all(per_version):
            first = per_version[0][0]
            problems.append(
                Incompatibility(
                    first.input, row["to"], first.reason, first.expected_dtype, first.actual_dtype
                )
            )
    if problems:
        raise IncompatibleFeatures(
            f"the serving path cannot serve {len(problems)} input(s) of {model_version} "
            f"(first: {problems[0].input}, {problems[0].reason})",
            problems,
        )


async def promote(
    ctx: Context,
    deployment_uid: str,
    *,
    actor: str,
    target: str | None = None,
    serves_from: Sequence[str] | None = None,
) -> Written[Deployment]:
    """A LIVE deployment of the same model version in the next environment, on `target` (default:
    the source's when approved there, else the first approved) and the same serving path unless
    `serves_from` names another (e.g. the versions materialised in that environment's store)."""
    source_uid = check_ref(deployment_uid, (Kind.DEPLOYMENT,), "deployment")
    path = check_refs(serves_from, (Kind.FEATURE_SET_VERSION,), "servesFrom") if serves_from else None

    async def work(unit: Unit) -> Written[Deployment]:
        existing = await unit.store.nodes([source_uid])
        require(existing, [source_uid], "deployment")
        source = up.stored_as(existing[source_uid], Deployment)
        if source.retired_at is not None or source.status is not DeploymentStatus.ACTIVE:
            raise InvalidOperation(
                f"{source_uid} is {source.status.value.lower()}; only an active deployment is promoted",
                details={"uid": source_uid, "status": source.status.value},
            )
        environments = await unit.store.environments()
        current = next((e for e in environments if e["uid"] == source.environment), None)
        later = [e for e in environments if current is not None and e["order"] > current["order"]]
        if not later:
            raise InvalidOperation(
                f"{source.environment} is the last environment; there is nowhere to promote to",
                details={"uid": source_uid, "environment": source.environment},
            )
        nxt = later[0]
        approved = list(nxt.get("approvedTargets") or [])
        chosen = target or (
            source.target if source.target in approved else (approved[0] if approved else None)
        )
        if chosen is None:
            raise InvalidOperation(
                f"{nxt['uid']} has no approved target: name one", details={"environment": nxt["uid"]}
            )
        promoted = DeploymentInput(
            namespace=source.namespace,
            name=default_deployment_name(source.model_version, nxt["uid"], DeploymentMode.LIVE),
            description=source.description,
            model_version=source.model_version,
            environment=nxt["uid"],
            target=chosen,
            mode=DeploymentMode.LIVE,
            traffic_percent=100.0,
            serves_from=path or source.serves_from,
        )
        return await _deploy(
            ctx, unit, promoted, "promote", promoted_from=source_uid, source_environment=source.environment
        )

    return await ctx.run(actor, work)


async def retire_deployment(ctx: Context, deployment_uid: str, *, actor: str) -> Written[Deployment]:
    uid = check_ref(deployment_uid, (Kind.DEPLOYMENT,), "deployment")

    async def work(unit: Unit) -> Written[Deployment]:
        existing = await unit.store.nodes([uid])
        require(existing, [uid], "deployment")
        props = existing[uid]
        if props.get("retiredAt") is not None:
            return written(up.stored(props), Outcome.UNCHANGED, Deployment)
        change = {"status": DeploymentStatus.STOPPED.value, "retiredAt": unit.now}
        await unit.store.set_properties([{"uid": uid, "props": change}])
        unit.audit(
            "retireDeployment",
            uid,
            {"status": props.get("status")},
            {"status": change["status"], "retiredAt": up.jsonable(unit.now)},
        )
        return written(up.stored({**props, **change}), Outcome.UPDATED, Deployment)

    return await ctx.run(actor, work)
