"""Lineage walks on generated graphs, each answer checked against networkx on the same edges.

Graphs are written with raw Cypher (nodes carry their kind label, ``:Entity``, ``uid``, ``kind``,
``createdAt``/``retiredAt``; edges ``createdAt``/``retiredAt``), so the walks are tested apart
from the catalog's write path. `expected` is the independent computation: the edges alive at the
instant, a networkx BFS from the root, and the edges walked from nodes nearer than the depth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import networkx as nx
import pytest
from bench.generator import SHAPES, generate
from bench.loaders import load_raw

from lineage_graph import resources
from lineage_graph.domain import InvalidInput
from lineage_graph.graph.migrations import load_migrations
from lineage_graph.services.errors import NotFound
from lineage_graph.services.lineage.walks import (
    LINEAGE_TYPES,
    MAX_DEPTH,
    Direction,
    Lineage,
    LineageService,
    Truncation,
)
from tests.cypher import cypher

if TYPE_CHECKING:
    from bench.generator import Catalog

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

T0 = datetime(2026, 1, 1, tzinfo=UTC)
KIND_PREFIX = {
    "DataSource": "source:g/{}",
    "Transform": "transform:g/{}",
    "FeatureSetVersion": "featureset:g/{}@1",
    "Feature": "feature:g/fs@1#{}",
    "ModelVersion": "model:g/{}@1",
    "Deployment": "deployment:g/{}",
}


def uid(name: str, kind: str = "Transform") -> str:
    return KIND_PREFIX[kind].format(name)


@dataclass
class Edge:
    source: str
    type: str
    target: str
    created: datetime = T0
    retired: datetime | None = None


@dataclass
class TestGraph:
    """Nodes (uid → kind, created, retired) and edges, as written and as networkx sees them."""

    __test__ = False

    nodes: dict[str, tuple[str, datetime, datetime | None]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def node(
        self, name: str, kind: str = "Transform", created: datetime = T0, retired: datetime | None = None
    ) -> str:
        u = uid(name, kind)
        self.nodes[u] = (kind, created, retired)
        return u

    def edge(
        self, source: str, type_: str, target: str, created: datetime = T0, retired: datetime | None = None
    ) -> None:
        self.edges.append(Edge(source, type_, target, created, retired))

    async def write(self, graph: Graph) -> None:
        rows = [
            {"uid": u, "kind": k, "createdAt": c, "retiredAt": r, "name": u.split("/", 1)[1]}
            for u, (k, c, r) in self.nodes.items()
        ]
        await cypher(
            graph,
            "UNWIND $rows AS row CREATE (n:Entity {uid: row.uid}) "
            "SET n:$(row.kind), n.kind = row.kind, n.namespace = 'g', n.name = row.name, "
            "n.createdAt = row.createdAt, n.retiredAt = row.retiredAt",
            {"rows": rows},
        )
        edges = [
            {"from": e.source, "type": e.type, "to": e.target, "createdAt": e.created, "retiredAt": e.retired}
            for e in self.edges
        ]
        for i in range(0, len(edges), 5000):
            await cypher(
                graph,
                "UNWIND $rows AS row MATCH (a:Entity {uid: row.from}) MATCH (b:Entity {uid: row.to}) "
                "CREATE (a)-[r:$(row.type)]->(b) SET r.createdAt = row.createdAt, r.retiredAt = row.retiredAt",
                {"rows": edges[i : i + 5000]},
            )


def alive(created: datetime, retired: datetime | None, at: datetime | None) -> bool:
    """Alive at `at`; `at` None is now, where creation times are not compared."""
    if at is None:
        return retired is None or retired > datetime.now(UTC)
    return created <= at and (retired is None or retired > at)


@dataclass
class Expected:
    distance: dict[str, int]
    edges: set[tuple[str, str, str]]
    direction: dict[str, Direction]


def expected(
    g: TestGraph, root: str, direction: Direction, depth: int, at: datetime | None = None
) -> Expected:
    """The answer computed with networkx over the edges and nodes alive at `at` (None: now)."""
    live = [
        e
        for e in g.edges
        if e.type in LINEAGE_TYPES
        and alive(e.created, e.retired, at)
        and all(n == root or alive(g.nodes[n][1], g.nodes[n][2], at) for n in (e.source, e.target))
    ]
    dg = nx.DiGraph()
    dg.add_node(root)
    dg.add_edges_from((e.source, e.target) for e in live)
    ways = [Direction.UPSTREAM, Direction.DOWNSTREAM] if direction is Direction.BOTH else [direction]
    distance: dict[str, int] = {root: 0}
    found: dict[str, set[Direction]] = {}
    edges: set[tuple[str, str, str]] = set()
    for way in ways:
        view = dg if way is Direction.UPSTREAM else dg.reverse(copy=False)
        reached = nx.single_source_shortest_path_length(view, root, cutoff=depth)
        for n, d in reached.items():
            if n != root:
                distance[n] = min(d, distance.get(n, d))
                found.setdefault(n, set()).add(way)
        for e in live:
            tail = e.source if way is Direction.UPSTREAM else e.target
            if tail in reached and reached[tail] < depth:
                edges.add((e.source, e.type, e.target))
    return Expected(
        distance,
        edges,
        {n: next(iter(w)) if len(w) == 1 else Direction.BOTH for n, w in found.items()},
    )


def check(answer: Lineage, want: Expected) -> None:
    assert {n.uid: n.distance for n in answer.nodes} == want.distance
    assert {(e.source, e.type, e.target) for e in answer.edges} == want.edges
    assert {n.uid: n.direction for n in answer.nodes[1:]} == want.direction
    assert answer.nodes[0].uid == answer.root.uid
    assert [n.distance for n in answer.nodes] == sorted(n.distance for n in answer.nodes)
    assert not answer.truncated


@pytest.fixture(params=[True, False], ids=["bfs", "hops"])
def service(request: pytest.FixtureRequest, graph: Graph) -> LineageService:
    """Both strategies: the one-query pruning BFS and the hop-by-hop fallback."""
    return LineageService(graph, fast_path=request.param)


def chain(length: int) -> TestGraph:
    g = TestGraph()
    names = [g.node(f"n{i}") for i in range(length)]
    for a, b in zip(names[1:], names, strict=False):
        g.edge(a, "READS", b)
    return g


async def test_a_chain_of_25_is_cut_at_the_requested_depth(graph: Graph, service: LineageService) -> None:
    g = chain(25)
    await g.write(graph)
    first, last = uid("n0"), uid("n24")
    for depth in (1, 5, 19, 20):
        answer = await service.lineage(first, Direction.DOWNSTREAM, depth)
        check(answer, expected(g, first, Direction.DOWNSTREAM, depth))
        assert max(n.distance for n in answer.nodes) == depth
        assert len(answer.nodes) == depth + 1
    up = await service.lineage(last, Direction.UPSTREAM, MAX_DEPTH)
    check(up, expected(g, last, Direction.UPSTREAM, MAX_DEPTH))
    assert uid("n4") in {n.uid for n in up.nodes}
    assert uid("n3") not in {n.uid for n in up.nodes}
    both = await service.lineage(uid("n12"), Direction.BOTH, 3)
    check(both, expected(g, uid("n12"), Direction.BOTH, 3))
    assert len(both.nodes) == 7


@pytest.mark.parametrize("depth", [0, 21, -1])
async def test_depth_outside_1_to_20_is_refused(graph: Graph, depth: int) -> None:
    await chain(2).write(graph)
    with pytest.raises(InvalidInput) as refused:
        await LineageService(graph).lineage(uid("n0"), Direction.DOWNSTREAM, depth)
    assert refused.value.code == "INVALID_VALUE"


async def test_an_unknown_root_is_not_found(graph: Graph, service: LineageService) -> None:
    with pytest.raises(NotFound):
        await service.lineage(uid("nobody"), Direction.UPSTREAM, 3)


async def test_diamonds_reach_every_node_once_at_its_shortest_distance(
    graph: Graph, service: LineageService
) -> None:
    # 12 diamonds in a row: 4,096 paths from end to end, 37 nodes; a path-enumerating walk would
    # expand every path, the pruning BFS expands each node once.
    g = TestGraph()
    top = g.node("d0")
    for i in range(12):
        left, right, bottom = g.node(f"l{i}"), g.node(f"r{i}"), g.node(f"d{i + 1}")
        g.edge(left, "READS", top)
        g.edge(right, "PRODUCED_BY", top)
        g.edge(bottom, "DERIVED_FROM", left)
        g.edge(bottom, "USES", right)
        top = bottom
    await g.write(graph)
    for depth in (3, 20):
        answer = await service.lineage(uid("d0"), Direction.DOWNSTREAM, depth)
        check(answer, expected(g, uid("d0"), Direction.DOWNSTREAM, depth))
    up = await service.lineage(uid("d12"), Direction.UPSTREAM, 20)
    check(up, expected(g, uid("d12"), Direction.UPSTREAM, 20))
    assert len(up.nodes) == 10 * 3 + 1  # 20 edges cross 10 of the 12 diamonds


async def test_cycles_never_loop(graph: Graph, service: LineageService) -> None:
    g = TestGraph()
    ring = [g.node(f"c{i}") for i in range(10)]
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        g.edge(a, "READS", b)
    tail = g.node("tail")
    g.edge(tail, "CONSUMES", ring[3])
    g.edge(ring[7], "SERVES", ring[7])  # a self-loop
    await g.write(graph)
    for direction in Direction:
        for depth in (2, 9, 20):
            answer = await service.lineage(ring[0], direction, depth)
            check(answer, expected(g, ring[0], direction, depth))
    both = await service.lineage(ring[0], Direction.BOTH, 20)
    assert {n.direction for n in both.nodes[1:] if n.uid != tail} == {Direction.BOTH}
    assert (ring[0], "READS", ring[1]) in {(e.source, e.type, e.target) for e in both.edges}


async def test_a_source_with_1000_consumers(graph: Graph, service: LineageService) -> None:
    g = TestGraph()
    source = g.node("orders", "DataSource")
    for i in range(1000):
        job = g.node(f"job{i}")
        g.edge(job, "READS", source)
        g.edge(g.node(f"fs{i}", "FeatureSetVersion"), "PRODUCED_BY", job)
    await g.write(graph)
    answer = await service.lineage(source, Direction.DOWNSTREAM, 2)
    check(answer, expected(g, source, Direction.DOWNSTREAM, 2))
    assert len(answer.nodes) == 2001
    only = await service.lineage(source, Direction.DOWNSTREAM, 2, kinds=["FeatureSetVersion"])
    assert len(only.nodes) == 1001
    assert {n.kind for n in only.nodes[1:]} == {"FeatureSetVersion"}
    assert only.edges == []


async def test_the_node_limit_truncates_nearest_first(graph: Graph) -> None:
    g = TestGraph()
    source = g.node("orders", "DataSource")
    for i in range(1000):
        job = g.node(f"job{i}")
        g.edge(job, "READS", source)
        g.edge(g.node(f"fs{i}", "FeatureSetVersion"), "PRODUCED_BY", job)
    await g.write(graph)
    want = expected(g, source, Direction.DOWNSTREAM, 2)
    for fast in (True, False):
        service = LineageService(graph, max_nodes=1200, fast_path=fast)
        answer = await service.lineage(source, Direction.DOWNSTREAM, 2)
        assert answer.truncated
        assert answer.truncation is Truncation.NODE_LIMIT
        assert len(answer.nodes) == 1201
        assert all(want.distance[n.uid] == n.distance for n in answer.nodes)
        assert sum(n.distance == 1 for n in answer.nodes) == 1000
        kept = {n.uid for n in answer.nodes}
        assert all(e.source in kept and e.target in kept for e in answer.edges)


async def test_as_of_follows_created_and_retired_times(graph: Graph, service: LineageService) -> None:
    t = [T0 + timedelta(days=d) for d in range(6)]
    g = TestGraph()
    src = g.node("src", "DataSource")
    old_job = g.node("old_job", created=t[0], retired=t[3])
    new_job = g.node("new_job", created=t[2])
    fs = g.node("fs", "FeatureSetVersion", created=t[1])
    model = g.node("m", "ModelVersion", created=t[4])
    g.edge(old_job, "READS", src, created=t[0], retired=t[3])
    g.edge(new_job, "READS", src, created=t[2])
    g.edge(fs, "PRODUCED_BY", old_job, created=t[1])
    g.edge(fs, "PRODUCED_BY", new_job, created=t[2], retired=t[5])
    g.edge(g.node("f", "Feature", created=t[1]), "DEFINED_IN", fs, created=t[1])
    g.edge(model, "CONSUMES", uid("f", "Feature"), created=t[4])
    g.edge(fs, "VERSION_OF", src)  # not a lineage edge: never followed
    await g.write(graph)
    seen = []
    for at in [*t, T0 - timedelta(days=1), t[3] - timedelta(microseconds=1)]:
        answer = await service.lineage(src, Direction.DOWNSTREAM, 20, as_of=at)
        check(answer, expected(g, src, Direction.DOWNSTREAM, 20, at))
        seen.append(len(answer.nodes))
        assert answer.as_of == at
    now = await service.lineage(src, Direction.DOWNSTREAM, 20)
    check(now, expected(g, src, Direction.DOWNSTREAM, 20))
    assert len(set(seen)) > 2
    # the present is what is stored and not retired: a creation time ahead of the clock (skew,
    # imported data) hides nothing now, but an explicit asOf before it still does
    ahead = datetime.now(UTC) + timedelta(days=1)
    extra = TestGraph()
    late = extra.node("late_job", created=ahead)
    extra.edge(late, "READS", src, created=ahead)
    await extra.write(graph)
    g.nodes.update(extra.nodes)
    g.edges += extra.edges
    now = await service.lineage(src, Direction.DOWNSTREAM, 20)
    assert late in {n.uid for n in now.nodes}
    check(now, expected(g, src, Direction.DOWNSTREAM, 20))
    moment = datetime.now(UTC)
    before = await service.lineage(src, Direction.DOWNSTREAM, 20, as_of=moment)
    assert late not in {n.uid for n in before.nodes}
    check(before, expected(g, src, Direction.DOWNSTREAM, 20, moment))
    # a root retired by then still shows what depended on it through edges alive then
    gone = await service.lineage(old_job, Direction.DOWNSTREAM, 5, as_of=t[4])
    check(gone, expected(g, old_job, Direction.DOWNSTREAM, 5, t[4]))
    assert {n.uid for n in gone.nodes} == {old_job, fs, uid("f", "Feature"), model}


async def test_random_graphs_match_networkx(graph: Graph, service: LineageService) -> None:
    rng = random.Random(4)
    g = TestGraph()
    kinds = list(KIND_PREFIX)
    names = [
        g.node(f"x{i}", rng.choice(kinds), created=T0 + timedelta(days=rng.randint(0, 3))) for i in range(250)
    ]
    for _ in range(700):
        a, b = rng.sample(names, 2)
        retired = T0 + timedelta(days=rng.randint(2, 6)) if rng.random() < 0.15 else None
        g.edge(
            a,
            rng.choice([*LINEAGE_TYPES, "VERSION_OF", "OWNED_BY"]),
            b,
            T0 + timedelta(days=rng.randint(0, 3)),
            retired,
        )
    await g.write(graph)
    for root in rng.sample(names, 6):
        for direction in Direction:
            for depth in (1, 3, 20):
                for at in (None, T0 + timedelta(days=2, hours=12)):
                    answer = await service.lineage(root, direction, depth, as_of=at)
                    check(answer, expected(g, root, direction, depth, at))
                    wanted = ["ModelVersion", "Deployment"]
                    only = await service.lineage(root, direction, depth, kinds=wanted, as_of=at)
                    want = expected(g, root, direction, depth, at)
                    assert {n.uid for n in only.nodes[1:]} == {
                        n for n in want.distance if n != root and g.nodes[n][0] in wanted
                    }


def depends_on(catalog: Catalog) -> nx.DiGraph:
    """The oracle's dependency graph (dependent → dependency) of a generated catalog: its facts
    (a job's reads, a version's producing job and `sources`, a feature's version and column
    lineage...) plus the rule of docs/adr/0008: a feature-set version depends on every source it
    names and every source its features derive from. The generator's version-level edges are
    left out, so the rule is computed here and not copied from them."""
    versions = {v["uid"]: v for v in catalog.feature_set_versions}
    dg = nx.DiGraph()
    dg.add_nodes_from(row["uid"] for rows in catalog.tables().values() for row in rows)
    for type_, pairs in catalog.edges().items():
        if type_ in LINEAGE_TYPES:
            dg.add_edges_from((a, b) for a, b in pairs if not (type_ == "DERIVED_FROM" and a in versions))
    for v in versions.values():
        dg.add_edges_from((v["uid"], s) for s in v["sources"] or ())
    for f in catalog.features:
        dg.add_edges_from((f["version"], s) for s in f["derivedFrom"])
    return dg


async def check_generated(graph: Graph, catalog: Catalog) -> None:
    """Walks from hub and ordinary sources and from deployments agree with the oracle, and every
    version is downstream of each source it names, its features derive from or its job reads."""
    dg = depends_on(catalog)
    service = LineageService(graph)
    roots = [*catalog.hubs[:2], *(s["uid"] for s in catalog.sources[:: max(len(catalog.sources) // 4, 1)])]
    for root in roots:
        for depth in (2, 10):
            answer = await service.lineage(root, Direction.DOWNSTREAM, depth)
            want = nx.single_source_shortest_path_length(dg.reverse(copy=False), root, cutoff=depth)
            assert {n.uid: n.distance for n in answer.nodes} == want
    for deployment in catalog.deployments[:5]:
        answer = await service.lineage(deployment["uid"], Direction.UPSTREAM, 20)
        assert {n.uid: n.distance for n in answer.nodes} == nx.single_source_shortest_path_length(
            dg, deployment["uid"], cutoff=20
        )
    reads = {t["uid"]: t["reads"] for t in catalog.transforms}
    derived: dict[str, set[str]] = {}
    for f in catalog.features:
        derived.setdefault(f["version"], set()).update(f["derivedFrom"])
    for v in catalog.feature_set_versions[:: max(len(catalog.feature_set_versions) // 12, 1)]:
        computed_from = {*(v["sources"] or ()), *derived.get(v["uid"], ()), *reads.get(v["producedBy"], ())}
        assert computed_from
        for source in sorted(computed_from)[:2]:
            answer = await service.lineage(source, Direction.DOWNSTREAM, 2, kinds=["FeatureSetVersion"])
            assert v["uid"] in {n.uid for n in answer.nodes}, (v["uid"], source)


@pytest.mark.parametrize("shapes", [SHAPES[:1], SHAPES], ids=["job+columns", "every-shape"])
async def test_generated_catalog_matches_networkx(graph: Graph, shapes: tuple[str, ...]) -> None:
    catalog = generate(3_000, seed=7, shapes=shapes)
    await load_raw(graph, catalog)
    await check_generated(graph, catalog)


async def test_a_catalog_written_before_version_edges_matches_after_the_migration(graph: Graph) -> None:
    """V0005 derives the version-level edges from what an older catalog stored (`sources`, the
    features' DERIVED_FROM): afterwards the walks agree with the oracle, and again after a rerun."""
    catalog = generate(2_000, seed=11, shapes=SHAPES)
    await load_raw(graph, catalog)
    await cypher(graph, "MATCH (:FeatureSetVersion)-[r:DERIVED_FROM]->() DELETE r")
    (migration,) = [m for m in load_migrations(resources.cypher_dir() / "migrations") if m.version == 5]
    for _ in range(2):
        for statement in migration.statements:
            await graph.run_schema(statement)
        await check_generated(graph, catalog)


class SteppingClock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


async def test_past_the_deadline_the_answer_is_every_complete_distance(graph: Graph) -> None:
    g = chain(25)
    await g.write(graph)
    # Each read of this clock is a second later: a 6 s deadline passes after a few hops.
    service = LineageService(graph, fast_path=False, clock=SteppingClock())
    answer = await service.lineage(uid("n0"), Direction.DOWNSTREAM, 20, deadline=6)
    assert answer.truncated
    assert answer.truncation is Truncation.DEADLINE
    reached = max(n.distance for n in answer.nodes)
    assert 1 <= reached < 20
    assert {n.uid: n.distance for n in answer.nodes} == {uid(f"n{i}"): i for i in range(reached + 1)}
    assert len(answer.edges) == reached


async def test_a_deadline_too_short_for_anything_still_answers(graph: Graph) -> None:
    g = TestGraph()
    source = g.node("orders", "DataSource")
    for i in range(3000):
        g.edge(g.node(f"job{i}"), "READS", source)
    await g.write(graph)
    answer = await LineageService(graph).lineage(source, Direction.DOWNSTREAM, 20, deadline=0.000_001)
    assert answer.truncated
    assert answer.truncation is Truncation.DEADLINE
    assert answer.nodes[0].uid == source
    want = expected(g, source, Direction.DOWNSTREAM, 20).distance
    assert all(want[n.uid] == n.distance for n in answer.nodes)
