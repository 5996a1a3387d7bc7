from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage_graph.domain import (
    ALL_LABELS,
    KIND_BY_LABEL,
    LABEL_BY_KIND,
    RESERVED,
    ErrorCode,
    InvalidUid,
    Kind,
    Uid,
    VersionShape,
    canonical,
)
from lineage_graph.domain.limits import (
    MAX_INT_VERSION,
    MAX_NAME_LENGTH,
    MAX_NAMESPACE_LENGTH,
    MAX_UID_LENGTH,
)

EXAMPLES = {
    "source:postgres%3A%2F%2Fwh%3A5432/shop.public.orders": Uid(
        Kind.SOURCE, "postgres://wh:5432", "shop.public.orders"
    ),
    "featureset:risk/customer_profile@3": Uid(Kind.FEATURE_SET_VERSION, "risk", "customer_profile", "3"),
    "feature:risk/customer_profile@3#avg_txn_30d": Uid(
        Kind.FEATURE, "risk", "customer_profile", "3", "avg_txn_30d"
    ),
    "model:risk/credit_default@7": Uid(Kind.MODEL_VERSION, "risk", "credit_default", "7"),
    "model:risk/credit_default": Uid(Kind.MODEL, "risk", "credit_default"),
    "featureset:risk/customer_profile": Uid(Kind.FEATURE_SET, "risk", "customer_profile"),
    "snapshot:s3%3A%2F%2Flake/orders%2F2026-11-01@v1": Uid(
        Kind.SNAPSHOT, "s3://lake", "orders/2026-11-01", "v1"
    ),
    "transformrun:airflow-prod/etl.orders@0192f1a4-7e0c-7b1e-9f2a-3c4d5e6f7a8b": Uid(
        Kind.TRANSFORM_RUN, "airflow-prod", "etl.orders", "0192f1a4-7e0c-7b1e-9f2a-3c4d5e6f7a8b"
    ),
    "principal:users/ana%20maría": Uid(Kind.PRINCIPAL, "users", "ana maría"),
    "team:équipe/données": Uid(Kind.TEAM, "équipe", "données"),
}


@pytest.mark.parametrize(("text", "uid"), EXAMPLES.items())
def test_examples_parse_and_format_canonically(text: str, uid: Uid) -> None:
    assert Uid.parse(text) == uid
    assert str(uid) == text
    assert uid.format() == text


def test_deployment_example_with_raw_colon_parses_and_canonicalises() -> None:
    uid = Uid.parse("deployment:risk/credit_default-prod-2026-11-26T10:00Z")
    assert uid == Uid(Kind.DEPLOYMENT, "risk", "credit_default-prod-2026-11-26T10:00Z")
    assert str(uid) == "deployment:risk/credit_default-prod-2026-11-26T10%3A00Z"


def test_parse_accepts_lower_case_and_needless_escapes() -> None:
    uid = Uid.parse("source:postgres%3a%2f%2fwh%3a5432/sh%6Fp.public.orders")
    assert str(uid) == "source:postgres%3A%2F%2Fwh%3A5432/shop.public.orders"
    assert canonical("team:a/%62") == "team:a/b"
    assert canonical("principal:users/ana%20mar%C3%ADa") == "principal:users/ana%20maría"


def test_helpers() -> None:
    feature = Uid.of(Kind.FEATURE, "risk", "customer_profile", 3, "avg_txn_30d")
    assert feature.version == "3"
    assert feature.version_number == 3
    assert feature.parent == Uid.of(Kind.FEATURE_SET_VERSION, "risk", "customer_profile", 3)
    assert feature.parent is not None
    assert feature.parent.parent == Uid(Kind.FEATURE_SET, "risk", "customer_profile")
    assert Uid(Kind.FEATURE_SET, "risk", "customer_profile").parent is None
    assert Uid(Kind.SNAPSHOT, "s3://b", "k", "v1").parent == Uid(Kind.SOURCE, "s3://b", "k")
    assert Uid(Kind.SNAPSHOT, "s3://b", "k", "v1").version_number is None
    assert Uid(Kind.TRANSFORM_RUN, "af", "job", "r1").parent == Uid(Kind.TRANSFORM, "af", "job")
    assert {Uid.parse("model:a/b@1"), Uid.of(Kind.MODEL_VERSION, "a", "b", 1)} == {Uid.parse("model:a/b@1")}


