"""Conversion of pydantic validation errors into `DomainError`.

Every problem becomes ``{"path", "code", "message"}`` in ``details["problems"]``;
``path`` uses the camelCase names and ``[i]`` for list items. The error's code is
the problem's code when all problems share one, else ``INVALID_INPUT``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from lineage_graph.domain.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic_core import ErrorDetails

M = TypeVar("M", bound=BaseModel)

_PYDANTIC_CODES: Final[Mapping[str, ErrorCode]] = {
    "missing": ErrorCode.MISSING_FIELD,
    "extra_forbidden": ErrorCode.UNKNOWN_FIELD,
    "string_too_long": ErrorCode.TOO_LARGE,
    "too_long": ErrorCode.TOO_LARGE,
    "bytes_too_long": ErrorCode.TOO_LARGE,
}
_DOMAIN_CODES: Final = frozenset(ErrorCode)


def validation_error_to_domain(exc: ValidationError) -> InvalidInput:
    problems = [_problem(error) for error in exc.errors(include_url=False)]
    codes = {p["code"] for p in problems}
    code = codes.pop() if len(codes) == 1 else ErrorCode.INVALID_INPUT
    first = problems[0] if problems else {"path": "", "message": str(exc)}
    where = f"{first['path']}: " if first["path"] else ""
    message = f"invalid {exc.title}: {where}{first['message']}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more problems)"
    return InvalidInput(message, code=code, details={"model": exc.title, "problems": problems})


def validate(model: type[M], data: Any) -> M:
    """`model.model_validate(data)`, raising `InvalidInput` instead of `ValidationError`."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise validation_error_to_domain(e) from e


def _problem(error: ErrorDetails) -> dict[str, str]:
    kind = error["type"]
    code = kind if kind in _DOMAIN_CODES else _PYDANTIC_CODES.get(kind, ErrorCode.INVALID_VALUE)
    return {"path": _path(error["loc"]), "code": str(code), "message": error["msg"]}


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path
