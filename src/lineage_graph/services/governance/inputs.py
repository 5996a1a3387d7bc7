"""Input documents of the ``lineage_graph`` policies, shaped from the rows of ``cypher/governance``.

Each function takes rows exactly as a named query returns them (``schema_inputs``,
``model_version_inputs``, ``feature_set_versions``, ``deployment_inputs``, ``retention_inputs``,
``approvals``) and returns the document docs/policies.md specifies for its package. Gates and
compliance scans both build their inputs here, so a gate and a scan judge an entity alike.
Pure functions: no I/O.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lineage_graph.domain import DomainError, Kind, Uid
from lineage_graph.graph.codec import native

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from lineage_graph.policy.principals import Principal

Doc = dict[str, Any]


def moment(value: Any) -> datetime | None:
    """A graph or Python datetime, or one as Cypher's ``toString`` writes it (the input queries
    return times as text: the driver's own temporal decoding costs ~100x more), as a `datetime`."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.split("[", 1)[0])  # drop a trailing [zone id]
        except ValueError:
            return None
    found = native(value)
    return found if isinstance(found, datetime) else None


def timestamp(value: Any) -> str | None:
    """An RFC3339 UTC timestamp (``2026-11-26T10:00:00Z``) of a graph or Python datetime, or of
    its Cypher ``toString`` text."""
    found = moment(value)
    if found is None:
        return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


@lru_cache(maxsize=65_536)
def _parse(uid: str) -> Uid | None:
    """Parsed uids, cached: a scan meets the same feature-set versions many times."""
    try:
        return Uid.parse(uid)
    except DomainError:
        return None


@lru_cache(maxsize=65_536)
def _parent(uid: str) -> str | None:
    parsed = _parse(uid)
    parent = parsed.parent if parsed is not None else None
    return parent.format() if parent is not None else None


@lru_cache(maxsize=65_536)
def _feature_of(version_uid: str, field: str) -> str:
    version = Uid.parse(version_uid)
    return Uid.of(Kind.FEATURE, version.namespace, version.name, version.version, field).format()


def environment_name(value: Any) -> str | None:
    """``dev`` for ``environment:global/dev`` (and for ``dev`` itself)."""
    if not isinstance(value, str) or not value:
        return None
    parsed = _parse(value)
    return parsed.name if parsed is not None else value


# --- schema --------------------------------------------------------------------------------


def schema_document(row: Mapping[str, Any]) -> Doc:
    """``{featureSetVersion: {uid, owner, features: [...]}}``.

    Features have no tags of their own: they carry their version's tags, so tagging a version
    ``pii`` tags every feature it defines. The query's feature maps (``{uid, name, dtype,
    description, derivedFrom: [{uid, classification}]}``, already by name and by uid) are the
    documents' own: only ``tags`` is added, and the orders are re-established by sorting (one
    pass over sorted input) rather than by rebuilding each map: a scan shapes ~70k features at
    100k. The row is not modified.
    """
    tags = [str(t) for t in row.get("tags") or []]
    features = []
    for feature in sorted(row.get("features") or [], key=_by_name):
        derived = feature["derivedFrom"]
        if len(derived) > 1:
            derived = sorted(derived, key=_by_uid)
        features.append({**feature, "tags": tags, "derivedFrom": derived})
    return {"featureSetVersion": {"uid": row["uid"], "owner": row.get("owner"), "features": features}}


def _by_name(feature: Mapping[str, Any]) -> str:
    return str(feature.get("name"))


def _by_uid(entry: Mapping[str, Any]) -> str:
    return str(entry["uid"])


# --- lineage -------------------------------------------------------------------------------


