"""Open mode (no tokens file: every caller is admin) only listens on a loopback address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.testing import CliRunner

from lineage_graph.cli.main import app
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_open_mode_listens_on_loopback_only(tmp_path: Path) -> None:
    assert Settings(api_host="127.0.0.1").open_mode_refusal() is None
    assert Settings().open_mode_refusal("::1") is None
    assert Settings().open_mode_refusal("localhost") is None
    refusal = Settings().open_mode_refusal("0.0.0.0")
    assert refusal is not None
    assert refusal.startswith("refusing to serve on 0.0.0.0 in open mode")
    assert "lineage-graph tokens new" in refusal
    assert Settings(tokens_file=tmp_path / "tokens.toml").open_mode_refusal("0.0.0.0") is None
    assert Settings(open_mode_on_any_address=True).open_mode_refusal("10.1.2.3") is None


def test_serve_and_up_refuse_open_mode_on_another_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINEAGE_GRAPH_TOKENS_FILE", raising=False)
    served = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert served.exit_code == 2
    assert "refusing to serve on 0.0.0.0 in open mode" in served.output
    monkeypatch.setenv("LINEAGE_GRAPH_API_HOST", "0.0.0.0")
    up = CliRunner().invoke(app, ["up", "--no-demo"])
    assert up.exit_code == 2
    assert "refusing to serve on 0.0.0.0 in open mode" in up.output
