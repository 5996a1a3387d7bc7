"""Canonical node identifiers (uids).

Grammar (ABNF-like)::

    uid       = prefix ":" namespace "/" name [ "@" version ] [ "#" field ]
    prefix    = one of kinds.PREFIXES (lowercase ASCII)
    namespace = name = version = field = 1*( char / pct-encoded )

Inside a component the characters in `RESERVED` (``% : / @ #``, Unicode white
space, C0/C1 controls and invisible formatting characters) are written as
upper-case ``%XX`` escapes of their UTF-8 bytes; every other character, including
non-ASCII letters, stays as is. The reserved set is a fixed list, not a Unicode
category lookup, so the canonical form never changes with the Python version.

`Uid.parse` accepts any valid percent-encoding (lower-case hex, needless escapes)
and raw ``:`` after the prefix (unambiguous, so ``deployment:risk/x-10:00Z`` reads),
but rejects every other raw reserved character; `str(uid)` is always canonical
(``deployment:risk/x-10%3A00Z``), so the graph
only ever stores `str(Uid.parse(text))`. ``Uid.parse(str(u)) == u`` for every
valid `Uid`. Which components a uid has depends on its kind (`Kind.version_shape`,
`Kind.has_field`); integer versions are canonical decimals in 1..MAX_INT_VERSION.
Names are not Unicode-normalised: distinct code point sequences are distinct uids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from lineage_graph.domain.errors import ErrorCode, InvalidUid, shorten
from lineage_graph.domain.kinds import PREFIXES, Kind, VersionShape
from lineage_graph.domain.limits import (
    MAX_FIELD_LENGTH,
    MAX_INT_VERSION,
    MAX_NAME_LENGTH,
    MAX_NAMESPACE_LENGTH,
    MAX_UID_LENGTH,
    MAX_VERSION_LENGTH,
)

if TYPE_CHECKING:
    from collections.abc import Collection


def _chars(*ranges: tuple[int, int]) -> frozenset[str]:
    return frozenset(chr(c) for low, high in ranges for c in range(low, high + 1))


RESERVED: Final[frozenset[str]] = frozenset("%:/@#") | _chars(
    (0x00, 0x20),
    (0x7F, 0xA0),
    (0xAD, 0xAD),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)
_RAW_ALLOWED: Final = frozenset("%:")
_HEX: Final = frozenset("0123456789abcdefABCDEF")
_LIMITS: Final = {
    "namespace": MAX_NAMESPACE_LENGTH,
    "name": MAX_NAME_LENGTH,
    "version": MAX_VERSION_LENGTH,
    "field": MAX_FIELD_LENGTH,
}


def encode_component(value: str) -> str:
    """Percent-encode the reserved characters of one uid component."""
    if RESERVED.isdisjoint(value):
        return value
    return "".join("".join(f"%{b:02X}" for b in ch.encode()) if ch in RESERVED else ch for ch in value)


def decode_component(text: str, *, uid: str = "") -> str:
    """Decode one component, rejecting raw reserved characters and bad escapes."""
    for ch in text:
        if ch in RESERVED and ch not in _RAW_ALLOWED:
            raise _invalid(f"unescaped reserved character {ch!r} in uid", uid)
    if "%" not in text:
        _check_encodable(text, uid)
        return text
    out = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%":
            pair = text[i + 1 : i + 3]
            if len(pair) != 2 or not set(pair) <= _HEX:
                raise _invalid("malformed percent-escape in uid", uid)
            out.append(int(pair, 16))
            i += 3
        else:
            out += _utf8(ch, uid)
            i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as e:
        msg = "percent-escapes in uid are not valid UTF-8"
        raise _invalid(msg, uid) from e


@dataclass(frozen=True, slots=True)
class Uid:
    """A parsed uid; construction validates it against its kind."""

    kind: Kind
    namespace: str
    name: str
    version: str | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        _validate(self)

    @classmethod
    def of(
        cls,
        kind: Kind,
        namespace: str,
        name: str,
        version: int | str | None = None,
        field: str | None = None,
    ) -> Uid:
        if isinstance(version, bool):
            raise InvalidUid("version must be an integer or a string", code=ErrorCode.INVALID_VERSION)
        return cls(kind, namespace, name, str(version) if isinstance(version, int) else version, field)

    @classmethod
    def parse(cls, text: str, *, expect: Kind | Collection[Kind] | None = None) -> Uid:
        uid = _parse(text)
        if expect is not None:
            expected = {expect} if isinstance(expect, Kind) else set(expect)
            if uid.kind not in expected:
                raise InvalidUid(
                    f"uid {text!r} is a {uid.kind.label}, expected "
                    + " or ".join(sorted(k.label for k in expected)),
                    code=ErrorCode.UNEXPECTED_KIND,
                    details={
                        "uid": text,
                        "kind": uid.kind.label,
                        "expected": sorted(k.label for k in expected),
                    },
                )
        return uid

    def format(self) -> str:
        text = f"{self.kind.prefix}:{encode_component(self.namespace)}/{encode_component(self.name)}"
        if self.version is not None:
            text += f"@{encode_component(self.version)}"
        if self.field is not None:
            text += f"#{encode_component(self.field)}"
        return text

    def __str__(self) -> str:
        return self.format()

    @property
    def version_number(self) -> int | None:
        if self.kind.version_shape is VersionShape.INTEGER and self.version is not None:
            return int(self.version)
        return None

    @property
    def parent(self) -> Uid | None:
        """The logical entity of a version, the version of a feature, the job of a run."""
        parent = self.kind.parent
        if parent is None:
            return None
        version = self.version if parent.versioned else None
        return Uid(parent, self.namespace, self.name, version)


def canonical(text: str, *, expect: Kind | Collection[Kind] | None = None) -> str:
    """The canonical spelling of a uid (validates it)."""
    return Uid.parse(text, expect=expect).format()


def _parse(text: str) -> Uid:
    if not isinstance(text, str):
        raise _invalid("uid must be a string", shorten(text))
    if len(text) > MAX_UID_LENGTH:
        raise InvalidUid(
            f"uid is longer than {MAX_UID_LENGTH} characters",
            code=ErrorCode.TOO_LARGE,
            details={"length": len(text), "limit": MAX_UID_LENGTH},
        )
    prefix, colon, body = text.partition(":")
    if not colon:
        raise _invalid("uid must look like '<kind>:<namespace>/<name>'", text)
    if prefix not in PREFIXES:
        raise InvalidUid(
            f"unknown uid kind {prefix[:40]!r}",
            code=ErrorCode.UNKNOWN_KIND,
            details={"uid": text, "prefix": prefix, "known": sorted(PREFIXES)},
        )
    head, hash_sign, field = body.partition("#")
    head, at_sign, version = head.partition("@")
    namespace, slash, name = head.partition("/")
    if not slash:
        raise _invalid("uid must look like '<kind>:<namespace>/<name>'", text)
    kind = Kind.from_prefix(prefix, versioned=bool(at_sign))
    if kind is None:
        shape = "requires" if at_sign == "" else "does not take"
        raise _invalid(f"uid kind {prefix!r} {shape} an '@<version>'", text)
    _check_escaped(text, prefix, namespace, name, version if at_sign else None, field if hash_sign else None)
    try:
        return Uid(
            kind,
            decode_component(namespace, uid=text),
            decode_component(name, uid=text),
            decode_component(version, uid=text) if at_sign else None,
            decode_component(field, uid=text) if hash_sign else None,
        )
    except InvalidUid as e:
        e.details.setdefault("uid", text)
        raise


def _check_escaped(
    text: str, prefix: str, namespace: str, name: str, version: str | None, field: str | None
) -> None:
    """Refuse a raw reserved character, saying how to write it and showing the uid written so
    (when that form is a valid uid)."""
    parts = [namespace, name, version or "", field or ""]
    raw = next((ch for part in parts for ch in part if ch in RESERVED and ch not in _RAW_ALLOWED), None)
    if raw is None:
        return
    escape = _escaped(raw)
    corrected = f"{prefix}:{_escape_raw(namespace)}/{_escape_raw(name)}"
    if version is not None:
        corrected += f"@{_escape_raw(version)}"
    if field is not None:
        corrected += f"#{_escape_raw(field)}"
    try:
        corrected = _parse(corrected).format()
    except InvalidUid:
        raise InvalidUid(
            f"unescaped reserved character {raw!r} in uid: write it as {escape}",
            code=ErrorCode.INVALID_UID,
            details={"uid": text, "character": raw, "escape": escape},
        ) from None
    raise InvalidUid(
        f"unescaped reserved character {raw!r} in uid: write it as {escape}, e.g. {corrected}",
        code=ErrorCode.INVALID_UID,
        details={"uid": text, "character": raw, "escape": escape, "corrected": corrected},
    )


def _escaped(ch: str) -> str:
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))


def _escape_raw(component: str) -> str:
    """`component` with its raw reserved characters escaped (its escapes and raw ``:`` kept)."""
    return "".join(_escaped(ch) if ch in RESERVED and ch not in _RAW_ALLOWED else ch for ch in component)


def _validate(uid: Uid) -> None:
    kind = uid.kind
    if not isinstance(kind, Kind):
        raise _invalid(f"unknown kind {kind!r}", "")
    parts = {
        "namespace": uid.namespace,
        "name": uid.name,
        "version": uid.version,
        "field": uid.field,
    }
    for component, value in parts.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise _invalid(f"uid {component} must be a string", "")
        if not value:
            code = ErrorCode.INVALID_VERSION if component == "version" else ErrorCode.EMPTY_NAME
            raise InvalidUid(
                f"uid {component} must not be empty", code=code, details={"component": component}
            )
        if len(value) > _LIMITS[component]:
            raise InvalidUid(
                f"uid {component} is longer than {_LIMITS[component]} characters",
                code=ErrorCode.TOO_LARGE,
                details={"component": component, "length": len(value), "limit": _LIMITS[component]},
            )
        _check_encodable(value, "")
    if kind.versioned != (uid.version is not None):
        need = "requires" if kind.versioned else "does not take"
        raise _invalid(f"a {kind.label} uid {need} a version", "")
    if kind.has_field != (uid.field is not None):
        need = "requires" if kind.has_field else "does not take"
        raise _invalid(f"a {kind.label} uid {need} a '#<field>'", "")
    if kind.version_shape is VersionShape.INTEGER:
        _check_integer_version(uid.version or "")


def _check_integer_version(version: str) -> None:
    if not (
        version.isascii() and version.isdigit() and version[0] != "0" and int(version) <= MAX_INT_VERSION
    ):
        raise InvalidUid(
            f"version {version!r} is not a positive integer",
            code=ErrorCode.INVALID_VERSION,
            details={"version": version},
        )


def _check_encodable(value: str, uid: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise _invalid("uid contains a lone surrogate code point", uid) from e


def _utf8(ch: str, uid: str) -> bytes:
    try:
        return ch.encode("utf-8")
    except UnicodeEncodeError as e:
        raise _invalid("uid contains a lone surrogate code point", uid) from e


def _invalid(message: str, uid: str) -> InvalidUid:
    return InvalidUid(message, code=ErrorCode.INVALID_UID, details={"uid": uid} if uid else {})
