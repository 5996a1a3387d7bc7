"""Pure parts of lineage: path counting against networkx, answer assembly, the CLI trees."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import networkx as nx
import pytest

from lineage_graph import resources
from lineage_graph.cli.lineage import impact_tree, lineage_tree, render
from lineage_graph.domain import InvalidInput
from lineage_graph.services.lineage.impact import (
    PATH_ENUMERATION_BUDGET,
    Affected,
    EnvironmentImpact,
    Impact,
    KindCount,
    OwnerImpact,
    PathIndex,
    count_paths,
)
from lineage_graph.services.lineage.walks import (
    Budget,
    Direction,
    LineageEdge,
    Truncation,
    Walk,
    assemble,
    check_deadline,
    check_depth,
)


def reference(dg: nx.DiGraph, root: str, depth: int) -> dict[str, int]:
    counts = {
        t: sum(1 for _ in nx.all_simple_paths(dg, root, t, cutoff=depth)) for t in dg.nodes if t != root
    }
    return {t: c for t, c in counts.items() if c}


@pytest.mark.parametrize("acyclic", [True, False])
def test_path_counts_match_networkx(acyclic: bool) -> None:
    for trial in range(60):
        rng = random.Random(trial)
        dg = nx.gnp_random_graph(rng.randint(3, 11), 0.35, seed=trial, directed=True)
        if acyclic:
            dg = nx.DiGraph([(a, b) for a, b in dg.edges if a < b])
        dg = nx.relabel_nodes(dg, str)
        dg.add_node("0")
        for depth in (1, 2, 4, 20):
            counted = count_paths("0", list(dg.edges), depth)
            assert counted.exact
            assert {k: v for k, v in counted.counts.items() if v} == reference(dg, "0", depth)


def test_path_counting_on_a_dense_cycle_stops_at_its_budget() -> None:
    dg = nx.complete_graph(12, create_using=nx.DiGraph)
    counted = count_paths("0", [(str(a), str(b)) for a, b in dg.edges], 20)
    assert not counted.exact
    assert sum(counted.counts.values()) == PATH_ENUMERATION_BUDGET


def test_long_diamond_chains_count_exactly_without_enumerating() -> None:
    edges = []
    for i in range(60):
        edges += [(f"d{i}", f"l{i}"), (f"d{i}", f"r{i}"), (f"l{i}", f"d{i + 1}"), (f"r{i}", f"d{i + 1}")]
    counted = count_paths("d0", edges, 200)
    assert counted.exact
    assert counted.counts["d60"] == 2**60
    assert count_paths("d0", edges, 4).counts.get("d3") is None
    assert count_paths("d0", edges, 4).counts["d2"] == 4


@pytest.mark.parametrize("depth", [0, 21, True])
def test_depth_bounds(depth: int) -> None:
    with pytest.raises(InvalidInput):
        check_depth(depth)


def test_deadline_bounds() -> None:
    assert check_deadline(None) == 10.0
    with pytest.raises(InvalidInput):
        check_deadline(0)
    with pytest.raises(InvalidInput):
        check_deadline(31)
    ticks = iter([0.0, 1.0, 2.5])
    budget = Budget(2.0, lambda: next(ticks))
    assert budget.remaining() == 1.0
    assert budget.expired()


def test_both_directions_merge_into_one_answer() -> None:
    up = Walk(
        "Transform", {"a": 1, "c": 2}, {"a": "DataSource", "c": "Transform"}, [LineageEdge("r", "READS", "a")]
    )
    down = Walk(
        "Transform",
        {"b": 1, "c": 1},
        {"b": "FeatureSetVersion", "c": "Transform"},
        [LineageEdge("b", "PRODUCED_BY", "r")],
        Truncation.DEADLINE,
    )
    answer = assemble(
        "r", Direction.BOTH, 3, None, {Direction.UPSTREAM: up, Direction.DOWNSTREAM: down}, None
    )
    assert [(n.uid, n.distance, n.direction) for n in answer.nodes] == [
        ("r", 0, None),
        ("a", 1, Direction.UPSTREAM),
        ("b", 1, Direction.DOWNSTREAM),
        ("c", 1, Direction.BOTH),
    ]
    assert answer.truncated
    assert answer.truncation is Truncation.DEADLINE
    only = assemble(
        "r", Direction.BOTH, 3, None, {Direction.UPSTREAM: up, Direction.DOWNSTREAM: down}, {"DataSource"}
    )
    assert [n.uid for n in only.nodes] == ["r", "a"]
    assert [(e.source, e.target) for e in only.edges] == [("r", "a")]


def test_the_cli_trees() -> None:
    up = Walk(
        "ModelVersion",
        {"f": 1, "v": 2},
        {"f": "Feature", "v": "FeatureSetVersion"},
        [
            LineageEdge("m", "CONSUMES", "f"),
            LineageEdge("f", "DEFINED_IN", "v"),
        ],
    )
    answer = assemble(
        "m", Direction.UPSTREAM, 5, datetime(2026, 1, 1, tzinfo=UTC), {Direction.UPSTREAM: up}, None
    )
    text = render(lineage_tree(answer))
    assert text.splitlines() == [
        "ModelVersion m  (upstream lineage, depth 5, as of 2026-01-01T00:00:00+00:00)",
        "└── Feature f  CONSUMES, 1",
        "    └── FeatureSetVersion v  DEFINED_IN, 2",
    ]
    paths = PathIndex(
        {"s": "DataSource", "v": "FeatureSetVersion", "d": "Deployment"},
        lambda: {"v": ("s", "READS"), "d": ("v", "SERVES_FROM")},
    )
    v = Affected("v", "FeatureSetVersion", 1, 1, True, paths)
    d = Affected("d", "Deployment", 2, 3, False, paths)
    impact = Impact(
        root="s",
        root_kind="DataSource",
        depth=20,
        as_of=None,
        feature_set_versions=[v],
        model_versions=[],
        deployments=[EnvironmentImpact("prod", 3, [d])],
        owners=[OwnerImpact("team:x/y", "Team", "y", [v, d])],
        counts=[KindCount("Deployment", 1), KindCount("FeatureSetVersion", 1)],
        affected=2,
        truncated=False,
        truncation=None,
    )
    assert render(impact_tree(impact)).splitlines() == [
        "DataSource s  (affects 2 nodes, depth 20)",
        "├── Feature-set versions (1)",
        "│   └── FeatureSetVersion v  distance 1, 1 path",
        "├── Model versions (0)",
        "├── Deployments (1)",
        "│   └── prod (1)",
        "│       └── Deployment d  distance 2, 3+ paths, via v",
        "└── Owners to notify (1)",
        "    └── team:x/y  owns v, d",
    ]


def test_the_impact_query_walks_exactly_like_the_downstream_query() -> None:
    """``lineage/impact`` repeats ``lineage/downstream``'s walk (one round trip for impact): keep
    the two in step."""
    folder = resources.cypher_dir() / "lineage"
    downstream = (folder / "downstream.cypher").read_text()
    impact = (folder / "impact.cypher").read_text()
    walk = downstream[
        downstream.index("MATCH (s:Entity") : downstream.index("RETURN [s.uid, s.kind, elementId(s)]")
    ]
    assert walk in impact
    for name in ("downstream", "upstream", "impact"):
        text = (folder / f"{name}.cypher").read_text()
        assert "*1..20]" in text
        assert "min(length(p))" in text
