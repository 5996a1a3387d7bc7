"""Generate the parts of docs/auditors.md that must never drift from the code.

- The graph schema: labels and their properties from the domain's record models
  (`domain.RECORD_MODELS`, stored as `graph.codec` stores them), constraints and indexes from
  ``cypher/migrations``, relationship types from the Python that writes them (``Edge(..)``) and
  the label pairs the Cypher library's patterns name.
- The audits: question, parameters and columns from each ``cypher/audits`` header, and an
  example result on the demo catalog (rendered by `render_audits` from rows the caller ran).

``python -m lineage_graph.tools.auditors_doc [--check]`` rewrites (or checks) the schema
section; tests/unit/test_audits_doc.py fails when it is stale. The audits section needs a
graph with the demo: tests/integration/test_audits.py checks it, and rewrites it when
``LINEAGE_GRAPH_UPDATE_DOCS=1``.
"""

from __future__ import annotations

import json
import re
import sys
import types
import typing
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from lineage_graph import resources
from lineage_graph.domain import RECORD_MODELS, Kind
from lineage_graph.graph.codec import JSON_FIELDS, JSON_SUFFIX, flatten
from lineage_graph.services.lineage.walks import LINEAGE_TYPES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from lineage_graph.services.reports import Audit

DOC: Final = Path(__file__).resolve().parents[3] / "docs" / "auditors.md"
SRC: Final = Path(__file__).resolve().parents[1]
CLOCK_COLUMNS: Final = frozenset({"createdAt", "at", "since", "until"})
"""Columns and parameters whose values come from the loader's (or the caller's) clock."""
LOAD_TIME: Final = "<load time>"
CELL: Final = 72

_FLATTEN_SAMPLES: Final = ({"repo": "r", "commit": "c", "path": "p"}, [{"name": "n"}], {"k": 1})
_CONSTRAINT: Final = re.compile(
    r"CREATE CONSTRAINT (\w+) IF NOT EXISTS FOR \(\w+:(\w+)\) REQUIRE \w+\.(\w+) IS UNIQUE"
)
_INDEX: Final = re.compile(
    r"CREATE (FULLTEXT )?INDEX (\w+) IF NOT EXISTS FOR \(\w+:(\w+)\) ON (?:EACH )?[\[(]([^\])]*)[\])]"
)
_EDGE_WRITE: Final = re.compile(r"Edge\([^,()]+,\s*(?:\"|EdgeType\.)([A-Z_]+)")
"""An edge the Python writes: the type, a string literal or an `EdgeType` member, after its source."""
_NODE: Final = r"\(\w*:(\w+)[^)]*\)"
_OUT: Final = re.compile(_NODE + r"-\[\w*:([A-Z_|]+)[^\]]*\]->" + _NODE)
_IN: Final = re.compile(_NODE + r"<-\[\w*:([A-Z_|]+)[^\]]*\]-" + _NODE)
_TYPED_REL: Final = re.compile(r"\[\w*:([A-Z][A-Z_|]+)")


