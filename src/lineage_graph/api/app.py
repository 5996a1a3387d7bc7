"""The FastAPI application factory.

One Neo4j driver and one OPA client per process, opened and closed by the lifespan. Policies
are pushed to OPA at start; a refused policy keeps ``/readyz`` at 503 with the file and line.
Policies OPA loses (it restarted empty) are pushed again (`Runtime.repair_policies`).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from lineage_graph import __version__, gc_tuning, resources
from lineage_graph.api import health, ingest_routes
from lineage_graph.api.graphql import schema
from lineage_graph.api.graphql.context import Context
from lineage_graph.api.graphql.errors import OutageAwareRouter
from lineage_graph.api.graphql.limits import GRAPHQL_PATH, BodySizeLimit
from lineage_graph.api.metrics import NEO4J_ROUND_TRIPS, RequestMetrics
from lineage_graph.api.principal import is_authenticated, request_principal
from lineage_graph.api.runtime import Runtime
from lineage_graph.graph import Graph, QueryLibrary
from lineage_graph.policy import PolicyEngine
from lineage_graph.policy.principals import Authenticator, AuthMode
from lineage_graph.policy.sync import current_revision
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


log = logging.getLogger("lineage_graph")


class Unauthenticated(Exception):  # noqa: N818  (a condition, as Starlette's HTTPException)
    """A GraphQL operation without a valid token while a tokens file is configured: HTTP 401."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        authenticator = Authenticator(settings.tokens_file)
        if authenticator.mode is AuthMode.OPEN:
            log.warning(
                "OPEN MODE: no tokens file (LINEAGE_GRAPH_TOKENS_FILE), so every caller is admin on "
                "every namespace under the name it gives in X-Lineage-Actor. For local development only."
            )
        queries = QueryLibrary(resources.cypher_dir(settings.cypher_dir))
        graph = Graph.connect(settings, queries)
        NEO4J_ROUND_TRIPS.set_function(lambda: graph.round_trips)
        engine = await PolicyEngine(settings.opa_url, settings.opa_timeout_seconds).open()
        runtime = Runtime(settings=settings, graph=graph, policies=engine, authenticator=authenticator)
        if settings.sync_policies_on_start:
            await runtime.sync_policies()
        else:
            runtime.policy_revision = await current_revision(engine)
        engine.on_undefined = runtime.repair_policies  # OPA restarted empty: push them again
        app.state.runtime = runtime
        gc_tuning.tune(settings.collector_thresholds)
        try:
            yield
        finally:
            await engine.close()
            await graph.close()

    app = FastAPI(title="lineage-graph", version=__version__, lifespan=lifespan)

    async def context_getter(request: Request) -> Context:
        runtime = request.app.state.runtime
        principal = request_principal(runtime, request.headers)  # once per request
        operation = request.method == "POST" or "query" in request.query_params
        if operation and not is_authenticated(runtime, principal):
            raise Unauthenticated  # GraphiQL's page itself (GET without a query) stays open
        return Context(runtime, principal)

    async def unauthenticated(_: Request, __: Exception) -> JSONResponse:
        error = {
            "message": "send Authorization: Bearer <token> (a tokens file is configured)",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
        return JSONResponse({"errors": [error]}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    app.add_exception_handler(Unauthenticated, unauthenticated)

    # Mounted at its own path (not a prefix over an empty one), so its route template is /graphql.
    app.include_router(OutageAwareRouter(schema, path=GRAPHQL_PATH, context_getter=context_getter))
    app.include_router(health.router)
    app.include_router(ingest_routes.router)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(RequestMetrics)

    return app
