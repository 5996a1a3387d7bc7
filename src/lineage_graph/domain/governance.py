"""Owners, actors and the governance trail: teams, principals, policy decisions, audit events.

Policy decisions and audit events are append-only records; their ``name`` is an
identifier chosen by the writer (for audit events, a sequence number or hash).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, Field, StrictBool

from lineage_graph.domain.base import DomainModel, NodeInput, Stored
from lineage_graph.domain.kinds import Kind
from lineage_graph.domain.limits import MAX_LIST_ITEMS
from lineage_graph.domain.values import (
    AnyUid,
    Description,
    ShortText,
    Token,
    unique_by,
)


class ViolationLevel(StrEnum):
    ERROR = "ERROR"
    WARNING = "WARNING"


class TeamInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.TEAM

    roles: Annotated[list[Token], unique_by("role")] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Its roles."
    )


class PrincipalInput(TeamInput):
    KIND: ClassVar[Kind] = Kind.PRINCIPAL


class PolicyViolation(DomainModel):
    code: Token
    message: Description
    level: ViolationLevel = ViolationLevel.ERROR


class PolicyDecisionInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.POLICY_DECISION

    policy: Token
    policy_revision: Token | None = None
    allow: StrictBool
    violations: list[PolicyViolation] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    input_hash: Token
    actor: ShortText
    at: AwareDatetime
    about_uid: AnyUid


class AuditEventInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.AUDIT_EVENT

    action: Token
    actor: ShortText
    at: AwareDatetime
    entity_uid: AnyUid
    prev_hash: Token | None = None
    hash: Token


class Team(TeamInput, Stored): ...


class Principal(PrincipalInput, Stored): ...


class PolicyDecision(PolicyDecisionInput, Stored): ...


class AuditEvent(AuditEventInput, Stored): ...
