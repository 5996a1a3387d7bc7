"""Abusive GraphQL documents are refused before they run, before authorisation, with a code.

Fragment fan-out, thousands of aliased root fields, large pages nested in lists and aliased
introspection each cost a few hundred bytes to send; the cost model (`api.graphql.cost`)
refuses them with ``QUERY_TOO_COSTLY`` stating the figure and the limit, and introspection is
for authenticated callers only in tokens mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from lineage_graph.api import create_app
from tests.integration.test_governance_authz import token, tokens_file

if TYPE_CHECKING:
    from pathlib import Path

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration


async def post(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> Any:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response.json()


def fan_out(levels: int) -> str:
    """``query { ...F0 }`` where each fragment spreads the next one twice: 2**levels paths."""
    fragments = [f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)]
    fragments.append(f"fragment F{levels} on Query {{ serverInfo {{ version }} }}")
    return "query { ...F0 }\n" + "\n".join(fragments)


async def test_fragment_fan_out_is_costed_once_per_fragment_and_refused(client: httpx.AsyncClient) -> None:
    body = await post(client, fan_out(21))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] == 2**21 * 2  # serverInfo and its version on every path
    assert error["extensions"]["limit"] == 250_000
    assert body["data"] is None
    assert (await client.get("/healthz")).status_code == 200
    small = await post(client, fan_out(3))
    assert "errors" not in small, small


async def test_many_aliased_root_fields_are_refused_before_running(client: httpx.AsyncClient) -> None:
    aliases = " ".join(
        f'a{n}: search(text: "x", first: 100) {{ pageInfo {{ hasNextPage }} }}' for n in range(1_000)
    )
    body = await post(client, f"query {{ {aliases} }}")
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "rootFields": 1_000, "limit": 100}
    assert error["message"].startswith("the operation selects 1000 root fields")


async def test_page_sizes_multiply_what_is_below_them(client: httpx.AsyncClient) -> None:
    query = """query($n: Int!) { search(text: "x", first: $n) { edges { node { uid kind } } } }"""
    assert "errors" not in await post(client, query, n=100)
    body = await post(client, query, n=1_000_000)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert body["errors"][0]["extensions"]["cost"] > 1_000_000


INTROSPECTION = "query { __schema { queryType { name } types { name fields { name } } } }"


async def test_aliased_introspection_is_refused_and_one_is_allowed(client: httpx.AsyncClient) -> None:
    one = await post(client, INTROSPECTION)
    assert one["data"]["__schema"]["queryType"] == {"name": "Query"}
    aliases = " ".join(f"s{n}: __schema {{ types {{ name }} }}" for n in range(300))
    body = await post(client, f"query {{ {aliases} }}")
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_introspection_can_be_turned_off(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> None:
    path = tokens_file(tmp_path / "tokens.toml", {"vera": [("viewer", "risk")]})
    for who, allowed in (("authenticated", True), ("nobody", False)):
        app = create_app(settings.model_copy(update={"tokens_file": path, "graphql_introspection": who}))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
        ):
            anonymous = await http.post("/graphql", json={"query": INTROSPECTION})
            assert anonymous.status_code == 401, "no token: no operation at all in tokens mode"
            vera = await post(http, INTROSPECTION, headers={"Authorization": f"Bearer {token('vera')}"})
            if allowed:
                assert vera["data"]["__schema"]["queryType"] == {"name": "Query"}
            else:
                assert vera["errors"][0]["extensions"] == {
                    "code": "INTROSPECTION_DISABLED",
                    "introspection": "nobody",
                }


async def test_date_times_neo4j_cannot_store_are_refused_with_a_code(client: httpx.AsyncClient) -> None:
    query = 'query($at: DateTime) { lineage(uid: "source:s3%3A%2F%2Flake/x", asOf: $at) { truncated } }'
    for value, reason in [("yesterday", "not a date-time"), ("2026-11-26T10:00:00+19:00", "UTC offset")]:
        body = await post(client, query, at=value)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INVALID_VALUE", error
        assert reason in error["message"]