def test_kinds_labels_and_prefixes() -> None:
    assert len(ALL_LABELS) == len(set(ALL_LABELS)) == 17
    assert set(ALL_LABELS) == {
        "DataSource", "DatasetSnapshot", "Transform", "TransformRun", "FeatureSet",
        "FeatureSetVersion", "Feature", "Model", "ModelVersion", "TrainingRun", "Evaluation",
        "Environment", "Deployment", "Team", "Principal", "PolicyDecision", "AuditEvent",
    }  # fmt: skip
    for kind in Kind:
        assert KIND_BY_LABEL[LABEL_BY_KIND[kind]] is kind
        assert Kind.from_label(kind.label) is kind
        assert Kind.from_prefix(kind.prefix, versioned=kind.versioned) is kind
    assert Kind.FEATURE_SET.prefix == Kind.FEATURE_SET_VERSION.prefix == "featureset"
    assert Kind.MODEL.prefix == Kind.MODEL_VERSION.prefix == "model"
    assert Kind.POLICY_DECISION.prefix == "decision"
    assert Kind.AUDIT_EVENT.prefix == "auditevent"
    assert Kind.FEATURE.has_field
    assert Kind.SNAPSHOT.version_shape is VersionShape.TEXT
    assert Kind.MODEL_VERSION.version_shape is VersionShape.INTEGER
    assert Kind.from_prefix("feature", versioned=False) is None


components = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(sorted(RESERVED))),
    min_size=1,
    max_size=24,
)


@st.composite
def uids(draw: st.DrawFn) -> Uid:
    kind = draw(st.sampled_from(list(Kind)))
    version: str | None = None
    if kind.version_shape is VersionShape.INTEGER:
        version = str(draw(st.integers(1, MAX_INT_VERSION)))
    elif kind.version_shape is VersionShape.TEXT:
        version = draw(components)
    field = draw(components) if kind.has_field else None
    return Uid(kind, draw(components), draw(components), version, field)


@settings(max_examples=300)
@given(uids())
def test_round_trip(uid: Uid) -> None:
    text = uid.format()
    assert Uid.parse(text) == uid
    assert Uid.parse(text, expect=uid.kind).format() == text
    body = text.split(":", 1)[1]
    assert not any(ch in RESERVED for ch in body if ch not in "%/@#")
    assert body.count("/") == 1
    assert body.count("@") == (uid.version is not None)
    assert body.count("#") == (uid.field is not None)


@settings(max_examples=100)
@given(uids())
def test_lower_case_escapes_parse_to_the_same_uid(uid: Uid) -> None:
    text = uid.format()
    lowered = "%".join(part[:2].lower() + part[2:] if i else part for i, part in enumerate(text.split("%")))
    assert Uid.parse(lowered) == uid


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("no-colon", ErrorCode.INVALID_UID),
        ("source:no-slash", ErrorCode.INVALID_UID),
        ("source:a/b/c", ErrorCode.INVALID_UID),
        ("source:a b/c", ErrorCode.INVALID_UID),
        ("source:a/b\n", ErrorCode.INVALID_UID),
        ("source:a/b\u200b", ErrorCode.INVALID_UID),
        ("source:a/%G1", ErrorCode.INVALID_UID),
        ("source:a/%4", ErrorCode.INVALID_UID),
        ("source:a/%FF", ErrorCode.INVALID_UID),
        ("source:a/\ud800", ErrorCode.INVALID_UID),
        ("source:a/b@1", ErrorCode.INVALID_UID),
        ("snapshot:a/b", ErrorCode.INVALID_UID),
        ("featureset:a/b@1#f", ErrorCode.INVALID_UID),
        ("feature:a/b@1", ErrorCode.INVALID_UID),
        ("feature:a/b#f", ErrorCode.INVALID_UID),
        ("model:a/b@1@2", ErrorCode.INVALID_UID),
        ("dataset:a/b", ErrorCode.UNKNOWN_KIND),
        ("Source:a/b", ErrorCode.UNKNOWN_KIND),
        (":a/b", ErrorCode.UNKNOWN_KIND),
        ("source:/b", ErrorCode.EMPTY_NAME),
        ("source:a/", ErrorCode.EMPTY_NAME),
        ("feature:a/b@1#", ErrorCode.EMPTY_NAME),
        ("featureset:a/b@", ErrorCode.INVALID_VERSION),
        ("featureset:a/b@0", ErrorCode.INVALID_VERSION),
        ("featureset:a/b@03", ErrorCode.INVALID_VERSION),
        ("featureset:a/b@-1", ErrorCode.INVALID_VERSION),
        ("featureset:a/b@x", ErrorCode.INVALID_VERSION),
        ("model:a/b@\u0663", ErrorCode.INVALID_VERSION),
        (f"model:a/b@{MAX_INT_VERSION + 1}", ErrorCode.INVALID_VERSION),
        ("snapshot:a/b@", ErrorCode.INVALID_VERSION),
        ("source:" + "n" * (MAX_NAMESPACE_LENGTH + 1) + "/b", ErrorCode.TOO_LARGE),
        ("source:a/" + "%C3%A9" * (MAX_NAME_LENGTH + 1), ErrorCode.TOO_LARGE),
        ("source:a/" + "b" * MAX_UID_LENGTH, ErrorCode.TOO_LARGE),
    ],
)
def test_parse_errors(text: str, code: ErrorCode) -> None:
    with pytest.raises(InvalidUid) as info:
        Uid.parse(text)
    assert info.value.code == code


