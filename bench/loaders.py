"""Write a generated catalog straight into Neo4j with raw batched Cypher (baselines)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from lineage_graph.domain import Kind

if TYPE_CHECKING:
    from bench.generator import Catalog, Row
    from lineage_graph.graph import Graph

BATCH = 5_000

_LABELS = {
    "sources": Kind.SOURCE,
    "transforms": Kind.TRANSFORM,
    "feature_sets": Kind.FEATURE_SET,
    "feature_set_versions": Kind.FEATURE_SET_VERSION,
    "features": Kind.FEATURE,
    "snapshots": Kind.SNAPSHOT,
    "models": Kind.MODEL,
    "model_versions": Kind.MODEL_VERSION,
    "training_runs": Kind.TRAINING_RUN,
    "evaluations": Kind.EVALUATION,
    "deployments": Kind.DEPLOYMENT,
}
_SKIP = {"uid", "namespace", "name"}


def _scalar(value: Any) -> Any:
    if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
        return json.dumps(value, sort_keys=True)
    return value


def node_rows(rows: list[Row]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        props = {k: _scalar(v) for k, v in row.items() if k not in _SKIP and v is not None}
        out.append(
            {
                "uid": row["uid"],
                "namespace": row.get("namespace", ""),
                "name": row.get("name", row["uid"]),
                "props": props,
            }
        )
    return out


async def load_raw(graph: Graph, catalog: Catalog, batch: int = BATCH) -> tuple[int, int]:
    """Every node then every edge, ``batch`` rows per transaction; returns (nodes, edges)."""
    nodes = edges = 0
    for table, rows in catalog.tables().items():
        label = _LABELS[table].value
        converted = node_rows(rows)
        for i in range(0, len(converted), batch):
            result = await graph.write("bench/load_nodes", {"label": label, "rows": converted[i : i + batch]})
            nodes += int(result[0]["count"])
    for rel_type, pairs in catalog.edges().items():
        rows_ = [{"from": a, "to": b} for a, b in pairs]
        for i in range(0, len(rows_), batch):
            result = await graph.write("bench/load_edges", {"type": rel_type, "rows": rows_[i : i + batch]})
            edges += int(result[0]["count"])
    return nodes, edges
