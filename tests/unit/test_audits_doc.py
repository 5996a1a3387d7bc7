"""docs/auditors.md's generated schema section is the one the code gives today."""

from __future__ import annotations

from lineage_graph.tools import auditors_doc


def test_the_schema_section_is_up_to_date() -> None:
    committed = auditors_doc.section(auditors_doc.DOC.read_text(), "schema")
    assert committed == auditors_doc.render_schema().strip("\n"), (
        "docs/auditors.md is stale: run python -m lineage_graph.tools.auditors_doc"
    )


def test_the_schema_names_every_label_and_lineage_type() -> None:
    schema = auditors_doc.render_schema()
    for label in ("DataSource", "FeatureSetVersion", "Deployment", "PolicyDecision", "AuditEvent", "Entity"):
        assert f"`:{label}`" in schema
    for kind in ("READS", "CONSUMES", "SERVES_FROM", "PROMOTED_TO", "APPROVED", "OWNED_BY"):
        assert f"| `{kind}` |" in schema
    assert "| Entity | uid | unique | entity_uid | V0001__uid_constraints.cypher |" in schema
