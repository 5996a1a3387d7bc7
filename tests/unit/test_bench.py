"""The benchmark's pure logic: the seeded generator's determinism and shape, and the harness's
statistics and scaling curve. No servers."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import pytest
from bench.generator import LINEAGE_EDGES, generate
from bench.harness import (
    Figure,
    cost,
    latency_figure,
    percentile,
    ratio,
    scaling,
    scaling_table,
    series,
    table,
    write_report,
)

from lineage_graph.domain import Uid

if TYPE_CHECKING:
    from pathlib import Path

    from bench.generator import Catalog


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate(2_000, seed=7)


def test_the_same_seed_gives_the_same_catalog(catalog: Catalog) -> None:
    again = generate(2_000, seed=7)
    assert again.tables() == catalog.tables()
    assert again.edges() == catalog.edges()
    assert again.hubs == catalog.hubs


def test_another_seed_gives_another_catalog(catalog: Catalog) -> None:
    assert generate(2_000, seed=8).tables() != catalog.tables()


@pytest.mark.parametrize("nodes", [1_000, 10_000])
def test_the_catalog_has_about_the_nodes_asked_for(nodes: int) -> None:
    assert 0.8 * nodes <= generate(nodes).node_count <= 1.2 * nodes


def test_uids_are_unique_and_canonical(catalog: Catalog) -> None:
    uids = [row["uid"] for rows in catalog.tables().values() for row in rows]
    assert len(uids) == len(set(uids))
    for uid in uids:
        if not uid.startswith("snapshot:"):
            assert Uid.parse(uid).format() == uid


def test_every_edge_joins_generated_nodes(catalog: Catalog) -> None:
    uids = {row["uid"] for rows in catalog.tables().values() for row in rows}
    for pairs in catalog.edges().values():
        for a, b in pairs:
            assert a in uids
            assert b in uids


def test_features_are_most_nodes_and_hubs_are_read_most(catalog: Catalog) -> None:
    assert 0.5 < len(catalog.features) / catalog.node_count < 0.8
    readers: dict[str, int] = {}
    for _, source in catalog.edges()["READS"]:
        readers[source] = readers.get(source, 0) + 1
    median = sorted(readers.values())[len(readers) // 2]
    assert all(readers[hub] > 3 * median for hub in catalog.hubs)


def test_downstream_walks_lineage_edges_with_minimal_distances(catalog: Catalog) -> None:
    hub = catalog.hubs[0]
    found = catalog.downstream(hub, 10)
    readers = {t for t, s in catalog.edges()["READS"] if s == hub}
    assert readers
    assert all(found[t] == 1 for t in readers)
    assert hub not in found
    assert all(1 <= d <= 10 for d in found.values())
    assert set(catalog.downstream(hub, 1).values()) == {1}
    assert len(catalog.downstream(hub, 2)) <= len(found)
    assert "VERSION_OF" not in LINEAGE_EDGES


def test_root_near_picks_the_subgraph_nearest_the_size(catalog: Catalog) -> None:
    root, size = catalog.root_near(100, 10)
    assert size == len(catalog.downstream(root, 10)) + 1
    graph = catalog.dependents()
    for hub in catalog.hubs:
        assert abs(size - 100) <= abs(len(catalog.downstream(hub, 10, graph)) + 1 - 100)


def test_prod_deployment_serves_the_largest_prod_model_version(catalog: Catalog) -> None:
    chosen = catalog.prod_deployment()
    inputs = {m["uid"]: len(m["inputs"]) for m in catalog.model_versions}
    prod = [d for d in catalog.deployments if d["environment"] == "prod"]
    best = max(inputs[d["modelVersion"]] for d in prod)
    assert next(d for d in prod if d["uid"] == chosen)["environment"] == "prod"
    assert inputs[next(d for d in prod if d["uid"] == chosen)["modelVersion"]] == best


def test_percentiles_pick_ranks() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) in {50.0, 51.0}
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([3.0], 0.95) == 3.0
    assert math.isnan(percentile([], 0.5))


def test_latency_figures_are_in_milliseconds() -> None:
    f = latency_figure("s", "m", "10k", [0.001, 0.002, 0.003, 0.004])
    assert f.unit == "ms"
    assert f.repetitions == 4
    assert f.max == pytest.approx(4.0)
    assert ratio([0.2, 0.2, 0.2], [0.1, 0.1, 0.1]) == pytest.approx(2.0)


def _latency(scale: str, p50: float, measure: str = "API call (1,024 nodes)") -> Figure:
    return Figure(scenario="s", measure=measure, scale=scale, unit="ms", repetitions=3, p50=p50)


def test_series_ignores_sizes_in_parentheses_but_keeps_words() -> None:
    assert series(_latency("10k", 1.0)) == series(_latency("100k", 1.0, "API call (1,009 nodes)"))
    assert series(_latency("10k", 1.0, "API lineage(DOWNSTREAM)")) == "s: API lineage(DOWNSTREAM)"


def test_scaling_reports_cost_factors_and_exponents() -> None:
    figures = [
        _latency("10k", 10.0),
        _latency("100k", 100.0),
        _latency("1m", 100.0),
        Figure(
            scenario="scan",
            measure="batched",
            scale="10k",
            unit="decisions/s",
            repetitions=1,
            throughput=1_000.0,
            notes={"decisions": 2_000},
        ),
        Figure(
            scenario="scan",
            measure="batched",
            scale="100k",
            unit="decisions/s",
            repetitions=1,
            throughput=500.0,
            notes={"decisions": 20_000},
        ),
        Figure(scenario="only", measure="once", scale="100k", unit="ms", repetitions=1, p50=1.0),
    ]
    growth = scaling(figures, {"10k": 10_000, "100k": 100_000, "1m": 1_000_000})
    by_key = {(g.series, g.from_scale): g for g in growth}
    assert set(by_key) == {("s: API call", "10k"), ("s: API call", "100k"), ("scan: batched", "10k")}
    linear = by_key["s: API call", "10k"]
    assert (linear.nodes_factor, linear.cost_factor, linear.exponent, linear.basis) == (
        10.0,
        10.0,
        1.0,
        "p50",
    )
    assert by_key["s: API call", "100k"].exponent == 0.0
    scan = by_key["scan: batched", "10k"]
    assert (scan.cost_factor, scan.work_factor, scan.basis) == (2.0, 10.0, "time per item")
    assert "10k → 100k" in scaling_table(growth)


def test_cost_is_p50_or_time_per_item() -> None:
    assert cost(_latency("10k", 12.0)) == 12.0
    tput = Figure(scenario="x", measure="y", scale="10k", unit="rows/s", repetitions=1, throughput=4.0)
    assert cost(tput) == 0.25
    assert cost(Figure(scenario="x", measure="y", scale="10k", unit="", repetitions=0)) is None


def test_table_and_report(tmp_path: Path) -> None:
    f = _latency("10k", 5.0)
    f.ratio_to_baseline, f.baseline, f.load_average = 1.5, "raw", [2.0, 1.0, 0.5]
    lines = table([f]).splitlines()
    assert len(lines) == 3
    assert "1.50\N{MULTIPLICATION SIGN} (raw)" in lines[2]
    assert lines[0].count("|") == lines[2].count("|")
    out = tmp_path / "r" / "latest.json"
    write_report([f], out, {"seed": 1})
    document = json.loads(out.read_text())
    assert document["seed"] == 1
    assert document["figures"][0]["p50"] == 5.0
    assert "machine" in document
