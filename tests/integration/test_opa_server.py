"""The OPA server the local stack starts: its Go GC settings reach the process, bad ones are refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from lineage_graph.devstack import OpaServer
from lineage_graph.devstack._process import free_port
from lineage_graph.devstack.errors import ProvisionError, ServerStartError
from lineage_graph.devstack.opa import DEFAULT_OPA_GOGC, DEFAULT_OPA_GOMEMLIMIT

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration


def _environ(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/environ", "rb") as f:
        pairs = [entry.decode().partition("=") for entry in f.read().split(b"\0") if entry]
    return {key: value for key, _, value in pairs}


def test_opa_runs_with_the_gc_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINEAGE_GRAPH_OPA_GOGC", raising=False)
    monkeypatch.delenv("LINEAGE_GRAPH_OPA_GOMEMLIMIT", raising=False)
    with OpaServer(port=free_port(), log_path=tmp_path / "default.log") as opa:
        assert opa.process is not None
        env = _environ(opa.process.pid)
        assert (env["GOGC"], env["GOMEMLIMIT"]) == (DEFAULT_OPA_GOGC, DEFAULT_OPA_GOMEMLIMIT)
    monkeypatch.setenv("LINEAGE_GRAPH_OPA_GOGC", "150")
    monkeypatch.setenv("LINEAGE_GRAPH_OPA_GOMEMLIMIT", "512MiB")
    with OpaServer(port=free_port(), log_path=tmp_path / "set.log") as opa:
        assert opa.process is not None
        env = _environ(opa.process.pid)
        assert (env["GOGC"], env["GOMEMLIMIT"]) == ("150", "512MiB")


def test_bad_gc_settings_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(
        ServerStartError, match="LINEAGE_GRAPH_OPA_GOGC must be an integer or 'off', got 'lots'"
    ):
        OpaServer(port=free_port(), log_path=tmp_path / "gogc.log", gogc="lots").start()
    # Go refuses a malformed limit itself: OPA exits at once and the error carries its log
    with pytest.raises(ProvisionError, match=r"(?s)OPA exited with code 2.*malformed GOMEMLIMIT"):
        OpaServer(port=free_port(), log_path=tmp_path / "limit.log", gomemlimit="a lot").start()
