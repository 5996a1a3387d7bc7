"""`plan_refusal` on plans shaped like Neo4j's EXPLAIN summaries (the real ones are tested end to end)."""

from __future__ import annotations

from typing import Any

from lineage_graph.graph.readonly import plan_refusal


def _plan(operator: str, details: str = "", *children: dict[str, Any]) -> dict[str, Any]:
    return {"operatorType": operator, "args": {"Details": details}, "children": list(children)}


def test_plain_reads_pass() -> None:
    plan = _plan("ProduceResults@neo4j", "n", _plan("Limit@neo4j", "1", _plan("AllNodesScan@neo4j", "n")))
    assert plan_refusal(plan, "neo4j") is None
    assert plan_refusal(None, "neo4j") is None


def test_an_operator_on_another_database_is_refused_wherever_it_sits() -> None:
    plan = _plan("ProduceResults@neo4j", "n", _plan("AllNodesScan@other", "n"))
    assert plan_refusal(plan, "neo4j") == "it runs on the database 'other'; only 'neo4j' may be read here"


def test_procedures_outside_the_allow_list_are_refused_by_name() -> None:
    allowed = _plan("ProcedureCall@neo4j", "db.labels() :: (label :: STRING)")
    assert plan_refusal(_plan("ProduceResults@neo4j", "label", allowed), "neo4j") is None
    other = _plan("ProcedureCall@neo4j", "dbms.listConfig() :: (name :: STRING)")
    refusal = plan_refusal(_plan("ProduceResults@neo4j", "name", other), "neo4j")
    assert refusal is not None
    assert refusal.startswith("the procedure dbms.listConfig is not one auditors may call")


def test_show_commands_other_than_schema_are_refused() -> None:
    assert plan_refusal(_plan("ShowIndexes@neo4j"), "neo4j") is None
    assert plan_refusal(_plan("ShowTransactions@neo4j"), "neo4j") is not None
    assert (
        plan_refusal(_plan("LoadCSV@neo4j"), "neo4j")
        == "LOAD CSV makes the server read a file or fetch a URL"
    )
