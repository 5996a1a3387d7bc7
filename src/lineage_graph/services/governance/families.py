"""The policy families: one declaration per governance package, read by scans and gates.

A `PolicyFamily` names its package (``lineage_graph.<package>``), whether its documents take
``now`` (sent once per batch by a scan, put in each document by a gate) and its `Source`\\ s:
the subject kinds it judges, the ``cypher/governance`` query that reads their input rows by
``$uids`` (or, without kinds, a query that pages through its subjects itself with ``$after``,
``$limit``, ``$namespace`` and ``$prefix``), and the function shaping those rows into
``(subject, document)`` pairs. A source with a ``gate`` position is judged by the write gate
of its kind (`services.governance.gates`), in that order. Sources sharing kinds and query are
read once per page of a scan, whatever number of families judge them.

`FAMILIES` is the registry `ComplianceScan` and `Gates` dispatch on: adding a family is its
``.rego`` (with its ``_test.rego``), its inputs query, its `Package` name and one entry here,
with its shaping function next to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

from lineage_graph.domain import Kind
from lineage_graph.policy.decisions import Package
from lineage_graph.services.governance import inputs

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Sequence

    from lineage_graph.policy.principals import Principal

Doc = dict[str, Any]
Row = Mapping[str, Any]
Judged = list[tuple[str, Doc]]


class Lookups(Protocol):
    """What a shaping function may read beyond its rows: a scan caches them for the scan, a
    gate reads them in the write's transaction."""

    async def feature_set_versions(self, uids: Iterable[str]) -> Mapping[str, Row]:
        """``feature_set_versions`` rows by uid (unknown uids left out)."""

    async def model_versions(self, uids: Sequence[str]) -> Mapping[str, Row]:
        """``model_version_inputs`` rows by uid (unknown uids left out)."""

    async def environment_order(self) -> Mapping[str, int]:
        """Each environment's name and position in the promotion order."""

    def principal(self, principal_id: str) -> Principal:
        """The principal with the grants the tokens file gives it (none when unknown)."""


@dataclass(frozen=True, slots=True)
class Source:
    """Subjects of a family and how their input documents are made."""

    kinds: tuple[Kind, ...]
    query: str
    shape: Callable[[Sequence[Row], Lookups], Awaitable[Judged]]
    gate: int | None = None
    """Position among the judgements of the write gate of ``kinds`` (None: not gated)."""

    @property
    def key(self) -> tuple[tuple[Kind, ...], str]:
        """Sources with the same key are read together."""
        return self.kinds, self.query


@dataclass(frozen=True, slots=True)
class PolicyFamily:
    package: Package
    sources: tuple[Source, ...]
    timed: bool = False
    """Its documents take ``now``."""
    scanned: bool = True
    """Compliance scans judge it."""


def _serving(row: Row, versions: Mapping[str, Row]) -> list[Row]:
    return [versions[v] for v in sorted(row["servesFrom"]) if v in versions]


def _uid(row: Row) -> str:
    return str(row["uid"])


# --- authz: approvals -----------------------------------------------------------------------


async def approvals(rows: Sequence[Row], lookups: Lookups) -> Judged:
    """Does each approver hold ``approve`` in the approved entity's namespace?"""
    judged = []
    for row in rows:
        for approval in sorted(row["approvals"], key=lambda a: str(a.get("principal"))):
            approver = str(approval.get("principal") or "")
            doc = inputs.authz_document(
                lookups.principal(approver), "approve", str(row["kind"]), _uid(row), str(row["namespace"])
            )
            judged.append((f"{row['uid']} approved by {approver}", doc))
    return judged


# --- retention, schema, lineage -------------------------------------------------------------


async def retention(rows: Sequence[Row], _: Lookups) -> Judged:
    return [(_uid(r), inputs.retention_document(r)) for r in rows]


async def schema(rows: Sequence[Row], _: Lookups) -> Judged:
    return [(_uid(r), inputs.schema_document(r)) for r in rows]


async def lineage(rows: Sequence[Row], _: Lookups) -> Judged:
    return [(_uid(r), inputs.lineage_document(r)) for r in rows]


# --- deprecation ----------------------------------------------------------------------------


async def model_version_deprecation(rows: Sequence[Row], lookups: Lookups) -> Judged:
    """The feature-set versions a model version consumes."""
    consumed = {_uid(r): inputs.consumed_versions(r) for r in rows}
    versions = await lookups.feature_set_versions(v for vs in consumed.values() for v in vs)
    return [
        (uid, inputs.deprecation_document("modelVersion", uid, [versions[v] for v in vs if v in versions]))
        for uid, vs in consumed.items()
    ]


