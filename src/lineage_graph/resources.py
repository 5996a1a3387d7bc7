"""Locate the ``cypher/`` and ``policies/`` trees: the checkout's own, else the installed copy."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent
_BUNDLED = _PACKAGE / "_bundled"


def _find(name: str, configured: Path | None) -> Path:
    if configured is not None:
        return configured
    for candidate in (_CHECKOUT / name, _BUNDLED / name):
        if candidate.is_dir():
            return candidate
    msg = f"cannot find the '{name}' directory (looked in {_CHECKOUT} and {_BUNDLED})"
    raise FileNotFoundError(msg)


def cypher_dir(configured: Path | None = None) -> Path:
    return _find("cypher", configured)


def policies_dir(configured: Path | None = None) -> Path:
    return _find("policies", configured)
