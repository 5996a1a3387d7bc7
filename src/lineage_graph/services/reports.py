"""The auditors' library: named questions in ``cypher/audits/``, run read-only.

An audit is one ``.cypher`` file; its name is the file name without the suffix. The file opens
with a ``//`` header that the library parses, so the file is the single source of its name,
question, parameters (with defaults) and columns::

    // Question: Which deprecated feature-set versions do deployments still serve from?
    // :param asOf => datetime()
    //   The instant sunsets are judged at.
    // Returns: featureSetVersion, phase, sunsetAt
    MATCH ...

A ``:param name => expression`` line is cypher-shell's and Neo4j Browser's own command: pasted
without the ``// `` it sets the default, and the statement below then runs as it is. The
expression's shape gives the parameter's type: ``datetime(...)`` (DATETIME), ``'text'`` or
``null`` (STRING, ``null`` meaning "any"), an integer, a decimal, ``true``/``false``, or a
``{key: value}`` map. Values given by the caller (CLI ``--param k=v``, GraphQL ``params``) are
checked against that type and always sent as parameters; the defaults of the others are
evaluated by Neo4j, read-only, like the statement. Every statement goes through
`graph.readonly.run_read_only`: planned with ``EXPLAIN`` and refused unless read-only, then run
in a READ transaction. Only names from the library run: nothing here builds Cypher from input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from neo4j.time import Date as Neo4jDate
from neo4j.time import DateTime as Neo4jDateTime
from neo4j.time import Duration as Neo4jDuration

from lineage_graph.domain.errors import DomainError, shorten
from lineage_graph.graph.readonly import run_read_only

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from lineage_graph.graph import Graph, QueryLibrary
    from lineage_graph.graph.queries import NamedQuery

DIRECTORY: Final = "audits"
"""The audits' directory below ``cypher/``."""

_PARAM_LINE: Final = re.compile(r"^:param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(.+?)\s*$")
_PARAMETER: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING: Final = re.compile(r"^'(?:[^'\\]|\\.)*'$")
_INTEGER: Final = re.compile(r"^-?\d+$")
_FLOAT: Final = re.compile(r"^-?\d+\.\d+$")


class ParamType(StrEnum):
    STRING = "STRING"
    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    BOOLEAN = "BOOLEAN"
    DATETIME = "DATETIME"
    MAP = "MAP"


class AuditErrorCode(StrEnum):
    UNKNOWN_AUDIT = "UNKNOWN_AUDIT"
    UNKNOWN_PARAM = "UNKNOWN_PARAM"
    INVALID_PARAM = "INVALID_PARAM"


class AuditError(DomainError):
    """The request names no audit of the library, or a parameter it does not take or cannot use."""

    default_code = AuditErrorCode.UNKNOWN_AUDIT


class AuditHeaderError(ValueError):
    """A file in ``cypher/audits`` does not open with a valid header (a bug of the library)."""


@dataclass(frozen=True, slots=True)
class AuditParam:
    name: str
    default: str
    """The default as a Cypher expression, exactly as the header's ``:param`` line gives it."""
    type: ParamType
    nullable: bool
    description: str


@dataclass(frozen=True, slots=True)
class Audit:
    name: str
    question: str
    params: tuple[AuditParam, ...]
    columns: tuple[str, ...]
    query: NamedQuery

    def param(self, name: str) -> AuditParam | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True, slots=True)
class AuditResult:
    audit: Audit
    params: dict[str, Any]
    """Every parameter's value as run (JSON-ready: datetimes as RFC 3339 UTC strings)."""
    columns: list[str]
    rows: list[dict[str, Any]]
    """JSON-ready rows, in the statement's order."""


# --- the header -----------------------------------------------------------------------------


