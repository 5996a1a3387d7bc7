from __future__ import annotations

import gc
from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from lineage_graph import gc_tuning
from lineage_graph.cli.main import app
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """Put the collector back as it was: thresholds, and nothing frozen by the test."""
    thresholds = gc.get_threshold()
    frozen = gc_tuning._frozen
    yield
    gc.set_threshold(*thresholds)
    gc_tuning._frozen = frozen


@pytest.mark.parametrize(
    ("text", "expected"),
    [("50000,20,20", (50000, 20, 20)), (" 700, 10 ,10 ", (700, 10, 10)), ("1,0,0", (1, 0, 0))],
)
def test_thresholds_parse(text: str, expected: tuple[int, int, int]) -> None:
    assert gc_tuning.parse_thresholds(text) == expected


def test_default_keeps_cpythons_thresholds() -> None:
    assert gc_tuning.parse_thresholds("default") is None
    assert gc_tuning.parse_thresholds("DEFAULT") is None


@pytest.mark.parametrize("text", ["", "1,2", "1,2,3,4", "0,10,10", "-1,10,10", "a,b,c", "1.5,10,10", "off"])
def test_malformed_thresholds_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"three non-negative integers 'gen0,gen1,gen2'"):
        gc_tuning.parse_thresholds(text)


def test_settings_default_and_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().collector_thresholds == (50000, 20, 20)
    monkeypatch.setenv("LINEAGE_GRAPH_GC_THRESHOLDS", "default")
    assert Settings().collector_thresholds is None
    monkeypatch.setenv("LINEAGE_GRAPH_GC_THRESHOLDS", "7,7")
    with pytest.raises(ValidationError, match="gc_thresholds"):
        Settings()


def test_tune_sets_thresholds_and_freezes_once(restored_gc: None) -> None:
    gc_tuning._frozen = False
    before = gc.get_freeze_count()
    gc_tuning.tune((12345, 11, 13))
    assert gc.get_threshold() == (12345, 11, 13)
    frozen = gc.get_freeze_count()
    assert frozen > before
    kept = [object() for _ in range(10)]  # alive now, created after the first freeze
    gc_tuning.tune((23456, 12, 14))
    assert gc.get_threshold() == (23456, 12, 14)
    assert gc.get_freeze_count() == frozen  # the second call froze nothing more
    gc_tuning.tune(None)
    assert gc.get_threshold() == (23456, 12, 14)  # None leaves the thresholds alone
    del kept


def test_the_cli_refuses_a_bad_setting_in_one_line_per_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEAGE_GRAPH_GC_THRESHOLDS", "1,2")
    monkeypatch.setenv("LINEAGE_GRAPH_QUERY_TIMEOUT_SECONDS", "-1")
    result = CliRunner().invoke(app, ["policies", "scan"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert any(line.startswith("invalid setting LINEAGE_GRAPH_GC_THRESHOLDS: ") for line in lines)
    assert any(line.startswith("invalid setting LINEAGE_GRAPH_QUERY_TIMEOUT_SECONDS: ") for line in lines)


def test_every_cli_command_tunes_its_process(monkeypatch: pytest.MonkeyPatch, restored_gc: None) -> None:
    monkeypatch.setenv("LINEAGE_GRAPH_GC_THRESHOLDS", "34567,8,9")
    result = CliRunner().invoke(app, ["audit", "list"])  # needs no server
    assert result.exit_code == 0, result.output
    assert gc.get_threshold() == (34567, 8, 9)
