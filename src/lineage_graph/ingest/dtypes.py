"""Native column and feature types (SQL, Spark, Arrow, pandas, Feast) to a domain `Dtype`.

`dtype_of` never fails: a type it does not know becomes STRING, and callers keep the
original spelling in ``nativeType`` so nothing is lost.
"""

from __future__ import annotations

import re
from typing import Final

from lineage_graph.domain import Dtype

_ARRAY: Final = re.compile(r"^(?:array|list|_?)\s*[<(\[]\s*(?P<inner>.+?)\s*[>)\]]$", re.IGNORECASE)
_FEAST_LIST: Final = re.compile(r"^(?P<inner>[A-Z0-9_]+)_LIST$")
_PARAMS: Final = re.compile(r"\(.*\)$")

_SCALARS: Final[dict[str, Dtype]] = {
    **dict.fromkeys(["bool", "boolean", "bit"], Dtype.BOOL),
    **dict.fromkeys(
        [
            "int",
            "int32",
            "integer",
            "int4",
            "smallint",
            "tinyint",
            "int16",
            "int8_t",
            "short",
            "serial",
            "uint8",
            "uint16",
            "int2",
        ],
        Dtype.INT32,
    ),
    **dict.fromkeys(
        ["bigint", "int64", "int8", "long", "bigserial", "uint32", "uint64", "hugeint"], Dtype.INT64
    ),
    **dict.fromkeys(["float", "float32", "real", "float4", "halffloat", "float16"], Dtype.FLOAT32),
    **dict.fromkeys(
        [
            "double",
            "float64",
            "double precision",
            "float8",
            "decimal",
            "numeric",
            "number",
            "bignumeric",
            "money",
        ],
        Dtype.FLOAT64,
    ),
    **dict.fromkeys(
        [
            "string",
            "varchar",
            "char",
            "text",
            "character varying",
            "character",
            "nvarchar",
            "nchar",
            "uuid",
            "json",
            "jsonb",
            "str",
            "utf8",
            "large_string",
            "object",
            "enum",
            "variant",
        ],
        Dtype.STRING,
    ),
    **dict.fromkeys(["bytes", "binary", "varbinary", "bytea", "blob", "large_binary"], Dtype.BYTES),
    **dict.fromkeys(
        [
            "timestamp",
            "timestamptz",
            "timestamp_ntz",
            "timestamp_ltz",
            "timestamp_tz",
            "datetime",
            "datetime64",
            "timestamp with time zone",
            "timestamp without time zone",
            "unixtimestamp",
            "unix_timestamp",
            "zonedtimestamp",
            "zoned_timestamp",
        ],
        Dtype.TIMESTAMP,
    ),
    **dict.fromkeys(["date", "date32", "date64"], Dtype.DATE),
}
_FEAST_VALUE_TYPES: Final[dict[str, Dtype]] = {
    "FLOAT": Dtype.FLOAT32,
    "DOUBLE": Dtype.FLOAT64,
}


def known_dtype(native: str | None) -> Dtype | None:
    """The domain dtype of a native type name, or None when it has no clear equivalent."""
    if native is None:
        return None
    text = native.strip()
    if not text:
        return None
    if text.startswith("ValueType."):
        text = text.removeprefix("ValueType.")
    if text in Dtype.__members__:
        return Dtype(text)
    if text in _FEAST_VALUE_TYPES:
        return _FEAST_VALUE_TYPES[text]
    feast_list = _FEAST_LIST.match(text)
    if feast_list is not None:
        inner = known_dtype(feast_list["inner"])
        return Dtype.array_of(inner) if inner is not None and not inner.is_array else None
    array = _ARRAY.match(text)
    if array is not None:
        inner = known_dtype(array["inner"])
        return Dtype.array_of(inner) if inner is not None and not inner.is_array else None
    if text.endswith("[]"):
        inner = known_dtype(text[:-2])
        return Dtype.array_of(inner) if inner is not None and not inner.is_array else None
    base = _PARAMS.sub("", text).strip().lower()
    base = base.split("[", 1)[0].strip()
    return _SCALARS.get(base)


def dtype_of(native: str | None) -> Dtype:
    """`known_dtype`, or STRING for a type without a clear equivalent (struct, map, geography...)."""
    return known_dtype(native) or Dtype.STRING
