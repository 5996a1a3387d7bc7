"""Bearer tokens → principals with roles, from a TOML file the admin edits.

The file stores only the SHA-256 of each token, never the token itself::

    [[principals]]
    id = "alice"
    token_sha256 = "5e884898da28047151d0e56f8dc62927..."   # lineage-graph tokens hash
    roles = [{ role = "editor", namespace = "risk" }, { role = "viewer", namespace = "*" }]

Roles are viewer, editor, owner, approver, auditor and admin; a namespace of ``*`` means
every namespace. What each role may do is decided by ``lineage_graph.authz`` in OPA.

`Authenticator` turns a request's ``Authorization: Bearer <token>`` into its `Principal`; the
file is re-read when it changes, so an admin's edit applies without a restart. Without a
tokens file the platform runs in *open mode* (local development): the caller names itself
(``X-Lineage-Actor``) and holds ``admin`` on ``*`` — OPA still decides every request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

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
UNAUTHENTICATED = Principal(id="", roles=())
"""A request without a valid token: ``lineage_graph.authz`` answers ``AUTHZ_UNAUTHENTICATED``."""
OPEN_MODE_GRANTS: Final = (RoleGrant("admin", "*"),)

log = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random bearer token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


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

    def by_id(self, principal_id: str) -> Principal | None:
        """The principal with this id (its grants), whichever token it uses."""
        return next((p for p in self.by_hash.values() if p.id == principal_id), None)


class AuthMode(StrEnum):
    TOKENS = "tokens"
    OPEN = "open"


class Authenticator:
    """Decides who a request is: bearer tokens from `path`, or open mode without one."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._directory: TokenDirectory | None = None
        self._stamp: tuple[int, int] | None = None
        if path is not None:
            self.directory()

    @property
    def mode(self) -> AuthMode:
        return AuthMode.OPEN if self.path is None else AuthMode.TOKENS

    def directory(self) -> TokenDirectory | None:
        """The tokens file's principals, re-read when the file changed (kept if the new one is bad)."""
        if self.path is None:
            return None
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError as exc:
            if self._directory is None:
                msg = f"{self.path}: {exc}"
                raise TokensFileError(msg) from exc
            log.error("tokens file unreadable, keeping the last good one: %s", exc)
            return self._directory
        if stamp != self._stamp:
            try:
                self._directory = TokenDirectory.load(self.path)
            except TokensFileError:
                if self._directory is None:
                    raise
                log.exception("tokens file refused, keeping the last good one")
            self._stamp = stamp
        return self._directory

    def principal(self, authorization: str | None, actor: str) -> Principal:
        """The principal of a request from its ``Authorization`` header, or, in open mode, from
        the actor it names (``X-Lineage-Actor``), granted admin on every namespace."""
        directory = self.directory()
        if directory is None:
            return Principal(id=actor, roles=OPEN_MODE_GRANTS)
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return UNAUTHENTICATED
        return directory.principal(token.strip()) or UNAUTHENTICATED