def _param_type(expression: str) -> tuple[ParamType, bool] | None:
    if expression.startswith("datetime("):
        return ParamType.DATETIME, False
    if expression == "null":
        return ParamType.STRING, True
    if _STRING.match(expression):
        return ParamType.STRING, False
    if expression in {"true", "false"}:
        return ParamType.BOOLEAN, False
    if _INTEGER.match(expression):
        return ParamType.INTEGER, False
    if _FLOAT.match(expression):
        return ParamType.FLOAT, False
    if expression.startswith("{") and expression.endswith("}"):
        return ParamType.MAP, False
    return None


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def parse(query: NamedQuery) -> Audit:
    """The audit a library file defines; `AuditHeaderError` when its header is not valid."""
    name = query.name.removeprefix(f"{DIRECTORY}/")
    question: list[str] = []
    columns: list[str] = []
    params: list[AuditParam] = []
    section = ""
    description: list[str] = []

    def close_param() -> None:
        if section == "param" and params:
            last = params[-1]
            params[-1] = AuditParam(
                last.name, last.default, last.type, last.nullable, " ".join(description).strip()
            )

    for raw in query.header.splitlines():
        line = raw.strip()
        if line.startswith("Question:"):
            close_param()
            section, question = "question", [line.removeprefix("Question:").strip()]
        elif line.startswith(":param"):
            close_param()
            match = _PARAM_LINE.match(line)
            typed = _param_type(match.group(2)) if match else None
            if match is None or typed is None:
                msg = f"audit {name}: cannot read the parameter line {line!r}"
                raise AuditHeaderError(msg)
            section, description = "param", []
            params.append(AuditParam(match.group(1), match.group(2), typed[0], typed[1], ""))
        elif line.startswith("Returns:"):
            close_param()
            section = "returns"
            columns = [c.strip() for c in line.removeprefix("Returns:").split(",") if c.strip()]
        elif section == "question" and line:
            question.append(line)
        elif section == "param" and line:
            description.append(line)
    close_param()
    if not question or not question[0]:
        msg = f"audit {name}: the header has no 'Question:' line"
        raise AuditHeaderError(msg)
    if not columns:
        msg = f"audit {name}: the header has no 'Returns:' line"
        raise AuditHeaderError(msg)
    declared = [p.name for p in params]
    used = set(_PARAMETER.findall(_body(query.text)))
    if len(set(declared)) != len(declared) or used != set(declared):
        msg = (
            f"audit {name}: the statement uses parameters {sorted(used)} "
            f"but the header declares {sorted(declared)}"
        )
        raise AuditHeaderError(msg)
    return Audit(name, " ".join(question), tuple(params), tuple(columns), query)


# --- values ---------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A value of a row as JSON can carry it: temporal values as ISO 8601 strings (UTC, ``Z``)."""
    if isinstance(value, Neo4jDateTime):
        value = value.to_native()
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, Neo4jDate | date):
        return value.isoformat()
    if isinstance(value, Neo4jDuration):
        return value.iso_format()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def _invalid(audit: Audit, param: AuditParam, value: object, expected: str) -> AuditError:
    return AuditError(
        f"audit {audit.name}: parameter {param.name} must be {expected}, got {shorten(value)}",
        code=AuditErrorCode.INVALID_PARAM,
        details={"audit": audit.name, "param": param.name, "type": param.type.value},
    )


