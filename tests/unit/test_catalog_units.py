"""Pure pieces of the catalog: codec, hash chain, search query escaping, limits, principal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lineage_graph.api.graphql.errors import Conflict, ContractViolation, InvalidInput, NotFound, refusal
from lineage_graph.api.graphql.limits import BodySizeLimit
from lineage_graph.api.principal import ANONYMOUS, resolve_principal
from lineage_graph.domain import ContractViolation as ContractViolationError
from lineage_graph.domain import ImmutableConflict, InvalidUid, ModelVersionInput, Uid
from lineage_graph.graph.audit_store import ChainHead
from lineage_graph.graph.codec import canonical_json, decode, record_from_node, to_properties
from lineage_graph.services.audit.chain import PendingEvent, chain, event_hash, event_uid
from lineage_graph.services.catalog.queries import decode_cursor, encode_cursor, lucene_query
from lineage_graph.services.errors import NotFound as NotFoundError

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_json_fields_round_trip_through_node_properties() -> None:
    version = ModelVersionInput.model_validate(
        {
            "namespace": "risk",
            "name": "cd",
            "version": 3,
            "artifactUri": "s3://m/3",
            "hyperparameters": {"eta": 0.3, "depth": 6},
            "trainingScript": {"repo": "https://git/x", "commit": "abc"},
            "inputs": [{"input": "a", "feature": "feature:risk/p@1#a"}],
        }
    )
    props = to_properties(version)
    assert props["hyperparametersJson"] == '{"depth":6,"eta":0.3}'
    assert (props["trainingScriptRepo"], props["trainingScriptCommit"]) == ("https://git/x", "abc")
    assert props["hyperparameterNames"] == ["depth", "eta"]
    assert all(not isinstance(v, dict) for v in props.values())
    stored = props | {"uid": "model:risk/cd@3", "kind": "ModelVersion", "createdAt": NOW, "createdBy": "t"}
    record = record_from_node(stored)
    assert record is not None
    assert record.to_properties()["hyperparameters"] == {"depth": 6, "eta": 0.3}
    assert decode({"inputsJson": "[]", "other": 1}) == {"inputs": [], "other": 1}
    assert record_from_node({"kind": "SchemaMigration"}) is None


def test_canonical_json_is_stable() -> None:
    assert canonical_json({"b": 1, "a": [NOW, "é"]}) == '{"a":["2026-11-26T10:00:00Z","é"],"b":1}'


def test_chain_links_events_by_hash() -> None:
    events = [
        PendingEvent("register", "model:a/b", None, {"x": 1}),
        PendingEvent("deprecate", "model:a/b@1", {"s": 1}, {"s": 2}),
    ]
    rows, head = chain(ChainHead(7, "prev"), events, actor="alice", at=NOW)
    assert [r["seq"] for r in rows] == [8, 9]
    assert rows[0]["prevHash"] == "prev"
    assert rows[1]["prevHash"] == rows[0]["hash"]
    assert head == ChainHead(9, rows[1]["hash"])
    assert event_uid(rows[0]["seq"]) == "auditevent:global/8"
    assert "beforeJson" not in rows[0]
    recomputed = event_hash(
        seq=9,
        action="deprecate",
        actor="alice",
        at=NOW,
        entity_uid="model:a/b@1",
        before_json='{"s":1}',
        after_json='{"s":2}',
        prev_hash=rows[0]["hash"],
    )
    assert recomputed == rows[1]["hash"]
    changed = event_hash(
        seq=9,
        action="deprecate",
        actor="mallory",
        at=NOW,
        entity_uid="model:a/b@1",
        before_json='{"s":1}',
        after_json='{"s":2}',
        prev_hash=rows[0]["hash"],
    )
    assert changed != recomputed


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("", None),
        ("Customer", "(customer OR customer*)"),
        ("risk profile", "(risk OR risk*) AND (profile OR profile*)"),
        ('a:b "(x)"', '(a\\:b OR a\\:b*) AND (\\"\\(x\\)\\" OR \\"\\(x\\)\\"*)'),
    ],
)
def test_search_text_becomes_an_escaped_lucene_query(text: str, query: str | None) -> None:
    assert lucene_query(text) == query


def test_cursors_round_trip_and_reject_foreign_ones() -> None:
    assert decode_cursor("search", encode_cursor("search", 41)) == 41
    assert decode_cursor("search", None) is None
    with pytest.raises(Exception, match="cursor"):
        decode_cursor("audit", encode_cursor("search", 1))


@pytest.mark.parametrize(
    ("header", "actor"),
    [(None, ANONYMOUS), ("", ANONYMOUS), ("  bob  ", "bob"), ("a\nb", ANONYMOUS), ("x" * 300, ANONYMOUS)],
)
def test_principal_resolution(header: str | None, actor: str) -> None:
    assert resolve_principal(header) == actor


def test_refusals_map_domain_errors_to_graphql_types() -> None:
    assert isinstance(refusal(NotFoundError(["model:a/b"])), NotFound)
    conflict = refusal(
        ImmutableConflict(
            "x",
            details={
                "uid": "u",
                "differences": [{"path": "p", "change": "CHANGED", "stored": 1, "incoming": 2}],
            },
        )
    )
    assert isinstance(conflict, Conflict)
    assert conflict.code == "IMMUTABLE_CONFLICT"
    assert conflict.differences[0].path == "p"
    violation = refusal(
        ContractViolationError(
            "x",
            details={
                "declaredContract": "1.0.0",
                "expectedContract": "2.0.0",
                "previousContract": "1.0.0",
                "requiredBump": "MAJOR",
                "diff": {"removed": ["a"]},
            },
        )
    )
    assert isinstance(violation, ContractViolation)
    assert violation.diff.removed == ["a"]
    invalid = refusal(InvalidUid("bad uid"))
    assert isinstance(invalid, InvalidInput)
    assert invalid.problems[0].code == "INVALID_UID"
    with pytest.raises(InvalidUid):
        Uid.parse("nope")


async def _echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"size": len(body)})


@pytest.mark.parametrize(("size", "status"), [(10, 200), (100, 200), (101, 413)])
async def test_body_size_limit(size: int, status: int) -> None:
    app = BodySizeLimit(Starlette(routes=[Route("/graphql", _echo, methods=["POST"])]), limit=100)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.post("/graphql", content=b"x" * size)

        async def chunks() -> Any:
            yield b"x" * 60
            yield b"x" * (size - 60) if size > 60 else b""

        streamed = await client.post("/graphql", content=chunks())
    assert response.status_code == status
    assert streamed.status_code == status
    if status == 413:
        assert response.json()["errors"][0]["extensions"]["code"] == "TOO_LARGE"
