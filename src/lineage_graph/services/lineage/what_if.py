"""What-if for a breaking change: which model versions a proposed feature-set schema would break.

Given a feature set and the features (name, dtype) of a proposed new version, every model version
that consumes any version of that feature set is checked input by input, as if it read the new
version: an input whose feature is gone loses its input (``MISSING_FEATURE``), one whose dtype
changed sees a dtype change (``DTYPE_MISMATCH``). The answer also carries the schema diff against
the latest version, the contract bump it requires, and the deployments serving each broken model
version. One round trip (``lineage/what_if``); nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lineage_graph.domain import (
    Bump,
    FeatureInput,
    FeatureSpec,
    Incompatibility,
    Kind,
    SchemaDiff,
    Uid,
    diff_schemas,
    incompatible_inputs,
    next_contract,
    required_bump,
)
from lineage_graph.services.errors import NotFound
from lineage_graph.services.lineage.impact import environment_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lineage_graph.graph import Graph


@dataclass(frozen=True, slots=True)
class ServingDeployment:
    uid: str
    environment: str | None


@dataclass(frozen=True, slots=True)
class BrokenModelVersion:
    model_version: str
    status: str | None
    incompatibilities: list[Incompatibility]
    deployments: list[ServingDeployment]


@dataclass(frozen=True, slots=True)
class WhatIf:
    feature_set: str
    latest_version: str | None
    diff: SchemaDiff
    required_bump: Bump | None
    """The bump a publish of this schema needs (None when there is no version yet)."""
    next_contract: str | None
    broken: list[BrokenModelVersion]
    unaffected: list[str]
    """Model versions consuming the feature set that the proposed schema serves unchanged."""

    @property
    def breaking(self) -> bool:
        return bool(self.broken) or self.required_bump is Bump.MAJOR


class WhatIfService:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    async def schema_change(self, feature_set: str, features: Sequence[FeatureInput]) -> WhatIf:
        """`feature_set` may also name one of its versions or features."""
        uid = Uid.parse(feature_set)
        while uid.kind is not Kind.FEATURE_SET and uid.parent is not None:
            uid = uid.parent
        set_uid = Uid.parse(uid.format(), expect=Kind.FEATURE_SET).format()
        rows = await self.graph.read("lineage/what_if", {"uid": set_uid})
        if not rows:
            raise NotFound([set_uid], "feature set")
        row = rows[0]
        proposed = [FeatureSpec(f.name, f.dtype, f.description) for f in features]
        latest = [FeatureSpec(str(name), str(dtype)) for name, dtype in row["latestFeatures"]]
        diff = diff_schemas(latest, proposed)
        bump = required_bump(diff) if row["latest"] is not None else None
        contract = row["latestContract"]
        inputs: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        status: dict[str, str | None] = {}
        serving: dict[str, list[ServingDeployment]] = {}
        for mv, mv_status, model_input, feature, name, dtype, deployments in row["consumers"]:
            inputs[mv].append((str(model_input or name), str(name), str(dtype), str(feature)))
            status[mv] = mv_status
            serving[mv] = [
                ServingDeployment(d, environment_name(env) if env is not None else None)
                for d, env in deployments
            ]
        broken: list[BrokenModelVersion] = []
        unaffected: list[str] = []
        for mv, bound in sorted(inputs.items()):
            by_name = {name: feature for _, name, _, feature in bound}
            problems = [
                Incompatibility(
                    p.input, by_name.get(p.feature, p.feature), p.reason, p.expected_dtype, p.actual_dtype
                )
                for p in incompatible_inputs([(i, name, dtype) for i, name, dtype, _ in bound], proposed)
            ]
            if problems:
                broken.append(BrokenModelVersion(mv, status[mv], problems, serving[mv]))
            else:
                unaffected.append(mv)
        return WhatIf(
            feature_set=set_uid,
            latest_version=row["latest"],
            diff=diff,
            required_bump=bump,
            next_contract=next_contract(contract, bump) if bump is not None and contract else None,
            broken=broken,
            unaffected=unaffected,
        )
