"""Catalog reads as domain records: nodes, versions, neighbours, search, history, audit log.

Batch methods (`nodes`, `versions`, `related`, `events_about`) take many keys and cost one
round trip, so the GraphQL DataLoaders (and any other caller) keep the number of queries
independent of list sizes.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import (
    EdgeType,
    ErrorCode,
    FeatureSetVersion,
    FeatureSpec,
    Incompatibility,
    InvalidInput,
    Kind,
    Stored,
    Uid,
    incompatible_inputs,
)
from lineage_graph.graph.catalog_reader import CatalogReader
from lineage_graph.graph.codec import (
    JSON_FIELDS,
    JSON_SUFFIX,
    canonical_json,
    decode,
    native,
    record_from_node,
)
from lineage_graph.services.errors import NotFound

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lineage_graph.graph import Graph

MAX_PAGE: Final = 500
_LUCENE_SPECIAL: Final = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


class Direction(StrEnum):
    OUT = "OUT"
    IN = "IN"


@dataclass(frozen=True, slots=True)
class RelKey:
    """Neighbours of `uid` along edges of `type` in `direction`."""

    uid: str
    type: EdgeType
    direction: Direction = Direction.OUT


@functools.cache
def _field_names(model: type[Stored]) -> frozenset[str]:
    """The property names a record models (camelCase aliases and Python names)."""
    return frozenset(set(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias})


@dataclass(frozen=True, slots=True)
class Entry:
    """A node as a domain record, plus the server-derived properties the record does not model
    (``bump``, ``schemaDiff``, ``replacedBy``, ``producedBy``, ``sources``, ``owner``, ``updatedAt``...)."""

    record: Stored
    extras: Mapping[str, Any]

    @classmethod
    def of(cls, props: Mapping[str, Any]) -> Entry | None:
        record = record_from_node(props)
        if record is None:
            return None
        decoded = decode(props)
        known = _field_names(type(record))
        return cls(record, {k: v for k, v in decoded.items() if k not in known})

    @property
    def uid(self) -> str:
        return self.record.uid


@dataclass(frozen=True, slots=True)
class Related:
    entry: Entry
    edge: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit event as stored: the change and its place in the hash chain."""

    uid: str
    seq: int
    action: str
    actor: str
    at: datetime
    entity_uid: str
    before: Any
    after: Any
    prev_hash: str
    hash: str

    @classmethod
    def from_node(cls, props: Mapping[str, Any]) -> AuditRecord:
        before, after = props.get("beforeJson"), props.get("afterJson")
        return cls(
            uid=str(props["uid"]),
            seq=int(props["seq"]),
            action=str(props["action"]),
            actor=str(props["actor"]),
            at=native(props["at"]),
            entity_uid=str(props["entityUid"]),
            before=None if before is None else json.loads(before),
            after=None if after is None else json.loads(after),
            prev_hash=str(props.get("prevHash", "")),
            hash=str(props["hash"]),
        )


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    cursors: list[str]
    has_next: bool


@dataclass(frozen=True, slots=True)
class VersionHistory:
    version: Entry
    events: list[AuditRecord]


@dataclass(frozen=True, slots=True)
class History:
    entity: Entry
    versions: list[VersionHistory]
    events: list[AuditRecord]


@dataclass(frozen=True, slots=True)
class Compatibility:
    version: Entry
    incompatibilities: list[Incompatibility]

    @property
    def compatible(self) -> bool:
        return not self.incompatibilities


def encode_cursor(prefix: str, value: int) -> str:
    return base64.urlsafe_b64encode(f"{prefix}:{value}".encode()).decode()


