"""Request checks every catalog write makes before it stores anything.

Batch size and repeated uids (`check_batch`), reference syntax and kinds (`check_refs`), and
that referenced entities exist (`require`). Each raises a `DomainError` naming the problem.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from lineage_graph.domain import DomainError, ErrorCode, InvalidInput, Kind, Uid
from lineage_graph.domain.limits import MAX_LIST_ITEMS
from lineage_graph.services.catalog.records import MAX_BATCH
from lineage_graph.services.errors import NotFound

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from lineage_graph.domain import Entity


def uid_of(model: Entity) -> str:
    return model.identity().format()


def check_batch(models: Sequence[Entity], what: str) -> list[str]:
    """The uids of a batch's entities (in order), refusing oversized batches and repeated uids."""
    if len(models) > MAX_BATCH:
        raise InvalidInput(
            f"at most {MAX_BATCH} {what} per request, got {len(models)}",
            code=ErrorCode.TOO_LARGE,
            details={"limit": MAX_BATCH, "count": len(models)},
        )
    uids = [uid_of(m) for m in models]
    duplicates = sorted(uid for uid, n in Counter(uids).items() if n > 1)
    if duplicates:
        raise InvalidInput(
            f"the request names {duplicates[0]} more than once",
            code=ErrorCode.DUPLICATE_NAME,
            details={"uids": duplicates},
        )
    return uids


def check_refs(refs: Iterable[str], kinds: Sequence[Kind], what: str) -> list[str]:
    """Canonical spellings of reference uids, refusing malformed ones and wrong kinds."""
    out: list[str] = []
    for i, ref in enumerate(refs):
        try:
            out.append(Uid.parse(ref, expect=kinds).format())
        except DomainError as e:
            problem = {"path": f"{what}[{i}]", "code": e.code, "message": e.message}
            raise InvalidInput(
                f"{what}[{i}]: {e.message}", code=e.code, details={"problems": [problem]}
            ) from e
    if len(out) > MAX_LIST_ITEMS:
        raise InvalidInput(
            f"at most {MAX_LIST_ITEMS} {what} per entity",
            code=ErrorCode.TOO_LARGE,
            details={"limit": MAX_LIST_ITEMS, "count": len(out)},
        )
    return list(dict.fromkeys(out))


def check_ref(ref: str, kinds: Sequence[Kind], what: str) -> str:
    """The canonical spelling of one reference uid (see `check_refs`)."""
    return check_refs([ref], kinds, what)[0]


def require(existing: Mapping[str, Any], uids: Iterable[str], what: str = "entity") -> None:
    missing = [u for u in uids if u not in existing]
    if missing:
        raise NotFound(missing, what)
