"""The one upsert of catalog nodes, shared by every write path, and its merge policy.

The catalog service (GraphQL, importers, the demo) and OpenLineage ingest
(`ingest.lineage_writer`) both decide through `Plan.add` whether an entity is created,
updated, left as it is or refused, so an identical re-send is judged the same whichever way
it comes (docs/adr/0007-one-write-path.md):

- The stored node is compared with the request as the client sees it (`payload`: the
  record's fields without server-set ones, plus the request extras the caller names) using
  `domain.diff_payload`: an absent value, ``None`` and an empty list are the same; lists of
  named items (schema fields, features) compare by name; ``reads``, ``writes`` and
  ``owners`` are sets (stored sorted).
- `Merge.REPLACE` (mutable kinds): a different request is the new state (UPDATED).
  `Merge.REFUSE` (immutable kinds, client requests): a different request is
  `ImmutableConflict`. `Merge.FILL` (immutable kinds, producers' partial facts): a re-send
  may fill fields still empty; a stored value is never changed (the first fact is kept).
- A write replaces the node's properties, except those the request does not speak for:
  `KEPT` (OpenLineage's ``owners`` list and its bookkeeping) stay as stored. Bookkeeping a
  caller passes (fact times) is written with the node, or on its own without an audit event
  when nothing else changed.
- Every CREATED or UPDATED entity gets one audit event (``before``: the stored payload,
  ``after``: the request's); an unchanged one gets none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar

from lineage_graph.domain import (
    RECORD_FIELDS,
    Change,
    EdgeType,
    Entity,
    FeatureSetInput,
    FeatureSpec,
    Kind,
    ModelInput,
    PrincipalInput,
    Stored,
    TeamInput,
    Uid,
    diff_payload,
    ensure_unchanged,
    ignored_fields,
)
from lineage_graph.graph.catalog_store import Edge
from lineage_graph.graph.codec import canonical_json, decode, native, record_from_node, to_properties
from lineage_graph.services.catalog.checks import uid_of
from lineage_graph.services.catalog.records import Outcome, Written, written

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import datetime

    from lineage_graph.services.audit.unit import Unit

R = TypeVar("R", bound=Stored)

FACT_TIMES: Final = "lineageFactTimesJson"
"""When OpenLineage last said each field of a source or transform (`lineage_writer.Facts`)."""
STATE_AT: Final = "stateAt"
"""When OpenLineage last moved a run's state."""
KEPT: Final = ("owners", FACT_TIMES, STATE_AT)
"""Stored properties a write keeps unless the request carries them."""
SERVER_FIELDS: Final = RECORD_FIELDS | {"updatedAt"}
SET_EXTRAS: Final = frozenset({"reads", "writes", "owners"})
_EMPTY: Final[tuple[Any, ...]] = (None, [], {}, ())


class Merge(StrEnum):
    """How a re-send merges with the stored entity (see the module's contract)."""

    REPLACE, REFUSE, FILL = "REPLACE", "REFUSE", "FILL"


class Policy(NamedTuple):
    """The merge of one kind on one path, and the action its writes are audited as."""

    action: str
    merge: Merge


DATA_SOURCE: Final = Policy("registerDataSource", Merge.REPLACE)
SNAPSHOT: Final = Policy("registerDatasetSnapshot", Merge.REFUSE)
SNAPSHOT_FACT: Final = Policy("registerDatasetSnapshot", Merge.FILL)
TRANSFORM: Final = Policy("registerTransform", Merge.REPLACE)
TRANSFORM_RUN: Final = Policy("recordTransformRun", Merge.REPLACE)
FEATURE_SET: Final = Policy("registerFeatureSet", Merge.REPLACE)
MODEL: Final = Policy("registerModel", Merge.REPLACE)
EVALUATION: Final = Policy("recordEvaluation", Merge.REFUSE)


def jsonable(value: Any) -> Any:
    return json.loads(canonical_json(native(value)))


def _extra(key: str, value: Any) -> Any:
    return sorted(set(value)) if key in SET_EXTRAS and isinstance(value, list | tuple | set) else value


