"""Impact analysis on generated graphs: groups, path counts and shortest paths against networkx."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import networkx as nx
import pytest
from bench.generator import SHAPES, generate
from bench.loaders import load_raw

from lineage_graph.services.lineage.impact import ImpactService
from lineage_graph.services.lineage.walks import LINEAGE_TYPES, LineageService
from tests.cypher import cypher
from tests.graphql_client import gql
from tests.integration.test_lineage_traversal import T0, TestGraph, depends_on, uid

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph
    from lineage_graph.services.lineage.impact import Affected, Impact

pytestmark = pytest.mark.integration


def simple_paths(dg: nx.DiGraph, root: str, depth: int) -> Counter[str]:
    """Simple paths of 1..depth edges from `root` to each node (the reference count)."""
    counts: Counter[str] = Counter()
    for target in dg.nodes:
        if target != root:
            counts[target] = sum(1 for _ in nx.all_simple_paths(dg, root, target, cutoff=depth))
    return +counts


def downstream_view(g: TestGraph) -> nx.DiGraph:
    dg = nx.DiGraph()
    dg.add_edges_from((e.target, e.source) for e in g.edges if e.type in LINEAGE_TYPES)
    return dg


def check_paths(impact: Impact, affected: list[Affected], dg: nx.DiGraph) -> None:
    """Every shortest path is a real walk of the graph, as long as the node's distance."""
    for a in affected:
        steps = [s.uid for s in a.shortest_path]
        assert steps[0] == impact.root
        assert steps[-1] == a.uid
        assert len(steps) == a.distance + 1
        assert all(dg.has_edge(x, y) for x, y in itertools.pairwise(steps))


async def test_diamonds_count_every_path(graph: Graph) -> None:
    g = TestGraph()
    top = g.node("d0", "DataSource")
    for i in range(10):
        left, right, bottom = g.node(f"l{i}"), g.node(f"r{i}"), g.node(f"d{i + 1}", "FeatureSetVersion")
        g.edge(left, "READS", top)
        g.edge(right, "READS", top)
        g.edge(bottom, "PRODUCED_BY", left)
        g.edge(bottom, "PRODUCED_BY", right)
        top = bottom
    await g.write(graph)
    impact = await ImpactService(graph).impact(uid("d0", "DataSource"), 20)
    versions = {a.uid: a for a in impact.feature_set_versions}
    assert [versions[uid(f"d{i}", "FeatureSetVersion")].path_count for i in range(1, 11)] == [
        2**i for i in range(1, 11)
    ]
    assert all(a.path_count_exact for a in versions.values())
    dg = downstream_view(g)
    check_paths(impact, impact.feature_set_versions, dg)
    shallow = await ImpactService(graph).impact(uid("d0", "DataSource"), 6)
    assert {a.uid: a.path_count for a in shallow.feature_set_versions} == {
        k: v for k, v in simple_paths(dg, uid("d0", "DataSource"), 6).items() if k.startswith("featureset:")
    }


async def test_cycles_count_simple_paths(graph: Graph) -> None:
    g = TestGraph()
    src = g.node("src", "DataSource")
    ring = [g.node(f"c{i}", "FeatureSetVersion") for i in range(6)]
    g.edge(ring[0], "READS", src)
    g.edge(ring[3], "READS", src)
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        g.edge(b, "PRODUCED_BY", a)
    await g.write(graph)
    dg = downstream_view(g)
    for depth in (2, 4, 20):
        impact = await ImpactService(graph).impact(src, depth)
        assert {a.uid: a.path_count for a in impact.feature_set_versions} == simple_paths(dg, src, depth)
        assert {a.uid: a.distance for a in impact.feature_set_versions} == {
            k: v for k, v in nx.single_source_shortest_path_length(dg, src, cutoff=depth).items() if k != src
        }
        check_paths(impact, impact.feature_set_versions, dg)


