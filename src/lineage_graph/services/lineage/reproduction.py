"""Reproduction manifests: what exactly went into a model version (or the one a deployment serves).

One round trip (``lineage/reproduction``) gathers the training run, seed, hyperparameters and
script, each input's exact feature with its feature-set version and the job producing it (with
that job's code), the dataset snapshots the run read, and the evaluations with their baselines.
``complete`` says whether anything is missing and ``missing`` says what. The ``LINEAGE_*`` codes
are the `lineage_graph.lineage` policy's own, checked the same way (`policy_input` builds the
document that policy reads, so both always agree); ``REPRODUCTION_*`` codes add what the policy
does not look at: the code of the jobs producing the feature versions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import CodeRef, Kind, Uid
from lineage_graph.domain.reproduction import (
    MissingItem,
    ReproductionDataset,
    ReproductionDeployment,
    ReproductionEvaluation,
    ReproductionFeatureVersion,
    ReproductionInput,
    ReproductionJob,
    ReproductionManifest,
    ReproductionRun,
)
from lineage_graph.graph.codec import decode
from lineage_graph.services.errors import NotFound

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lineage_graph.graph import Graph

PINNED_COMMIT: Final = re.compile(r"^[0-9a-f]{7,64}$")


def _code_ref(value: Any) -> CodeRef | None:
    """A stored code pointer, read as leniently as before validation existed (repo and commit)."""
    if not isinstance(value, dict) or not value.get("repo") or not value.get("commit"):
        return None
    return CodeRef.model_construct(
        repo=str(value["repo"]), commit=str(value["commit"]), path=value.get("path")
    )


def _missing(m: ReproductionManifest) -> list[MissingItem]:
    out: list[MissingItem] = []
    uid = m.model_version

    def add(code: str, item: str, message: str) -> None:
        out.append(MissingItem(code=code, item=item, message=message))

    if m.training_run is None:
        add("LINEAGE_MISSING_TRAINING_RUN", "trainingRun", f"{uid} has no recorded training run.")
    if m.seed is None:
        add("LINEAGE_MISSING_SEED", "seed", f"{uid} has no recorded random seed.")
    if m.training_script is None:
        add(
            "LINEAGE_MISSING_CODE_REF",
            "trainingScript",
            f"{uid} does not record its training script as repo and commit.",
        )
    elif not PINNED_COMMIT.match(m.training_script.commit):
        add(
            "LINEAGE_CODE_REF_NOT_PINNED",
            "trainingScript",
            f"The training script of {uid} is not pinned to a commit hash.",
        )
    if not m.hyperparameters:
        add("LINEAGE_MISSING_HYPERPARAMETERS", "hyperparameters", f"{uid} has no recorded hyperparameters.")
    if not m.inputs:
        add("LINEAGE_MISSING_FEATURE_INPUTS", "inputs", f"{uid} consumes no feature.")
    if not m.datasets:
        add("LINEAGE_MISSING_SNAPSHOT", "datasets", f"{uid} has no recorded training dataset snapshot.")
    if not m.evaluations:
        add("LINEAGE_MISSING_EVALUATION", "evaluations", f"{uid} has no evaluation.")
    elif not any(e.baseline for e in m.evaluations):
        add("LINEAGE_MISSING_BASELINE", "evaluations", f"No evaluation of {uid} is linked to a baseline.")
    for v in m.feature_set_versions:
        if v.job is None:
            add(
                "REPRODUCTION_MISSING_TRANSFORM", v.uid, f"{v.uid} records no job producing it (PRODUCED_BY)."
            )
        elif not v.job.has_code:
            add(
                "REPRODUCTION_MISSING_TRANSFORM_CODE",
                v.uid,
                f"{v.job.uid}, producing {v.uid}, records no code (codeRef or sql).",
            )
    return out


def _job(producer: Mapping[str, Any] | None, transform: Mapping[str, Any] | None) -> ReproductionJob | None:
    if producer is None:
        return None
    own = decode(producer)
    parent = decode(transform) if transform is not None else {}
    code = _code_ref(own.get("codeRef")) or _code_ref(parent.get("codeRef"))
    return ReproductionJob(
        uid=str(own["uid"]),
        kind=str(own.get("kind")),
        type=own.get("type") or parent.get("type"),
        code_ref=code,
        sql=own.get("sql") or parent.get("sql"),
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


class ReproductionService:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    async def manifest(self, uid: str) -> ReproductionManifest:
        subject = Uid.parse(uid, expect=(Kind.MODEL_VERSION, Kind.DEPLOYMENT)).format()
        rows = await self.graph.read("lineage/reproduction", {"uid": subject})
        if not rows:
            raise NotFound([subject])
        row = rows[0]
        if row["modelVersion"] is None:
            raise NotFound([subject], "model version served by")
        mv = decode(row["modelVersion"])
        run_props = decode(row["run"]) if row["run"] is not None else None
        run = (
            ReproductionRun(
                uid=str(run_props["uid"]),
                run_id=run_props.get("runId"),
                seed=_int(run_props.get("seed")),
                params=_dict(run_props.get("params")),
                external_ref=run_props.get("externalRef"),
                started_at=run_props.get("startedAt"),
                ended_at=run_props.get("endedAt"),
            )
            if run_props is not None
            else None
        )
        versions: dict[str, ReproductionFeatureVersion] = {}
        inputs: list[ReproductionInput] = []
        for item in row["inputs"]:
            version = decode(item["version"]) if item["version"] is not None else None
            version_uid = str(version["uid"]) if version else None
            if version is not None and version_uid is not None and version_uid not in versions:
                versions[version_uid] = ReproductionFeatureVersion(
                    uid=version_uid,
                    contract=version.get("contract"),
                    status=version.get("status"),
                    job=_job(item["producer"], item["transform"]),
                )
            inputs.append(
                ReproductionInput(
                    input=str(item["input"]),
                    feature=str(item["feature"]),
                    dtype=item["dtype"],
                    feature_set_version=version_uid,
                )
            )
        datasets = [
            ReproductionDataset(
                uid=str(s["uid"]),
                source=item["source"],
                version=s.get("version"),
                content_hash=s.get("contentHash"),
                row_count=_int(s.get("rowCount")),
            )
            for item in row["snapshots"]
            if (s := decode(item["snapshot"]))
        ]
        evaluations = []
        for item in row["evaluations"]:
            e = decode(item["evaluation"])
            b = decode(item["baseline"]) if item["baseline"] is not None else None
            evaluations.append(
                ReproductionEvaluation(
                    uid=str(e["uid"]),
                    metrics=_dict(e.get("metrics")),
                    dataset=item["dataset"],
                    baseline=str(b["uid"]) if b else None,
                    baseline_metrics=_dict(b.get("metrics")) if b else None,
                )
            )
        subject_props = decode(row["subject"])
        deployment = None
        if subject_props.get("kind") == Kind.DEPLOYMENT.value:
            environment = row["environments"][0] if row["environments"] else subject_props.get("environment")
            deployment = ReproductionDeployment(
                uid=subject, environment=environment, serves_from=list(row["servesFrom"])
            )
        script = mv.get("trainingScript")
        seed = _int(mv.get("randomSeed"))
        manifest = ReproductionManifest(
            subject=subject,
            subject_kind=str(subject_props.get("kind")),
            model_version=str(mv["uid"]),
            artifact_uri=mv.get("artifactUri"),
            framework=mv.get("framework"),
            hyperparameters=_dict(mv.get("hyperparameters")),
            seed=seed if seed is not None else (run.seed if run else None),
            training_script=_code_ref(script),
            training_run=run,
            inputs=inputs,
            feature_set_versions=sorted(versions.values(), key=lambda v: v.uid),
            datasets=datasets,
            evaluations=evaluations,
            deployment=deployment,
            training_script_raw=script,
        )
        return manifest.model_copy(update={"missing": _missing(manifest)})