async def deployment_deprecation(rows: Sequence[Row], lookups: Lookups) -> Judged:
    """The serving path of a deployment."""
    versions = await lookups.feature_set_versions(v for r in rows for v in r["servesFrom"])
    return [
        (_uid(r), inputs.deprecation_document("deployment", _uid(r), _serving(r, versions))) for r in rows
    ]


# --- promotion, targets ---------------------------------------------------------------------


def deployment_promotion(
    row: Row, model_version: Row, order: Mapping[str, int], serving: Sequence[Row]
) -> Doc:
    """The promotion document of a deployment (a ``deployment_inputs`` row): would its model
    version (a ``model_version_inputs`` row) enter its environment today, served by `serving`."""
    environment = inputs.environment_name(row.get("environment")) or ""
    from_env = inputs.from_environment(
        environment,
        order,
        promoted_from=row.get("promotedFrom"),
        elsewhere=[str(e) for e in row["otherEnvironments"] if e],
    )
    return inputs.promotion_document(
        model_version, to_environment=environment, from_env=from_env, order=order, versions=serving
    )


async def promotion(rows: Sequence[Row], lookups: Lookups) -> Judged:
    """Would each deployment's model version enter its environment today? (A deployment whose
    model version is unknown is not judged.)"""
    versions = await lookups.feature_set_versions(v for r in rows for v in r["servesFrom"])
    order = await lookups.environment_order()
    wanted = sorted({str(r["modelVersion"]) for r in rows if r.get("modelVersion")})
    model_versions = await lookups.model_versions(wanted) if wanted else {}
    judged = []
    for row in rows:
        model_version = model_versions.get(str(row.get("modelVersion")))
        if model_version is not None:
            judged.append(
                (_uid(row), deployment_promotion(row, model_version, order, _serving(row, versions)))
            )
    return judged


async def targets(rows: Sequence[Row], lookups: Lookups) -> Judged:
    versions = await lookups.feature_set_versions(v for r in rows for v in r["servesFrom"])
    return [
        (
            _uid(r),
            inputs.targets_document(
                inputs.environment_name(r.get("environment")) or "",
                _uid(r),
                r.get("target"),
                _serving(r, versions),
            ),
        )
        for r in rows
    ]


# --- the registry ---------------------------------------------------------------------------

MODEL_VERSIONS: Final = "governance/model_version_inputs"
DEPLOYMENTS: Final = "governance/deployment_inputs"

FAMILIES: Final[tuple[PolicyFamily, ...]] = (
    PolicyFamily(Package.AUTHZ, (Source((), "governance/approvals", approvals),)),
    PolicyFamily(
        Package.RETENTION,
        (Source((Kind.SOURCE, Kind.SNAPSHOT), "governance/retention_inputs", retention),),
        timed=True,
    ),
    PolicyFamily(
        Package.DEPRECATION,
        (
            Source((Kind.MODEL_VERSION,), MODEL_VERSIONS, model_version_deprecation, gate=2),
            Source((Kind.DEPLOYMENT,), DEPLOYMENTS, deployment_deprecation),
        ),
        timed=True,
    ),
    PolicyFamily(
        Package.SCHEMA, (Source((Kind.FEATURE_SET_VERSION,), "governance/schema_inputs", schema, gate=1),)
    ),
    PolicyFamily(Package.LINEAGE, (Source((Kind.MODEL_VERSION,), MODEL_VERSIONS, lineage, gate=1),)),
    PolicyFamily(
        Package.PROMOTION, (Source((Kind.DEPLOYMENT,), DEPLOYMENTS, promotion, gate=1),), timed=True
    ),
    PolicyFamily(Package.TARGETS, (Source((Kind.DEPLOYMENT,), DEPLOYMENTS, targets, gate=2),)),
)
"""Every family, in the order scans report them."""


def gated(kind: Kind, families: Iterable[PolicyFamily] = FAMILIES) -> list[tuple[PolicyFamily, Source]]:
    """The families the write gate of `kind` judges, with their source, in gate order."""
    found = [(f, s) for f in families for s in f.sources if s.gate is not None and kind in s.kinds]
    return sorted(found, key=lambda fs: fs[1].gate or 0)


class UnknownPolicyError(ValueError):
    """A policy name no scanned family declares."""


def scanned_packages(
    names: Iterable[str] | None, families: Iterable[PolicyFamily] = FAMILIES
) -> list[Package] | None:
    """Packages of scanned families by name (``promotion`` or ``lineage_graph.promotion``), None
    for all; `UnknownPolicyError` names the first unknown one and lists the known."""
    if names is None:
        return None
    known = [f.package.value for f in families if f.scanned]
    found = []
    for name in names:
        short = name.removeprefix("lineage_graph.")
        if short not in known:
            msg = f"unknown policy {name!r}; policies: {', '.join(sorted(known))}"
            raise UnknownPolicyError(msg)
        found.append(Package(short))
    return found