@pytest.mark.parametrize("shapes", [SHAPES[:1], SHAPES], ids=["job+columns", "every-shape"])
async def test_generated_catalog_impact_matches_networkx(graph: Graph, shapes: tuple[str, ...]) -> None:
    catalog = generate(3_000, seed=3, shapes=shapes)
    await load_raw(graph, catalog)
    dg = depends_on(catalog).reverse()
    kinds = {row["uid"]: table for table, rows in catalog.tables().items() for row in rows}
    environment = {d["uid"]: d["environment"] for d in catalog.deployments}
    service = ImpactService(graph)
    for hub in catalog.hubs[:2]:
        for depth in (3, 10):
            impact = await service.impact(hub, depth)
            reach = nx.single_source_shortest_path_length(dg, hub, cutoff=depth)
            del reach[hub]
            assert impact.affected == len(reach)
            assert not impact.truncated

            def of(table: str, reach: dict[str, int] = reach) -> dict[str, int]:
                return {u: d for u, d in reach.items() if kinds[u] == table}

            assert {a.uid: a.distance for a in impact.feature_set_versions} == of("feature_set_versions")
            assert {a.uid: a.distance for a in impact.model_versions} == of("model_versions")
            by_env = {e.environment: {a.uid for a in e.deployments} for e in impact.deployments}
            want_env: dict[str, set[str]] = {}
            for d in of("deployments"):
                want_env.setdefault(environment[d], set()).add(d)
            assert by_env == want_env
            check_paths(impact, impact.model_versions, dg)
            sample = impact.model_versions[:15]
            for a in sample:
                assert a.path_count == sum(1 for _ in nx.all_simple_paths(dg, hub, a.uid, cutoff=depth))
            assert sum(c.count for c in impact.counts) == impact.affected


@pytest.mark.parametrize("fast_path", [True, False], ids=["one-query", "hops-and-context"])
async def test_owners_to_notify(graph: Graph, fast_path: bool) -> None:
    g = TestGraph()
    src = g.node("orders", "DataSource")
    job = g.node("job")
    fsv = g.node("profile", "FeatureSetVersion")
    feature = g.node("age", "Feature")
    mv = g.node("credit", "ModelVersion")
    dep = g.node("credit-prod", "Deployment")
    g.edge(job, "READS", src)
    g.edge(fsv, "PRODUCED_BY", job)
    g.edge(feature, "DEFINED_IN", fsv)
    g.edge(mv, "CONSUMES", feature)
    g.edge(dep, "SERVES", mv)
    g.nodes["featureset:g/profile"] = ("FeatureSet", T0, None)
    g.nodes["model:g/credit"] = ("Model", T0, None)
    g.nodes["team:g/risk"] = ("Team", T0, None)
    g.nodes["team:g/data"] = ("Team", T0, None)
    g.nodes["team:g/old"] = ("Team", T0, None)
    g.nodes["environment:global/prod"] = ("Environment", T0, None)
    g.edge(fsv, "VERSION_OF", "featureset:g/profile")
    g.edge(mv, "VERSION_OF", "model:g/credit")
    g.edge("featureset:g/profile", "OWNED_BY", "team:g/data")
    g.edge("model:g/credit", "OWNED_BY", "team:g/risk")
    g.edge(job, "OWNED_BY", "team:g/data")
    g.edge(job, "OWNED_BY", "team:g/old", retired=T0 + timedelta(days=1))
    g.edge(dep, "IN_ENV", "environment:global/prod")
    await g.write(graph)
    await cypher(graph, "MATCH (e:Environment) SET e.order = 3")
    service = ImpactService(graph, LineageService(graph, fast_path=fast_path))
    impact = await service.impact(src)
    owners = {o.uid: sorted(a.uid for a in o.entities) for o in impact.owners}
    assert owners == {"team:g/data": sorted([job, fsv]), "team:g/risk": sorted([mv, dep])}
    assert [(e.environment, e.order, [a.uid for a in e.deployments]) for e in impact.deployments] == [
        ("prod", 3, [dep])
    ]
    then = await service.impact(src, as_of=T0 + timedelta(hours=1))
    assert "team:g/old" in {o.uid for o in then.owners}
    assert [s.via for s in impact.deployments[0].deployments[0].shortest_path] == [
        None,
        "READS",
        "PRODUCED_BY",
        "DEFINED_IN",
        "CONSUMES",
        "SERVES",
    ]