def payload(props: Mapping[str, Any] | None, extras: Iterable[str] = ()) -> dict[str, Any] | None:
    """The client-visible state of a stored node (what a re-send is compared with)."""
    if props is None:
        return None
    record = record_from_node(props)
    if record is None:
        return None
    plain = {k: v for k, v in record.to_properties().items() if k not in SERVER_FIELDS}
    decoded = decode(props)
    for key in extras:
        if decoded.get(key) not in _EMPTY:
            plain[key] = jsonable(_extra(key, decoded[key]))
    return plain


def incoming(model: Entity, extras: Mapping[str, Any]) -> dict[str, Any]:
    """A request as the client sees it: the model's fields and its non-empty extras."""
    plain = model.to_properties()
    for key, value in extras.items():
        if value not in _EMPTY:
            plain[key] = jsonable(_extra(key, value))
    return plain


def extra_props(extras: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties for request extras: lists of uids stay lists, maps become ``<key>Json``."""
    props: dict[str, Any] = {}
    for key, value in extras.items():
        if value in _EMPTY:
            continue
        if isinstance(value, dict):
            props[key + "Json"] = canonical_json(value)
        elif isinstance(value, tuple | list | set):
            props[key] = _extra(key, list(value))
        else:
            props[key] = value
    return props


def node_row(
    model: Entity, extras: Mapping[str, Any] | None = None, *, uid: str | None = None
) -> dict[str, Any]:
    props = to_properties(model) | extra_props(extras or {})
    return {"uid": uid or uid_of(model), "kind": model.KIND.value, "props": props}


def record(row: Mapping[str, Any], existing: Mapping[str, Any] | None, actor: str, now: datetime) -> Stored:
    """The record of a node just written from `row` (createdAt/By kept from `existing`)."""
    return stored(
        {
            **row["props"],
            "uid": row["uid"],
            "kind": row["kind"],
            "createdAt": existing["createdAt"] if existing else now,
            "createdBy": existing["createdBy"] if existing else actor,
        }
    )


def stored(props: Mapping[str, Any]) -> Stored:
    found = record_from_node(props)
    if found is None:  # pragma: no cover - catalog nodes are of known kinds
        msg = f"node {props.get('uid')} has an unknown kind"
        raise ValueError(msg)
    return found


def stored_as(props: Mapping[str, Any], kind: type[R]) -> R:
    """The record of a stored node known to be of `kind` (checked)."""
    return written(stored(props), Outcome.UNCHANGED, kind).record


def feature_specs(version_props: Mapping[str, Any]) -> list[FeatureSpec]:
    features = decode(version_props).get("features") or []
    return [FeatureSpec(f["name"], f["dtype"], f.get("description", "")) for f in features]


def _filled(before: Mapping[str, Any], after: Mapping[str, Any], ignore: frozenset[str]) -> dict[str, Any]:
    """`before` with the top-level fields it lacks taken from `after` (`Merge.FILL`)."""
    added = {d.path for d in diff_payload(before, after, ignore) if d.change is Change.ADDED}
    return {**before, **{k: after[k] for k in added if k in after}}


@dataclass
class Plan:
    """Rows to write and the outcome of each entity of one transaction's upserts."""

    unit: Unit
    existing: Mapping[str, Mapping[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    touched: list[dict[str, Any]] = field(default_factory=list)
    """Bookkeeping-only changes (`CatalogStore.set_properties` rows), not audited."""
    changed: set[str] = field(default_factory=set)
    results: list[tuple[str, Outcome, dict[str, Any] | None]] = field(default_factory=list)

    def add(
        self,
        policy: Policy,
        model: Entity,
        extras: Mapping[str, Any] | None = None,
        *,
        uid: str | None = None,
        bookkeeping: Mapping[str, Any] | None = None,
    ) -> Outcome:
        """Decide for one entity: create, update, leave, or refuse (`ImmutableConflict`).

        `extras` (reads, writes, owners) are stored and compared with the model's fields; the
        caller speaks for every key it passes, even with an empty value. `uid` is the model's
        when the caller has it already (formatting one costs more than the rest of a new
        entity's decision)."""
        uid = uid or uid_of(model)
        extras = extras or {}
        stored_props = self.existing.get(uid)
        after = incoming(model, extras)
        before = payload(stored_props, extras)
        if stored_props is not None and before is not None:
            ignore = ignored_fields(model.KIND)
            if policy.merge is Merge.REFUSE:
                ensure_unchanged(uid, before, after, ignore)
            elif policy.merge is Merge.FILL:
                after = _filled(before, after, ignore)
                model = type(model).model_validate({k: v for k, v in after.items() if k not in extras})
            if not diff_payload(before, after, ignore):
                self._unchanged(uid, stored_props, bookkeeping)
                return Outcome.UNCHANGED
        row = node_row(model, extras, uid=uid)
        if stored_props is not None:
            for key in KEPT:
                if key not in row["props"] and key not in extras and stored_props.get(key) is not None:
                    row["props"][key] = native(stored_props[key])
        row["props"] |= bookkeeping or {}
        self.rows.append(row)
        self.changed.add(uid)
        outcome = Outcome.CREATED if stored_props is None else Outcome.UPDATED
        self.results.append((uid, outcome, row))
        self.unit.audit(policy.action, uid, before, after)
        return outcome

    def _unchanged(self, uid: str, props: Mapping[str, Any], bookkeeping: Mapping[str, Any] | None) -> None:
        self.results.append((uid, Outcome.UNCHANGED, None))
        if bookkeeping and any(native(props.get(k)) != v for k, v in bookkeeping.items()):
            self.touched.append({"uid": uid, "props": dict(bookkeeping)})

    def records(self) -> list[tuple[Stored, Outcome]]:
        """The record of each entity after the write, with its outcome (in `add` order)."""
        out: list[tuple[Stored, Outcome]] = []
        for uid, outcome, row in self.results:
            before = self.existing.get(uid)
            if row is None and before is not None:
                out.append((stored(before), outcome))
            elif row is not None:
                out.append((record(row, before, self.unit.actor, self.unit.now), outcome))
        return out

    def written_as(self, kind: type[R]) -> list[Written[R]]:
        return [written(r, o, kind) for r, o in self.records()]


def upsert(
    unit: Unit,
    policy: Policy,
    items: Sequence[tuple[Entity, Mapping[str, Any]]],
    existing: Mapping[str, Mapping[str, Any]],
    *,
    uids: Sequence[str] | None = None,
) -> Plan:
    """A `Plan` deciding each of `items` (model, extras) against the `existing` nodes."""
    plan = Plan(unit, existing)
    for index, (model, extras) in enumerate(items):
        plan.add(policy, model, extras, uid=uids[index] if uids is not None else None)
    return plan


def owner_rows(unit: Unit, uids: Iterable[str], existing: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows creating the Team/Principal nodes named by `uids` that do not exist yet (audited)."""
    rows = []
    for text in sorted(set(uids) - set(existing)):
        uid = Uid.parse(text, expect=(Kind.TEAM, Kind.PRINCIPAL))
        model = TeamInput if uid.kind is Kind.TEAM else PrincipalInput
        rows.append(node_row(model(namespace=uid.namespace, name=uid.name), uid=text))
        unit.audit("createOwner", text, None, {"namespace": uid.namespace, "name": uid.name})
    return rows


async def ensure_owners(unit: Unit, uids: Iterable[str], existing: Mapping[str, Any]) -> None:
    """Create the Team/Principal nodes named by `uids` that do not exist yet."""
    await unit.store.upsert_nodes(owner_rows(unit, uids, existing))


async def register_owned(
    unit: Unit, policy: Policy, inputs: Sequence[FeatureSetInput | ModelInput]
) -> list[tuple[Stored, Outcome]]:
    """Register feature sets or models; an absent owner keeps the one already set."""
    owners = {i.owner for i in inputs if i.owner is not None}
    existing = await unit.store.nodes([*(uid_of(i) for i in inputs), *owners])
    items: list[FeatureSetInput | ModelInput] = []
    for i in inputs:
        stored_owner = existing.get(uid_of(i), {}).get("owner")
        items.append(i.model_copy(update={"owner": stored_owner}) if i.owner is None and stored_owner else i)
    plan = upsert(unit, policy, [(i, {}) for i in items], existing)
    await ensure_owners(unit, owners, existing)
    await unit.upsert_nodes(plan.rows)
    changed = [(uid, i.owner) for i in items if (uid := uid_of(i)) in plan.changed and i.owner]
    await unit.store.retire_edges([(uid, EdgeType.OWNED_BY, [o]) for uid, o in changed])
    await unit.store.merge_edges([Edge(uid, EdgeType.OWNED_BY, o) for uid, o in changed])
    return plan.records()
