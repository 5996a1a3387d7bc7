"""Deterministic mapping between OpenLineage names and uids.

- dataset ``(namespace, name)``          -> ``source:<namespace>/<name>``
- dataset version                        -> ``snapshot:<namespace>/<name>@<version>``
- job ``(namespace, name)``              -> ``transform:<namespace>/<name>``
- run of a job                           -> ``transformrun:<namespace>/<name>@<runId>``

The inverse functions return the pair the uid was made from, so any producer that
sends the same pair reaches the same node.

Normalisation is deliberately minimal and applies to dataset namespaces only.
OpenLineage's naming spec defines a dataset namespace as ``scheme:[//authority]``,
with no path, so for a namespace of the form ``scheme://authority[/...]`` where
the tail is only slashes:

- the scheme is lower-cased (RFC 3986 3.1: schemes are case-insensitive);
- trailing slashes after a non-empty authority are dropped (``s3://bucket/`` is
  ``s3://bucket``: an empty path).

Hosts, ports, bucket names, dataset names and anything after a real path keep
their spelling and case, because whether they are case-insensitive depends on the
platform. Job namespaces and names are scheduler-assigned opaque strings and are
never normalised.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from lineage_graph.domain.ids import Uid
from lineage_graph.domain.kinds import Kind

_AUTHORITY_ONLY: Final = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<authority>[^/]+)/*")


class OpenLineageName(NamedTuple):
    namespace: str
    name: str


def normalize_dataset_namespace(namespace: str) -> str:
    match = _AUTHORITY_ONLY.fullmatch(namespace)
    if match is None:
        return namespace
    return f"{match['scheme'].lower()}://{match['authority']}"


def dataset_uid(namespace: str, name: str) -> Uid:
    return Uid(Kind.SOURCE, normalize_dataset_namespace(namespace), name)


def snapshot_uid(namespace: str, name: str, version: str) -> Uid:
    return Uid(Kind.SNAPSHOT, normalize_dataset_namespace(namespace), name, version)


def job_uid(namespace: str, name: str) -> Uid:
    return Uid(Kind.TRANSFORM, namespace, name)


def run_uid(job_namespace: str, job_name: str, run_id: str) -> Uid:
    return Uid(Kind.TRANSFORM_RUN, job_namespace, job_name, run_id)


def dataset_of(uid: Uid | str) -> OpenLineageName:
    """The OpenLineage dataset of a DataSource or DatasetSnapshot uid."""
    parsed = _coerce(uid, (Kind.SOURCE, Kind.SNAPSHOT))
    return OpenLineageName(parsed.namespace, parsed.name)


def job_of(uid: Uid | str) -> OpenLineageName:
    """The OpenLineage job of a Transform or TransformRun uid."""
    parsed = _coerce(uid, (Kind.TRANSFORM, Kind.TRANSFORM_RUN))
    return OpenLineageName(parsed.namespace, parsed.name)


def _coerce(uid: Uid | str, kinds: tuple[Kind, ...]) -> Uid:
    if isinstance(uid, Uid):
        return Uid.parse(uid.format(), expect=kinds)
    return Uid.parse(uid, expect=kinds)
