"""The demo catalog that `make up` loads: a credit-risk and fraud example."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lineage_graph.graph import Graph

ENVIRONMENTS = (
    ("dev", 1, ["k8s-dev"], "Development: any engineer may deploy."),
    ("staging", 2, ["k8s-staging"], "Pre-production: shadow traffic and load tests."),
    ("prod", 3, ["k8s-prod", "sagemaker-prod"], "Production: gated by promotion policies."),
)


async def load(graph: Graph) -> int:
    rows = [
        {
            "uid": f"environment:global/{name}",
            "namespace": "global",
            "name": name,
            "order": order,
            "approvedTargets": targets,
            "description": description,
        }
        for name, order, targets, description in ENVIRONMENTS
    ]
    result = await graph.write("catalog/upsert_environments", {"rows": rows})
    return int(result[0]["count"])
