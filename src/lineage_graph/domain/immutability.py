"""Deciding whether re-sending an immutable entity is a no-op or a conflict.

`diff_payload` compares two JSON-like payloads (use `DomainModel.to_properties()`
on both sides so dates and enums have one spelling) and lists every difference:

- keys in ``ignore`` are skipped wherever they appear in a mapping;
- an absent key and a ``None`` value are the same (Neo4j does not store nulls);
- ``True`` differs from ``1``; ``1`` equals ``1.0``;
- lists named in ``keyed_lists`` (``features`` by ``name``, ``inputs`` by
  ``input``, ...) are compared as mappings keyed by that field, so the order the
  graph returns them in does not matter; other lists compare by position.

`ensure_unchanged` raises `ImmutableConflict` (``IMMUTABLE_CONFLICT``) with the
differences; an empty diff means the re-send is an identical no-op.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain.errors import ImmutableConflict
from lineage_graph.domain.kinds import Kind

if TYPE_CHECKING:
    from collections.abc import Iterator
    from collections.abc import Set as AbstractSet

RECORD_FIELDS: Final = frozenset({"uid", "kind", "createdAt", "createdBy", "retiredAt"})
MUTABLE_FIELDS: Final[Mapping[Kind, frozenset[str]]] = {
    Kind.FEATURE_SET_VERSION: frozenset({"status", "sunsetAt"}),
    Kind.MODEL_VERSION: frozenset({"status"}),
}
IMMUTABLE_KINDS: Final = frozenset(
    {
        Kind.SNAPSHOT,
        Kind.FEATURE_SET_VERSION,
        Kind.FEATURE,
        Kind.MODEL_VERSION,
        Kind.TRAINING_RUN,
        Kind.EVALUATION,
        Kind.POLICY_DECISION,
        Kind.AUDIT_EVENT,
    }
)
DEFAULT_KEYED_LISTS: Final[Mapping[str, str]] = {
    "features": "name",
    "schemaFields": "name",
    "inputs": "input",
    "violations": "code",
}


class Change(StrEnum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    CHANGED = "CHANGED"


@dataclass(frozen=True, slots=True)
class FieldDifference:
    path: str
    change: Change
    stored: Any = None
    incoming: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "change": str(self.change),
            "stored": self.stored,
            "incoming": self.incoming,
        }


def ignored_fields(kind: Kind) -> frozenset[str]:
    """Fields a re-send of `kind` may differ in: server-set and mutable ones."""
    return RECORD_FIELDS | MUTABLE_FIELDS.get(kind, frozenset())


def diff_payload(
    stored: Mapping[str, Any],
    incoming: Mapping[str, Any],
    ignore: AbstractSet[str],
    *,
    keyed_lists: Mapping[str, str] = DEFAULT_KEYED_LISTS,
) -> list[FieldDifference]:
    return list(_diff_mappings("", stored, incoming, ignore, keyed_lists))


def ensure_unchanged(
    uid: str,
    stored: Mapping[str, Any],
    incoming: Mapping[str, Any],
    ignore: AbstractSet[str],
) -> None:
    differences = diff_payload(stored, incoming, ignore)
    if differences:
        paths = ", ".join(d.path for d in differences[:5])
        raise ImmutableConflict(
            f"{uid} is immutable and already exists with different values ({paths})",
            details={"uid": uid, "differences": [d.to_dict() for d in differences]},
        )


def _diff_mappings(
    path: str,
    stored: Mapping[str, Any],
    incoming: Mapping[str, Any],
    ignore: AbstractSet[str],
    keyed: Mapping[str, str],
) -> Iterator[FieldDifference]:
    for key in sorted(stored.keys() | incoming.keys(), key=str):
        if key in ignore:
            continue
        sub = f"{path}.{key}" if path else str(key)
        yield from _diff(sub, stored.get(key), incoming.get(key), ignore, keyed, keyed.get(key))


def _diff(
    path: str,
    stored: Any,
    incoming: Any,
    ignore: AbstractSet[str],
    keyed: Mapping[str, str],
    list_key: str | None,
) -> Iterator[FieldDifference]:
    if stored is None and incoming is None:
        return
    if stored is None:
        yield FieldDifference(path, Change.ADDED, None, incoming)
    elif incoming is None:
        yield FieldDifference(path, Change.REMOVED, stored, None)
    elif isinstance(stored, Mapping) and isinstance(incoming, Mapping):
        yield from _diff_mappings(path, stored, incoming, ignore, keyed)
    elif _is_list(stored) and _is_list(incoming):
        by_key = _keyed(stored, list_key), _keyed(incoming, list_key)
        if by_key[0] is not None and by_key[1] is not None:
            for key in sorted(by_key[0].keys() | by_key[1].keys(), key=str):
                sub = f"{path}[{key}]"
                yield from _diff(sub, by_key[0].get(key), by_key[1].get(key), ignore, keyed, None)
        else:
            for i in range(max(len(stored), len(incoming))):
                old = stored[i] if i < len(stored) else None
                new = incoming[i] if i < len(incoming) else None
                yield from _diff(f"{path}[{i}]", old, new, ignore, keyed, None)
    elif not _same(stored, incoming):
        yield FieldDifference(path, Change.CHANGED, stored, incoming)


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _keyed(items: Sequence[Any], key: str | None) -> dict[Any, Any] | None:
    if key is None or not all(
        isinstance(item, Mapping) and isinstance(item.get(key), str | int) for item in items
    ):
        return None
    result = {item[key]: item for item in items}
    return result if len(result) == len(items) else None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)
