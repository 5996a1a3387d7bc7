"""GraphQL errors are logged by who caused them: the caller's in one line, ours with a traceback."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from lineage_graph.services.impact import ImpactService

if TYPE_CHECKING:
    import httpx

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
