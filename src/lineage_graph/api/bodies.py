"""Request bodies of the REST routes: size limits before and after decompression, JSON depth.

`read_raw` refuses a body past its limit as it streams in (413); `inflate` decodes a gzip or
deflate ``Content-Encoding`` a megabyte at a time and stops at the same limit, so a small
compressed body cannot inflate to gigabytes; `decode_json` refuses JSON nested deeper than
`MAX_JSON_DEPTH` (400 ``TOO_DEEP``) instead of failing with a ``RecursionError``.
"""

from __future__ import annotations

import json
import zlib
from typing import TYPE_CHECKING, Any, Final

from lineage_graph.domain import ErrorCode

if TYPE_CHECKING:
    from fastapi import Request

MAX_BODY_BYTES: Final = 64 * 1024 * 1024
INFLATE_CHUNK: Final = 1024 * 1024
MAX_JSON_DEPTH: Final = 100
"""Deepest nesting of arrays and objects a JSON body may have (OpenLineage events nest ~10)."""


class BodyError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


async def read_raw(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body as received (still compressed), refused with 413 past `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyError(413, ErrorCode.TOO_LARGE, f"request body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyError(413, ErrorCode.TOO_LARGE, f"request body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def inflate(body: bytes, encoding: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """`body` decoded from its ``Content-Encoding``, inflated a chunk at a time and refused with
    413 as soon as it passes `limit` bytes (a small compressed body may inflate to gigabytes)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise BodyError(415, "UNSUPPORTED_ENCODING", f"unsupported Content-Encoding {encoding!r}")
    wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
    out: list[bytes] = []
    size = 0
    pending = body
    try:
        while pending:  # gzip allows several members one after another
            inflater = zlib.decompressobj(wbits)
            data = pending
            while data:
                chunk = inflater.decompress(data, INFLATE_CHUNK)
                size += len(chunk)
                if size > limit:
                    msg = f"request body larger than {limit} bytes uncompressed"
                    raise BodyError(413, ErrorCode.TOO_LARGE, msg)
                out.append(chunk)
                data = inflater.unconsumed_tail
            if not inflater.eof:
                raise BodyError(400, "INVALID_BODY", f"the body is not valid {encoding}: it ends early")
            pending = inflater.unused_data if encoding == "gzip" else b""
    except zlib.error as exc:
        raise BodyError(400, "INVALID_BODY", f"the body is not valid {encoding}: {exc}") from exc
    return b"".join(out)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    return inflate(await read_raw(request, limit), request.headers.get("content-encoding", ""), limit)


def decode_json(body: bytes) -> Any:
    """The JSON value of `body`; 400 when it is not JSON or nests deeper than `MAX_JSON_DEPTH`."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(400, "INVALID_JSON", f"the body is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise BodyError(400, "TOO_DEEP", f"the body nests deeper than {MAX_JSON_DEPTH} levels") from exc
    if nesting_exceeds(value, MAX_JSON_DEPTH):
        raise BodyError(400, "TOO_DEEP", f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def nesting_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests arrays and objects more than `limit` levels deep (iteratively)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