def decode_cursor(prefix: str, cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        tag, _, value = text.partition(":")
        if tag != prefix:
            raise ValueError(tag)
        return int(value)
    except (ValueError, UnicodeDecodeError) as e:
        raise InvalidInput(
            "the cursor is not one this query returned",
            code=ErrorCode.INVALID_VALUE,
            details={"cursor": cursor},
        ) from e


def lucene_query(text: str) -> str | None:
    """A full-text query matching every word of `text` (as a word or a prefix), special characters escaped."""
    terms = [_LUCENE_SPECIAL.sub(r"\\\1", t.lower()) for t in text.split()]
    if not terms:
        return None
    return " AND ".join(f"({t} OR {t}*)" for t in terms)


def parse_kinds(kinds: Sequence[str] | None) -> list[str] | None:
    """Kind names (labels like ``FeatureSet``) validated; UNKNOWN_KIND for the others."""
    if kinds is None:
        return None
    unknown = [k for k in kinds if k not in Kind.__members__.values()]
    if unknown:
        raise InvalidInput(
            f"unknown kind {unknown[0]!r}; known: {', '.join(Kind)}",
            code=ErrorCode.UNKNOWN_KIND,
            details={"kinds": unknown},
        )
    return list(dict.fromkeys(kinds))


def rewind(props: Mapping[str, Any], later: Sequence[Mapping[str, Any]], instant: datetime) -> dict[str, Any]:
    """A node's properties as they stood before the audited changes `later` (newest first): each
    change puts back the values its ``before`` recorded. Events without a ``before`` (creations,
    approvals) changed no existing property. Lifecycle times after `instant` the trail does not
    cover (an import's ``retiredAt``) are dropped too."""
    state = dict(props)
    for change in later:
        before = json.loads(change["beforeJson"]) if change.get("beforeJson") else None
        after = json.loads(change["afterJson"]) if change.get("afterJson") else None
        if not isinstance(before, dict) or not isinstance(after, dict):
            continue
        for key in after.keys() | before.keys():
            _restore(state, key, before.get(key))
    for key in ("retiredAt", "updatedAt"):
        value = native(state.get(key))
        if isinstance(value, datetime) and value > instant:
            del state[key]
    return state


def _restore(state: dict[str, Any], key: str, value: Any) -> None:
    if key in JSON_FIELDS:
        key, value = key + JSON_SUFFIX, None if value is None else canonical_json(value)
    elif isinstance(value, str) and key.endswith("At"):
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value)
    if value is None:
        state.pop(key, None)
    else:
        state[key] = value


def _entries(rows: Sequence[Mapping[str, Any]]) -> list[Entry]:
    return [e for e in (Entry.of(p) for p in rows) if e is not None]


