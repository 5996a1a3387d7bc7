"""The servers a benchmark run measures: Neo4j, OPA and the API as a separate process.

The API runs under uvicorn in its own process, as in production, so its peak memory can be
read from /proc and HTTP overhead is part of every API figure. The servers' temporary home (the
Neo4j store, ~0.5 GB at 100k) is removed when they stop, unless ``LINEAGE_GRAPH_BENCH_KEEP`` is
set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lineage_graph.devstack import Neo4jServer, OpaServer
from lineage_graph.devstack._process import free_port, spawn, stop

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class BenchStack:
    neo4j_uri: str
    opa_url: str
    api_url: str
    api_pid: int
    opa_pid: int


def _wait_ready(url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    msg = f"the API at {url} did not become ready"
    raise RuntimeError(msg)


@contextmanager
def bench_stack(heap: str = "3g", pagecache: str = "2g") -> Iterator[BenchStack]:
    home = Path(tempfile.mkdtemp(prefix="lineage-graph-bench-"))
    neo4j = Neo4jServer(
        home=home / "neo4j", bolt_port=free_port(), http_port=free_port(), heap=heap, pagecache=pagecache
    )
    opa = OpaServer(port=free_port(), log_path=home / "opa.log")
    api_port = free_port()
    with ExitStack() as stack:
        if not os.environ.get("LINEAGE_GRAPH_BENCH_KEEP"):
            stack.callback(shutil.rmtree, home, ignore_errors=True)
        stack.enter_context(neo4j)
        stack.enter_context(opa)
        env = {
            "LINEAGE_GRAPH_NEO4J_URI": neo4j.bolt_url,
            "LINEAGE_GRAPH_OPA_URL": opa.url,
            "LINEAGE_GRAPH_API_PORT": str(api_port),
            "LINEAGE_GRAPH_LOG_LEVEL": "warning",
        }
        subprocess.run(
            [sys.executable, "-m", "lineage_graph.cli.main", "migrate"],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        api = spawn([sys.executable, "-m", "lineage_graph.cli.main", "serve"], home / "api.log", env=env)
        stack.callback(stop, api)
        url = f"http://127.0.0.1:{api_port}"
        _wait_ready(url)
        assert opa.process is not None
        yield BenchStack(
            neo4j_uri=neo4j.bolt_url, opa_url=opa.url, api_url=url, api_pid=api.pid, opa_pid=opa.process.pid
        )
