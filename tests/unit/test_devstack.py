from __future__ import annotations

import pytest

from lineage_graph.devstack import ProvisionError
from lineage_graph.devstack._process import require_tool


@pytest.mark.parametrize(("tool", "hint"), [("java", "Java 17+"), ("mvn", "Maven"), ("go", "Go 1.22+")])
def test_a_missing_tool_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tool: str, hint: str) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ProvisionError, match=f"'{tool}' was not found on PATH: install .*{hint}"):
        require_tool(tool)
