"""Helpers shared by the ingest tests (no tests here): fixture events, graph dumps, a served API."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn

from lineage_graph.api import create_app
from lineage_graph.devstack._process import free_port, spawn, stop
from lineage_graph.devstack.paths import cache_dir
from tests.cypher import cypher

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def event(name: str) -> Any:
    return json.loads((FIXTURES / "openlineage" / name).read_text())


async def dump(graph: Graph, *, volatile: frozenset[str] = frozenset(), audit: bool = True) -> dict[str, Any]:
    """Every node and edge with its properties (minus `volatile` keys), sorted; without the
    audit trail when `audit` is false."""
    nodes = await cypher(
        graph,
        "MATCH (n) WHERE NOT n:SchemaMigration "
        "RETURN labels(n) AS labels, properties(n) AS props ORDER BY coalesce(n.uid, n.id)",
    )
    edges = await cypher(
        graph,
        "MATCH (a)-[r]->(b) RETURN coalesce(a.uid, a.id) AS from, type(r) AS type, "
        "coalesce(b.uid, b.id) AS to, properties(r) AS props ORDER BY from, type, to",
    )

    def clean(props: dict[str, Any]) -> dict[str, Any]:
        return {k: str(v) for k, v in props.items() if k not in volatile}

    trail = {"AuditEvent", "AuditChain"}
    return {
        "nodes": [
            {"labels": sorted(n["labels"]), **clean(n["props"])}
            for n in nodes
            if audit or not trail & set(n["labels"])
        ],
        "edges": [{**e, "props": clean(e["props"])} for e in edges if audit or e["type"] != "ABOUT"],
    }


async def node(graph: Graph, uid: str) -> dict[str, Any]:
    rows = await cypher(graph, "MATCH (n:Entity {uid: $uid}) RETURN properties(n) AS props", {"uid": uid})
    assert rows, f"no node {uid}"
    return dict(rows[0]["props"])


async def edges(graph: Graph, uid: str, rel: str) -> list[dict[str, Any]]:
    return await cypher(
        graph,
        "MATCH (a:Entity {uid: $uid})-[r]->(b) WHERE type(r) = $rel AND r.retiredAt IS NULL "
        "RETURN b.uid AS to, properties(r) AS props ORDER BY to",
        {"uid": uid, "rel": rel},
    )


async def count_nodes(graph: Graph) -> int:
    rows = await cypher(graph, "MATCH (n:Entity) RETURN count(n) AS n")
    return int(rows[0]["n"])


async def audit_actions(graph: Graph) -> list[str]:
    rows = await cypher(graph, "MATCH (e:AuditEvent) RETURN e.action AS action ORDER BY e.seq")
    return [r["action"] for r in rows]


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The full app under uvicorn on a free loopback port, in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            msg = "uvicorn did not start"
            raise RuntimeError(msg)
        time.sleep(0.05)
    try:
        with httpx.Client() as http:
            assert http.get(f"{url}/healthz").status_code == 200
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)


# --- real producers in their own virtual environments ------------------------------------------

FEAST_VERSION = "0.67.0"
MLFLOW_VERSION = "3.17.2"
"""mlflow 3.18.0 is on PyPI but its mlflow-skinny 3.18.0 is not, so it cannot be installed."""


def tool_venv(package: str, version: str, extras: str = "") -> Path:
    """A virtual environment with `package` installed from PyPI, cached across sessions."""
    venv = cache_dir() / "venvs" / f"{package}-{version}"
    marker = venv / f".installed{extras}"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"{package}{extras}=={version}"], check=True, capture_output=True, timeout=1800)
        marker.touch()
    return venv


@dataclass(frozen=True)
class MlflowServer:
    url: str
    venv: Path
    process: subprocess.Popen[bytes]


@contextmanager
def mlflow_server(home: Path) -> Iterator[MlflowServer]:
    """``mlflow server`` on a free loopback port with a SQLite store, allowed to call loopback webhooks."""
    venv = tool_venv("mlflow", MLFLOW_VERSION)
    port = free_port()
    env = {
        "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS": "true",
        "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
        "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY": base64.urlsafe_b64encode(
            b"lineage-graph-tests-only-key-32b"
        ).decode(),
        "MLFLOW_WEBHOOK_CACHE_TTL": "1",
    }
    args = [
        str(venv / "bin" / "mlflow"),
        "server",
        "--backend-store-uri",
        f"sqlite:///{home / 'mlflow.db'}",
        "--default-artifact-root",
        str(home / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    process = spawn(args, home / "mlflow.log", env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        with httpx.Client() as http:
            while True:
                try:
                    if http.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (home / "mlflow.log").read_text()[-3000:]
                    msg = f"mlflow server did not start:\n{log}"
                    raise RuntimeError(msg)
                time.sleep(0.5)
        yield MlflowServer(url, venv, process)
    finally:
        stop(process)
