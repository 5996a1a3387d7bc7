"""A real Feast repository (local provider, a small parquet file): its OpenLineage, and ``import feast``.

Feast runs from its own virtual environment (installed from PyPI on first use, cached);
``feast apply`` and ``feast materialize`` send OpenLineage to a running lineage-graph API
through Feast's own ``openlineage`` configuration in ``feature_store.yaml``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from tests.integration.test_ingest_catalog import cli
from tests.integration.test_ingest_helpers import (
    FEAST_VERSION,
    FIXTURES,
    dump,
    edges,
    node,
    served,
    tool_venv,
)

if TYPE_CHECKING:
    from pathlib import Path

    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

PARQUET = """
import sys
from datetime import datetime, timedelta, timezone
import numpy as np, pandas as pd
now = datetime(2026, 1, 10, tzinfo=timezone.utc)
rows = [
    {"driver_id": d, "event_timestamp": now - timedelta(hours=h), "created": now - timedelta(hours=h),
     "conv_rate": np.float32(0.1 * h), "acc_rate": np.float32(0.5), "avg_daily_trips": 10 + h, "city": "Paris"}
    for d in (1001, 1002, 1003) for h in range(3)
]
pd.DataFrame(rows).to_parquet(sys.argv[1])
"""
HOURLY = "featureset:driver_ranking/driver_hourly_stats"


@pytest.fixture(scope="module")
def feast_venv() -> Path:
    return tool_venv("feast", FEAST_VERSION, "[openlineage,grpcio]")


def make_repo(venv: Path, where: Path, *, openlineage: bool) -> Path:
    repo = where / "feature_repo"
    shutil.copytree(FIXTURES / "feast_repo", repo)
    if not openlineage:
        yaml = (repo / "feature_store.yaml").read_text()
        (repo / "feature_store.yaml").write_text(yaml.split("openlineage:", 1)[0])
    (repo / "data").mkdir()
    subprocess.run(
        [str(venv / "bin" / "python"), "-c", PARQUET, "data/driver_stats.parquet"], cwd=repo, check=True
    )
    return repo


def feast(venv: Path, repo: Path, *args: str, url: str = "http://127.0.0.1:9") -> None:
    result = subprocess.run(
        [str(venv / "bin" / "feast"), *args],
        cwd=repo,
        env={**os.environ, "LINEAGE_GRAPH_URL": url},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def features(props: dict[str, object]) -> dict[str, str]:
    return {f["name"]: f["dtype"] for f in json.loads(str(props["featuresJson"]))}


async def test_feast_apply_and_materialize_emit_openlineage_into_feature_sets(
    feast_venv: Path, settings: Settings, graph: Graph, tmp_path: Path
) -> None:
    repo = make_repo(feast_venv, tmp_path, openlineage=True)
    with served(settings) as url:
        await asyncio.to_thread(feast, feast_venv, repo, "apply", url=url)
        await asyncio.to_thread(
            feast, feast_venv, repo, "materialize", "2026-01-09T00:00:00", "2026-01-11T00:00:00", url=url
        )
    version = await node(graph, f"{HOURLY}@1")
    assert features(version) == {"conv_rate": "FLOAT32", "acc_rate": "FLOAT32", "avg_daily_trips": "INT64"}
    assert version["contract"] == "1.0.0"
    assert features(await node(graph, "featureset:driver_ranking/driver_profile@1")) == {"city": "STRING"}
    hourly = await node(graph, HOURLY)
    assert (hourly["entities"], hourly["tags"]) == (["driver"], ["team=ranking"])
    service = await node(graph, "featureset:driver_ranking/driver_ranking_v1@1")
    assert list(features(service)) == ["conv_rate", "acc_rate", "city"]
    source = "source:driver_ranking/driver_hourly_stats_source"
    assert (await node(graph, source))["description"] == "Hourly statistics per driver."
    materialize = "transform:driver_ranking/materialize_driver_ranking"
    reads = {e["to"] for e in await edges(graph, materialize, "READS")}
    assert {f"{HOURLY}@1", "featureset:driver_ranking/driver_profile@1", source} <= reads
    runs = [e["from"] for e in await _incoming(graph, materialize, "RUN_OF")]
    assert len(runs) == 1
    assert (await node(graph, runs[0]))["state"] == "COMPLETE"
    online = "source:driver_ranking/online_store_driver_hourly_stats"
    assert materialize in {e["to"] for e in await edges(graph, online, "PRODUCED_BY")}


async def _incoming(graph: Graph, uid: str, rel: str) -> list[dict[str, object]]:
    from tests.cypher import cypher

    return await cypher(
        graph,
        "MATCH (a)-[r]->(b:Entity {uid: $uid}) WHERE type(r) = $rel RETURN a.uid AS from",
        {"uid": uid, "rel": rel},
    )


async def test_import_feast_repository_is_idempotent_and_versions_changes(
    feast_venv: Path, settings: Settings, graph: Graph, tmp_path: Path
) -> None:
    repo = make_repo(feast_venv, tmp_path, openlineage=False)
    python = str(feast_venv / "bin" / "python")
    await asyncio.to_thread(feast, feast_venv, repo, "apply")
    code, out, err = await cli(settings, "import", "feast", str(repo), "--feast-python", python)
    assert code == 0, err
    assert "imported 3 feature view(s) and service(s): 3 new version(s)" in out
    v1 = await node(graph, f"{HOURLY}@1")
    assert features(v1) == {"conv_rate": "FLOAT32", "acc_rate": "FLOAT32", "avg_daily_trips": "INT64"}
    assert v1["store"] == "feast-local"
    derived = {
        e["to"]
        for e in await edges(
            graph, f"{HOURLY.replace('featureset:', 'feature:')}@1#conv_rate", "DERIVED_FROM"
        )
    }
    assert derived == {"source:driver_ranking/driver_hourly_stats_source"}
    hourly = await node(graph, HOURLY)
    assert [e["to"] for e in await edges(graph, HOURLY, "OWNED_BY")] == [
        "principal:global/ranking-team%40example.com"
    ]
    assert hourly["description"] == "Hourly driver statistics."
    assert (
        "feast:feature_service" in (await node(graph, "featureset:driver_ranking/driver_ranking_v1"))["tags"]
    )

    before = await dump(graph)
    code, out, _ = await cli(settings, "import", "feast", str(repo), "--feast-python", python)
    assert code == 0
    assert "0 new version(s)" in out
    assert await dump(graph) == before

    definitions = repo / "features.py"
    text = definitions.read_text()
    added = text.replace(
        'Field(name="avg_daily_trips", dtype=Int64, tags={"unit": "trips"}),',
        'Field(name="avg_daily_trips", dtype=Int64, tags={"unit": "trips"}),\n'
        '        Field(name="rating", dtype=Float64),',
    ).replace(
        "from feast.types import Float32, Int64, String",
        "from feast.types import Float32, Float64, Int64, String",
    )
    definitions.write_text(added)
    await asyncio.to_thread(feast, feast_venv, repo, "apply")
    code, out, err = await cli(settings, "import", "feast", str(repo), "--feast-python", python)
    assert code == 0, err
    v2 = await node(graph, f"{HOURLY}@2")
    assert (v2["contract"], v2["bump"]) == ("1.1.0", "MINOR")
    assert features(v2)["rating"] == "FLOAT64"

    definitions.write_text(
        added.replace('dtype=Int64, tags={"unit": "trips"}', 'dtype=Float64, tags={"unit": "trips"}')
    )
    await asyncio.to_thread(feast, feast_venv, repo, "apply")
    code, out, err = await cli(settings, "import", "feast", str(repo), "--feast-python", python)
    assert code == 0, err
    v3 = await node(graph, f"{HOURLY}@3")
    assert (v3["contract"], v3["bump"]) == ("2.0.0", "MAJOR")
    assert [e["to"] for e in await edges(graph, v3["uid"], "SUPERSEDES")] == [v2["uid"]]

    dump_file = tmp_path / "registry.json"
    dump_file.write_text(
        json.dumps(
            {
                "registry": {
                    "project": "p",
                    "featureViews": [{"spec": {"name": "v", "features": [{"name": "1bad"}]}}],
                }
            }
        )
    )
    code, _, err = await cli(settings, "import", "feast", str(dump_file))
    assert code == 1
    assert err.startswith("error: the registry of p holds something lineage-graph cannot map")
