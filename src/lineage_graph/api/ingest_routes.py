"""REST ingest: ``POST /api/v1/lineage`` (OpenLineage, Marquez-compatible) and MLflow webhooks.

``/api/v1/lineage`` takes one RunEvent, DatasetEvent or JobEvent, or a JSON array of them
(gzip ``Content-Encoding`` accepted, as the OpenLineage HTTP transport may send): 201 with
what was written; 422 with every problem (JSON Pointers into the body) and nothing stored;
400 for a body that is not JSON; 413 above `MAX_BODY_BYTES`; 409 when the catalog refuses a
fact (e.g. a Feast schema change that breaks a published contract).
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import TYPE_CHECKING, Any, Final

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from lineage_graph.api.graphql.context import ACTOR_HEADER, resolve_principal
from lineage_graph.domain import DomainError, ErrorCode, InvalidInput
from lineage_graph.ingest import mlflow
from lineage_graph.ingest.openlineage import OpenLineageIngest

if TYPE_CHECKING:
    from lineage_graph.api.runtime import Runtime

MAX_BODY_BYTES: Final = 64 * 1024 * 1024

router = APIRouter(prefix="/api/v1", tags=["ingest"])


class BodyError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, **details}, status_code=status)


def refusal(exc: DomainError) -> JSONResponse:
    if isinstance(exc, InvalidInput):
        return error_response(422, exc.code, exc.message, problems=exc.details.get("problems", []))
    return error_response(409, exc.code, exc.message, details=exc.details)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyError(413, ErrorCode.TOO_LARGE, f"request body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyError(413, ErrorCode.TOO_LARGE, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding in ("gzip", "deflate"):
        try:
            body = gzip.decompress(body) if encoding == "gzip" else zlib.decompress(body)
        except (OSError, EOFError, zlib.error) as exc:
            raise BodyError(400, "INVALID_BODY", f"the body is not valid {encoding}: {exc}") from exc
        if len(body) > limit:
            raise BodyError(413, ErrorCode.TOO_LARGE, f"request body larger than {limit} bytes uncompressed")
    elif encoding not in ("", "identity"):
        raise BodyError(415, "UNSUPPORTED_ENCODING", f"unsupported Content-Encoding {encoding!r}")
    return body


def decode_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(400, "INVALID_JSON", f"the body is not JSON: {exc}") from exc


@router.post(
    "/lineage",
    status_code=201,
    summary="OpenLineage events (one, or a JSON array)",
    responses={422: {"description": "Invalid events; nothing stored"}},
)
async def lineage(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    try:
        payload = decode_json(await read_body(request))
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    actor = resolve_principal(request.headers.get(ACTOR_HEADER))
    try:
        result = await OpenLineageIngest(runtime.graph).ingest_body(payload, actor=actor)
    except DomainError as exc:
        return refusal(exc)
    return JSONResponse(result.to_dict(), status_code=201)


MLFLOW_ACTOR: Final = "mlflow-webhook"


@router.post(
    "/webhooks/mlflow",
    summary="MLflow model-registry webhooks (HMAC-verified)",
    responses={401: {"description": "Bad or missing signature; nothing stored"}},
)
async def mlflow_webhook(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    secret_value = runtime.settings.mlflow_webhook_secret
    secret = secret_value.get_secret_value() if secret_value is not None else ""
    tracking = runtime.settings.mlflow_url
    if not secret or not tracking:
        return error_response(
            503,
            "NOT_CONFIGURED",
            "set LINEAGE_GRAPH_MLFLOW_WEBHOOK_SECRET and LINEAGE_GRAPH_MLFLOW_URL to receive MLflow webhooks",
        )
    try:
        body = await read_body(request, limit=1024 * 1024)
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    problem = mlflow.verify_signature(secret, {k.lower(): v for k, v in request.headers.items()}, body)
    if problem is not None:
        return error_response(401, "BAD_SIGNATURE", problem)
    try:
        payload = decode_json(body)
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    if not isinstance(payload, dict):
        return error_response(400, "INVALID_BODY", "a webhook delivery is a JSON object")
    async with httpx.AsyncClient(timeout=30) as http:
        importer = mlflow.MlflowImport(runtime.graph, mlflow.MlflowRest(tracking, http))
        try:
            result = await mlflow.handle_webhook(importer, payload, actor=MLFLOW_ACTOR)
        except mlflow.MlflowError as exc:
            return error_response(502, "MLFLOW_UNAVAILABLE", str(exc))
        except DomainError as exc:
            return refusal(exc)
    return JSONResponse(result, status_code=200)
