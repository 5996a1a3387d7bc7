"""Where the local stack keeps its cached downloads, builds and server state."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    configured = os.environ.get("LINEAGE_GRAPH_CACHE_DIR")
    base = Path(configured) if configured else Path.home() / ".cache" / "lineage-graph"
    base.mkdir(parents=True, exist_ok=True)
    return base


def bin_dir() -> Path:
    path = cache_dir() / "bin"
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_dir() -> Path:
    configured = os.environ.get("LINEAGE_GRAPH_STATE_DIR")
    path = Path(configured) if configured else cache_dir() / "state"
    path.mkdir(parents=True, exist_ok=True)
    return path
