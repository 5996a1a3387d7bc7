"""Write a generated catalog straight into Neo4j with raw batched Cypher (baselines).

The rows go through the product's own statements (`cypher/catalog/upsert_nodes` and
`cypher/catalog/merge_edges`) without the service layer: no validation, no reads, no audit
events. So a baseline writes exactly the nodes and edges the API would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lineage_graph.domain import Kind

if TYPE_CHECKING:
    from bench.generator import Catalog, Row
    from lineage_graph.graph import Graph

BATCH = 5_000
ACTOR = "bench"

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
_SKIP = {"uid"}


def _scalar(value: Any) -> Any:
    if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
        return json.dumps(value, sort_keys=True)
    return value


def node_rows(rows: list[Row], kind: Kind) -> list[dict[str, Any]]:
    """`catalog/upsert_nodes` rows ``{uid, kind, props}`` for generated rows of one kind."""
    out = []
    for row in rows:
        props = {k: _scalar(v) for k, v in row.items() if k not in _SKIP and v is not None}
        props.setdefault("namespace", "")
        props.setdefault("name", row["uid"])
        out.append({"uid": row["uid"], "kind": kind.value, "props": props})
    return out


async def load_raw(graph: Graph, catalog: Catalog, batch: int = BATCH) -> tuple[int, int]:
    """Every node then every edge, ``batch`` rows per transaction; returns (nodes, edges)."""
    nodes = edges = 0
    now = datetime.now(UTC)
    for table, rows in catalog.tables().items():
        converted = node_rows(rows, _LABELS[table])
        for i in range(0, len(converted), batch):
            params = {"rows": converted[i : i + batch], "now": now, "actor": ACTOR, "seq": None, "head": None}
            result = await graph.write("catalog/upsert_nodes", params)
            nodes += int(result[0]["written"])
    for rel_type, pairs in catalog.edges().items():
        rows_ = [{"from": a, "to": b, "type": rel_type, "props": {}} for a, b in pairs]
        for i in range(0, len(rows_), batch):
            result = await graph.write("catalog/merge_edges", {"rows": rows_[i : i + batch], "now": now})
            edges += int(result[0]["created"])
    return nodes, edges
