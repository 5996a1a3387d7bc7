"""The pure domain layer: identifiers, kinds, payload models, contracts, immutability.

No I/O happens here. Persistence, GraphQL and ingestion import from this façade.
"""

from __future__ import annotations

from lineage_graph.domain import limits
from lineage_graph.domain.contracts import (
    FIRST_CONTRACT,
    Bump,
    DtypeChange,
    FeatureLike,
    FeatureSpec,
    Incompatibility,
    IncompatibilityReason,
    SchemaDiff,
    Semver,
    check_publish,
    check_version_order,
    diff_schemas,
    incompatible_inputs,
    next_contract,
    required_bump,
)
from lineage_graph.domain.dtypes import ARRAY_DTYPES, SCALAR_DTYPES, Dtype
from lineage_graph.domain.errors import (
    ContractViolation,
    DomainError,
    ErrorCode,
    ImmutableConflict,
    InvalidInput,
    InvalidUid,
    VersionNotMonotonic,
)
from lineage_graph.domain.ids import RESERVED, Uid, canonical
from lineage_graph.domain.immutability import (
    IMMUTABLE_KINDS,
    MUTABLE_FIELDS,
    RECORD_FIELDS,
    Change,
    FieldDifference,
    diff_payload,
    ensure_unchanged,
    ignored_fields,
)
from lineage_graph.domain.kinds import (
    ALL_LABELS,
    GLOBAL_NAMESPACE,
    KIND_BY_LABEL,
    LABEL_BY_KIND,
    LINEAGE_EDGE_TYPES,
    EdgeType,
    Kind,
    VersionShape,
)
from lineage_graph.domain.models import *  # noqa: F403
from lineage_graph.domain.models import __all__ as _model_names
from lineage_graph.domain.openlineage_naming import (
    OpenLineageName,
    dataset_of,
    dataset_uid,
    job_of,
    job_uid,
    normalize_dataset_namespace,
    run_uid,
    snapshot_uid,
)
from lineage_graph.domain.validation import validate, validation_error_to_domain

__all__ = [  # noqa: PLE0604
    "ALL_LABELS",
    "ARRAY_DTYPES",
    "FIRST_CONTRACT",
    "GLOBAL_NAMESPACE",
    "IMMUTABLE_KINDS",
    "KIND_BY_LABEL",
    "LABEL_BY_KIND",
    "LINEAGE_EDGE_TYPES",
    "MUTABLE_FIELDS",
    "RECORD_FIELDS",
    "RESERVED",
    "SCALAR_DTYPES",
    "Bump",
    "Change",
    "ContractViolation",
    "DomainError",
    "Dtype",
    "DtypeChange",
    "EdgeType",
    "ErrorCode",
    "FeatureLike",
    "FeatureSpec",
    "FieldDifference",
    "ImmutableConflict",
    "Incompatibility",
    "IncompatibilityReason",
    "InvalidInput",
    "InvalidUid",
    "Kind",
    "OpenLineageName",
    "SchemaDiff",
    "Semver",
    "Uid",
    "VersionNotMonotonic",
    "VersionShape",
    "canonical",
    "check_publish",
    "check_version_order",
    "dataset_of",
    "dataset_uid",
    "diff_payload",
    "diff_schemas",
    "ensure_unchanged",
    "ignored_fields",
    "incompatible_inputs",
    "job_of",
    "job_uid",
    "limits",
    "next_contract",
    "normalize_dataset_namespace",
    "required_bump",
    "run_uid",
    "snapshot_uid",
    "validate",
    "validation_error_to_domain",
    *_model_names,
]
