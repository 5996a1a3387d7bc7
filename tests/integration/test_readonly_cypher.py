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

OUTSIDE_THE_GRAPH = [
    # Neo4j plans these as reads, but they act on other sessions, the server or the network.
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "TERMINATE TRANSACTION 'neo4j-transaction-1' YIELD message RETURN message",
    "/* audit */ TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "CYPHER runtime=slotted TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW TRANSACTIONS",
    "SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery",
    "SHOW SETTINGS",
    "SHOW SETTINGS YIELD name, value WHERE name STARTS WITH 'server' RETURN name, value",
    "SHOW PROCEDURES",
    "SHOW FUNCTIONS",
    "SHOW USERS",
    "SHOW CURRENT USER",
    "SHOW DATABASES",
    "SHOW ROLES",
    "SHOW PRIVILEGES",
    "SHOW SERVERS",
    "USE system SHOW USERS",
    "ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'",
    "CREATE USER evil SET PASSWORD 'secret-secret'",
    "DROP USER neo4j",
    "CREATE DATABASE evil",
    "STOP DATABASE neo4j",
    "LOAD CSV FROM 'http://127.0.0.1:9/x' AS line RETURN line",
    "load csv from 'http://127.0.0.1:9/x' as line return line",
    "LOAD CSV WITH HEADERS FROM 'file:///etc/passwd' AS line RETURN line",
    "MATCH (e:Environment) WITH e LIMIT 1 LOAD CSV FROM 'http://127.0.0.1:9/' + e.name AS l RETURN l",
    "CALL { LOAD CSV FROM 'http://127.0.0.1:9/x' AS l RETURN l } RETURN l",
    "CALL dbms.listConfig()",
    "CALL dbms.listConfig() YIELD name, value RETURN name, value",
    "CALL dbms.components()",
    "CALL dbms.listConnections()",
    "CALL dbms.showCurrentUser()",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "CALL db.createProperty('hacked')",
    "CALL db.createRelationshipType('HACKED')",
    "CALL db.clearQueryCaches()",
    "CALL db.awaitIndexes(1)",
    "CALL db.prepareForReplanning()",
    "CALL db.ping()",
    "CALL tx.setMetaData({hacked: true})",
    "CALL db.labels() YIELD label CALL db.createLabel(label + 'X') RETURN label",
    "MATCH (e:Environment) CALL db.createLabel(e.name) RETURN e",
    "CALL db.index.fulltext.listAvailableAnalyzers()",
    "USE system MATCH (n) RETURN count(n)",
]

REFUSED_BY_NEO4J = {
    # Neo4j Community cannot even plan these (it refuses them itself); Enterprise would plan
    # some, and then the plan check refuses them.
    "SHOW ROLES",
    "SHOW PRIVILEGES",
    "SHOW SERVERS",
    "USE system SHOW USERS",
    "CREATE DATABASE evil",
    "STOP DATABASE neo4j",
    "CALL dbms.showCurrentUser()",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    "USE system MATCH (n) RETURN count(n)",
}

ALLOWED = [
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.relationshipTypes()",
    "CALL db.propertyKeys()",
    "CALL db.schema.visualization()",
    "SHOW INDEXES",
    "SHOW CONSTRAINTS YIELD name RETURN name",
    "MATCH (e:Environment) CALL (e) { RETURN e.order * 2 AS twice } RETURN e.name, twice",
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


@pytest.mark.parametrize("statement", OUTSIDE_THE_GRAPH)
async def test_commands_outside_the_graph_are_refused_before_running(seeded: Graph, statement: str) -> None:
    before = await _counts(seeded)
    with pytest.raises((WriteRefusedError, CypherError)) as caught:
        await run_read_only(seeded, statement)
    assert str(caught.value).startswith("refused")
    if statement not in REFUSED_BY_NEO4J:
        assert isinstance(caught.value, WriteRefusedError), "refused by our plan check, before running"
    assert await _counts(seeded) == before


async def test_terminate_does_not_end_another_clients_transaction(seeded: Graph) -> None:
    async with seeded.driver.session(database=seeded.database) as session:
        tx = await session.begin_transaction()
        await tx.run("MATCH (e:Environment {name: 'dev'}) SET e.note = 'in flight'")
        listed = await cypher(
            seeded, "SHOW TRANSACTIONS YIELD transactionId RETURN collect(transactionId) AS ids"
        )
        ids = ", ".join(f"'{i}'" for i in listed[0]["ids"])
        with pytest.raises(WriteRefusedError, match="TERMINATE TRANSACTIONS ends other clients"):
            await run_read_only(seeded, f"TERMINATE TRANSACTIONS {ids}")
        await tx.commit()
    assert await cypher(seeded, "MATCH (e:Environment {name: 'dev'}) RETURN e.note AS note") == [
        {"note": "in flight"}
    ]


@pytest.mark.parametrize("statement", ALLOWED)
async def test_reads_of_the_graphs_own_schema_still_run(seeded: Graph, statement: str) -> None:
    columns, _ = await run_read_only(seeded, statement)
    assert columns


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
