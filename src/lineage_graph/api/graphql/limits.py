"""The request-body limits of ``/graphql``: larger bodies get HTTP 413 before any parsing.

`MAX_BODY_BYTES` (2 MiB) bounds what one request may carry, whatever the per-field domain
limits allow; batch mutations hold at most `services.catalog.MAX_BATCH` inputs on top. A body
whose JSON (variables) or GraphQL document nests so deep that parsing it exhausts Python's
recursion limit gets HTTP 400 ``TOO_DEEP`` instead of a bare 500.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES: Final = 2 * 1024 * 1024
GRAPHQL_PATH: Final = "/graphql"


class BodySizeLimit:
    """ASGI middleware refusing request bodies above `limit` bytes on `path` with 413."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES, path: str = GRAPHQL_PATH) -> None:
        self.app = app
        self.limit = limit
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.path):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        received = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if not refused:
                started = True
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except RecursionError:
            if refused or started:
                raise
            await _error(send, 400, "TOO_DEEP", "the request nests too deeply to be parsed (JSON or GraphQL)")
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send: Send) -> None:
        await _error(send, 413, "TOO_LARGE", f"request body larger than {self.limit} bytes", limit=self.limit)


async def _error(send: Send, status: int, code: str, message: str, **extensions: object) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
