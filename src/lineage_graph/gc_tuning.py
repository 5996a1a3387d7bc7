"""CPython's cyclic garbage collector, tuned for a process that allocates containers by the million.

Every Neo4j record, JSON answer and GraphQL result is built from short-lived dicts and lists,
and CPython starts a young-generation collection every 700 container allocations by default.
Measured at 100k (docs/adr/0006-gc-thresholds-and-orjson.md): a compliance scan spent 3 of its
6 CPU-seconds of Python in the collector (2.5-2.7 s with it disabled, ~3 s with these
thresholds), and the API's impact answers had p95 spikes of 200 ms where a full collection
walked every object of the process.

`tune` raises the thresholds (``LINEAGE_GRAPH_GC_THRESHOLDS``, default ``50000,20,20``;
``default`` keeps CPython's own) and moves everything alive at startup (modules, the GraphQL
schema, the query library) to the permanent generation with ``gc.freeze()``, so later full
collections skip it. Collection still runs: reference cycles are freed, only less often.
"""

from __future__ import annotations

import gc
from typing import Final

DEFAULT_THRESHOLDS: Final = "50000,20,20"
KEEP: Final = "default"

Thresholds = tuple[int, int, int]


def parse_thresholds(text: str) -> Thresholds | None:
    """Three non-negative integers ``gen0,gen1,gen2`` (gen0 at least 1), or ``default`` (None:
    CPython's own); anything else is a ValueError naming what is expected."""
    value = text.strip()
    if value.lower() == KEEP:
        return None
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or int(parts[0]) < 1:
        msg = (
            f"GC thresholds must be three non-negative integers 'gen0,gen1,gen2' with gen0 >= 1 "
            f"(e.g. {DEFAULT_THRESHOLDS}), or {KEEP!r}; got {text!r}"
        )
        raise ValueError(msg)
    first, second, third = (int(p) for p in parts)
    return (first, second, third)


_frozen = False


def tune(thresholds: Thresholds | None) -> None:
    """Apply `thresholds` (None keeps CPython's) and, on the first call in the process, freeze
    what is alive (call it once startup has built what the process keeps). Later calls (an API
    started by the CLI, a test suite starting many apps) only set the thresholds: a frozen
    object is never collected, so freezing again would keep every earlier app's cycles."""
    global _frozen  # noqa: PLW0603  (once per process, by definition)
    if thresholds is not None:
        gc.set_threshold(*thresholds)
    if not _frozen:
        # No gc.collect() first: after the imports it finds a few dozen unreachable objects and
        # costs ~110 ms, on every CLI command. Freezing that garbage keeps it, harmlessly.
        gc.freeze()
        _frozen = True
