from __future__ import annotations

import pytest

from lineage_graph.domain import (
    FIRST_CONTRACT,
    Bump,
    ContractViolation,
    Dtype,
    DtypeChange,
    ErrorCode,
    FeatureInput,
    FeatureSpec,
    Incompatibility,
    IncompatibilityReason,
    InvalidInput,
    SchemaDiff,
    Semver,
    VersionNotMonotonic,
    check_publish,
    check_version_order,
    diff_schemas,
    incompatible_inputs,
    next_contract,
    required_bump,
)

V1 = [
    FeatureSpec("avg_txn_30d", "FLOAT64", "Mean transaction amount, 30 days"),
    FeatureSpec("n_txn_30d", "INT64", "Transactions, 30 days"),
    FeatureSpec("segment", "STRING", ""),
]


def changed(**changes: FeatureSpec | None) -> list[FeatureSpec]:
    features = {f.name: f for f in V1}
    for name, feature in changes.items():
        if feature is None:
            del features[name]
        else:
            features[name] = feature
    return list(features.values())


def test_identical_schemas() -> None:
    diff = diff_schemas(V1, list(reversed(V1)))
    assert diff == SchemaDiff()
    assert diff.is_empty
    assert required_bump(diff) is Bump.NONE


@pytest.mark.parametrize(
    ("new", "expected", "bump"),
    [
        (changed(segment=None), SchemaDiff(removed=("segment",)), Bump.MAJOR),
        (
            changed(n_txn_30d=FeatureSpec("n_txn_30d", "INT32", "Transactions, 30 days")),
            SchemaDiff(dtype_changed=(DtypeChange("n_txn_30d", "INT64", "INT32"),)),
            Bump.MAJOR,
        ),
        (changed(age=FeatureSpec("age", "INT32")), SchemaDiff(added=("age",)), Bump.MINOR),
        (
            changed(segment=FeatureSpec("segment", "STRING", "Customer segment")),
            SchemaDiff(doc_changed=("segment",)),
            Bump.PATCH,
        ),
        (
            changed(segment=None, age=FeatureSpec("age", "INT32")),
            SchemaDiff(removed=("segment",), added=("age",)),
            Bump.MAJOR,
        ),
        (
            changed(age=FeatureSpec("age", "INT32"), segment=FeatureSpec("segment", "STRING", "x")),
            SchemaDiff(added=("age",), doc_changed=("segment",)),
            Bump.MINOR,
        ),
    ],
)
def test_diff_and_required_bump(new: list[FeatureSpec], expected: SchemaDiff, bump: Bump) -> None:
    diff = diff_schemas(V1, new)
    assert diff == expected
    assert required_bump(diff) is bump
    assert check_publish(V1, "2.3.4", new, next_contract("2.3.4", bump)) == diff


def test_models_and_specs_are_interchangeable() -> None:
    models = [FeatureInput(name=f.name, dtype=Dtype(f.dtype), description=f.description) for f in V1]
    assert diff_schemas(models, V1).is_empty


@pytest.mark.parametrize(
    ("bump", "expected"),
    [(Bump.MAJOR, "3.0.0"), (Bump.MINOR, "2.4.0"), (Bump.PATCH, "2.3.5"), (Bump.NONE, "2.3.4")],
)
def test_next_contract(bump: Bump, expected: str) -> None:
    assert next_contract("2.3.4", bump) == expected


def test_bump_order() -> None:
    assert [b.rank for b in (Bump.NONE, Bump.PATCH, Bump.MINOR, Bump.MAJOR)] == [0, 1, 2, 3]


@pytest.mark.parametrize("text", ["1.0", "1.0.0-rc1", "v1.0.0", "01.0.0", "1.0.0.0", "", "a.b.c"])
def test_invalid_contracts(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        Semver.parse(text)
    assert info.value.code == ErrorCode.INVALID_CONTRACT
    with pytest.raises(InvalidInput):
        check_publish(None, None, V1, text)


def test_semver_round_trip() -> None:
    assert str(Semver.parse("10.20.30")) == "10.20.30"
    assert Semver.parse("1.2.3") < Semver.parse("1.10.0")


def test_first_version_must_be_1_0_0() -> None:
    diff = check_publish(None, None, V1, FIRST_CONTRACT)
    assert diff.added == ("avg_txn_30d", "n_txn_30d", "segment")
    with pytest.raises(ContractViolation) as info:
        check_publish(None, None, V1, "2.0.0")
    assert info.value.details["expectedContract"] == "1.0.0"
    assert info.value.details["requiredBump"] is None


@pytest.mark.parametrize("declared", ["2.4.0", "2.3.5", "2.3.4", "4.0.0", "3.0.1"])
def test_wrong_bump_is_rejected_with_the_diff(declared: str) -> None:
    new = changed(segment=None)
    with pytest.raises(ContractViolation) as info:
        check_publish(V1, "2.3.4", new, declared)
    error = info.value
    assert error.code == ErrorCode.CONTRACT_VIOLATION
    assert error.details["expectedContract"] == "3.0.0"
    assert error.details["declaredContract"] == declared
    assert error.details["requiredBump"] == "MAJOR"
    assert error.details["diff"] == {
        "removed": ["segment"],
        "added": [],
        "dtypeChanged": [],
        "docChanged": [],
    }
    assert "3.0.0" in error.message


def test_over_bumping_is_rejected_too() -> None:
    with pytest.raises(ContractViolation):
        check_publish(V1, "1.0.0", V1, "1.0.1")


def test_previous_arguments_go_together() -> None:
    with pytest.raises(ValueError, match="together"):
        check_publish(V1, None, V1, "1.0.0")


def test_version_order() -> None:
    check_version_order(None, 1)
    check_version_order(None, 5)
    check_version_order(3, 4)
    check_version_order(3, 7)
    for new in (3, 2):
        with pytest.raises(VersionNotMonotonic) as info:
            check_version_order(3, new)
        assert info.value.code == ErrorCode.VERSION_NOT_MONOTONIC
        assert info.value.details == {"version": new, "latestVersion": 3}


def test_incompatible_inputs() -> None:
    inputs = [
        ("spend", "avg_txn_30d", "FLOAT64"),
        ("count", "n_txn_30d", "INT32"),
        ("tier", "tier", "STRING"),
    ]
    problems = incompatible_inputs(inputs, V1)
    assert problems == [
        Incompatibility("count", "n_txn_30d", IncompatibilityReason.DTYPE_MISMATCH, "INT32", "INT64"),
        Incompatibility("tier", "tier", IncompatibilityReason.MISSING_FEATURE, "STRING"),
    ]
    assert problems[0].to_dict() == {
        "input": "count",
        "feature": "n_txn_30d",
        "reason": "DTYPE_MISMATCH",
        "expectedDtype": "INT32",
        "actualDtype": "INT64",
    }
    assert incompatible_inputs([("spend", "avg_txn_30d", Dtype.FLOAT64)], V1) == []
    assert incompatible_inputs([], []) == []