async def test_column_impact_follows_one_column(graph: Graph) -> None:
    g = TestGraph()
    src = g.node("customers", "DataSource")
    income, age, unknown = g.node("income", "Feature"), g.node("age", "Feature"), g.node("misc", "Feature")
    m1, m2 = g.node("m1", "ModelVersion"), g.node("m2", "ModelVersion")
    d1 = g.node("m1-prod", "Deployment")
    g.edge(income, "DERIVED_FROM", src)
    g.edge(age, "DERIVED_FROM", src)
    g.edge(unknown, "DERIVED_FROM", src)
    g.edge(m1, "CONSUMES", income)
    g.edge(m2, "CONSUMES", age)
    g.edge(d1, "SERVES", m1)
    await g.write(graph)
    await cypher(
        graph,
        "MATCH (f:Feature)-[d:DERIVED_FROM]->() SET d.columns = CASE f.name "
        "WHEN 'fs@1#income' THEN ['annual_income', 'currency'] WHEN 'fs@1#age' THEN ['birth_date'] ELSE [] END",
    )
    await cypher(graph, "MATCH ()-[c:CONSUMES]->(f:Feature) SET c.input = 'in_' + split(f.uid, '#')[1]")
    await cypher(graph, "MATCH (d:Deployment) SET d.environment = 'environment:global/prod'")
    found = await ImpactService(graph).column_impact(src, "annual_income")
    assert [f.feature for f in found.features] == [income]
    assert [(i.model_version, i.input, i.feature) for i in found.model_inputs] == [(m1, "in_income", income)]
    assert found.model_versions == [m1]
    assert [(d.deployment, d.environment, d.model_version) for d in found.deployments] == [(d1, "prod", m1)]
    assert found.unrecorded == [unknown]
    other = await ImpactService(graph).column_impact(src, "birth_date")
    assert other.model_versions == [m2]
    assert other.deployments == []


PRESENT = """query($uid: String!, $asOf: DateTime) {
  lineage(uid: $uid, direction: DOWNSTREAM, depth: 10, asOf: $asOf) { nodes { uid } edges { from to } }
  impact(uid: $uid, asOf: $asOf) {
    modelVersions { uid }
    deployments { environment deployments { uid } }
    owners { uid }
  }
  columnImpact(uid: $uid, column: "income", asOf: $asOf) { features { feature } modelVersions }
}"""


async def test_the_present_counts_what_is_stored_whatever_its_creation_time(
    graph: Graph, client: httpx.AsyncClient
) -> None:
    """Through GraphQL on the real servers: without asOf, a consumer whose createdAt is ahead of
    the server's clock (clock skew, imported data) is part of lineage, impact (with its owner)
    and column impact; an explicit asOf at the present still leaves it out."""
    ahead = datetime.now(UTC) + timedelta(days=1)
    g = TestGraph()
    src = g.node("customers", "DataSource")
    feature = g.node("income", "Feature", created=ahead)
    model = g.node("scoring", "ModelVersion", created=ahead)
    deployment = g.node("scoring-prod", "Deployment", created=ahead)
    g.edge(feature, "DERIVED_FROM", src, created=ahead)
    g.edge(model, "CONSUMES", feature, created=ahead)
    g.edge(deployment, "SERVES", model, created=ahead)
    g.nodes["team:g/late"] = ("Team", T0, None)
    g.edge(model, "OWNED_BY", "team:g/late", created=ahead)
    await g.write(graph)
    await cypher(graph, "MATCH ()-[d:DERIVED_FROM]->() SET d.columns = ['income']")
    await cypher(graph, "MATCH (d:Deployment) SET d.environment = 'environment:global/prod'")

    now = await gql(client, PRESENT, uid=src)
    assert {n["uid"] for n in now["lineage"]["nodes"]} == {src, feature, model, deployment}
    assert len(now["lineage"]["edges"]) == 3
    assert [m["uid"] for m in now["impact"]["modelVersions"]] == [model]
    assert now["impact"]["deployments"] == [{"environment": "prod", "deployments": [{"uid": deployment}]}]
    assert [o["uid"] for o in now["impact"]["owners"]] == ["team:g/late"]
    assert now["columnImpact"] == {"features": [{"feature": feature}], "modelVersions": [model]}

    then = await gql(client, PRESENT, uid=src, asOf=datetime.now(UTC).isoformat())
    assert [n["uid"] for n in then["lineage"]["nodes"]] == [src]
    assert then["impact"] == {"modelVersions": [], "deployments": [], "owners": []}
    assert then["columnImpact"] == {"features": [], "modelVersions": []}
