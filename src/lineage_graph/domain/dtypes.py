"""Feature and column data types.

Nine scalar types and, for each, an ``ARRAY_<scalar>`` list type. The names are
the only accepted spellings (upper case, exact), so a dtype comparison is a string
comparison. They map one-to-one onto Feast's value types (FLOAT32 = Float32,
FLOAT64 = Float64, TIMESTAMP = UnixTimestamp; DATE has no Feast equivalent).
"""

from __future__ import annotations

from enum import StrEnum


class Dtype(StrEnum):
    BOOL = "BOOL"
    INT32 = "INT32"
    INT64 = "INT64"
    FLOAT32 = "FLOAT32"
    FLOAT64 = "FLOAT64"
    STRING = "STRING"
    BYTES = "BYTES"
    TIMESTAMP = "TIMESTAMP"
    DATE = "DATE"
    ARRAY_BOOL = "ARRAY_BOOL"
    ARRAY_INT32 = "ARRAY_INT32"
    ARRAY_INT64 = "ARRAY_INT64"
    ARRAY_FLOAT32 = "ARRAY_FLOAT32"
    ARRAY_FLOAT64 = "ARRAY_FLOAT64"
    ARRAY_STRING = "ARRAY_STRING"
    ARRAY_BYTES = "ARRAY_BYTES"
    ARRAY_TIMESTAMP = "ARRAY_TIMESTAMP"
    ARRAY_DATE = "ARRAY_DATE"

    @property
    def is_array(self) -> bool:
        return self.value.startswith("ARRAY_")

    @property
    def element(self) -> Dtype:
        """The scalar type of a list type; a scalar type is its own element."""
        return Dtype(self.value.removeprefix("ARRAY_"))

    @classmethod
    def array_of(cls, scalar: Dtype) -> Dtype:
        return cls(f"ARRAY_{scalar.element.value}")


SCALAR_DTYPES: frozenset[Dtype] = frozenset(d for d in Dtype if not d.is_array)
ARRAY_DTYPES: frozenset[Dtype] = frozenset(d for d in Dtype if d.is_array)
