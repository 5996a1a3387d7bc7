"""The CLI: ``import openlineage FILE.jsonl``, and ``export`` / ``import catalog`` round trips."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from lineage_graph.api import create_app
from lineage_graph.demo import builder as demo
from lineage_graph.services import backup
from lineage_graph.services.audit import chain as audit_service
from tests.cypher import cypher
from tests.integration.test_ingest_helpers import count_nodes, dump, event, node

if TYPE_CHECKING:
    from pathlib import Path

    from lineage_graph.graph import Graph
    from lineage_graph.policy import PolicyEngine
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration


async def cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "LINEAGE_GRAPH_NEO4J_URI": settings.neo4j_uri,
        "LINEAGE_GRAPH_OPA_URL": settings.opa_url,
        "COLUMNS": "120",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lineage_graph.cli.main",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def jsonl(path: Path, events: list[object]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


async def test_import_openlineage_file_with_progress(
    settings: Settings, graph: Graph, tmp_path: Path
) -> None:
    events = [event("spark_run_start.json"), event("dataset_event.json"), event("spark_run_complete.json")]
    events += [event("job_event.json")] * 3
    code, out, err = await cli(settings, "import", "openlineage", str(jsonl(tmp_path / "e.jsonl", events)))
    assert code == 0, err
    assert "imported 6 events in 1 transaction(s)" in out
    assert "events" in err
    assert (await node(graph, "source:kafka%3A%2F%2Fbroker-1%3A9092/payments.authorisations"))[
        "kind"
    ] == "DataSource"
    again, out, _ = await cli(
        settings, "import", "openlineage", str(tmp_path / "e.jsonl"), "--batch-size", "2"
    )
    assert again == 0
    assert "imported 6 events in 3 transaction(s): 0 created, 0 updated" in out


async def test_a_bad_line_imports_nothing(settings: Settings, graph: Graph, tmp_path: Path) -> None:
    bad = jsonl(tmp_path / "bad.jsonl", [event("dataset_event.json"), {"eventTime": "2026-01-01T00:00:00Z"}])
    code, _, err = await cli(settings, "import", "openlineage", str(bad))
    assert code == 1
    assert err.strip().splitlines()[-1].startswith(f"error: {bad}:2: /: not an OpenLineage event")
    assert err.strip().endswith("nothing was imported")
    assert await count_nodes(graph) == 0


async def test_export_then_import_into_an_empty_database_gives_the_same_graph(
    settings: Settings, graph: Graph, tmp_path: Path
) -> None:
    await demo.load(graph)
    code, _, err = await cli(
        settings,
        "import",
        "openlineage",
        str(jsonl(tmp_path / "ol.jsonl", event("feast_apply_and_materialize.json"))),
    )
    assert code == 0, err
    code, _, err = await cli(
        settings,
        "import",
        "openlineage",
        str(jsonl(tmp_path / "ol2.jsonl", [event("spark_run_start.json"), event("spark_run_complete.json")])),
    )
    assert code == 0, err
    before = await dump(graph)
    assert len(before["nodes"]) > 100
    export = tmp_path / "catalog.jsonl"
    code, _, err = await cli(settings, "export", "-o", str(export))
    assert code == 0, err
    header = json.loads(export.read_text().splitlines()[0])
    assert (header["nodes"], header["edges"]) == (len(before["nodes"]), len(before["edges"]))

    refused, _, err = await cli(settings, "import", "catalog", str(export))
    assert refused == 1
    assert err.strip() == "error: the database already holds catalog data; import into an empty database"

    await graph.run_batched("system/wipe_catalog")
    code, out, err = await cli(settings, "import", "catalog", str(export))
    assert code == 0, err
    assert "audit chain verified" in out
    assert await dump(graph) == before
    assert (await audit_service.verify(graph)).ok

    again = tmp_path / "again.jsonl"
    code, _, _ = await cli(settings, "export", "-o", str(again))
    assert code == 0
    assert export.read_text().splitlines()[1:] == again.read_text().splitlines()[1:]


async def test_export_to_stdout_and_bad_exports(settings: Settings, graph: Graph, tmp_path: Path) -> None:
    await demo.load(graph)
    code, out, _ = await cli(settings, "export")
    assert code == 0
    assert json.loads(out.splitlines()[0])["format"] == backup.FORMAT
    await graph.run_batched("system/wipe_catalog")
    not_export = tmp_path / "x.jsonl"
    not_export.write_text('{"hello": 1}\n')
    code, _, err = await cli(settings, "import", "catalog", str(not_export))
    assert code == 1
    assert "not a lineage-graph catalog export" in err
    lines = out.splitlines()
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("\n".join(lines[:-5]) + "\n")
    code, _, err = await cli(settings, "import", "catalog", str(truncated))
    assert code == 1
    assert "the export announced" in err


PUBLISH = "mutation($i: FeatureSetVersionInput!) { publishFeatureSetVersion(input: $i) { __typename } }"


async def record_decisions(settings: Settings) -> None:
    """Gated mutations with enforcement on: allowed ones (decisions ABOUT what they wrote) and a
    denied publish (decisions about a version that was never written, so without an ABOUT edge)."""
    app = create_app(settings.model_copy(update={"policy_enforcement": "enforce"}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):

        async def gql(query: str, **variables: object) -> str:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"X-Lineage-Actor": "alice"},
            )
            body = response.json()
            assert "errors" not in body, body
            return str(next(iter(body["data"].values()))["__typename"])

        feature_set = {"namespace": "risk", "name": "profile", "owner": "team:risk/ds"}
        register = "mutation($i: FeatureSetInput!) { registerFeatureSet(input: $i) { __typename } }"
        assert await gql(register, i=feature_set) == "Written"
        good = [{"name": "age", "dtype": "INT64", "description": "Age in years."}]
        fsv = {
            "namespace": "risk",
            "name": "profile",
            "version": 1,
            "contract": "1.0.0",
            "store": "redis-dev",
        }
        assert await gql(PUBLISH, i={**fsv, "features": good}) == "Published"
        bad = {
            **fsv,
            "version": 2,
            "contract": "1.1.0",
            "features": [*good, {"name": "ZipCode", "dtype": "STRING"}],
        }
        assert await gql(PUBLISH, i=bad) == "PolicyDenied"


async def test_a_catalog_with_policy_decisions_round_trips(
    settings: Settings, graph: Graph, session_engine: PolicyEngine, tmp_path: Path
) -> None:
    await demo.load(graph)
    await record_decisions(settings)
    decisions = await cypher(
        graph,
        "MATCH (d:PolicyDecision) RETURN d.allow AS allow, COUNT { (d)-[:ABOUT]->(:Entity) } AS about",
    )
    assert {(d["allow"], d["about"]) for d in decisions} >= {(True, 1), (False, 0)}
    before = await dump(graph)
    export = tmp_path / "catalog.jsonl"
    code, _, err = await cli(settings, "export", "-o", str(export))
    assert code == 0, err
    lines = [json.loads(line) for line in export.read_text().splitlines()[1:]]
    assert sum("PolicyDecision" in item["node"]["labels"] for item in lines if "node" in item) == len(
        decisions
    )
    assert any(item["edge"]["fromLabel"] == "PolicyDecision" for item in lines if "edge" in item)

    await graph.run_batched("system/wipe_catalog")
    code, out, err = await cli(settings, "import", "catalog", str(export))
    assert code == 0, err
    assert "audit chain verified" in out
    assert await dump(graph) == before
    code, out, err = await cli(settings, "audit", "verify")
    assert code == 0, err
    assert out.startswith("ok: ")
    again = tmp_path / "again.jsonl"
    code, _, _ = await cli(settings, "export", "-o", str(again))
    assert code == 0
    assert export.read_text().splitlines()[1:] == again.read_text().splitlines()[1:]


async def test_an_export_names_what_it_cannot_carry(settings: Settings, graph: Graph) -> None:
    await demo.load(graph)
    await cypher(graph, "MATCH (e:Entity) WITH e LIMIT 1 CREATE (:Stray {id: 'x1'})-[:POINTS_AT]->(e)")
    code, _, err = await cli(settings, "export")
    assert code == 1
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("error: a ['Stray'] node (x1) has edges the export cannot name: -[:POINTS_AT]->['")
    )
    await cypher(graph, "MATCH (s:Stray) DETACH DELETE s")
    await cypher(graph, "MATCH (e:Entity) WITH e LIMIT 1 CREATE (e)-[:NOTES]->(:Memo {id: 'm1'})")
    code, _, err = await cli(settings, "export")
    assert code == 1
    assert "edge from the Entity" in err
    assert "leads to a ['Memo'] node, which the export cannot name" in err


async def test_exported_times_keep_the_instant_and_the_drivers_text(graph: Graph) -> None:
    """The export reads zoned DATETIMEs as components (no driver decoding) and formats them
    itself. Every exported text must denote the stored instant (Neo4j parses it back to the same
    epoch second and nanosecond), and, for offsets, be what `encode` writes for the driver's own
    `DateTime`: UTC with nanoseconds, positive, negative and half-hour offsets, a year before
    1000. Named zones must keep the offset Neo4j applies at that instant: the driver's decoding
    gets it wrong for some (America/St_Johns in October: -03:30 where it is -02:30), which used
    to shift such a time by an hour on a round trip. Offsets with seconds, other temporal types
    and lists of datetimes still go through the driver, as before."""
    offsets = [
        "datetime('2026-11-26T10:00:00.123456789Z')",
        "datetime('2026-11-26T10:00:00Z')",
        "datetime('2026-03-01T23:59:59.5-05:00')",
        "datetime('2026-03-01T05:30:00+05:30')",
        "datetime('0999-12-31T23:59:59.000000001+14:00')",
        "datetime({year: 2026, month: 1, day: 1, timezone: '-00:44:30'})",
    ]
    zones = [
        "datetime('2026-07-01T12:00:00[Europe/Paris]')",
        "datetime('2026-01-01T12:00:00[Europe/Paris]')",
        "datetime('2026-10-25T02:30:00[America/St_Johns]')",
    ]
    values = offsets + zones
    props = ", ".join(f"t{i}: {v}" for i, v in enumerate(values))
    extra = "d: date('2026-11-26'), p: duration('P1DT2H'), ts: [datetime('2026-01-01T00:00:00Z')], s: 'x'"
    await cypher(
        graph,
        f"CREATE (a:Entity {{uid: 'a', {props}, {extra}}})-[:READS {{{props}}}]->(:Entity {{uid: 'b'}})",
    )
    lines: list[str] = []
    await backup.export_catalog(graph, lines.append)
    exported = [json.loads(line) for line in lines[1:]]
    node_a = next(o["node"]["props"] for o in exported if "node" in o and o["node"]["props"]["uid"] == "a")
    edge = next(o["edge"]["props"] for o in exported if "edge" in o)
    assert edge == {f"t{i}": node_a[f"t{i}"] for i in range(len(values))}

    driver = await cypher(graph, "MATCH (a {uid: 'a'}) RETURN properties(a) AS a")
    as_before = json.loads(json.dumps(backup._props(driver[0]["a"].items())))
    for key in [f"t{i}" for i in range(len(offsets))] + ["d", "p", "ts", "s", "uid"]:
        assert node_a[key] == as_before[key], key
    assert node_a["t0"] == {"$datetime": "2026-11-26T10:00:00.123456789+00:00"}
    assert node_a["t2"] == {"$datetime": "2026-03-01T23:59:59.500000000-05:00"}
    assert node_a["t8"] == {"$datetime": "2026-10-25T02:30:00.000000000-02:30"}

    for i in range(len(values)):
        same = await cypher(
            graph,
            f"MATCH (a {{uid: 'a'}}) WITH a.t{i} AS stored, datetime($text) AS read "
            "RETURN stored.epochSeconds = read.epochSeconds AND stored.nanosecond = read.nanosecond AS same",
            {"text": node_a[f"t{i}"]["$datetime"]},
        )
        assert same == [{"same": True}], (i, node_a[f"t{i}"])
