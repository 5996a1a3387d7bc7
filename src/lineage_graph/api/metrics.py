"""Prometheus metrics of the API process and the ASGI middleware that counts and times requests.

The middleware is plain ASGI rather than Starlette's ``BaseHTTPMiddleware`` (``@app.middleware``),
which runs every request through an extra task and memory streams (~1 ms per request here).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("lineage_graph_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("lineage_graph_http_request_seconds", "HTTP request latency", ["method", "route"])
NEO4J_ROUND_TRIPS = Gauge(
    "lineage_graph_neo4j_round_trips",
    "Neo4j queries this process has run since it started (Graph.round_trips; only ever grows)",
)


class RequestMetrics:
    """Counts HTTP requests by method, matched route template and status, and times them (until
    the app returns: the response has been sent). A request that fails before answering counts
    as status 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # The router records the matched route in the request's scope.
            route = str(getattr(scope.get("route"), "path", "unmatched"))
            method = str(scope["method"])
            LATENCY.labels(method, route).observe(time.perf_counter() - started)
            REQUESTS.labels(method, route, str(status)).inc()
