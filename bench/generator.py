"""A seeded generator of realistic ML catalogs.

Shape (per DOMAIN.md, edges point from the dependent to what it depends on): sources ←
transforms ← feature-set versions ← features ← model versions ← deployments, with training
runs, snapshots and evaluations. Fan-in is skewed: a few hub sources are read by a large
share of transforms (as a company's core `orders` table is), and model versions consume
features from several feature sets. The same seed always yields the same catalog.

How a feature-set version records what it is computed from is its lineage shape (`SHAPES`):
a producing job whose features derive from some of the job's inputs (the default), a producing
job only, version-level `sources` only, or column-level `derivedFrom` only. Whatever the shape,
the version is `DERIVED_FROM` every source it names or its features derive from, as `publish`
writes it (docs/adr/0008-feature-set-versions-in-lineage.md).
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lineage_graph.domain import Kind, Uid
from lineage_graph.services.lineage.walks import LINEAGE_TYPES

Row = dict[str, Any]

DTYPES = ("INT64", "FLOAT64", "FLOAT32", "STRING", "BOOL", "TIMESTAMP")
CLASSIFICATIONS = ("PUBLIC", "INTERNAL", "INTERNAL", "CONFIDENTIAL", "PII")
ENVIRONMENTS = ("dev", "staging", "prod")

SHAPES = ("job+columns", "job", "sources", "columns")
"""Lineage shapes of a feature-set version: producing job (+ column lineage), `sources`, `derivedFrom`."""

SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}

# The edge types a lineage walk follows (cypher/lineage/downstream.cypher), dependent → dependency.
LINEAGE_EDGES = frozenset(LINEAGE_TYPES)


@dataclass
class Catalog:
    seed: int
    sources: list[Row] = field(default_factory=list)
    transforms: list[Row] = field(default_factory=list)
    feature_sets: list[Row] = field(default_factory=list)
    feature_set_versions: list[Row] = field(default_factory=list)
    features: list[Row] = field(default_factory=list)
    snapshots: list[Row] = field(default_factory=list)
    models: list[Row] = field(default_factory=list)
    model_versions: list[Row] = field(default_factory=list)
    training_runs: list[Row] = field(default_factory=list)
    evaluations: list[Row] = field(default_factory=list)
    deployments: list[Row] = field(default_factory=list)
    hubs: list[str] = field(default_factory=list)

    @property
    def node_count(self) -> int:
        return sum(len(rows) for rows in self.tables().values())

    @property
    def edge_count(self) -> int:
        return sum(len(edges) for edges in self.edges().values())

    def tables(self) -> dict[str, list[Row]]:
        return {
            "sources": self.sources,
            "transforms": self.transforms,
            "feature_sets": self.feature_sets,
            "feature_set_versions": self.feature_set_versions,
            "features": self.features,
            "snapshots": self.snapshots,
            "models": self.models,
            "model_versions": self.model_versions,
            "training_runs": self.training_runs,
            "evaluations": self.evaluations,
            "deployments": self.deployments,
        }

    def edges(self) -> dict[str, list[tuple[str, str]]]:
        """Every edge as (from uid, to uid), by relationship type."""
        out: dict[str, list[tuple[str, str]]] = {
            "READS": [],
            "PRODUCED_BY": [],
            "VERSION_OF": [],
            "SUPERSEDES": [],
            "DEFINED_IN": [],
            "DERIVED_FROM": [],
            "SNAPSHOT_OF": [],
            "USES": [],
            "CONSUMES": [],
            "SERVES": [],
            "SERVES_FROM": [],
            "EVALUATES": [],
        }
        for t in self.transforms:
            out["READS"] += [(t["uid"], s) for s in t["reads"]]
        derived: dict[str, set[str]] = {}
        for f in self.features:
            derived.setdefault(f["version"], set()).update(f["derivedFrom"])
        for v in self.feature_set_versions:
            if v["producedBy"]:
                out["PRODUCED_BY"].append((v["uid"], v["producedBy"]))
            computed_from = set(v["sources"] or ()) | derived.get(v["uid"], set())
            out["DERIVED_FROM"] += [(v["uid"], s) for s in sorted(computed_from)]
            out["VERSION_OF"].append((v["uid"], v["featureSet"]))
            if v["supersedes"]:
                out["SUPERSEDES"].append((v["uid"], v["supersedes"]))
        for f in self.features:
            out["DEFINED_IN"].append((f["uid"], f["version"]))
            out["DERIVED_FROM"] += [(f["uid"], s) for s in f["derivedFrom"]]
        for s in self.snapshots:
            out["SNAPSHOT_OF"].append((s["uid"], s["source"]))
        for r in self.training_runs:
            out["USES"] += [(r["uid"], f) for f in r["features"]]
            out["READS"] += [(r["uid"], s) for s in r["snapshots"]]
        for m in self.model_versions:
            out["VERSION_OF"].append((m["uid"], m["model"]))
            out["PRODUCED_BY"].append((m["uid"], m["trainingRun"]))
            out["CONSUMES"] += [(m["uid"], b["feature"]) for b in m["inputs"]]
            if m["supersedes"]:
                out["SUPERSEDES"].append((m["uid"], m["supersedes"]))
        for e in self.evaluations:
            out["EVALUATES"].append((e["uid"], e["modelVersion"]))
        for d in self.deployments:
            out["SERVES"].append((d["uid"], d["modelVersion"]))
            out["SERVES_FROM"] += [(d["uid"], v) for v in d["servesFrom"]]
        return out

    def dependents(self) -> dict[str, list[str]]:
        """For each uid, the nodes with a lineage edge to it (what depends on it directly)."""
        out: dict[str, list[str]] = {}
        for rel_type, pairs in self.edges().items():
            if rel_type in LINEAGE_EDGES:
                for dependent, dependency in pairs:
                    out.setdefault(dependency, []).append(dependent)
        return out

    def downstream(
        self, uid: str, depth: int, dependents: dict[str, list[str]] | None = None
    ) -> dict[str, int]:
        """Every node depending on ``uid`` within ``depth`` lineage edges, with its distance (the
        root excluded): what ``lineage(direction: DOWNSTREAM)`` returns, computed without Neo4j."""
        graph = dependents if dependents is not None else self.dependents()
        seen = {uid: 0}
        queue = deque([uid])
        while queue:
            node = queue.popleft()
            if seen[node] >= depth:
                continue
            for nxt in graph.get(node, ()):
                if nxt not in seen:
                    seen[nxt] = seen[node] + 1
                    queue.append(nxt)
        del seen[uid]
        return seen

    def root_near(self, size: int, depth: int, candidates: int = 200) -> tuple[str, int]:
        """The source (hubs first, then the first ``candidates`` others) whose downstream subgraph
        within ``depth`` is nearest ``size`` nodes, root included; ties go to the earlier one."""
        graph = self.dependents()
        pool = list(dict.fromkeys([*self.hubs, *(s["uid"] for s in self.sources[:candidates])]))
        sized = [(uid, len(self.downstream(uid, depth, graph)) + 1) for uid in pool]
        return min(sized, key=lambda item: abs(item[1] - size))

    def prod_deployment(self) -> str:
        """The prod deployment whose model version has the most inputs (the largest manifest)."""
        inputs = {m["uid"]: len(m["inputs"]) for m in self.model_versions}
        prod = [d for d in self.deployments if d["environment"] == "prod"]
        return max(prod, key=lambda d: (inputs[d["modelVersion"]], d["uid"]))["uid"]


def _uid(
    kind: Kind, namespace: str, name: str, version: int | str | None = None, field_: str | None = None
) -> str:
    return str(Uid.of(kind, namespace, name, version, field_))


def generate(nodes: int, seed: int = 42, shapes: tuple[str, ...] = SHAPES[:1]) -> Catalog:
    """A catalog of about ``nodes`` nodes; features are ~70% of them (each feature-set version
    repeats its schema's features). Feature set ``i`` records its lineage in shape
    ``shapes[i % len(shapes)]`` (`SHAPES`); the random draws do not depend on the shapes."""
    unknown = set(shapes) - set(SHAPES)
    if not shapes or unknown:
        msg = f"shapes must be some of {SHAPES}, not {sorted(unknown) or 'none'}"
        raise ValueError(msg)
    rng = random.Random(seed)
    cat = Catalog(seed=seed)
    unit = max(nodes // 82, 1)
    teams = [f"team{i}" for i in range(max(unit // 4, 2))]
    n_sources, n_transforms, n_sets = 3 * unit, 3 * unit, 2 * unit

    for i in range(n_sources):
        ns = f"postgres://wh{i % 7}.corp:5432"
        name = f"db{i % 11}.public.table_{i}"
        cat.sources.append(
            {
                "uid": _uid(Kind.SOURCE, ns, name),
                "namespace": ns,
                "name": name,
                "classification": rng.choice(CLASSIFICATIONS),
                "platform": "postgres",
                "retentionDays": rng.choice((30, 90, 365, 730)),
            }
        )
    source_uids = [s["uid"] for s in cat.sources]
    cat.hubs = source_uids[: max(3, n_sources // 200)]

    for i in range(n_transforms):
        ns, name = f"airflow://etl{i % 3}", f"dag_{i}.task"
        reads = set(rng.sample(source_uids, k=min(len(source_uids), rng.randint(1, 4))))
        if rng.random() < 0.25:
            reads.add(rng.choice(cat.hubs))
        cat.transforms.append(
            {
                "uid": _uid(Kind.TRANSFORM, ns, name),
                "namespace": ns,
                "name": name,
                "type": rng.choice(("SQL", "SPARK", "PYTHON", "DBT")),
                "reads": sorted(reads),
            }
        )

    for i in range(n_sets):
        ns, name = f"team{i % len(teams)}", f"feature_set_{i}"
        set_uid = _uid(Kind.FEATURE_SET, ns, name)
        cat.feature_sets.append({"uid": set_uid, "namespace": ns, "name": name, "owner": f"team:{ns}/{ns}"})
        transform = rng.choice(cat.transforms)
        shape = shapes[i % len(shapes)]
        n_features = rng.randint(6, 14)
        schema = [(f"f{j}", rng.choice(DTYPES)) for j in range(n_features)]
        previous: str | None = None
        for version in range(1, rng.choice((2, 3, 3)) + 1):
            if version > 1:
                schema = [*schema, (f"f{len(schema)}", rng.choice(DTYPES))]
            v_uid = _uid(Kind.FEATURE_SET_VERSION, ns, name, version)
            cat.feature_set_versions.append(
                {
                    "uid": v_uid,
                    "featureSet": set_uid,
                    "namespace": ns,
                    "name": name,
                    "version": version,
                    "contract": f"1.{version - 1}.0",
                    "producedBy": transform["uid"] if shape.startswith("job") else None,
                    "sources": transform["reads"] if shape == "sources" else None,
                    "supersedes": previous,
                    "features": [{"name": f, "dtype": d} for f, d in schema],
                }
            )
            for f, d in schema:
                derived = rng.sample(transform["reads"], k=min(len(transform["reads"]), rng.randint(1, 2)))
                if shape == "job":
                    derived = []
                elif shape == "sources":
                    derived = list(transform["reads"])  # what publish writes for a feature without its own
                cat.features.append(
                    {
                        "uid": _uid(Kind.FEATURE, ns, name, version, f),
                        "version": v_uid,
                        "namespace": ns,
                        "name": f,
                        "dtype": d,
                        "derivedFrom": derived,
                    }
                )
            previous = v_uid

    versions_by_set: dict[str, list[Row]] = {}
    for v in cat.feature_set_versions:
        versions_by_set.setdefault(v["featureSet"], []).append(v)
    latest_versions = [vs[-1] for vs in versions_by_set.values()]

    n_models = max(unit * 3 // 4, 1)
    for i in range(n_models):
        ns, name = f"team{i % len(teams)}", f"model_{i}"
        model_uid = _uid(Kind.MODEL, ns, name)
        cat.models.append(
            {
                "uid": model_uid,
                "namespace": ns,
                "name": name,
                "riskTier": rng.choice(("LOW", "MEDIUM", "HIGH")),
            }
        )
        previous = None
        for version in range(1, rng.randint(2, 4) + 1):
            chosen = rng.sample(latest_versions, k=min(len(latest_versions), rng.randint(2, 4)))
            inputs = []
            for fsv in chosen:
                for feat in rng.sample(fsv["features"], k=min(6, len(fsv["features"]))):
                    inputs.append(
                        {
                            "input": f"{fsv['name']}__{feat['name']}",
                            "feature": f"{fsv['uid'].replace('featureset:', 'feature:', 1)}#{feat['name']}",
                        }
                    )
            snapshot_source = rng.choice(source_uids)
            snapshot_uid = f"{snapshot_source.replace('source:', 'snapshot:', 1)}@{ns}-{name}-{version}"
            cat.snapshots.append(
                {"uid": snapshot_uid, "source": snapshot_source, "version": f"{ns}-{name}-{version}"}
            )
            run_uid = _uid(Kind.TRAINING_RUN, ns, name, f"run-{version}")
            cat.training_runs.append(
                {
                    "uid": run_uid,
                    "namespace": ns,
                    "name": name,
                    "runId": f"run-{version}",
                    "seed": rng.randint(0, 2**31),
                    "features": [b["feature"] for b in inputs],
                    "snapshots": [snapshot_uid],
                }
            )
            mv_uid = _uid(Kind.MODEL_VERSION, ns, name, version)
            cat.model_versions.append(
                {
                    "uid": mv_uid,
                    "model": model_uid,
                    "namespace": ns,
                    "name": name,
                    "version": version,
                    "trainingRun": run_uid,
                    "supersedes": previous,
                    "inputs": inputs,
                    "servesFrom": sorted({fsv["uid"] for fsv in chosen}),
                }
            )
            cat.evaluations.append(
                {
                    "uid": _uid(Kind.EVALUATION, ns, f"{name}-v{version}"),
                    "namespace": ns,
                    "name": f"{name}-v{version}",
                    "modelVersion": mv_uid,
                    "auc": round(rng.uniform(0.6, 0.95), 4),
                }
            )
            previous = mv_uid
        latest = cat.model_versions[-1]
        for env in ENVIRONMENTS[: rng.randint(1, 3)]:
            dep_name = f"{name}-{env}"
            cat.deployments.append(
                {
                    "uid": _uid(Kind.DEPLOYMENT, ns, dep_name),
                    "namespace": ns,
                    "name": dep_name,
                    "environment": env,
                    "modelVersion": latest["uid"],
                    "servesFrom": latest["servesFrom"],
                }
            )
    return cat
