"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from lineage_graph.policy.engine import PolicyEngineUnavailableError

if TYPE_CHECKING:
    from lineage_graph.api.runtime import Runtime

router = APIRouter()


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _check_neo4j(runtime: Runtime) -> str | None:
    try:
        await asyncio.wait_for(runtime.graph.ping(), timeout=3.0)
    except Exception as exc:
        return f"neo4j: not answering at {runtime.settings.neo4j_uri} ({type(exc).__name__}: {exc})"
    return None


async def _check_opa(runtime: Runtime) -> str | None:
    not_answering = f"opa: not answering at {runtime.settings.opa_url}"
    if not await runtime.policies.healthy():
        return not_answering
    try:
        return await runtime.policy_problem()
    except PolicyEngineUnavailableError:
        return not_answering


@router.get(
    "/readyz",
    summary="Neo4j and OPA both answer, and OPA holds the policies this process pushed "
    "(pushed again if OPA lost them)",
    responses={503: {"description": "Neo4j or OPA is down, or OPA lacks the policies: see problems"}},
)
async def readyz(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    neo4j_problem, opa_problem = await asyncio.gather(_check_neo4j(runtime), _check_opa(runtime))
    problems = [p for p in (neo4j_problem, opa_problem) if p is not None]
    body = {
        "status": "ready" if not problems else "unavailable",
        "neo4j": "ok" if neo4j_problem is None else "down",
        "opa": "ok" if opa_problem is None else "down",
        "policyRevision": runtime.policy_revision,
        "auth": runtime.authenticator.mode.value,
        "problems": problems,
    }
    return JSONResponse(body, status_code=200 if not problems else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
async def metrics() -> Response:
    return PlainTextResponse(generate_latest().decode(), media_type=CONTENT_TYPE_LATEST)
