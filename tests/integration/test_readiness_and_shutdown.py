"""Readiness follows the servers, and no server process outlives its owner."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import httpx
import pytest

from lineage_graph.api import create_app
from lineage_graph.devstack._process import port_open
from lineage_graph.settings import Settings
from tests.stack import local_servers

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration


async def _readyz(settings: Settings) -> httpx.Response:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return await http.get("/readyz")


async def test_readyz_names_the_server_that_stopped(tmp_path: Path) -> None:
    with local_servers(tmp_path) as (neo4j, opa):
        settings = Settings(neo4j_uri=neo4j.bolt_url, opa_url=opa.url)
        assert (await _readyz(settings)).status_code == 200

        opa.stop()
        response = await _readyz(settings)
        assert response.status_code == 503
        assert response.json()["opa"] == "down"
        assert response.json()["neo4j"] == "ok"
        assert any(p.startswith("opa: not answering") for p in response.json()["problems"])

        opa.start()
        neo4j.stop()
        response = await _readyz(settings)
        assert response.status_code == 503
        assert response.json()["neo4j"] == "down"
        assert response.json()["opa"] == "ok"
        assert any(p.startswith("neo4j: not answering") for p in response.json()["problems"])
        pids = [p.pid for p in (neo4j.process, opa.process) if p is not None]

    assert not port_open("127.0.0.1", opa.port)
    assert not port_open("127.0.0.1", neo4j.bolt_port)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
