"""Posting GraphQL operations to the test app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


async def gql(
    client: httpx.AsyncClient, query: str, actor: str | None = None, **variables: Any
) -> dict[str, Any]:
    """POST `query` (as `actor` through ``X-Lineage-Actor`` in open mode, when given), assert it
    answered 200 without errors, and return its ``data``."""
    headers = {"X-Lineage-Actor": actor} if actor is not None else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return dict(body["data"])