class CatalogQueries:
    def __init__(self, graph: Graph) -> None:
        self.reader = CatalogReader(graph)

    async def nodes(self, uids: Sequence[str]) -> dict[str, Entry]:
        found = await self.reader.nodes(uids)
        out: dict[str, Entry] = {}
        for uid, props in found.items():
            entry = Entry.of(props)
            if entry is not None:
                out[uid] = entry
        return out

    async def node(self, uid: str) -> Entry | None:
        canonical = Uid.parse(uid).format()
        return (await self.nodes([canonical])).get(canonical)

    async def versions(self, entity_uids: Sequence[str]) -> dict[str, list[Entry]]:
        found = await self.reader.versions_of(entity_uids)
        return {uid: _entries(rows) for uid, rows in found.items()}

    async def related(self, keys: Sequence[RelKey]) -> dict[RelKey, list[Related]]:
        rows = await self.reader.related([(k.uid, k.type, k.direction.value) for k in keys])
        out: dict[RelKey, list[Related]] = {k: [] for k in keys}
        for row in rows:
            key = RelKey(row["uid"], row["type"], Direction(row["direction"]))
            entry = Entry.of(row["props"])
            if entry is not None and key in out:
                out[key].append(Related(entry, {k: native(v) for k, v in row["edge"].items()}))
        return out

    async def search(
        self, text: str | None, kinds: Sequence[str] | None, first: int, after: str | None
    ) -> Page:
        if not 0 < first <= MAX_PAGE:
            raise InvalidInput(
                f"first must be between 1 and {MAX_PAGE}", code=ErrorCode.TOO_LARGE, details={"first": first}
            )
        offset = decode_cursor("search", after)
        skip = 0 if offset is None else offset + 1
        rows = await self.reader.search(lucene_query(text or ""), parse_kinds(kinds), skip, first + 1)
        entries = _entries([row["props"] for row in rows[:first]])
        return Page(
            items=entries,
            cursors=[encode_cursor("search", skip + i) for i in range(len(entries))],
            has_next=len(rows) > first,
        )

    async def audit_log(self, uid: str | None, first: int, after: str | None) -> Page:
        if not 0 < first <= MAX_PAGE:
            raise InvalidInput(
                f"first must be between 1 and {MAX_PAGE}", code=ErrorCode.TOO_LARGE, details={"first": first}
            )
        entity = Uid.parse(uid).format() if uid is not None else None
        rows = await self.reader.audit_log(entity, decode_cursor("audit", after), first + 1)
        events = [AuditRecord.from_node(row) for row in rows[:first]]
        return Page(
            items=events,
            cursors=[encode_cursor("audit", e.seq) for e in events],
            has_next=len(rows) > first,
        )

    async def events_about(self, uids: Sequence[str]) -> dict[str, list[AuditRecord]]:
        found = await self.reader.audit_events_about(uids)
        return {uid: [AuditRecord.from_node(e) for e in events] for uid, events in found.items()}

    async def history(self, uid: str, as_of: datetime | None = None) -> History:
        """The versions of a feature set or model (or of the one a version belongs to) and their
        changes; with `as_of`, as they stood then: the versions created by then, with the status,
        sunset, replacement and owner they had, and only the events up to then."""
        parsed = Uid.parse(uid)
        entity_uid = parsed.parent.format() if parsed.kind.versioned and parsed.parent else parsed.format()
        instant = None if as_of is None else as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=UTC)
        rows = await self.reader.graph.read("queries/history", {"uid": entity_uid, "asOf": instant})
        if not rows:
            raise NotFound([entity_uid])
        entries: list[VersionHistory] = []
        for row in rows:
            props = row["props"] if instant is None else rewind(row["props"], row["later"], instant)
            entry = Entry.of(props)
            if entry is not None:
                entries.append(VersionHistory(entry, [AuditRecord.from_node(e) for e in row["events"]]))
        if not entries or entries[0].version.uid != entity_uid:
            raise NotFound([entity_uid])
        return History(entity=entries[0].version, versions=entries[1:], events=entries[0].events)

    async def compatibility(self, model_version: str) -> list[Compatibility]:
        """Every version of the feature sets a model version consumes, and what it cannot serve."""
        mv = Uid.parse(model_version, expect=Kind.MODEL_VERSION).format()
        if not await self.reader.nodes([mv]):
            raise NotFound([mv], "model version")
        key = RelKey(mv, EdgeType.CONSUMES)
        consumed = (await self.related([key]))[key]
        inputs_by_set: dict[str, list[tuple[str, str, str]]] = {}
        for rel in consumed:
            feature = Uid.parse(rel.entry.uid)
            version = feature.parent
            feature_set = version.parent if version else None
            if feature_set is None:  # pragma: no cover - feature uids always have both
                continue
            inputs_by_set.setdefault(feature_set.format(), []).append(
                (str(rel.edge.get("input")), feature.field or "", str(rel.edge.get("dtype")))
            )
        if not inputs_by_set:
            return []
        versions = await self.versions(sorted(inputs_by_set))
        out: list[Compatibility] = []
        for set_uid, inputs in sorted(inputs_by_set.items()):
            for entry in versions.get(set_uid, []):
                record = entry.record
                if isinstance(record, FeatureSetVersion):
                    specs = [FeatureSpec(f.name, f.dtype, f.description) for f in record.features]
                    out.append(Compatibility(entry, incompatible_inputs(inputs, specs)))
        return out

    async def environments(self) -> list[Entry]:
        return _entries(await self.reader.environments())

    async def counts(self) -> tuple[int, int]:
        return await self.reader.counts()
