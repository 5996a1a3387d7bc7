"""Who a request is: the one place every HTTP entry point (GraphQL, REST ingest) decides it.

With a tokens file (``LINEAGE_GRAPH_TOKENS_FILE``) the principal is the one whose token the
``Authorization: Bearer <token>`` header carries, or an unauthenticated one (no id, no roles)
without a valid token. Without one (open mode, local development) the caller names itself in
``X-Lineage-Actor`` and is granted admin on every namespace. Either way OPA's
``lineage_graph.authz`` decides each action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from lineage_graph.policy.principals import AuthMode, Principal

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lineage_graph.api.runtime import Runtime

ACTOR_HEADER: Final = "X-Lineage-Actor"
AUTHORIZATION_HEADER: Final = "Authorization"
ANONYMOUS: Final = "anonymous"
MAX_ACTOR_LENGTH: Final = 256


def resolve_principal(header: str | None) -> str:
    """The actor an ``X-Lineage-Actor`` header names (default ``anonymous``).

    Only open mode (no tokens file) believes it: see `request_principal`.
    """
    if header is None:
        return ANONYMOUS
    actor = header.strip()
    if not actor or len(actor) > MAX_ACTOR_LENGTH or any(ch < " " or ch == "\x7f" for ch in actor):
        return ANONYMOUS
    return actor


def request_principal(runtime: Runtime, headers: Mapping[str, str] | None) -> Principal:
    """The principal of a request, from its headers (see the module docstring)."""
    authorization = headers.get(AUTHORIZATION_HEADER) if headers is not None else None
    actor = resolve_principal(headers.get(ACTOR_HEADER) if headers is not None else None)
    return runtime.authenticator.principal(authorization, actor)


def is_authenticated(runtime: Runtime, principal: Principal) -> bool:
    """False for a request without a valid token when a tokens file is configured."""
    return runtime.authenticator.mode is AuthMode.OPEN or bool(principal.id)


def machine_principal(runtime: Runtime, principal_id: str) -> Principal:
    """A caller authenticated by other means than a token (an HMAC-signed webhook): its role
    bindings come from the tokens file's entry with that id (none without one); open mode
    grants admin on every namespace, as to any caller."""
    directory = runtime.authenticator.directory()
    if directory is None:
        return runtime.authenticator.principal(None, principal_id)
    return directory.by_id(principal_id) or Principal(id=principal_id, roles=())
