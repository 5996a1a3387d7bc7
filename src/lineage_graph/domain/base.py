"""Base classes of the payload and record models.

- `DomainModel`: frozen, camelCase aliases (the graph stores camelCase
  properties), population by Python name too, unknown keys rejected.
- `NodeInput`: the common node properties a client sends (namespace, name,
  description, tags) and the node's identity (`identity() -> Uid`).
- `Stored`: what the server adds when it writes a node (uid, kind, createdAt,
  createdBy, retiredAt). A record class is ``class X(XInput, Stored): ...``:
  `Stored` comes last, so its `RECORD_CONFIG` wins over the input's ``extra``
  and records ignore unknown keys (newer properties in the graph do not break
  older readers); records validate that ``uid``/``kind`` match the identity
  computed from the other fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from lineage_graph.domain.errors import ErrorCode
from lineage_graph.domain.ids import Uid
from lineage_graph.domain.kinds import Kind
from lineage_graph.domain.values import Description, Name, Namespace, ShortText, Tags, fail

if TYPE_CHECKING:
    from datetime import datetime

RECORD_CONFIG = ConfigDict(extra="ignore")


class DomainModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    def to_properties(self) -> dict[str, Any]:
        """JSON-compatible camelCase properties; absent optional values are omitted."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Entity(DomainModel):
    """A model that identifies one node."""

    KIND: ClassVar[Kind]

    def identity(self) -> Uid:
        raise NotImplementedError


class NodeInput(Entity):
    namespace: Namespace = Field(description="Namespace (OpenLineage namespace for sources and jobs).")
    name: Name = Field(description="Name within the namespace.")
    description: Description = Field("", description="Free-text documentation.")
    tags: Tags = Field(default_factory=list, description="Free-form labels.")

    def identity(self) -> Uid:
        return Uid(self.KIND, self.namespace, self.name)


class Stored(DomainModel):
    model_config = RECORD_CONFIG

    uid: str = Field(description="Canonical id, e.g. featureset:risk/customer_profile@3.")
    kind: Kind = Field(description="The entity's kind, also its Neo4j label (e.g. FeatureSet).")
    created_at: AwareDatetime = Field(description="When the entity was first stored.")
    created_by: ShortText = Field(description="Who stored it first.")
    retired_at: AwareDatetime | None = Field(None, description="When it was retired, if it was.")

    @model_validator(mode="after")
    def _check_identity(self) -> Self:
        if isinstance(self, Entity):
            expected = self.identity()
            if self.kind is not self.KIND:
                fail(ErrorCode.UNEXPECTED_KIND, f"kind must be {self.KIND.label}")
            if self.uid != expected.format():
                fail(ErrorCode.INVALID_UID, f"uid must be {expected.format()!r}")
        return self

    @classmethod
    def from_input(cls, data: Entity, *, created_at: datetime, created_by: str) -> Self:
        return cls.model_validate(
            {
                **data.model_dump(),
                "uid": data.identity().format(),
                "kind": data.KIND,
                "created_at": created_at,
                "created_by": created_by,
            }
        )
