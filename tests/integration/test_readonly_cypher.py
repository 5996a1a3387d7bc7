"""Auditors' ad-hoc Cypher runs read-only: every kind of write is refused and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from lineage_graph.cli.main import app
from lineage_graph.graph.readonly import CypherError, WriteRefusedError, run_read_only
from tests.cypher import cypher

if TYPE_CHECKING:
    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

WRITES = [
    "CREATE (:DataSource:Entity {uid: 'source:x/y'})",
    "MERGE (n:Team {uid: 'team:x/y'}) RETURN n",
    "MATCH (n:Environment) SET n.order = 99",
    "MATCH (n:Environment) REMOVE n.order",
    "MATCH (n:Environment) DETACH DELETE n",
    "MATCH (a:Environment), (b:Environment) CREATE (a)-[:NEXT]->(b)",
    "MATCH (n:Environment) SET n:Hacked",
    "CREATE INDEX hacked IF NOT EXISTS FOR (n:Environment) ON (n.name)",
    "DROP CONSTRAINT entity_uid",
    "CALL db.createLabel('Hacked')",
    "LOAD CSV FROM 'file:///etc/passwd' AS line CREATE (:Line {text: line[0]})",
    "MATCH (n) CALL (n) { SET n.x = 1 } IN TRANSACTIONS",
]


async def _counts(graph: Graph) -> tuple[object, ...]:
    nodes = await cypher(graph, "MATCH (n) RETURN count(n) AS n")
    rels = await cypher(graph, "MATCH ()-[r]->() RETURN count(r) AS n")
    labels = await cypher(graph, "CALL db.labels() YIELD label RETURN collect(label) AS n")
    indexes = await cypher(graph, "SHOW INDEXES YIELD name RETURN collect(name) AS n")
    constraints = await cypher(graph, "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS n")
    props = await cypher(graph, "MATCH (n) RETURN collect(properties(n)) AS n")
    return tuple(r[0]["n"] for r in (nodes, rels, labels, indexes, constraints, props))


@pytest.fixture
async def seeded(graph: Graph) -> Graph:
    await cypher(
        graph,
        "UNWIND [['dev', 1], ['staging', 2], ['prod', 3]] AS e "
        "CREATE (:Environment:Entity {uid: 'environment:global/' + e[0], name: e[0], order: e[1]})",
    )
    return graph


async def test_reads_return_columns_and_rows_with_parameters(seeded: Graph) -> None:
    columns, rows = await run_read_only(
        seeded,
        "MATCH (e:Environment) WHERE e.order >= $min RETURN e.name AS name ORDER BY e.order",
        {"min": 2},
    )
    assert columns == ["name"]
    assert rows == [{"name": "staging"}, {"name": "prod"}]


@pytest.mark.parametrize("statement", WRITES)
async def test_every_kind_of_write_is_refused_and_changes_nothing(seeded: Graph, statement: str) -> None:
    before = await _counts(seeded)
    with pytest.raises((WriteRefusedError, CypherError)) as caught:
        await run_read_only(seeded, statement)
    assert "refused" in str(caught.value).lower()
    assert await _counts(seeded) == before


def test_the_cli_prints_rows_and_refuses_writes(
    seeded: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINEAGE_GRAPH_NEO4J_URI", settings.neo4j_uri)
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "cypher",
            "MATCH (e:Environment) WHERE e.name = $n RETURN e.order AS o",
            "-p",
            "n=prod",
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"o": 3' in result.output
    refused = runner.invoke(app, ["cypher", "MATCH (e:Environment) DETACH DELETE e"])
    assert refused.exit_code == 1
    assert "refused" in refused.output
    csv_out = runner.invoke(
        app, ["cypher", "MATCH (e:Environment) RETURN e.name AS name ORDER BY e.order", "-f", "csv"]
    )
    assert csv_out.output.splitlines() == ["name", "dev", "staging", "prod"]