# --- schema -----------------------------------------------------------------------------------


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin in {typing.Union, types.UnionType}:
        names = [_type_name(a) for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(dict.fromkeys(names))
    if origin is typing.Literal:
        return " or ".join(str(a) for a in typing.get_args(annotation))
    if origin in {list, tuple, set, frozenset}:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if origin is dict:
        return "map"
    if isinstance(annotation, type):
        if annotation.__name__.endswith("Datetime"):
            return "datetime"
        if issubclass(annotation, Enum):
            return " / ".join(str(m.value) for m in annotation)
        if issubclass(annotation, bool):
            return "boolean"
        if issubclass(annotation, int):
            return "integer"
        if issubclass(annotation, float):
            return "float"
        if issubclass(annotation, str):
            return "string"
        if issubclass(annotation, datetime):
            return "datetime"
    return "JSON"


RECORD_WRITERS: Final = {
    Kind.POLICY_DECISION: ("governance/record_decisions", "d"),
    Kind.AUDIT_EVENT: ("audit/append_events", "e"),
}
"""Records written by one Cypher statement rather than from their model: their properties are
the ones that statement sets."""


def _written(root: Path, kind: Kind) -> list[tuple[str, str]]:
    name, var = RECORD_WRITERS[kind]
    text = (root / f"{name}.cypher").read_text()
    props = set(re.findall(rf"\b{var}\.(\w+)\s*=", text)) | set(re.findall(rf"\({var}:\w+ \{{(\w+):", text))
    if f"{var} += row" in text:
        rows = re.search(r"\$rows: \[\{([^}]*)\}\]", text)
        props |= {p.strip() for p in rows.group(1).split(",")} if rows else set()
    return [(p, "") for p in sorted(props)]


def _properties(kind: Kind, root: Path) -> list[tuple[str, str]]:
    if kind in RECORD_WRITERS:
        return _written(root, kind)
    model = RECORD_MODELS[kind]
    found: dict[str, str] = {}
    for name, field in model.model_fields.items():
        alias = field.alias or name
        if alias == "kind":
            found[alias] = f"'{kind.label}'"
        elif alias in JSON_FIELDS:
            found[alias + JSON_SUFFIX] = "string (canonical JSON)"
            for sample in _FLATTEN_SAMPLES:
                for flat in flatten({alias: sample}):
                    found.setdefault(flat, f"copy of {alias}")
        else:
            found[alias] = _type_name(field.annotation)
    return sorted(found.items())


def _migrations(root: Path) -> tuple[list[tuple[str, str, str, str, str]], set[str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    labels: set[str] = set()
    for path in sorted((root / "migrations").glob("*.cypher")):
        text = path.read_text()
        for name, label, prop in _CONSTRAINT.findall(text):
            rows.append((label, prop, "unique", name, path.name))
            labels.add(label)
        for fulltext, name, label, props in _INDEX.findall(text):
            names = ", ".join(p.strip().split(".", 1)[-1] for p in props.split(","))
            rows.append((label, names, "full-text index" if fulltext else "index", name, path.name))
            labels.add(label)
    return rows, labels


def relationships(root: Path | None = None) -> dict[str, dict[str, set[str]]]:
    """Each relationship type: the label pairs the Cypher library names and the modules writing it."""
    root = root or resources.cypher_dir()
    found: dict[str, dict[str, set[str]]] = {}

    def entry(kind: str) -> dict[str, set[str]]:
        return found.setdefault(kind, {"pairs": set(), "writers": set()})

    for path in sorted(SRC.rglob("*.py")):
        for kind in _EDGE_WRITE.findall(path.read_text()):
            entry(kind)["writers"].add(
                path.relative_to(SRC.parent).with_suffix("").as_posix().replace("/", ".")
            )
    for path in sorted(root.rglob("*.cypher")):
        if path.relative_to(root).as_posix().startswith(("migrations/", "bench/")):
            continue
        text = path.read_text()
        for kinds in _TYPED_REL.findall(text):
            for kind in kinds.split("|"):
                entry(kind)
        for a, kinds, b in _OUT.findall(text):
            for kind in kinds.split("|"):
                entry(kind)["pairs"].add(f"{a} → {b}")
        for a, kinds, b in _IN.findall(text):
            for kind in kinds.split("|"):
                entry(kind)["pairs"].add(f"{b} → {a}")
    return found


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _cell(value: object, limit: int | None = None) -> str:
    text = value if isinstance(value, str) else _compact(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("|", "\\|").replace("\n", " ")


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def render_schema(cypher_root: Path | None = None) -> str:
    root = cypher_root or resources.cypher_dir()
    indexes, migration_labels = _migrations(root)
    kinds = {k.label for k in Kind}
    lines = [
        "### Labels and properties",
        "",
        "Every catalog node has its kind's label and `:Entity`; `PolicyDecision` and `AuditEvent` are",
        "records about the catalog and do not carry `:Entity`. Properties are the camelCase fields of",
        "the kind's record model (`src/lineage_graph/domain/`); maps and lists of maps are stored as",
        "canonical JSON in `<field>Json`, next to flat copies auditors can filter on. The services",
        "add a few kind-specific extras (`updatedAt`, `owner`, `bump`, `replacedBy`, ...): see",
        "docs/graph-model.md.",
        "",
    ]
    for kind in Kind:
        props = ", ".join(f"`{n}` ({t})" if t else f"`{n}`" for n, t in _properties(kind, root))
        writer = f", written by `cypher/{RECORD_WRITERS[kind][0]}`" if kind in RECORD_WRITERS else ""
        lines.append(f"- **`:{kind.label}`** (uid `{kind.prefix}:…`{writer}): {props}")
    others = sorted(migration_labels - kinds)
    if others:
        lines.append(
            "- Other labels named by the migrations: " + ", ".join(f"`:{label}`" for label in others)
        )
    lines += ["", "### Constraints and indexes (cypher/migrations)", ""]
    lines += _table(["label", "property", "kind", "name", "migration"], sorted(indexes))
    lines += [
        "",
        "### Relationship types",
        "",
        "Lineage types point from the dependent to what it depends on (upstream = outgoing). Every",
        "relationship has `createdAt`; a removed one has `retiredAt`. *Label pairs* are those the",
        "Cypher library's patterns name; *written by* are the modules that create the type.",
        "",
    ]
    found = relationships(root)
    lines += _table(
        ["type", "lineage", "label pairs", "written by"],
        [
            (
                f"`{kind}`",
                "yes" if kind in LINEAGE_TYPES else "",
                ", ".join(sorted(info["pairs"])),
                ", ".join(f"`{w}`" for w in sorted(info["writers"])) or "statements in cypher/",
            )
            for kind, info in sorted(found.items())
        ],
    )
    return "\n".join(lines) + "\n"


# --- audits -----------------------------------------------------------------------------------


def masked(name: str, value: Any) -> Any:
    """The value as the docs (and the tests) show it: clock values hidden."""
    return LOAD_TIME if name in CLOCK_COLUMNS and value is not None else value


def render_audits(
    examples: Mapping[str, tuple[Audit, Mapping[str, Any], Sequence[Mapping[str, Any]]]],
) -> str:
    """One section per audit: question, parameters, columns, and its rows on the demo catalog."""
    lines: list[str] = []
    for name, (audit, params, rows) in sorted(examples.items()):
        lines += [f"### `{name}`", "", audit.question, ""]
        if audit.params:
            lines += _table(
                ["parameter", "type", "default", "meaning"],
                [(f"`{p.name}`", p.type.value, f"`{p.default}`", p.description) for p in audit.params],
            )
            lines.append("")
        shown = {k: masked(k, v) for k, v in params.items()}
        lines += [
            "```",
            f"lineage-graph audit run {name}"
            + "".join(f" --param {k}={v}" for k, v in shown.items() if k == "asOf"),
            "```",
            "",
            f"On the demo catalog ({len(rows)} row{'s' if len(rows) != 1 else ''}"
            + (
                ", clock values shown as `<load time>`"
                if any(k in CLOCK_COLUMNS for k in audit.columns)
                else ""
            )
            + "):",
            "",
        ]
        lines += _table(
            list(audit.columns),
            [[_cell(masked(c, row.get(c)), CELL) for c in audit.columns] for row in rows],
        )
        lines.append("")
    return "\n".join(lines)


# --- the document -----------------------------------------------------------------------------


def replace_section(text: str, section: str, content: str) -> str:
    begin, end = f"<!-- BEGIN GENERATED: {section} -->", f"<!-- END GENERATED: {section} -->"
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + content.rstrip("\n") + "\n" + text[stop:]


def section(text: str, name: str) -> str:
    begin, end = f"<!-- BEGIN GENERATED: {name} -->", f"<!-- END GENERATED: {name} -->"
    return text[text.index(begin) + len(begin) : text.index(end)].strip("\n")


def main(argv: Sequence[str] = ()) -> int:
    current = DOC.read_text()
    updated = replace_section(current, "schema", render_schema())
    if "--check" in argv:
        if updated != current:
            print(f"{DOC} is stale: run python -m lineage_graph.tools.auditors_doc", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(updated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
