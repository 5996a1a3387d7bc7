"""GraphQL errors are logged by who caused them: the caller's in one line, ours with a traceback."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import httpx
import pytest

from lineage_graph.api import create_app
from lineage_graph.devstack._process import free_port
from lineage_graph.services.lineage.impact import ImpactService

if TYPE_CHECKING:
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

MISSING = "source:postgres%3A%2F%2Fnowhere%3A5432/db.public.none"


async def test_caller_errors_are_one_line_at_info_and_faults_keep_their_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    missing = await client.post("/graphql", json={"query": f'{{ impact(uid: "{MISSING}") {{ affected }} }}'})
    assert missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    invalid = await client.post(
        "/graphql", json={"query": f'{{ impact(uid: "{MISSING}", nope: 1) {{ affected }} }}'}
    )
    assert "errors" in invalid.json()

    caller = [r for r in caplog.records if r.name == "lineage_graph.graphql"]
    assert [(r.levelno, r.getMessage().split(":")[0]) for r in caller] == [
        (logging.INFO, "GraphQL NOT_FOUND at impact"),
        (logging.INFO, "GraphQL INVALID_DOCUMENT at document"),
    ]
    assert all(r.exc_info is None for r in caller)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    async def broken(*_: object, **__: object) -> None:
        msg = "a bug of ours"
        raise RuntimeError(msg)

    monkeypatch.setattr(ImpactService, "impact", broken)
    caplog.clear()
    fault = await client.post("/graphql", json={"query": f'{{ impact(uid: "{MISSING}") {{ affected }} }}'})
    assert "errors" in fault.json()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert "a bug of ours" in str(errors[0].exc_info[1])


async def test_an_unreachable_opa_is_one_line_at_warning(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    down = settings.model_copy(
        update={"opa_url": f"http://127.0.0.1:{free_port()}", "opa_timeout_seconds": 1.0}
    )
    app = create_app(down)
    caplog.set_level(logging.INFO)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            body = (
                await http.post("/graphql", json={"query": f'{{ impact(uid: "{MISSING}") {{ affected }} }}'})
            ).json()
    assert body["errors"][0]["extensions"]["code"] == "POLICY_ENGINE_UNAVAILABLE"
    ours = [r for r in caplog.records if r.name == "lineage_graph.graphql"]
    assert [(r.levelno, r.getMessage().split(":")[0]) for r in ours] == [
        (logging.WARNING, "GraphQL POLICY_ENGINE_UNAVAILABLE at impact")
    ]
    assert not [r for r in caplog.records if r.name == "strawberry.execution"]