def _evaluations(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Evaluations newest first (then by uid, for a stable choice)."""
    evaluations = list(row.get("evaluations") or [])
    evaluations.sort(key=lambda e: str(e.get("uid")))
    evaluations.sort(key=lambda e: timestamp(e.get("at")) or "", reverse=True)
    return evaluations


def lineage_model_version(row: Mapping[str, Any]) -> Doc:
    """The ``modelVersion`` object of ``lineage_graph.lineage`` (and of ``promotion``)."""
    run = row.get("trainingRun")
    return {
        "uid": row["uid"],
        "randomSeed": row.get("randomSeed"),
        "hyperparameters": _json(row.get("hyperparametersJson")),
        "trainingScript": _json(row.get("trainingScriptJson")),
        "trainingRun": dict(run) if run else None,
        "features": sorted({str(c["feature"]) for c in row.get("consumes") or []}),
        "snapshots": sorted(str(s) for s in row.get("snapshots") or []),
        "evaluations": [
            {"uid": e.get("uid"), "baseline": {"uid": e["baseline"]} if e.get("baseline") else None}
            for e in _evaluations(row)
        ],
    }


def lineage_document(row: Mapping[str, Any]) -> Doc:
    return {"modelVersion": lineage_model_version(row)}


# --- deprecation ---------------------------------------------------------------------------


def feature_set_version_entry(row: Mapping[str, Any]) -> Doc:
    """A ``featureSetVersions[]`` entry of ``deprecation`` and ``promotion``."""
    return {
        "uid": row["uid"],
        "status": row.get("status") or "ACTIVE",
        "sunsetAt": timestamp(row.get("sunsetAt")),
        "replacement": row.get("replacement"),
    }


def consumed_versions(row: Mapping[str, Any]) -> list[str]:
    """The feature-set versions whose features a model version consumes."""
    return sorted({p for c in row.get("consumes") or [] if (p := _parent(str(c["feature"])))})


def deprecation_document(
    kind: str, uid: str, versions: Iterable[Mapping[str, Any]], now: str | None = None
) -> Doc:
    """``{consumer, featureSetVersions}`` (``now`` given once per batch unless passed here)."""
    doc: Doc = {
        "consumer": {"kind": kind, "uid": uid},
        "featureSetVersions": [feature_set_version_entry(v) for v in versions],
    }
    if now is not None:
        doc["now"] = now
    return doc


# --- promotion -----------------------------------------------------------------------------


def candidate_evaluation(row: Mapping[str, Any]) -> Doc | None:
    """The newest evaluation linked to a baseline, else the newest one."""
    evaluations = _evaluations(row)
    chosen = next((e for e in evaluations if e.get("baseline")), evaluations[0] if evaluations else None)
    if chosen is None:
        return None
    baseline = None
    if chosen.get("baseline"):
        baseline = {"uid": chosen["baseline"], "metrics": _json(chosen.get("baselineMetricsJson")) or {}}
    return {"uid": chosen.get("uid"), "metrics": _json(chosen.get("metricsJson")) or {}, "baseline": baseline}


def incompatible_inputs(
    consumes: Iterable[Mapping[str, Any]], serving: Iterable[Mapping[str, Any]]
) -> list[Doc]:
    """Model inputs the serving path cannot serve as trained: no version of the feature set,
    no such feature, or another dtype (a serving version that matches is enough)."""
    by_set: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for served in sorted(serving, key=lambda v: str(v["uid"])):
        parent = _parent(str(served["uid"]))
        if parent is not None:
            dtypes = {str(f.get("name")): f.get("dtype") for f in served.get("features") or []}
            by_set.setdefault(parent, []).append((str(served["uid"]), dtypes))
    problems: list[Doc] = []
    for binding in sorted(consumes, key=lambda c: (str(c.get("input")), str(c.get("feature")))):
        training = str(binding["feature"])
        feature = _parse(training)
        if feature is None:
            continue
        version = _parent(training)
        feature_set = _parent(version) if version is not None else None
        field = feature.field or ""
        candidates = by_set.get(feature_set or "", [])
        dtype = binding.get("dtype")
        if any(dtypes.get(field) == dtype for _, dtypes in candidates):
            continue
        problem: Doc = {"input": binding.get("input"), "trainingFeature": training}
        if not candidates:
            problem["reason"] = f"the serving path has no version of {feature_set or '?'}"
        else:
            serving_uid, dtypes = candidates[0]
            actual = dtypes.get(field)
            if actual is None:
                problem["reason"] = f"{serving_uid} has no feature {feature.field}"
            else:
                problem["servingFeature"] = _feature_of(serving_uid, field)
                problem["reason"] = f"dtype {dtype} became {actual}"
        problems.append(problem)
    return problems


def from_environment(
    target: str,
    order: Mapping[str, int],
    *,
    promoted_from: str | None = None,
    elsewhere: Iterable[str] = (),
) -> str | None:
    """Where a model version comes from when it enters ``target``.

    Promotion names it (the source deployment's environment). Otherwise: when the version
    already runs in ``target`` or beyond (a redeploy, a shadow, a canary), it has entered
    ``target`` before, so it comes from the environment just before ``target``; else from the
    furthest environment before ``target`` where it runs; else from nowhere (``None``: a
    first deployment, which must go to the first environment).
    """
    if promoted_from:
        return promoted_from
    position = order.get(target)
    if position is None:
        return None
    known = [e for e in set(elsewhere) if e in order]
    if any(order[e] >= position for e in known):
        before = [e for e in order if order[e] < position]
        return max(before, key=lambda e: (order[e], e)) if before else None
    lower = [e for e in known if order[e] < position]
    return max(lower, key=lambda e: (order[e], e)) if lower else None


def promotion_document(
    model_version: Mapping[str, Any],
    *,
    to_environment: str,
    from_env: str | None,
    order: Mapping[str, int],
    versions: Sequence[Mapping[str, Any]],
    now: str | None = None,
) -> Doc:
    """The promotion document of a model version (a ``model_version_inputs`` row) entering
    ``to_environment`` through the serving path ``versions`` (``feature_set_versions`` rows)."""
    doc: Doc = {
        "modelVersion": {
            **lineage_model_version(model_version),
            "riskTier": model_version.get("riskTier"),
            "createdBy": model_version.get("createdBy"),
        },
        "fromEnvironment": from_env,
        "toEnvironment": to_environment,
        "environmentOrder": dict(order),
        "evaluation": candidate_evaluation(model_version),
        "incompatibleInputs": incompatible_inputs(model_version.get("consumes") or [], versions),
        "approvals": sorted(
            (
                {"principal": a.get("principal"), "at": timestamp(a.get("at"))}
                for a in model_version.get("approvals") or []
            ),
            key=lambda a: (str(a["principal"]), str(a["at"])),
        ),
        "featureSetVersions": [feature_set_version_entry(v) for v in versions],
    }
    if now is not None:
        doc["now"] = now
    return doc


# --- targets -------------------------------------------------------------------------------


def targets_document(
    environment: str, deployment: str, target: str | None, versions: Iterable[Mapping[str, Any]]
) -> Doc:
    return {
        "environment": environment,
        "deployment": {"uid": deployment, "target": target},
        "featureSetVersions": [{"uid": v["uid"], "store": v.get("store")} for v in versions],
    }


# --- retention -----------------------------------------------------------------------------


def retention_subject(row: Mapping[str, Any]) -> Doc:
    """The ``subject`` of ``retention``: the classification, the snapshot's or source's own
    ``retentionDays`` and a snapshot's ``expiresAt`` pass through as stored; the policy compares
    instants (docs/policies.md), so nothing here rounds a window to whole days."""
    kind = "snapshot" if row.get("kind") == "DatasetSnapshot" else "source"
    subject: Doc = {
        "kind": kind,
        "uid": row["uid"],
        "classification": row.get("classification"),
        "createdAt": timestamp(moment(row.get("createdAt"))),
        "retiredAt": timestamp(row.get("retiredAt")),
    }
    if row.get("retentionDays") is not None:
        subject["retentionDays"] = row["retentionDays"]
    expires = moment(row.get("expiresAt"))
    if expires is not None:
        subject["expiresAt"] = timestamp(expires)
    return subject


def retention_document(row: Mapping[str, Any], now: str | None = None) -> Doc:
    doc: Doc = {"subject": retention_subject(row)}
    if now is not None:
        doc["now"] = now
    return doc


# --- authz ---------------------------------------------------------------------------------


def authz_document(principal: Principal, action: str, kind: str, uid: str, namespace: str) -> Doc:
    return {
        "principal": principal.to_input(),
        "action": action,
        "resource": {"kind": kind, "uid": uid, "namespace": namespace},
    }
