"""The audit trail: auditLog through /graphql and `lineage-graph audit verify`."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from lineage_graph.domain import DataSourceInput
from lineage_graph.services.audit.chain import verify
from lineage_graph.services.catalog.service import CatalogService

if TYPE_CHECKING:
    import httpx

    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

CLI = Path(sys.executable).parent / "lineage-graph"


async def record_events(graph: Graph, count: int) -> None:
    catalog = CatalogService(graph)
    for i in range(count):
        await catalog.register_data_sources(
            [DataSourceInput(namespace="s3://b", name=f"t{i}")], actor=f"u{i}"
        )


async def tamper(graph: Graph, statement: str) -> None:
    await graph.driver.execute_query(statement, database_=graph.database)


async def cli_verify(settings: Settings) -> tuple[int, str]:
    env = {**os.environ, "LINEAGE_GRAPH_NEO4J_URI": settings.neo4j_uri}
    process = await asyncio.create_subprocess_exec(
        str(CLI), "audit", "verify", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    return int(process.returncode or 0), output.decode()


async def test_audit_log_pages_newest_first(client: httpx.AsyncClient, graph: Graph) -> None:
    await record_events(graph, 5)
    query = """query($u: String, $a: String) { auditLog(uid: $u, first: 2, after: $a) {
      edges { node { seq action actor entityUid before after prevHash hash } }
      pageInfo { hasNextPage endCursor } } }"""

    async def page(**variables: Any) -> dict[str, Any]:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        return dict(response.json()["data"]["auditLog"])

    first = await page()
    assert [e["node"]["seq"] for e in first["edges"]] == [5, 4]
    second = await page(a=first["pageInfo"]["endCursor"])
    assert [e["node"]["seq"] for e in second["edges"]] == [3, 2]
    newest = first["edges"][0]["node"]
    assert (newest["action"], newest["actor"], newest["before"]) == ("registerDataSource", "u4", None)
    assert newest["after"]["name"] == "t4"
    assert newest["prevHash"] == first["edges"][1]["node"]["hash"]
    about = await page(u="source:s3%3A%2F%2Fb/t2")
    assert [e["node"]["seq"] for e in about["edges"]] == [3]
    assert not about["pageInfo"]["hasNextPage"]


async def test_verify_accepts_an_intact_chain(graph: Graph, settings: Settings) -> None:
    assert str(await verify(graph)) == "ok: 0 events"
    await record_events(graph, 3)
    result = await verify(graph, batch=2)
    assert (result.ok, result.events) == (True, 3)
    code, output = await cli_verify(settings)
    assert (code, output.strip()) == (0, "ok: 3 events")


@pytest.mark.parametrize(
    ("statement", "seq", "words"),
    [
        ('MATCH (e:AuditEvent {seq: 2}) SET e.afterJson = \'{"name":"forged"}\'', 2, "edited"),
        ("MATCH (e:AuditEvent {seq: 2}) SET e.hash = 'deadbeef'", 2, "edited"),
        ("MATCH (e:AuditEvent {seq: 2}) SET e.actor = 'mallory'", 2, "edited"),
        ("MATCH (e:AuditEvent {seq: 2}) DETACH DELETE e", 2, "missing"),
        ("MATCH (e:AuditEvent {seq: 4}) DETACH DELETE e", 4, "deleted"),
    ],
)
async def test_verify_detects_tampered_and_deleted_events(
    graph: Graph, settings: Settings, statement: str, seq: int, words: str
) -> None:
    await record_events(graph, 4)
    await tamper(graph, statement)
    result = await verify(graph)
    assert not result.ok
    assert result.seq == seq
    assert words in str(result)
    if words == "missing":
        code, output = await cli_verify(settings)
        assert code == 1
        assert f"audit chain broken at seq {seq}" in output
