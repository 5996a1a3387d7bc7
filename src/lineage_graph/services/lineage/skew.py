"""Training/serving skew: deployments whose serving feature versions differ from the training ones.

A model version is trained on exact features, so on exact feature-set versions; a deployment
reads features from the versions on its serving path (``SERVES_FROM``). When, for some feature
set, the two differ, the deployment is skewed. A skew is harmless when every input still finds its
feature, with the dtype it was trained with, in a serving version of the same feature set; the
inputs that do not are flagged as incompatibilities. One round trip (``lineage/skew``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lineage_graph.domain import (
    FeatureSpec,
    Incompatibility,
    IncompatibilityReason,
    Kind,
    Uid,
    incompatible_inputs,
)
from lineage_graph.services.lineage.impact import environment_name

if TYPE_CHECKING:
    from lineage_graph.graph import Graph


@dataclass(frozen=True, slots=True)
class VersionDifference:
    feature_set: str
    training: list[str]
    serving: list[str]


@dataclass(frozen=True, slots=True)
class Skew:
    deployment: str
    environment: str | None
    model_version: str
    training_versions: list[str]
    serving_versions: list[str]
    differences: list[VersionDifference]
    incompatibilities: list[Incompatibility]

    @property
    def skewed(self) -> bool:
        return bool(self.differences)

    @property
    def compatible(self) -> bool:
        return not self.incompatibilities


def _feature_set(version_uid: str) -> str:
    parent = Uid.parse(version_uid).parent
    return parent.format() if parent is not None else version_uid


class SkewService:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    async def skew(self, scope: str | None = None, *, include_aligned: bool = False) -> list[Skew]:
        """Skewed deployments (all deployments in scope with `include_aligned`), by uid."""
        uid = (
            Uid.parse(scope, expect=(Kind.DEPLOYMENT, Kind.MODEL_VERSION, Kind.MODEL)).format()
            if scope is not None
            else None
        )
        if uid is None:
            rows = await self.graph.read("lineage/skew")
        else:
            rows = await self.graph.read("lineage/skew_scoped", {"scope": uid})
        found = [self._judge(row) for row in rows]
        return [s for s in found if include_aligned or s.skewed]

    @staticmethod
    def _judge(row: dict[str, object]) -> Skew:
        inputs = row["inputs"]
        serving_rows = row["serving"]
        assert isinstance(inputs, list)
        assert isinstance(serving_rows, list)
        training: dict[str, set[str]] = defaultdict(set)
        for _, _, _, version in inputs:
            training[_feature_set(version)].add(version)
        serving: dict[str, set[str]] = defaultdict(set)
        specs: dict[str, list[FeatureSpec]] = {}
        for version, features in serving_rows:
            serving[_feature_set(version)].add(version)
            specs[version] = [FeatureSpec(str(n), str(d)) for n, d in features]
        differences = [
            VersionDifference(fs, sorted(training.get(fs, ())), sorted(serving.get(fs, ())))
            for fs in sorted(training.keys() | serving.keys())
            if training.get(fs, set()) != serving.get(fs, set())
        ]
        problems: list[Incompatibility] = []
        for model_input, name, dtype, version in inputs:
            v = Uid.parse(version)
            feature = Uid.of(Kind.FEATURE, v.namespace, v.name, v.version, str(name)).format()
            candidates = [specs[v] for v in sorted(serving.get(_feature_set(version), ()))]
            checks = [
                incompatible_inputs([(str(model_input or name), str(name), str(dtype))], c)
                for c in candidates
            ]
            if not candidates:
                problems.append(
                    Incompatibility(
                        str(model_input), feature, IncompatibilityReason.MISSING_FEATURE, str(dtype)
                    )
                )
            elif all(checks):
                first = checks[0][0]
                problems.append(
                    Incompatibility(
                        first.input, feature, first.reason, first.expected_dtype, first.actual_dtype
                    )
                )
        environment = row["environment"]
        return Skew(
            deployment=str(row["deployment"]),
            environment=environment_name(environment) if environment is not None else None,
            model_version=str(row["modelVersion"]),
            training_versions=sorted(v for vs in training.values() for v in vs),
            serving_versions=sorted(v for vs in serving.values() for v in vs),
            differences=differences,
            incompatibilities=problems,
        )
