"""Neo4j Community 5.26 LTS from Maven Central jars, run as a real server on loopback.

The community tarball is not published to Maven Central, but every jar in it is: a small
pom that depends on ``org.neo4j.app:neo4j-server`` yields the server's classpath, which
``org.neo4j.server.CommunityEntryPoint`` runs with a generated ``neo4j.conf``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Self

from lineage_graph.devstack import _process
from lineage_graph.devstack.errors import ServerStartError
from lineage_graph.devstack.paths import cache_dir
from lineage_graph.devstack.versions import (
    CYPHER_SHELL_VERSION,
    NEO4J_BROWSER_VERSION,
    NEO4J_VERSION,
)

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.lineagegraph.devstack</groupId>
  <artifactId>{artifact}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""
_DEPENDENCY = (
    "    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>"
)
_SERVER_ARTIFACTS = (
    ("org.neo4j", "neo4j", NEO4J_VERSION),
    ("org.neo4j.app", "neo4j-server", NEO4J_VERSION),
    ("org.neo4j.client", "neo4j-browser", NEO4J_BROWSER_VERSION),
)
_SHELL_ARTIFACTS = (("org.neo4j", "cypher-shell", CYPHER_SHELL_VERSION),)
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class Neo4jDistribution:
    lib: Path
    shell_lib: Path
    """cypher-shell's jars, for people (docs/configuration.md); the platform never runs it."""


def _fetch(artifacts: tuple[tuple[str, str, str], ...], name: str, target: Path) -> None:
    marker = target / ".complete"
    if marker.exists():
        return
    mvn = _process.require_tool("mvn")
    _process.require_tool("java")
    work = target.parent / f"{name}-pom"
    work.mkdir(parents=True, exist_ok=True)
    deps = "\n".join(_DEPENDENCY.format(g=g, a=a, v=v) for g, a, v in artifacts)
    (work / "pom.xml").write_text(_POM.format(artifact=name, dependencies=deps))
    _process.run_checked(
        [
            mvn,
            "-q",
            "-B",
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={target}",
        ],
        what=f"Downloading {name} jars from Maven Central (check network access and Maven)",
        cwd=work,
    )
    marker.write_text("ok\n")


def provision_neo4j() -> Neo4jDistribution:
    """Fetch Neo4j's server jars (and cypher-shell's, on their own classpath) once."""
    root = cache_dir() / f"neo4j-{NEO4J_VERSION}"
    lib = root / "lib"
    shell_lib = root / "cypher-shell-lib"
    _fetch(_SERVER_ARTIFACTS, "neo4j-server", lib)
    _fetch(_SHELL_ARTIFACTS, "cypher-shell", shell_lib)
    return Neo4jDistribution(lib=lib, shell_lib=shell_lib)


@dataclass
class Neo4jServer(_process.Server):
    """One Neo4j server process; data lives in ``home``. Use as a context manager."""

    home: Path
    bolt_port: int = 7687
    http_port: int = 7474
    host: str = "127.0.0.1"
    heap: str = field(default_factory=lambda: os.environ.get("LINEAGE_GRAPH_NEO4J_HEAP", "1g"))
    pagecache: str = field(default_factory=lambda: os.environ.get("LINEAGE_GRAPH_NEO4J_PAGECACHE", "512m"))
    process: subprocess.Popen[bytes] | None = None
    stop_timeout: ClassVar[float] = 60.0

    @property
    def bolt_url(self) -> str:
        return f"bolt://{self.host}:{self.bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def log_path(self) -> Path:
        return self.home / "logs" / "console.log"

    def _write_config(self) -> Path:
        conf = self.home / "conf"
        for sub in ("conf", "data", "logs", "plugins", "run", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        settings = {
            "server.default_listen_address": self.host,
            "server.default_advertised_address": self.host,
            "server.bolt.listen_address": f"{self.host}:{self.bolt_port}",
            "server.bolt.advertised_address": f"{self.host}:{self.bolt_port}",
            "server.http.enabled": "true",
            "server.http.listen_address": f"{self.host}:{self.http_port}",
            "server.http.advertised_address": f"{self.host}:{self.http_port}",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "false",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.directories.plugins": str(self.home / "plugins"),
            "server.directories.run": str(self.home / "run"),
            "server.directories.import": str(self.home / "import"),
            "server.memory.pagecache.size": self.pagecache,
            "db.tx_log.rotation.retention_policy": "1 files",
            "dbms.usage_report.enabled": "false",
        }
        (conf / "neo4j.conf").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
        return conf

    def start(self, timeout: float = 120.0) -> Self:
        if _process.port_open(self.host, self.bolt_port):
            msg = f"Neo4j: port {self.bolt_port} on {self.host} is already in use"
            raise ServerStartError(msg)
        dist = provision_neo4j()
        java = _process.require_tool("java")
        conf = self._write_config()
        args = [
            java,
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *JVM_FLAGS,
            "-cp",
            f"{dist.lib}/*",
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={self.home}",
            f"--config-dir={conf}",
        ]
        self.process = _process.spawn(args, self.log_path)
        process = self.process
        ready = _process.wait_until(
            lambda: _process.http_ok(self.http_url),
            process,
            timeout,
            on_exit=lambda: (
                f"Neo4j exited with code {process.returncode} during start-up; "
                f"log {self.log_path}:\n{_process.tail(self.home / 'logs' / 'neo4j.log')}"
            ),
        )
        if not ready:
            self.stop()
            msg = f"Neo4j did not answer on {self.http_url} within {timeout:.0f}s; see {self.log_path}"
            raise ServerStartError(msg)
        return self
