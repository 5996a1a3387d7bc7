"""Bearer tokens → principals with roles, from a TOML file the admin edits.

The file stores only the SHA-256 of each token, never the token itself::

    [[principals]]
    id = "alice"
    token_sha256 = "5e884898da28047151d0e56f8dc62927..."   # lineage-graph tokens hash
    roles = [{ role = "editor", namespace = "risk" }, { role = "viewer", namespace = "*" }]

Roles are viewer, editor, owner, approver, auditor and admin; a namespace of ``*`` means
every namespace. What each role may do is decided by ``lineage_graph.authz`` in OPA.
"""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

ROLES = frozenset({"viewer", "editor", "owner", "approver", "auditor", "admin"})


class TokensFileError(ValueError):
    """The tokens file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class RoleGrant:
    role: str
    namespace: str


@dataclass(frozen=True)
class Principal:
    id: str
    roles: tuple[RoleGrant, ...]

    def to_input(self) -> dict[str, Any]:
        return {"id": self.id, "roles": [{"role": r.role, "namespace": r.namespace} for r in self.roles]}


ANONYMOUS = Principal(id="anonymous", roles=())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenDirectory:
    by_hash: dict[str, Principal]

    @classmethod
    def load(cls, path: Path) -> TokenDirectory:
        try:
            document = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            msg = f"{path}: {exc}"
            raise TokensFileError(msg) from exc
        by_hash: dict[str, Principal] = {}
        for index, entry in enumerate(document.get("principals", [])):
            where = f"{path}: principals[{index}]"
            principal_id, digest = entry.get("id"), entry.get("token_sha256")
            if not isinstance(principal_id, str) or not principal_id:
                raise TokensFileError(f"{where}: 'id' must be a non-empty string")
            if not isinstance(digest, str) or len(digest) != 64:
                raise TokensFileError(f"{where} ({principal_id}): 'token_sha256' must be a sha256 hex digest")
            grants = []
            for grant in entry.get("roles", []):
                role, namespace = grant.get("role"), grant.get("namespace", "*")
                if role not in ROLES:
                    raise TokensFileError(
                        f"{where} ({principal_id}): unknown role {role!r}; roles: {sorted(ROLES)}"
                    )
                grants.append(RoleGrant(role=role, namespace=str(namespace)))
            if digest.lower() in by_hash:
                raise TokensFileError(f"{where} ({principal_id}): token already assigned")
            by_hash[digest.lower()] = Principal(id=principal_id, roles=tuple(grants))
        return cls(by_hash=by_hash)

    def principal(self, token: str) -> Principal | None:
        digest = hash_token(token)
        for known, principal in self.by_hash.items():
            if hmac.compare_digest(known, digest):
                return principal
        return None