def test_limits_count_decoded_characters() -> None:
    name = "é" * MAX_NAME_LENGTH
    assert Uid.parse(str(Uid(Kind.SOURCE, "a", name))).name == name


def test_unexpected_kind() -> None:
    with pytest.raises(InvalidUid) as info:
        Uid.parse("model:risk/credit_default@7", expect=(Kind.FEATURE_SET_VERSION, Kind.FEATURE))
    assert info.value.code == ErrorCode.UNEXPECTED_KIND
    assert info.value.details["kind"] == "ModelVersion"
    assert info.value.details["expected"] == ["Feature", "FeatureSetVersion"]


def test_construction_is_validated() -> None:
    with pytest.raises(InvalidUid) as info:
        Uid(Kind.SOURCE, "", "x")
    assert info.value.code == ErrorCode.EMPTY_NAME
    with pytest.raises(InvalidUid) as info:
        Uid.of(Kind.MODEL_VERSION, "a", "b", True)
    assert info.value.code == ErrorCode.INVALID_VERSION
    with pytest.raises(InvalidUid) as info:
        Uid(Kind.MODEL, "a", "b", "1")
    assert info.value.code == ErrorCode.INVALID_UID


def test_error_is_a_domain_error_with_a_stable_shape() -> None:
    with pytest.raises(InvalidUid) as info:
        Uid.parse("bogus:a/b")
    assert info.value.to_dict()["code"] == "UNKNOWN_KIND"
    assert "bogus" in info.value.message
    assert info.value.details["prefix"] == "bogus"


def test_parse_errors_carry_the_offending_uid() -> None:
    with pytest.raises(InvalidUid) as info:
        Uid.parse("source:/b")
    assert info.value.details == {"component": "namespace", "uid": "source:/b"}
    with pytest.raises(InvalidUid) as info:
        Uid.parse(42)  # type: ignore[arg-type]
    assert info.value.code == ErrorCode.INVALID_UID


@pytest.mark.parametrize(
    ("text", "character", "corrected"),
    [
        ("featureset:risk/customer/profile@3", "/", "featureset:risk/customer%2Fprofile@3"),
        ("feature:risk/profile@3#a/b", "/", "feature:risk/profile@3#a%2Fb"),
        ("source:pg/public customers", " ", "source:pg/public%20customers"),
        ("source:a/b\u200b", "\u200b", "source:a/b%E2%80%8B"),
        ("deployment:risk/x-10:00/Z", "/", "deployment:risk/x-10%3A00%2FZ"),
    ],
)
def test_an_unescaped_reserved_character_is_refused_with_the_corrected_uid(
    text: str, character: str, corrected: str
) -> None:
    with pytest.raises(InvalidUid) as info:
        Uid.parse(text)
    escape = "".join(f"%{b:02X}" for b in character.encode())
    assert info.value.code == ErrorCode.INVALID_UID
    assert info.value.message == (
        f"unescaped reserved character {character!r} in uid: write it as {escape}, e.g. {corrected}"
    )
    assert info.value.details == {
        "uid": text,
        "character": character,
        "escape": escape,
        "corrected": corrected,
    }
    assert Uid.parse(corrected).format() == corrected


def test_an_unescaped_character_without_a_valid_corrected_form_still_says_how_to_write_it() -> None:
    with pytest.raises(InvalidUid) as info:
        Uid.parse("model:a/b@1@2")  # '@2' escaped makes the version '1%402': not an integer
    assert info.value.message == "unescaped reserved character '@' in uid: write it as %40"
    assert "corrected" not in info.value.details
