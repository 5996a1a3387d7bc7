"""The CLI's lineage and impact commands say how to write a uid with a reserved character."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lineage_graph.cli.main import app


@pytest.mark.parametrize(
    ("command", "uid", "corrected"),
    [
        ("lineage", "featureset:risk/customer/profile@3", "featureset:risk/customer%2Fprofile@3"),
        ("impact", "source:pg/public/customers", "source:pg/public%2Fcustomers"),
    ],
)
def test_a_raw_slash_in_a_name_is_refused_with_the_escaped_uid(
    command: str, uid: str, corrected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The uid is checked before any query: no server is needed (nothing listens there).
    monkeypatch.setenv("LINEAGE_GRAPH_NEO4J_URI", "bolt://127.0.0.1:9")
    result = CliRunner().invoke(app, [command, uid])
    assert result.exit_code == 1
    assert "write it as %2F" in result.output
    assert corrected in result.output
