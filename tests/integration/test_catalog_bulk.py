"""Bulk registration's write path: nodes and their audit events in one statement, and the
request's authorisation decision committed with the change it allowed (issue #3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph.domain import DatasetSnapshotInput, DataSourceInput, FeatureSetInput
from lineage_graph.graph.catalog_store import CatalogStore
from lineage_graph.services.audit.chain import verify
from lineage_graph.services.catalog.service import CatalogService, Outcome
from lineage_graph.services.governance.decisions import Governor
from tests.cypher import cypher

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph

pytestmark = pytest.mark.integration

BATCH = (
    "mutation($i: [DataSourceInput!]!) { registerDataSources(inputs: $i) { __typename "
    "... on BatchWritten { created unchanged } ... on Refusal { code } } }"
)
SNAPSHOTS = (
    "mutation($i: [DatasetSnapshotInput!]!) { registerDatasetSnapshots(inputs: $i) { __typename "
    "... on BatchWritten { created } ... on Refusal { code } } }"
)


def sources(count: int) -> list[DataSourceInput]:
    return [DataSourceInput(namespace="s3://bulk", name=f"t{i}", platform="s3") for i in range(count)]


async def decisions(graph: Graph) -> list[dict[str, Any]]:
    return await cypher(
        graph, "MATCH (d:PolicyDecision) RETURN d.action AS action, d.allow AS allow ORDER BY d.action"
    )


async def test_a_batch_writes_nodes_and_their_events_in_one_statement(graph: Graph) -> None:
    catalog = CatalogService(graph)
    before = graph.round_trips
    written = await catalog.register_data_sources(sources(3), actor="alice")
    assert [w.outcome for w in written] == [Outcome.CREATED] * 3
    # lock the chain and read the batch's nodes; write the nodes and their events: nothing else
    assert graph.round_trips - before == 2
    rows = await cypher(
        graph,
        "MATCH (e:AuditEvent)-[:ABOUT]->(n:Entity) "
        "RETURN e.seq AS seq, e.entityUid AS about, n.uid AS uid, e.actor AS actor ORDER BY e.seq",
    )
    assert [(r["seq"], r["actor"]) for r in rows] == [(1, "alice"), (2, "alice"), (3, "alice")]
    assert all(r["about"] == r["uid"] for r in rows)
    assert [r["uid"] for r in rows] == [w.record.uid for w in written]
    assert (await verify(graph)).ok

    again = await catalog.register_data_sources(sources(3), actor="bob")
    assert [w.outcome for w in again] == [Outcome.UNCHANGED] * 3
    more = await catalog.register_data_sources(sources(4), actor="bob")
    assert [w.outcome for w in more] == [Outcome.UNCHANGED] * 3 + [Outcome.CREATED]
    result = await verify(graph)
    assert (result.ok, result.events) == (True, 4)


async def test_events_wait_for_the_flush_when_a_write_holds_other_changes(graph: Graph) -> None:
    """A feature set naming a new owner: its event is recorded before the owner's, whose node is
    written first, so neither event rides with a node write; both are appended at the end, in
    the order recorded."""
    catalog = CatalogService(graph)
    await catalog.register_feature_sets(
        [FeatureSetInput(namespace="risk", name="profile", owner="team:global/risk")], actor="alice"
    )
    rows = await cypher(graph, "MATCH (e:AuditEvent) RETURN e.action AS action ORDER BY e.seq")
    assert [r["action"] for r in rows] == ["registerFeatureSet", "createOwner"]
    assert (await verify(graph)).ok


async def test_an_allowed_mutation_commits_its_decision_in_its_own_transaction(
    client: httpx.AsyncClient, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    separate: list[int] = []
    original = Governor.record

    async def record(self: Governor, judgements: Any) -> int:
        separate.append(len(judgements))
        return await original(self, judgements)

    monkeypatch.setattr(Governor, "record", record)
    inputs = [{"namespace": "s3://bulk", "name": f"t{i}"} for i in range(3)]
    response = await client.post("/graphql", json={"query": BATCH, "variables": {"i": inputs}})
    assert response.json()["data"]["registerDataSources"] == {
        "__typename": "BatchWritten",
        "created": 3,
        "unchanged": 0,
    }
    assert separate == []
    assert await decisions(graph) == [{"action": "registerDataSources:write", "allow": True}]

    # an identical re-send writes nothing but its decision
    response = await client.post("/graphql", json={"query": BATCH, "variables": {"i": inputs}})
    assert response.json()["data"]["registerDataSources"]["unchanged"] == 3
    assert len(await decisions(graph)) == 2
    assert (await verify(graph)).events == 3


async def test_a_failing_batch_leaves_only_its_decision(
    client: httpx.AsyncClient, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    await CatalogService(graph).register_data_sources(sources(1), actor="alice")
    events = (await verify(graph)).events

    async def broken(*args: object, **kwargs: object) -> None:
        msg = "disk full"
        raise RuntimeError(msg)

    # fails after the snapshots and their events were written in the same transaction
    monkeypatch.setattr(CatalogStore, "merge_edges", broken)
    snapshot = DatasetSnapshotInput(namespace="s3://bulk", name="t0", version="v1")
    variables = {"i": [snapshot.model_dump(by_alias=True, exclude_defaults=True)]}
    response = await client.post("/graphql", json={"query": SNAPSHOTS, "variables": variables})
    assert response.json()["errors"][0]["message"] == "disk full"
    monkeypatch.undo()
    assert await cypher(graph, "MATCH (n:DatasetSnapshot) RETURN count(n) AS n") == [{"n": 0}]
    result = await verify(graph)
    assert (result.ok, result.events) == (True, events)
    assert await decisions(graph) == [{"action": "registerDatasetSnapshots:write", "allow": True}]

    # a refusal (unknown source) rolls back too, and its decision is recorded
    missing = {"namespace": "s3://bulk", "name": "nope", "version": "v1"}
    response = await client.post("/graphql", json={"query": SNAPSHOTS, "variables": {"i": [missing]}})
    assert response.json()["data"]["registerDatasetSnapshots"]["code"] == "NOT_FOUND"
    assert len(await decisions(graph)) == 2
    assert (await verify(graph)).events == events
