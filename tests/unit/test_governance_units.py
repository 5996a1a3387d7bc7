"""Pure parts of governance: root fields and resources of an operation, input documents, scopes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from graphql import OperationType, parse

from lineage_graph.api.graphql.access import declarations, root_fields
from lineage_graph.api.graphql.authz import Access, Resource
from lineage_graph.api.graphql.schema import schema
from lineage_graph.policy.principals import UNAUTHENTICATED, Authenticator, AuthMode, hash_token
from lineage_graph.services.governance import inputs
from lineage_graph.services.governance.compliance import Scope

if TYPE_CHECKING:
    from pathlib import Path

ORDER = {"dev": 1, "staging": 2, "prod": 3}


def declared(field: str) -> tuple[Access, bool]:
    """The `Access` a root field declares, and whether it is a mutation."""
    mutations = declarations(schema, OperationType.MUTATION)
    if field in mutations:
        return mutations[field], True
    return declarations(schema, OperationType.QUERY)[field], False


def action_of(field: str) -> str:
    access, mutation = declared(field)
    return access.action_for(mutation=mutation)


def resources_of(field: str, arguments: dict[str, object]) -> list[Resource]:
    return declared(field)[0].resources(arguments)


def test_root_fields_resolve_aliases_fragments_variables_and_directives() -> None:
    document = parse(
        """
        query Q($u: String!, $skip: Boolean = true, $d: String = "model:risk/m@1") {
          a: node(uid: $u) { uid }
          ...F
          ... on Query { lineage(uid: $d) { truncated } }
          hidden: node(uid: "x:y/z") @skip(if: $skip)
          __typename
        }
        fragment F on Query { environments { name } b: node(uid: "featureset:fraud/v@1") { uid } }
        mutation M { deploy(input: {modelVersion: "model:risk/m@1", environment: "environment:global/dev", target: "k"}) { __typename } }
        """
    )
    kind, fields = root_fields(document, "Q", {"u": "featureset:risk/p@2"}) or (None, [])
    assert kind is OperationType.QUERY
    assert [(f.key, f.name, dict(f.arguments)) for f in fields] == [
        ("a", "node", {"uid": "featureset:risk/p@2"}),
        ("environments", "environments", {}),
        ("b", "node", {"uid": "featureset:fraud/v@1"}),
        ("lineage", "lineage", {"uid": "model:risk/m@1"}),
    ]
    kind, fields = root_fields(document, "M", None) or (None, [])
    assert kind is OperationType.MUTATION
    assert [f.name for f in fields] == ["deploy"]
    assert root_fields(document, None, None) is None, "several operations and no name"
    assert root_fields(document, "Nope", None) is None


def test_actions_by_field() -> None:
    assert [action_of(f) for f in ("deploy", "promote", "approve", "setOwner", "registerModel")] == [
        "deploy",
        "promote",
        "approve",
        "admin",
        "write",
    ]
    assert [action_of(f) for f in ("node", "auditLog", "decisions", "compliance")] == [
        "read",
        "audit",
        "audit",
        "read",
    ]


@pytest.mark.parametrize(
    ("field", "arguments", "expected"),
    [
        ("node", {"uid": "model:risk/credit@2"}, [Resource("ModelVersion", "model:risk/credit@2", "risk")]),
        (
            "lineage",
            {"depth": 3, "uid": "featureset:fraud/v@1"},
            [Resource("FeatureSetVersion", "featureset:fraud/v@1", "fraud")],
        ),
        ("search", {"text": "x"}, [Resource("", "", "*")]),
        ("node", {"uid": "not a uid"}, [Resource("", "", "*")]),
        ("compliance", {"scope": "risk"}, [Resource("", "", "risk")]),
        ("compliance", {"scope": "model:fraud/card"}, [Resource("", "", "fraud")]),
        ("compliance", {}, [Resource("", "", "*")]),
        (
            "publishFeatureSetVersion",
            {"input": {"namespace": "risk", "name": "p", "version": 3}},
            [Resource("FeatureSetVersion", "featureset:risk/p@3", "risk")],
        ),
        (
            "registerDataSource",
            {"input": {"namespace": "postgres://wh:5432", "name": "db.t"}},
            [Resource("DataSource", "source:postgres%3A%2F%2Fwh%3A5432/db.t", "postgres://wh:5432")],
        ),
        (
            "registerFeatureSets",
            {
                "inputs": [
                    {"namespace": "risk", "name": "a"},
                    {"namespace": "fraud", "name": "b"},
                    {"namespace": "risk"},
                ]
            },
            [Resource("FeatureSet", "", "fraud"), Resource("FeatureSet", "", "risk")],
        ),
        (
            "deploy",
            {
                "input": {
                    "modelVersion": "model:risk/m@1",
                    "environment": "environment:global/prod",
                    "mode": "SHADOW",
                }
            },
            [Resource("Deployment", "deployment:risk/m-1-prod-shadow", "risk")],
        ),
        ("deploy", {"input": {"environment": "environment:global/prod"}}, [Resource("Deployment", "", "*")]),
        (
            "approve",
            {"subject": "deployment:risk/m-1-dev", "comment": "ok"},
            [Resource("Deployment", "deployment:risk/m-1-dev", "risk")],
        ),
        (
            "dataSource",
            {"namespace": "s3://b", "name": "k"},
            [Resource("DataSource", "source:s3%3A%2F%2Fb/k", "s3://b")],
        ),
    ],
)
def test_resources_of_a_field(field: str, arguments: dict[str, object], expected: list[Resource]) -> None:
    assert resources_of(field, arguments) == expected


def test_from_environment() -> None:
    assert inputs.from_environment("dev", ORDER) is None
    assert inputs.from_environment("prod", ORDER) is None
    assert inputs.from_environment("staging", ORDER, elsewhere=["dev"]) == "dev"
    assert inputs.from_environment("prod", ORDER, elsewhere=["dev"]) == "dev"
    assert inputs.from_environment("prod", ORDER, elsewhere=["prod"]) == "staging", "a redeploy"
    assert inputs.from_environment("dev", ORDER, elsewhere=["staging"]) is None
    assert inputs.from_environment("prod", ORDER, promoted_from="staging", elsewhere=["dev"]) == "staging"
    assert inputs.from_environment("moon", ORDER, elsewhere=["dev"]) is None


def test_incompatible_inputs() -> None:
    consumes = [
        {"input": "age", "feature": "feature:risk/p@1#age", "dtype": "INT64"},
        {"input": "inc", "feature": "feature:risk/p@1#income", "dtype": "FLOAT64"},
        {"input": "x", "feature": "feature:risk/other@1#x", "dtype": "BOOL"},
        {"input": "gone", "feature": "feature:risk/p@1#gone", "dtype": "BOOL"},
    ]
    serving = [
        {
            "uid": "featureset:risk/p@2",
            "features": [{"name": "age", "dtype": "INT32"}, {"name": "income", "dtype": "FLOAT64"}],
        }
    ]
    assert inputs.incompatible_inputs(consumes, serving) == [
        {
            "input": "age",
            "trainingFeature": "feature:risk/p@1#age",
            "servingFeature": "feature:risk/p@2#age",
            "reason": "dtype INT64 became INT32",
        },
        {
            "input": "gone",
            "trainingFeature": "feature:risk/p@1#gone",
            "reason": "featureset:risk/p@2 has no feature gone",
        },
        {
            "input": "x",
            "trainingFeature": "feature:risk/other@1#x",
            "reason": "the serving path has no version of featureset:risk/other",
        },
    ]


def test_retention_subject_passes_expiry_and_window_through_unrounded() -> None:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    row = {
        "uid": "snapshot:s/t@1",
        "kind": "DatasetSnapshot",
        "classification": "PII",
        "createdAt": created,
        "retentionDays": 2555,
    }
    assert inputs.retention_subject(row) == {
        "kind": "snapshot",
        "uid": "snapshot:s/t@1",
        "classification": "PII",
        "createdAt": "2026-01-01T00:00:00Z",
        "retiredAt": None,
        "retentionDays": 2555,
    }
    # The policy compares instants: an expiry twelve hours away stays twelve hours away (it was
    # turned into whole days rounded down, 0 = "already expired").
    soon = inputs.retention_subject({**row, "expiresAt": datetime(2026, 1, 1, 12, tzinfo=UTC)})
    assert (soon["expiresAt"], soon["retentionDays"]) == ("2026-01-01T12:00:00Z", 2555)
    assert inputs.retention_subject({**row, "retentionDays": 1.5})["retentionDays"] == 1.5
    assert inputs.retention_subject({**row, "kind": "DataSource", "retentionDays": None})["kind"] == "source"


def test_candidate_evaluation_prefers_the_newest_with_a_baseline() -> None:
    row = {
        "evaluations": [
            {"uid": "e:new", "at": datetime(2026, 3, 1, tzinfo=UTC), "metricsJson": '{"auc": 0.9}'},
            {
                "uid": "e:base",
                "at": datetime(2026, 2, 1, tzinfo=UTC),
                "metricsJson": '{"auc": 0.8}',
                "baseline": "e:old",
                "baselineMetricsJson": '{"auc": 0.7}',
            },
        ]
    }
    assert inputs.candidate_evaluation(row) == {
        "uid": "e:base",
        "metrics": {"auc": 0.8},
        "baseline": {"uid": "e:old", "metrics": {"auc": 0.7}},
    }
    assert inputs.candidate_evaluation({"evaluations": row["evaluations"][:1]}) == {
        "uid": "e:new",
        "metrics": {"auc": 0.9},
        "baseline": None,
    }
    assert inputs.candidate_evaluation({"evaluations": []}) is None


def test_scopes() -> None:
    assert Scope.parse(None) == Scope()
    assert Scope.parse("risk") == Scope(namespace="risk")
    assert Scope.parse("model:risk/credit") == Scope(prefix="model:risk/credit")
    assert str(Scope()) == "*"


def test_authenticator_modes(tmp_path: Path) -> None:
    open_mode = Authenticator(None)
    assert open_mode.mode is AuthMode.OPEN
    principal = open_mode.principal(None, "alice")
    assert (principal.id, principal.to_input()["roles"]) == ("alice", [{"role": "admin", "namespace": "*"}])
    path = tmp_path / "tokens.toml"
    path.write_text(
        f'[[principals]]\nid = "bob"\ntoken_sha256 = "{hash_token("t0k")}"\nroles = [{{ role = "viewer", namespace = "risk" }}]\n'
    )
    tokens = Authenticator(path)
    assert tokens.mode is AuthMode.TOKENS
    assert tokens.principal("Bearer t0k", "alice").id == "bob"
    assert tokens.principal("bearer   t0k ", "alice").id == "bob"
    assert tokens.principal("Basic t0k", "alice") is UNAUTHENTICATED
    assert tokens.principal(None, "alice") is UNAUTHENTICATED
    assert tokens.principal("Bearer other", "alice") is UNAUTHENTICATED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # as Cypher's toString writes a DATETIME (the input queries return times as text)
        ("2026-11-26T10:00Z", "2026-11-26T10:00:00Z"),
        ("2026-11-26T10:00:05.5Z", "2026-11-26T10:00:05.500000Z"),
        ("2026-11-26T10:00:00.123456789Z", "2026-11-26T10:00:00.123456Z"),
        ("2026-11-26T11:00+01:00[Europe/Paris]", "2026-11-26T10:00:00Z"),
        ("2026-11-26T10:00:00", "2026-11-26T10:00:00Z"),  # a LocalDateTime is taken as UTC
        # the same instants as the driver or Python give them
        (datetime(2026, 11, 26, 10, tzinfo=UTC), "2026-11-26T10:00:00Z"),
        ("not a time", None),
        (None, None),
        (42, None),
    ],
)
def test_timestamps_read_from_text_driver_or_python_values(value: object, expected: str | None) -> None:
    assert inputs.timestamp(value) == expected


def test_a_retention_window_from_text_times_matches_one_from_datetimes() -> None:
    created, expires = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 31, 12, tzinfo=UTC)
    base = {"uid": "snapshot:risk/s@1", "kind": "DatasetSnapshot", "retentionDays": 90}
    as_text = inputs.retention_subject(
        {**base, "createdAt": "2026-01-01T00:00Z", "expiresAt": "2026-01-31T12:00Z"}
    )
    as_times = inputs.retention_subject({**base, "createdAt": created, "expiresAt": expires})
    assert as_text == as_times
    assert (as_text["retentionDays"], as_text["expiresAt"]) == (90, "2026-01-31T12:00:00Z")
