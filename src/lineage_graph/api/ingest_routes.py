"""REST ingest: ``POST /api/v1/lineage`` (OpenLineage, Marquez-compatible) and MLflow webhooks.

``/api/v1/lineage`` takes one RunEvent, DatasetEvent or JobEvent, or a JSON array of them
(gzip ``Content-Encoding`` accepted, as the OpenLineage HTTP transport may send): 201 with
what was written; 422 with every problem (JSON Pointers into the body) and nothing stored;
400 for a body that is not JSON or nests deeper than `api.bodies.MAX_JSON_DEPTH`; 413 above
`api.bodies.MAX_BODY_BYTES`, received or inflated; 422 for an event over its caps
(`ingest.openlineage_events.EventCaps`); 409 when the catalog refuses a
fact (e.g. a Feast schema change that breaks a published contract).

Both routes are authorised like GraphQL (docs/adr/0004-ingest-authz.md): the caller is the
principal `request_principal` resolves (a bearer token, or ``X-Lineage-Actor`` in open mode;
the MLflow webhook is the HMAC-verified ``mlflow-webhook`` principal), and OPA's
``lineage_graph.authz`` must allow the ``ingest`` action in every namespace the request writes
into, in one call; denials are recorded (allowances are not: re-sending events changes
nothing, and producers send far more than the catalog keeps). 401 without a valid token when
a tokens file is configured; 403 with the violations when denied; 503 when OPA cannot decide
(fail closed). Nothing is stored in any of these cases.

While Neo4j cannot be reached, both routes answer 503 ``DATABASE_UNAVAILABLE`` with a
``Retry-After`` header within seconds (`graph.database.database_unavailable`); the events may
be sent again as they are.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any, Final

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from lineage_graph.api.bodies import BodyError, decode_json, inflate, read_body, read_raw
from lineage_graph.api.principal import ANONYMOUS, is_authenticated, machine_principal, request_principal
from lineage_graph.domain import DomainError, InvalidInput, Kind, Uid
from lineage_graph.graph.database import (
    DATABASE_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    database_unavailable,
)
from lineage_graph.ingest import mlflow
from lineage_graph.ingest import openlineage_events as ol
from lineage_graph.ingest.openlineage import OpenLineageIngest, translate
from lineage_graph.policy.decisions import Package
from lineage_graph.services.governance.decisions import Governor
from lineage_graph.services.governance.gates import denial
from lineage_graph.services.governance.inputs import authz_document

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from lineage_graph.api.runtime import Runtime
    from lineage_graph.ingest.openlineage import Translation
    from lineage_graph.policy.principals import Principal

log = logging.getLogger(__name__)

INGEST_ACTION: Final = "ingest"

WEBHOOK_BODY_BYTES: Final = 1024 * 1024

router = APIRouter(prefix="/api/v1", tags=["ingest"])


def error_response(status: int, code: str, message: str, **details: Any) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, **details}, status_code=status)


def refusal(exc: DomainError) -> JSONResponse:
    if isinstance(exc, InvalidInput):
        return error_response(422, exc.code, exc.message, problems=exc.details.get("problems", []))
    return error_response(409, exc.code, exc.message, details=exc.details)


def unauthenticated() -> JSONResponse:
    response = error_response(
        401, "UNAUTHENTICATED", "send Authorization: Bearer <token> (a tokens file is configured)"
    )
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def outage_as_503(
    endpoint: Callable[[Request], Awaitable[JSONResponse]],
) -> Callable[[Request], Awaitable[JSONResponse]]:
    """Answer 503 DATABASE_UNAVAILABLE (with Retry-After) when Neo4j cannot be reached, not a 500
    naming the server's address; logged in one line at WARNING."""

    @functools.wraps(endpoint)
    async def answer(request: Request) -> JSONResponse:
        try:
            return await endpoint(request)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log.warning(
                "%s %s: %s (%s)", request.method, request.url.path, DATABASE_UNAVAILABLE, type(exc).__name__
            )
            response = error_response(503, DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE)
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response

    return answer


