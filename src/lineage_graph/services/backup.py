"""Export the whole catalog as JSON lines, and import such an export into an empty database.

Format (one JSON object per line, UTF-8):

1. a header: ``{"format": "lineage-graph/catalog", "version": 1, "nodes": N, "edges": M,
   "exportedAt": "..."}``;
2. every node: ``{"node": {"labels": [...], "props": {...}}}`` (catalog entities in uid
   order, then audit events in chain order, then recorded policy decisions in uid order, then
   the audit chain head);
3. every edge: ``{"edge": {"from": uid, "fromLabel": "Entity"|"AuditEvent"|"PolicyDecision",
   "type": ..., "to": uid, "props": {...}}}``; every edge leads to a catalog entity.

Property values are written as they are stored; temporal values are tagged objects
(``{"$datetime": "2026-03-01T10:00:00.123456789+00:00"}``, ``$date``, ``$time``,
``$duration``), which keep Neo4j's nanoseconds; the export queries hand zoned DATETIMEs over as
components (`_props`), since the driver's own decoding of them is pure Python. The export reads
in one read transaction,
so it is consistent while writers go on. An import creates exactly what was exported
(same uids, labels, properties, edges, audit chain): it refuses a database that already
holds catalog data, and checks the counts and the audit chain at the end. A node or edge of a
kind the format cannot name makes the export fail, saying which, rather than drop it.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from neo4j.time import Date, DateTime, Duration, Time

from lineage_graph.services.audit import chain as audit_service

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from lineage_graph.graph import Graph
    from lineage_graph.graph.database import Transaction

FORMAT: Final = "lineage-graph/catalog"
VERSION: Final = 1
PAGE: Final = 5_000


@dataclass(frozen=True)
class _Kind:
    """A label whose nodes the export pages through, in `key` order, with their outgoing edges."""

    label: str
    export: str
    key: str
    start: str | int
    import_edges: str


_KINDS: Final = (
    _Kind("Entity", "backup/export_entities", "uid", "", "backup/import_entity_edges"),
    _Kind("AuditEvent", "backup/export_audit_events", "seq", 0, "backup/import_audit_edges"),
    _Kind("PolicyDecision", "backup/export_decisions", "uid", "", "backup/import_decision_edges"),
)
_EDGE_QUERIES: Final = {kind.label: kind.import_edges for kind in _KINDS}


class CatalogIOError(Exception):
    """The export cannot be read, does not fit the database, or did not land whole."""


@dataclass
class Summary:
    nodes: int = 0
    edges: int = 0


def encode(value: Any) -> Any:
    if isinstance(value, DateTime):
        return {"$datetime": value.iso_format()}
    if isinstance(value, Date):
        return {"$date": value.iso_format()}
    if isinstance(value, Time):
        return {"$time": value.iso_format()}
    if isinstance(value, Duration):
        return {"$duration": value.iso_format()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


_DECODERS: Final[dict[str, Callable[[str], Any]]] = {
    "$datetime": DateTime.from_iso_format,
    "$date": Date.from_iso_format,
    "$time": Time.from_iso_format,
    "$duration": Duration.from_iso_format,
}


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) != 1 or next(iter(value)) not in _DECODERS:
            msg = f"unknown tagged value {value!r}"
            raise CatalogIOError(msg)
        tag, text = next(iter(value.items()))
        return _DECODERS[tag](text)
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _props(pairs: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """Properties as the file holds them, by key, from ``[key, value]`` pairs as the export
    queries return them. A zoned DATETIME comes from them as ``{"$zoned": [year, month, day,
    hour, minute, second, nanosecond, offsetSeconds]}`` (properties cannot hold maps, so the tag
    is unambiguous) and becomes the ``$datetime`` text `encode` writes for the driver's
    `DateTime`, character for character: reading components is ~100x cheaper than the driver's
    pure-Python DATETIME decoding. Other values go through `encode`."""
    return {
        str(k): _zoned(v["$zoned"]) if isinstance(v, dict) else encode(v)
        for k, v in sorted(pairs, key=lambda pair: str(pair[0]))
    }


def _zoned(parts: Sequence[int]) -> dict[str, str]:
    year, month, day, hour, minute, second, nanosecond, offset = parts
    sign = "-" if offset < 0 else "+"
    offset_hours, offset_minutes = divmod(abs(offset // 60), 60)  # as neo4j.time.Time.iso_format
    text = (
        f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{nanosecond:09d}"
        f"{sign}{offset_hours:02d}:{offset_minutes:02d}"
    )
    return {"$datetime": text}


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n"


def _unnamed(row: dict[str, Any]) -> str:
    key = row["props"].get("uid") or row["props"].get("id")
    edges = ", ".join(
        sorted(
            f"{'-' if e['outgoing'] else '<-'}[:{e['type']}]{'->' if e['outgoing'] else '-'}"
            f"{sorted(e['otherLabels'])}"
            for e in row["edges"]
        )
    )
    which = f" ({key})" if key is not None else ""
    return f"a {sorted(row['labels'])} node{which} has edges the export cannot name: {edges}"


async def export_catalog(
    graph: Graph,
    write: Callable[[str], object],
    *,
    page: int = PAGE,
    on_nodes: Callable[[int], None] | None = None,
) -> Summary:
    """Write the catalog to `write`, line by line; returns what was written."""

    async def work(tx: Transaction) -> Summary:
        counts = (await tx.run("backup/counts"))[0]
        write(
            _line(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "nodes": counts["nodes"],
                    "edges": counts["edges"],
                    "exportedAt": datetime.now(UTC).isoformat(),
                }
            )
        )
        summary = Summary()
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:

            def node(row: dict[str, Any], label: str) -> None:
                write(_line({"node": {"labels": sorted(row["labels"]), "props": _props(row["props"])}}))
                summary.nodes += 1
                edges = [{**e, "props": _props(e["props"])} for e in row["edges"]]
                for edge in sorted(edges, key=lambda e: (e["type"], str(e["to"]), _line(e["props"]))):
                    if "Entity" not in edge["toLabels"] or edge["to"] is None:
                        msg = (
                            f"a {edge['type']} edge from the {label} {row['uid']} leads to a "
                            f"{sorted(edge['toLabels'])} node, which the export cannot name"
                        )
                        raise CatalogIOError(msg)
                    spool.write(
                        _line(
                            {
                                "edge": {
                                    "from": row["uid"],
                                    "fromLabel": label,
                                    "type": edge["type"],
                                    "to": edge["to"],
                                    "props": edge["props"],
                                }
                            }
                        )
                    )
                    summary.edges += 1

            for kind in _KINDS:
                after: str | int = kind.start
                while rows := await tx.run_values(kind.export, {"after": after, "limit": page}):
                    for row in rows:
                        node(row, kind.label)
                    after = rows[-1][kind.key]
                    if on_nodes is not None:
                        on_nodes(len(rows))
            for found in await tx.run_values("backup/export_other_nodes"):
                other = {**found, "props": _props(found["props"])}
                if other["edges"]:
                    raise CatalogIOError(_unnamed(other))
                write(_line({"node": {"labels": sorted(other["labels"]), "props": other["props"]}}))
                summary.nodes += 1
            spool.seek(0)
            for line in spool:
                write(line)
        if (summary.nodes, summary.edges) != (counts["nodes"], counts["edges"]):
            msg = (
                f"the export holds {summary.nodes} nodes and {summary.edges} edges, "
                f"the database {counts['nodes']} and {counts['edges']}"
            )
            raise CatalogIOError(msg)
        return summary

    return await graph.in_read_transaction(work)


def read_header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError as exc:
        msg = f"line 1: not JSON ({exc.msg})"
        raise CatalogIOError(msg) from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        msg = f"line 1: not a lineage-graph catalog export (format {FORMAT!r} expected)"
        raise CatalogIOError(msg)
    if header.get("version") != VERSION:
        msg = f"line 1: export format version {header.get('version')!r}; this lineage-graph reads {VERSION}"
        raise CatalogIOError(msg)
    return header


async def ensure_empty(graph: Graph) -> None:
    if not (await graph.read("backup/is_empty"))[0]["empty"]:
        msg = "the database already holds catalog data; import into an empty database"
        raise CatalogIOError(msg)


class _Importer:
    def __init__(self, graph: Graph, page: int, on_progress: Callable[[int], None] | None) -> None:
        self.graph = graph
        self.page = page
        self.on_progress = on_progress
        self.summary = Summary()
        self.nodes: list[dict[str, Any]] = []
        self.edges: dict[str, list[dict[str, Any]]] = {label: [] for label in _EDGE_QUERIES}

    async def flush_nodes(self) -> None:
        if self.nodes:
            created = (await self.graph.write("backup/import_nodes", {"rows": self.nodes}))[0]["created"]
            self.summary.nodes += int(created)
            self._progress(len(self.nodes))
            self.nodes.clear()

    async def flush_edges(self, label: str) -> None:
        rows = self.edges[label]
        if rows:
            created = int((await self.graph.write(_EDGE_QUERIES[label], {"rows": rows}))[0]["created"])
            if created != len(rows):
                msg = f"only {created} of {len(rows)} edges found both of their ends"
                raise CatalogIOError(msg)
            self.summary.edges += created
            self._progress(len(rows))
            rows.clear()

    def _progress(self, count: int) -> None:
        if self.on_progress is not None:
            self.on_progress(count)

    async def add(self, number: int, item: Any) -> None:
        if isinstance(item, dict) and "node" in item:
            if any(self.edges.values()):
                msg = f"line {number}: a node after the edges"
                raise CatalogIOError(msg)
            node = item["node"]
            self.nodes.append(
                {"labels": node["labels"], "props": {k: decode(v) for k, v in node["props"].items()}}
            )
            if len(self.nodes) >= self.page:
                await self.flush_nodes()
        elif isinstance(item, dict) and "edge" in item:
            await self.flush_nodes()
            edge = item["edge"]
            label = edge.get("fromLabel")
            if label not in self.edges:
                msg = f"line {number}: unknown fromLabel {label!r}"
                raise CatalogIOError(msg)
            props = {k: decode(v) for k, v in edge["props"].items()}
            self.edges[label].append(
                {"from": edge["from"], "type": edge["type"], "to": edge["to"], "props": props}
            )
            if len(self.edges[label]) >= self.page:
                await self.flush_edges(label)
        else:
            msg = f"line {number}: neither a node nor an edge"
            raise CatalogIOError(msg)

    async def finish(self) -> Summary:
        await self.flush_nodes()
        for label in self.edges:
            await self.flush_edges(label)
        return self.summary


async def import_catalog(
    graph: Graph,
    lines: Iterable[str],
    *,
    page: int = PAGE,
    on_progress: Callable[[int], None] | None = None,
) -> Summary:
    """Create every node and edge of an export in an empty database; verify counts and audit chain."""
    await ensure_empty(graph)
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        msg = "the export is empty"
        raise CatalogIOError(msg)
    header = read_header(first)
    importer = _Importer(graph, page, on_progress)
    for number, line in enumerate(iterator, start=2):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            msg = f"line {number}: not JSON ({exc.msg})"
            raise CatalogIOError(msg) from exc
        await importer.add(number, item)
    summary = await importer.finish()
    if (summary.nodes, summary.edges) != (header["nodes"], header["edges"]):
        msg = (
            f"imported {summary.nodes} nodes and {summary.edges} edges, "
            f"the export announced {header['nodes']} and {header['edges']}"
        )
        raise CatalogIOError(msg)
    verification = await audit_service.verify(graph)
    if not verification.ok:
        raise CatalogIOError(str(verification))
    return summary
