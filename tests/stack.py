"""The servers a test session runs against.

In order of preference: servers named by ``LINEAGE_GRAPH_TEST_NEO4J_URI`` and
``LINEAGE_GRAPH_TEST_OPA_URL``; containers from testcontainers when a Docker engine answers;
otherwise local Neo4j and OPA processes on free ports. A test never skips for lack of a
server: it starts one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lineage_graph.devstack import Neo4jServer, OpaServer
from lineage_graph.devstack._process import free_port
from lineage_graph.devstack.opa import DEFAULT_OPA_GOGC, DEFAULT_OPA_GOMEMLIMIT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

NEO4J_IMAGE = "neo4j:5.26-community"
OPA_IMAGE = "openpolicyagent/opa:1.22.3"


@dataclass(frozen=True)
class Endpoints:
    neo4j_uri: str
    opa_url: str
    how: str


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextmanager
def _containers() -> Iterator[Endpoints]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs
    from testcontainers.neo4j import Neo4jContainer

    with ExitStack() as stack:
        neo4j = stack.enter_context(Neo4jContainer(NEO4J_IMAGE).with_env("NEO4J_AUTH", "none"))
        opa = (
            DockerContainer(OPA_IMAGE)
            .with_command("run --server --addr 0.0.0.0:8181")
            .with_env("GOGC", DEFAULT_OPA_GOGC)
            .with_env("GOMEMLIMIT", DEFAULT_OPA_GOMEMLIMIT)
            .with_exposed_ports(8181)
        )
        stack.enter_context(opa)
        wait_for_logs(opa, "Initializing server", timeout=60)
        yield Endpoints(
            neo4j_uri=neo4j.get_connection_url(),
            opa_url=f"http://{opa.get_container_host_ip()}:{opa.get_exposed_port(8181)}",
            how="testcontainers",
        )


@contextmanager
def local_servers(home: Path) -> Iterator[tuple[Neo4jServer, OpaServer]]:
    neo4j = Neo4jServer(home=home / "neo4j", bolt_port=free_port(), http_port=free_port(), heap="768m")
    opa = OpaServer(port=free_port(), log_path=home / "opa.log")
    with ExitStack() as stack:
        stack.enter_context(neo4j)
        stack.enter_context(opa)
        yield neo4j, opa


@contextmanager
def session_endpoints(home: Path) -> Iterator[Endpoints]:
    neo4j_uri = os.environ.get("LINEAGE_GRAPH_TEST_NEO4J_URI")
    opa_url = os.environ.get("LINEAGE_GRAPH_TEST_OPA_URL")
    if neo4j_uri and opa_url:
        yield Endpoints(neo4j_uri, opa_url, how="environment")
    elif docker_answers():
        with _containers() as endpoints:
            yield endpoints
    else:
        with local_servers(home) as (neo4j, opa):
            yield Endpoints(neo4j.bolt_url, opa.url, how="local")
