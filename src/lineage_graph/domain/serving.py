"""Environments and deployments.

Environments are ordered (dev < staging < prod) and live in the
`kinds.GLOBAL_NAMESPACE` unless given one. A deployment serves one model version
in one environment and reads features from `serves_from` feature-set versions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from lineage_graph.domain.base import NodeInput, Stored
from lineage_graph.domain.errors import ErrorCode
from lineage_graph.domain.kinds import GLOBAL_NAMESPACE, Kind
from lineage_graph.domain.limits import MAX_INT_VERSION, MAX_LIST_ITEMS
from lineage_graph.domain.values import (
    DeploymentUid,
    EnvironmentUid,
    FeatureSetVersionUid,
    ModelVersionUid,
    Namespace,
    Number,
    Token,
    fail,
    unique_by,
)


class DeploymentMode(StrEnum):
    LIVE = "LIVE"
    SHADOW = "SHADOW"
    CANARY = "CANARY"


class DeploymentStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    STOPPED = "STOPPED"
    FAILED = "FAILED"


class EnvironmentInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.ENVIRONMENT

    namespace: Namespace = GLOBAL_NAMESPACE
    order: Annotated[int, Field(ge=0, le=MAX_INT_VERSION, strict=True)] = Field(
        description="Position in the promotion order."
    )
    approved_targets: Annotated[list[Token], unique_by("approved target")] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Targets deployments here may use."
    )


class DeploymentInput(NodeInput):
    KIND: ClassVar[Kind] = Kind.DEPLOYMENT

    model_version: ModelVersionUid = Field(description="Uid of the model version.")
    environment: EnvironmentUid = Field(description="Uid of the environment, e.g. environment:global/dev.")
    target: Token = Field(description="Where it runs (k8s-prod, sagemaker-prod...).")
    mode: DeploymentMode = Field(DeploymentMode.LIVE, description="LIVE, SHADOW or CANARY.")
    traffic_percent: Annotated[Number, Field(ge=0, le=100)] = Field(
        100.0, description="Share of traffic it takes."
    )
    status: DeploymentStatus = Field(
        DeploymentStatus.PENDING, description="PENDING, ACTIVE, STOPPED or FAILED."
    )
    started_at: AwareDatetime | None = Field(None, description="When it started serving.")
    serves_from: Annotated[list[FeatureSetVersionUid], unique_by("feature-set version")] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Feature-set versions on the serving path (default: the training-time versions).",
    )
    shadows: DeploymentUid | None = Field(None, description="Live deployment it shadows.")

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.shadows is not None and self.mode is not DeploymentMode.SHADOW:
            fail(ErrorCode.INVALID_VALUE, "only a SHADOW deployment may shadow another")
        return self


class Environment(EnvironmentInput, Stored): ...


class Deployment(DeploymentInput, Stored): ...
