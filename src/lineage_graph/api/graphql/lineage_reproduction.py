"""Types of reproduction manifests, generated from the domain's records
(`lineage_graph.domain.reproduction`), which the reproduction service returns as they are."""

from __future__ import annotations

from lineage_graph.api.graphql import nodes as _nodes  # noqa: F401  (generates CodeRef first)
from lineage_graph.api.graphql.from_domain import output_type
from lineage_graph.domain import reproduction as records


@output_type(records.ReproductionRun)
class ReproductionRun:
    pass


@output_type(records.ReproductionJob)
class ReproductionJob:
    pass


@output_type(records.ReproductionFeatureVersion)
class ReproductionFeatureVersion:
    pass


@output_type(records.ReproductionInput)
class ReproductionInput:
    pass


@output_type(records.ReproductionDataset)
class ReproductionDataset:
    pass


@output_type(records.ReproductionEvaluation)
class ReproductionEvaluation:
    pass


@output_type(records.ReproductionDeployment)
class ReproductionDeployment:
    pass


@output_type(records.MissingItem)
class MissingItem:
    pass


@output_type(records.ReproductionManifest, last=("missing",))
class ReproductionManifest:
    pass
