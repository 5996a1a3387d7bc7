from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from lineage_graph.domain import (
    RECORD_FIELDS,
    Change,
    ErrorCode,
    FeatureSetVersion,
    FeatureSetVersionInput,
    FieldDifference,
    ImmutableConflict,
    Kind,
    VersionStatus,
    diff_payload,
    ensure_unchanged,
    ignored_fields,
)

UID = "featureset:risk/customer_profile@3"
PAYLOAD: dict[str, Any] = {
    "namespace": "risk",
    "name": "customer_profile",
    "version": 3,
    "contract": "1.1.0",
    "features": [
        {"name": "a", "dtype": "INT64", "description": ""},
        {"name": "b", "dtype": "STRING", "description": "bee"},
    ],
}


def test_identical_payloads_have_no_differences() -> None:
    assert diff_payload(PAYLOAD, dict(PAYLOAD), set()) == []


def test_order_of_keyed_lists_and_null_vs_absent_do_not_matter() -> None:
    incoming = {**PAYLOAD, "features": list(reversed(PAYLOAD["features"])), "sunsetAt": None}
    assert diff_payload(PAYLOAD, incoming, set()) == []


def test_differences_are_listed_with_paths() -> None:
    incoming = {
        **PAYLOAD,
        "contract": "2.0.0",
        "features": [
            {"name": "a", "dtype": "INT32", "description": ""},
            {"name": "c", "dtype": "BOOL"},
        ],
        "store": "redis",
    }
    assert diff_payload(PAYLOAD, incoming, set()) == [
        FieldDifference("contract", Change.CHANGED, "1.1.0", "2.0.0"),
        FieldDifference("features[a].dtype", Change.CHANGED, "INT64", "INT32"),
        FieldDifference("features[b]", Change.REMOVED, PAYLOAD["features"][1], None),
        FieldDifference("features[c]", Change.ADDED, None, {"name": "c", "dtype": "BOOL"}),
        FieldDifference("store", Change.ADDED, None, "redis"),
    ]


def test_unkeyed_lists_compare_by_position_and_types_matter() -> None:
    stored = {"tags": ["x", "y"], "flag": True, "n": 1, "params": {"lr": 0.1}}
    incoming = {"tags": ["y", "x", "z"], "flag": 1, "n": 1.0, "params": {"lr": "0.1"}}
    paths = [d.path for d in diff_payload(stored, incoming, set())]
    assert paths == ["flag", "params.lr", "tags[0]", "tags[1]", "tags[2]"]


def test_ignored_keys_are_skipped_at_any_depth() -> None:
    stored = {"createdAt": "x", "status": "ACTIVE", "inner": {"createdAt": "y", "v": 1}}
    incoming = {"createdAt": "z", "status": "DEPRECATED", "inner": {"createdAt": "w", "v": 1}}
    assert diff_payload(stored, incoming, ignored_fields(Kind.FEATURE_SET_VERSION)) == []
    assert [d.path for d in diff_payload(stored, incoming, RECORD_FIELDS)] == ["status"]
    assert "status" not in ignored_fields(Kind.EVALUATION)


def test_re_sending_a_stored_version() -> None:
    created = datetime(2026, 11, 26, tzinfo=UTC)
    incoming = FeatureSetVersionInput.model_validate(PAYLOAD)
    stored = FeatureSetVersion.from_input(incoming, created_at=created, created_by="alice")
    ignore = ignored_fields(Kind.FEATURE_SET_VERSION)
    assert stored.uid == UID
    ensure_unchanged(UID, stored.to_properties(), incoming.to_properties(), ignore)
    deprecated = incoming.model_copy(update={"status": VersionStatus.DEPRECATED})
    ensure_unchanged(UID, stored.to_properties(), deprecated.to_properties(), ignore)
    conflicting = FeatureSetVersionInput.model_validate({**PAYLOAD, "contract": "1.2.0"})
    with pytest.raises(ImmutableConflict) as info:
        ensure_unchanged(UID, stored.to_properties(), conflicting.to_properties(), ignore)
    assert info.value.code == ErrorCode.IMMUTABLE_CONFLICT
    assert info.value.details["differences"] == [
        {"path": "contract", "change": "CHANGED", "stored": "1.1.0", "incoming": "1.2.0"}
    ]