def written_into(uids: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(kind, uid, namespace)`` for each namespace the uids live in (the first uid of each names it)."""
    by_namespace: dict[str, tuple[str, str, str]] = {}
    for uid in sorted(set(uids)):
        parsed = Uid.parse(uid)
        by_namespace.setdefault(parsed.namespace, (parsed.kind.value, uid, parsed.namespace))
    return list(by_namespace.values())


def _translated_uids(translation: Translation) -> list[str]:
    batch = translation.batch
    return [*batch.sources, *batch.snapshots, *batch.jobs, *batch.runs, *translation.views]


async def authorize(
    runtime: Runtime, principal: Principal, resources: list[tuple[str, str, str]], route: str
) -> JSONResponse | None:
    """None when ``lineage_graph.authz`` allows `ingest` on every resource (one OPA call);
    otherwise the 403 (denied) or 503 (OPA cannot decide) to answer, the denials recorded."""
    governor = Governor(runtime.policies, runtime.graph, runtime.policy_revision)
    subjects = [
        (uid, authz_document(principal, INGEST_ACTION, kind, uid, namespace))
        for kind, uid, namespace in resources
    ]
    judged = await governor.judge_many(
        Package.AUTHZ, subjects, actor=principal.id or ANONYMOUS, action=f"{route}:{INGEST_ACTION}"
    )
    denied = [j for j in judged if not j.decision.allow]
    if not denied:
        return None
    try:
        await governor.record(denied)
    except Exception:
        log.exception("could not record the authorisation decisions of an ingest request")
    refused = denial(denied, route)
    return error_response(
        503 if any(j.unavailable for j in denied) else 403,
        refused.code,
        refused.message,
        violations=refused.details["violations"],
    )


@router.post(
    "/lineage",
    status_code=201,
    summary="OpenLineage events (one, or a JSON array)",
    responses={
        400: {"description": "The body is not JSON (or not valid gzip), or nests too deep; nothing stored"},
        401: {"description": "No valid bearer token (a tokens file is configured); nothing stored"},
        403: {"description": "lineage_graph.authz denies ingest; nothing stored"},
        409: {"description": "The catalog refuses a fact (e.g. a broken published contract); nothing stored"},
        413: {"description": "The body is too large, received or inflated; nothing stored"},
        415: {"description": "A Content-Encoding other than gzip or deflate; nothing stored"},
        422: {"description": "Invalid events, or events over their caps; nothing stored"},
        503: {"description": "OPA cannot decide (fail closed), or Neo4j is unreachable; nothing stored"},
    },
)
@outage_as_503
async def lineage(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    principal = request_principal(runtime, request.headers)
    if not is_authenticated(runtime, principal):
        return unauthenticated()
    try:
        payload = decode_json(await read_body(request))
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    try:
        settings = runtime.settings
        events = ol.parse_events(
            payload, ol.EventCaps(settings.openlineage_max_datasets, settings.openlineage_max_fields)
        )
        translation = translate(events, single=not isinstance(payload, list))
        if translation.problems:
            raise ol.invalid(translation.problems, len(events))
    except DomainError as exc:
        return refusal(exc)
    refused = await authorize(runtime, principal, written_into(_translated_uids(translation)), "openlineage")
    if refused is not None:
        return refused
    try:
        result = await OpenLineageIngest(runtime.graph).write(
            translation, events=len(events), actor=principal.id
        )
    except DomainError as exc:
        return refusal(exc)
    return JSONResponse(result.to_dict(), status_code=201)


MLFLOW_ACTOR: Final = "mlflow-webhook"


def _webhook_resource(payload: dict[str, Any], namespace: str) -> tuple[str, str, str]:
    """The model a delivery is about (its registered name), in the namespace models land in."""
    data = payload.get("data")
    name = data.get("name") if isinstance(data, dict) else None
    try:
        uid = Uid(Kind.MODEL, namespace, str(name)).format() if name else ""
    except DomainError:
        uid = ""
    return Kind.MODEL.value, uid, namespace


@router.post(
    "/webhooks/mlflow",
    summary="MLflow model-registry webhooks (HMAC-verified)",
    responses={
        400: {"description": "The delivery is not a JSON object, or nests too deep; nothing stored"},
        401: {"description": "Bad or missing signature; nothing stored"},
        403: {"description": "lineage_graph.authz denies mlflow-webhook ingest; nothing stored"},
        409: {"description": "The catalog refuses the model version; nothing stored"},
        413: {"description": "The delivery is too large, received or inflated; nothing stored"},
        415: {"description": "A Content-Encoding other than gzip or deflate; nothing stored"},
        422: {"description": "The model version is invalid; nothing stored"},
        502: {"description": "MLflow could not be read; nothing stored"},
        503: {
            "description": "Not configured, OPA cannot decide (fail closed), or Neo4j is unreachable; "
            "nothing stored"
        },
    },
)
@outage_as_503
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
        received = await read_raw(request, limit=WEBHOOK_BODY_BYTES)
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    # The signature covers the bytes received: nothing is inflated or parsed before it holds.
    problem = mlflow.verify_signature(secret, {k.lower(): v for k, v in request.headers.items()}, received)
    if problem is not None:
        return error_response(401, "BAD_SIGNATURE", problem)
    try:
        body = inflate(received, request.headers.get("content-encoding", ""), WEBHOOK_BODY_BYTES)
        payload = decode_json(body)
    except BodyError as exc:
        return error_response(exc.status, exc.code, exc.message)
    if not isinstance(payload, dict):
        return error_response(400, "INVALID_BODY", "a webhook delivery is a JSON object")
    principal = machine_principal(runtime, MLFLOW_ACTOR)
    namespace = mlflow.DEFAULT_NAMESPACE
    refused = await authorize(runtime, principal, [_webhook_resource(payload, namespace)], "mlflowWebhook")
    if refused is not None:
        return refused
    async with httpx.AsyncClient(timeout=30) as http:
        importer = mlflow.MlflowImport(runtime.graph, mlflow.MlflowRest(tracking, http), namespace=namespace)
        try:
            result = await mlflow.handle_webhook(importer, payload, actor=MLFLOW_ACTOR)
        except mlflow.MlflowError as exc:
            return error_response(502, "MLFLOW_UNAVAILABLE", str(exc))
        except DomainError as exc:
            return refusal(exc)
    return JSONResponse(result, status_code=200)
