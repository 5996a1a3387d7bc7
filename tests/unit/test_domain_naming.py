from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage_graph.domain import (
    ErrorCode,
    InvalidUid,
    Kind,
    OpenLineageName,
    Uid,
    dataset_of,
    dataset_uid,
    job_of,
    job_uid,
    normalize_dataset_namespace,
    run_uid,
    snapshot_uid,
)


def test_postgres_dataset_maps_to_the_documented_uid() -> None:
    uid = dataset_uid("postgres://wh:5432", "shop.public.orders")
    assert str(uid) == "source:postgres%3A%2F%2Fwh%3A5432/shop.public.orders"
    assert dataset_of(str(uid)) == OpenLineageName("postgres://wh:5432", "shop.public.orders")


@pytest.mark.parametrize(
    ("namespace", "expected"),
    [
        ("s3://bucket", "s3://bucket"),
        ("s3://bucket/", "s3://bucket"),
        ("s3://bucket///", "s3://bucket"),
        ("S3://bucket/", "s3://bucket"),
        ("postgres://wh:5432/", "postgres://wh:5432"),
        ("postgres://WH:5432", "postgres://WH:5432"),
        ("hdfs://nn:8020/warehouse/", "hdfs://nn:8020/warehouse/"),
        ("file:///", "file:///"),
        ("file", "file"),
        ("bigquery", "bigquery"),
        ("bigquery/", "bigquery/"),
        ("kafka://broker:9092", "kafka://broker:9092"),
    ],
)
def test_namespace_normalisation_is_minimal(namespace: str, expected: str) -> None:
    assert normalize_dataset_namespace(namespace) == expected


def test_equivalent_namespaces_land_on_the_same_node() -> None:
    assert dataset_uid("s3://lake/", "orders/2026") == dataset_uid("s3://lake", "orders/2026")
    assert snapshot_uid("S3://lake", "orders", "v2") == Uid(Kind.SNAPSHOT, "s3://lake", "orders", "v2")


def test_names_are_never_normalised() -> None:
    assert dataset_uid("s3://lake", "orders/") != dataset_uid("s3://lake", "orders")
    assert dataset_uid("s3://lake", "/orders") != dataset_uid("s3://lake", "orders")
    assert dataset_uid("postgres://wh:5432", "Shop.Public.Orders") != dataset_uid(
        "postgres://wh:5432", "shop.public.orders"
    )


def test_jobs_and_runs() -> None:
    job = job_uid("airflow-prod", "orders_dag.load")
    assert str(job) == "transform:airflow-prod/orders_dag.load"
    assert job_uid("airflow-prod/", "x") != job_uid("airflow-prod", "x")
    run = run_uid("airflow-prod", "orders_dag.load", "0192f1a4-7e0c")
    assert str(run) == "transformrun:airflow-prod/orders_dag.load@0192f1a4-7e0c"
    assert run.parent == job
    assert job_of(run) == job_of(str(job)) == OpenLineageName("airflow-prod", "orders_dag.load")
    assert dataset_of(snapshot_uid("s3://b", "k", "v1")) == OpenLineageName("s3://b", "k")


def test_inverse_rejects_other_kinds() -> None:
    with pytest.raises(InvalidUid) as info:
        dataset_of("transform:a/b")
    assert info.value.code == ErrorCode.UNEXPECTED_KIND
    with pytest.raises(InvalidUid) as info:
        job_of(Uid(Kind.SOURCE, "a", "b"))
    assert info.value.code == ErrorCode.UNEXPECTED_KIND


def test_empty_names_are_rejected() -> None:
    with pytest.raises(InvalidUid) as info:
        dataset_uid("", "x")
    assert info.value.code == ErrorCode.EMPTY_NAME


names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)
schemes = st.sampled_from(["s3", "S3", "gs", "postgres", "kafka", "hdfs", "file", ""])


@settings(max_examples=200)
@given(schemes, names, st.integers(0, 3), names)
def test_dataset_mapping_is_deterministic_and_reversible(
    scheme: str, authority: str, slashes: int, name: str
) -> None:
    namespace = f"{scheme}://{authority}" + "/" * slashes if scheme else authority
    normalized = normalize_dataset_namespace(namespace)
    assert normalize_dataset_namespace(normalized) == normalized
    uid = dataset_uid(namespace, name)
    assert dataset_uid(normalized, name) == uid
    assert dataset_of(Uid.parse(str(uid))) == OpenLineageName(normalized, name)


@settings(max_examples=100)
@given(names, names, names)
def test_job_mapping_is_reversible(namespace: str, name: str, run_id: str) -> None:
    assert job_of(str(job_uid(namespace, name))) == OpenLineageName(namespace, name)
    assert job_of(str(run_uid(namespace, name, run_id))) == OpenLineageName(namespace, name)