def _datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def coerce(audit: Audit, param: AuditParam, value: object) -> object:
    """A caller's value (a CLI string or a GraphQL JSON value) as the parameter's type."""
    if value is None:
        if param.nullable:
            return None
        raise _invalid(audit, param, value, f"a {param.type.value.lower()}, not null")
    match param.type:
        case ParamType.STRING if isinstance(value, str):
            return value
        case ParamType.INTEGER if isinstance(value, int) and not isinstance(value, bool):
            return value
        case ParamType.INTEGER if isinstance(value, str) and _INTEGER.match(value.strip()):
            return int(value)
        case ParamType.FLOAT if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        case ParamType.FLOAT if isinstance(value, str) and (
            _FLOAT.match(s := value.strip()) or _INTEGER.match(s)
        ):
            return float(s)
        case ParamType.BOOLEAN if isinstance(value, bool):
            return value
        case ParamType.BOOLEAN if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
            return value.strip().lower() == "true"
        case ParamType.DATETIME if isinstance(value, datetime):
            return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        case ParamType.DATETIME if isinstance(value, str):
            try:
                return _datetime(value)
            except ValueError:
                pass
        case ParamType.MAP if isinstance(value, dict):
            return value
        case ParamType.MAP if isinstance(value, str):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                parsed = None
            if isinstance(parsed, dict):
                return parsed
    expected = {
        ParamType.STRING: "a string",
        ParamType.INTEGER: "an integer",
        ParamType.FLOAT: "a number",
        ParamType.BOOLEAN: "true or false",
        ParamType.DATETIME: "an ISO 8601 date or date-time (2026-11-26, 2026-11-26T10:00:00Z)",
        ParamType.MAP: 'a JSON object ({"key": value})',
    }[param.type]
    raise _invalid(audit, param, value, expected)


# --- the library ----------------------------------------------------------------------------


class AuditLibrary:
    """Every audit of a query library's ``audits/`` directory, parsed once."""

    def __init__(self, queries: QueryLibrary) -> None:
        self._audits = {a.name: a for a in (parse(q) for q in queries.under(DIRECTORY))}

    def __iter__(self) -> Iterator[Audit]:
        return iter(sorted(self._audits.values(), key=lambda a: a.name))

    def __len__(self) -> int:
        return len(self._audits)

    def get(self, name: str) -> Audit:
        audit = self._audits.get(name)
        if audit is None:
            known = ", ".join(sorted(self._audits))
            raise AuditError(
                f"no audit named {shorten(name)}; audits: {known}",
                code=AuditErrorCode.UNKNOWN_AUDIT,
                details={"audit": name, "audits": sorted(self._audits)},
            )
        return audit

    def values(self, audit: Audit, params: Mapping[str, object]) -> dict[str, object]:
        """The caller's values, checked and typed; unknown names are refused."""
        values: dict[str, object] = {}
        for key, value in params.items():
            param = audit.param(key)
            if param is None:
                known = ", ".join(p.name for p in audit.params) or "none"
                raise AuditError(
                    f"audit {audit.name} has no parameter {shorten(key)}; parameters: {known}",
                    code=AuditErrorCode.UNKNOWN_PARAM,
                    details={"audit": audit.name, "param": key, "params": [p.name for p in audit.params]},
                )
            values[key] = coerce(audit, param, value)
        return values


@lru_cache(maxsize=8)
def library(queries: QueryLibrary) -> AuditLibrary:
    """The audits of a query library (parsed on first use)."""
    return AuditLibrary(queries)


class AuditService:
    """Lists the library's audits and runs them, read-only."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.library = library(graph.queries)

    def audits(self) -> list[Audit]:
        return list(self.library)

    def audit(self, name: str) -> Audit:
        return self.library.get(name)

    async def run(self, name: str, params: Mapping[str, object] | None = None) -> AuditResult:
        audit = self.library.get(name)
        values = self.library.values(audit, params or {})
        defaults = [p for p in audit.params if p.name not in values]
        if defaults:
            # The defaults are the header's own expressions (library text, never input).
            text = "RETURN " + ", ".join(f"{p.default} AS {p.name}" for p in defaults)
            _, rows = await run_read_only(self.graph, text, name=f"{audit.query.name}#defaults")
            values |= rows[0]
        columns, rows = await run_read_only(self.graph, audit.query.text, values, name=audit.query.name)
        return AuditResult(
            audit=audit,
            params={p.name: jsonable(values[p.name]) for p in audit.params},
            columns=columns,
            rows=[{k: jsonable(v) for k, v in row.items()} for row in rows],
        )
