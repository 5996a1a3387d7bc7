"""Size limits enforced by the domain layer.

Every limit is a plain constant so that the API, the persistence layer and the
policies can quote the same numbers. Lengths count Unicode code points of the
decoded value, never of its percent-encoded form.
"""

from __future__ import annotations

from typing import Final

MAX_NAMESPACE_LENGTH: Final = 512
MAX_NAME_LENGTH: Final = 512
MAX_VERSION_LENGTH: Final = 256
MAX_FIELD_LENGTH: Final = 256
MAX_INT_VERSION: Final = 2**63 - 1
MAX_UID_LENGTH: Final = 32 + 12 * (
    MAX_NAMESPACE_LENGTH + MAX_NAME_LENGTH + MAX_VERSION_LENGTH + MAX_FIELD_LENGTH
)

MAX_FEATURE_NAME_LENGTH: Final = 128
MAX_COLUMN_NAME_LENGTH: Final = 512
MAX_DESCRIPTION_LENGTH: Final = 4_096
MAX_TAG_LENGTH: Final = 128
MAX_TAGS: Final = 64
MAX_SHORT_TEXT_LENGTH: Final = 256
MAX_URI_LENGTH: Final = 2_048
MAX_SQL_LENGTH: Final = 262_144

MAX_FEATURES_PER_VERSION: Final = 1_000
MAX_SCHEMA_FIELDS: Final = 10_000
MAX_ENTITIES: Final = 32
MAX_MODEL_INPUTS: Final = 1_000
MAX_MAP_ENTRIES: Final = 1_000
MAX_MAP_VALUE_LENGTH: Final = 4_096
MAX_LIST_ITEMS: Final = 256
MAX_RETENTION_DAYS: Final = 36_500
