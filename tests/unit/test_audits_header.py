"""The audit library's headers, parameter types and refusals (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from lineage_graph import resources
from lineage_graph.graph import QueryLibrary
from lineage_graph.services.reports import (
    DIRECTORY,
    AuditError,
    AuditErrorCode,
    AuditHeaderError,
    AuditLibrary,
    ParamType,
    library,
    parse,
)

if TYPE_CHECKING:
    from pathlib import Path

REQUIRED = {
    "prod_models_incomplete_lineage",
    "deprecated_still_served",
    "pii_paths_to_prod",
    "snapshots_past_retention",
    "artifacts_without_owner",
    "training_serving_skew",
    "policy_decisions",
    "high_risk_promotions_lacking_approvals",
    "features_never_consumed",
    "version_history",
    "entity_changes",
}


@pytest.fixture(scope="module")
def audits() -> AuditLibrary:
    return library(QueryLibrary(resources.cypher_dir()))


def test_every_file_has_a_valid_header(audits: AuditLibrary) -> None:
    files = sorted(p.stem for p in (resources.cypher_dir() / DIRECTORY).glob("*.cypher"))
    assert [a.name for a in audits] == files
    assert set(files) >= REQUIRED
    for audit in audits:
        assert "?" in audit.question, audit.name
        assert audit.columns, audit.name
        assert all(p.description for p in audit.params), audit.name
        text = audit.query.text
        assert text.startswith("// Question:"), audit.name
        assert ";" not in text.split("\n")[-1], f"{audit.name}: one statement, no trailing semicolon"


def test_parameter_types_come_from_the_defaults(audits: AuditLibrary) -> None:
    types = {(a.name, p.name): (p.type, p.nullable) for a in audits for p in a.params}
    assert types[("deprecated_still_served", "asOf")] == (ParamType.DATETIME, False)
    assert types[("policy_decisions", "actor")] == (ParamType.STRING, True)
    assert types[("high_risk_promotions_lacking_approvals", "required")] == (ParamType.INTEGER, False)
    assert types[("snapshots_past_retention", "windows")] == (ParamType.MAP, False)
    assert types[("version_history", "uid")] == (ParamType.STRING, False)


def _library(tmp_path: Path, text: str) -> AuditLibrary:
    (tmp_path / DIRECTORY).mkdir(exist_ok=True)
    (tmp_path / DIRECTORY / "a.cypher").write_text(text)
    return AuditLibrary(QueryLibrary(tmp_path))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("// Returns: x\nRETURN 1 AS x", "Question"),
        ("// Question: Why?\nRETURN 1 AS x", "Returns"),
        ("// Question: Why?\n// Returns: x\nRETURN $y AS x", "parameters"),
        ("// Question: Why?\n// :param y => 1\n// Returns: x\nRETURN 1 AS x", "parameters"),
        ("// Question: Why?\n// :param y => rand()\n// Returns: x\nRETURN $y AS x", "parameter line"),
    ],
)
def test_an_invalid_header_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(AuditHeaderError, match=problem):
        _library(tmp_path, text)


def test_values_are_typed_and_refused_with_codes(tmp_path: Path) -> None:
    lib = _library(
        tmp_path,
        "// Question: Why?\n// :param at => datetime()\n//   When.\n// :param n => 2\n//   How many.\n"
        "// :param who => null\n//   Who.\n// :param on => true\n//   Whether.\n"
        "// :param w => {a: 1}\n//   Windows.\n// :param f => 0.5\n//   Ratio.\n"
        "// Returns: x\nRETURN [$at, $n, $who, $on, $w, $f] AS x",
    )
    audit = lib.get("a")
    assert [p.description for p in audit.params] == [
        "When.",
        "How many.",
        "Who.",
        "Whether.",
        "Windows.",
        "Ratio.",
    ]
    values = lib.values(
        audit, {"at": "2026-11-26", "n": "3", "who": None, "on": "false", "w": '{"PII": 30}', "f": "1"}
    )
    assert values == {
        "at": datetime(2026, 11, 26, tzinfo=UTC),
        "n": 3,
        "who": None,
        "on": False,
        "w": {"PII": 30},
        "f": 1.0,
    }
    assert lib.values(audit, {"at": "2026-11-26T10:00:00Z", "n": 4}) == {
        "at": datetime(2026, 11, 26, 10, tzinfo=UTC),
        "n": 4,
    }
    for bad in ({"at": "yesterday"}, {"n": "two"}, {"n": True}, {"on": "maybe"}, {"w": "[1]"}, {"at": None}):
        with pytest.raises(AuditError) as caught:
            lib.values(audit, bad)
        assert caught.value.code == AuditErrorCode.INVALID_PARAM, bad
    with pytest.raises(AuditError) as unknown:
        lib.values(audit, {"nope": 1})
    assert unknown.value.code == AuditErrorCode.UNKNOWN_PARAM
    for name in ("nope", "../catalog/upsert_nodes", "audits/a", "MATCH (n) DETACH DELETE n"):
        with pytest.raises(AuditError) as missing:
            lib.get(name)
        assert missing.value.code == AuditErrorCode.UNKNOWN_AUDIT


def test_only_the_audits_directory_is_the_library(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "write.cypher").write_text("CREATE (:X)")
    lib = _library(tmp_path, "// Question: Why?\n// Returns: x\nRETURN 1 AS x")
    assert [a.name for a in lib] == ["a"]
    assert parse(QueryLibrary(tmp_path)["audits/a"]).name == "a"
