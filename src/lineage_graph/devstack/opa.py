"""OPA and Regal, built from source with ``go install`` and cached outside the repository."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Final, Self

from lineage_graph.devstack import _process
from lineage_graph.devstack.errors import ProvisionError, ServerStartError
from lineage_graph.devstack.paths import bin_dir
from lineage_graph.devstack.versions import OPA_VERSION, REGAL_MODULE_SUM, REGAL_VERSION

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

_GO_ENV = {"CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}

DEFAULT_OPA_GOGC: Final = "400"
"""Go's garbage-collection target for the OPA servers lineage-graph runs (Go's default: 100).
Batch decisions parse and build megabytes of values per call: a 100k compliance scan's batches
cost OPA 17-19 CPU-s at 100, 11-14 at 400 (docs/performance.md)."""
DEFAULT_OPA_GOMEMLIMIT: Final = "1GiB"
"""Go's soft memory limit for those servers: near it, Go collects as often as it must, so the
higher GC target costs no more than ~1 GB at peak (1.9 GB without a limit in the same run).
``LINEAGE_GRAPH_OPA_GOGC`` and ``LINEAGE_GRAPH_OPA_GOMEMLIMIT`` override both;
docker-compose.yml sets the same."""


def _versioned(name: str, version: str) -> Path:
    return bin_dir() / f"{name}-{version}"


def _link(binary: Path, name: str) -> Path:
    link = bin_dir() / name
    if not (link.is_symlink() and link.readlink().name == binary.name):
        link.unlink(missing_ok=True)
        link.symlink_to(binary.name)
    return binary


def provision_opa() -> Path:
    """Build ``opa`` once with ``go install``; later calls return the cached binary."""
    binary = _versioned("opa", OPA_VERSION)
    if binary.exists():
        return _link(binary, "opa")
    go = _process.require_tool("go")
    staging = bin_dir() / "opa-build"
    staging.mkdir(exist_ok=True)
    _process.run_checked(
        [go, "install", f"github.com/open-policy-agent/opa@{OPA_VERSION}"],
        what="Building OPA with go install (needs the Go module proxy)",
        env={**_GO_ENV, "GOBIN": str(staging)},
    )
    (staging / "opa").rename(binary)
    return _link(binary, "opa")


def provision_regal() -> Path:
    """Build ``regal`` once from its module, verified against the pinned module hash."""
    binary = _versioned("regal", REGAL_VERSION)
    if binary.exists():
        return _link(binary, "regal")
    go = _process.require_tool("go")
    module = f"github.com/open-policy-agent/regal@{REGAL_VERSION}"
    env = {**_GO_ENV, "GONOSUMDB": "github.com/open-policy-agent/regal"}
    info = json.loads(
        _process.run_checked(
            [go, "mod", "download", "-json", module],
            what="Downloading Regal (needs the Go module proxy)",
            env=env,
        )
    )
    if info.get("Sum") != REGAL_MODULE_SUM:
        msg = f"Regal module hash {info.get('Sum')} does not match the pinned {REGAL_MODULE_SUM}"
        raise ProvisionError(msg)
    _process.run_checked(
        [go, "build", "-o", str(binary), "."],
        what="Building Regal",
        cwd=info["Dir"],
        env=env,
    )
    return _link(binary, "regal")


@dataclass
class OpaServer(_process.Server):
    """One ``opa run --server`` process on loopback. Use as a context manager."""

    port: int = 8181
    host: str = "127.0.0.1"
    log_path: Path | None = None
    gogc: str = field(default_factory=lambda: os.environ.get("LINEAGE_GRAPH_OPA_GOGC", DEFAULT_OPA_GOGC))
    gomemlimit: str = field(
        default_factory=lambda: os.environ.get("LINEAGE_GRAPH_OPA_GOMEMLIMIT", DEFAULT_OPA_GOMEMLIMIT)
    )
    process: subprocess.Popen[bytes] | None = None
    stop_timeout: ClassVar[float] = 10.0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> Self:
        if _process.port_open(self.host, self.port):
            msg = f"OPA: port {self.port} on {self.host} is already in use"
            raise ServerStartError(msg)
        if not (self.gogc == "off" or self.gogc.removeprefix("-").isdigit()):
            # Go would silently fall back to its default; GOMEMLIMIT it refuses itself (the log says).
            msg = f"OPA: LINEAGE_GRAPH_OPA_GOGC must be an integer or 'off', got {self.gogc!r}"
            raise ServerStartError(msg)
        binary = provision_opa()
        log = self.log_path or bin_dir().parent / "state" / f"opa-{self.port}.log"
        args = [
            str(binary),
            "run",
            "--server",
            "--addr",
            f"{self.host}:{self.port}",
            "--skip-version-check",
            "--log-level",
            "error",
        ]
        self.process = _process.spawn(args, log, env={"GOGC": self.gogc, "GOMEMLIMIT": self.gomemlimit})
        process = self.process
        ready = _process.wait_until(
            lambda: _process.http_ok(f"{self.url}/health"),
            process,
            timeout,
            on_exit=lambda: f"OPA exited with code {process.returncode}; log {log}:\n{_process.tail(log)}",
        )
        if not ready:
            self.stop()
            msg = f"OPA did not answer on {self.url}/health within {timeout:.0f}s; see {log}"
            raise ServerStartError(msg)
        return self
