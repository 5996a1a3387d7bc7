"""A nested GraphQL query over 10, 100 and 1,000 models: latency and Neo4j round trips.

The models are registered through the public API (GraphQL mutations) in their own namespace,
`NAMESPACE`: one feature set with one published version, then for each size N a team
``team:benchnested/nN`` owning N models, each with one version bound to three features and
recorded with its training run. The generated catalog is not used: its raw-loaded model
versions lack what the API's records require (artifact URIs, decoded inputs).

One query walks six levels from the team: models → owner, versions → training run (and the
features it used), inputs → feature → feature-set version → feature set, evaluations,
deployments. Round trips are read from the API process's own counter, the
``lineage_graph_neo4j_round_trips`` gauge on ``/metrics`` (the `Graph.round_trips` of the one
driver the process holds), before and after each request; nothing else talks to that API while
this scenario runs. The DataLoaders batch each level into one query, so the count should be the
same for 10, 100 and 1,000 models.

The baseline replays the same levels with the product's batch read queries (``queries/
nodes_by_uid``, ``queries/versions_of``, ``queries/related``) run directly through `Graph`, raw
rows, no GraphQL, HTTP or record decoding: the same data in the fewest round trips the loaders'
queries allow.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from typing import TYPE_CHECKING, Any

import httpx

from bench.harness import Figure, latency_figure, peak_rss_mb, ratio

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bench.scenarios import Context
    from lineage_graph.graph import Graph

NAMESPACE = "benchnested"
SIZES = tuple(int(n) for n in os.environ.get("LINEAGE_GRAPH_BENCH_NESTED_SIZES", "10,100,1000").split(","))
FEATURES = (("a", "INT64"), ("b", "FLOAT64"), ("c", "STRING"))
WARMUP = 2
LARGE = 1_000  # from this many models on, a query takes seconds: fewer repetitions (printed)


def repetitions(size: int, asked: int) -> tuple[int, int]:
    """(timed repetitions, warm-ups) for a size: all asked below `LARGE`, 3 and 1 from it on."""
    return (min(asked, 3), 1) if size >= LARGE else (asked, WARMUP)


IN_FLIGHT = 4
HEADERS = {"X-Lineage-Actor": "bench"}

NESTED = """query($team: String!) {
  node(uid: $team) {
    uid
    ... on Team {
      owns {
        uid
        ... on Model {
          riskTier
          owner { uid }
          versions {
            uid version status
            trainingRun { uid ... on TrainingRun { seed features { uid } } }
            inputs { input dtype feature { uid ... on Feature {
              featureSetVersion { uid ... on FeatureSetVersion { contract featureSet { uid } } } } } }
            evaluations { uid }
            deployments { uid }
          }
        }
      }
    }
  }
}"""

REGISTER_FEATURE_SET = """mutation($inputs: [FeatureSetInput!]!) {
  registerFeatureSets(inputs: $inputs) { __typename ... on Refusal { code message } }
}"""
PUBLISH = """mutation($input: FeatureSetVersionInput!) {
  publishFeatureSetVersion(input: $input) { __typename ... on Refusal { code message } }
}"""
REGISTER_MODELS = """mutation($inputs: [ModelInput!]!) {
  registerModels(inputs: $inputs) { __typename ... on Refusal { code message } }
}"""
REGISTER_VERSION = """mutation($input: ModelVersionInput!, $run: TrainingRunInput) {
  registerModelVersion(input: $input, run: $run) { __typename ... on Refusal { code message } }
}"""
SUCCESS = {"BatchWritten", "Published", "ModelVersionRegistered"}

_GAUGE = re.compile(r"^lineage_graph_neo4j_round_trips\s+([0-9.eE+]+)$", re.MULTILINE)


def team(size: int) -> str:
    return f"team:{NAMESPACE}/n{size}"


def model_names(size: int) -> list[str]:
    return [f"n{size}_m{i:04}" for i in range(size)]


async def _gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=HEADERS)
    body = response.json()
    if body.get("errors"):
        msg = f"GraphQL errors: {body['errors']}"
        raise RuntimeError(msg)
    return dict(body["data"])


async def _mutate(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> None:
    data = await _gql(http, query, variables)
    result = next(iter(data.values()))
    if result["__typename"] not in SUCCESS:
        msg = f"refused: {result}"
        raise RuntimeError(msg)


async def register(http: httpx.AsyncClient) -> int:
    """Register the feature set, the teams' models and their versions; returns the requests made."""
    requests = 0
    await _mutate(
        http,
        REGISTER_FEATURE_SET,
        {
            "inputs": [
                {
                    "namespace": NAMESPACE,
                    "name": "fs",
                    "owner": f"team:{NAMESPACE}/data",
                    "description": "features of the nested-query benchmark",
                }
            ]
        },
    )
    features = [{"name": n, "dtype": d, "description": f"feature {n}"} for n, d in FEATURES]
    await _mutate(
        http,
        PUBLISH,
        {
            "input": {
                "namespace": NAMESPACE,
                "name": "fs",
                "version": 1,
                "contract": "1.0.0",
                "features": features,
            }
        },
    )
    requests += 2
    names: list[str] = []
    for size in SIZES:
        batch = [
            {
                "namespace": NAMESPACE,
                "name": name,
                "riskTier": "LOW",
                "owner": team(size),
                "description": f"model {name}",
            }
            for name in model_names(size)
        ]
        await _mutate(http, REGISTER_MODELS, {"inputs": batch})
        requests += 1
        names += model_names(size)

    limit = asyncio.Semaphore(IN_FLIGHT)

    async def version(name: str) -> None:
        inputs = [{"input": n, "feature": f"feature:{NAMESPACE}/fs@1#{n}", "dtype": d} for n, d in FEATURES]
        variables = {
            "input": {
                "namespace": NAMESPACE,
                "name": name,
                "version": 1,
                "artifactUri": f"s3://bench/{name}/1",
                "inputs": inputs,
            },
            "run": {"runId": f"{name}-run-1", "seed": 1},
        }
        async with limit:
            await _mutate(http, REGISTER_VERSION, variables)

    await asyncio.gather(*(version(n) for n in names))
    return requests + len(names)


async def round_trips_so_far(http: httpx.AsyncClient) -> int:
    """The API process's running count of Neo4j round trips, from its ``/metrics``."""
    response = await http.get("/metrics")
    found = _GAUGE.search(response.text)
    if found is None:
        msg = "the API's /metrics has no lineage_graph_neo4j_round_trips gauge"
        raise RuntimeError(msg)
    return round(float(found.group(1)))


class RawTree:
    """The query's levels, replayed with the product's batch read queries; counts its round trips."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.round_trips = 0

    async def _read(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.round_trips += 1
        return await self.graph.read_rows(name, params)

    async def _related(self, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
        rows = await self._read(
            "queries/related", {"keys": [{"uid": u, "type": t, "direction": d} for u, t, d in keys]}
        )
        out: dict[tuple[str, str], list[str]] = {}
        for row in rows:
            out.setdefault((row["uid"], row["type"]), []).append(row["props"]["uid"])
        return out

    async def fetch(self, team_uid: str) -> int:
        """The tree under ``team_uid``; returns the number of model versions in it."""
        await self._read("queries/nodes_by_uid", {"uids": [team_uid]})
        owned = await self._related([(team_uid, "OWNED_BY", "IN")])
        models = owned.get((team_uid, "OWNED_BY"), [])
        versions_rows, _owners = await asyncio.gather(
            self._read("queries/versions_of", {"uids": models}),
            self._related([(m, "OWNED_BY", "OUT") for m in models]),
        )
        versions = [row["props"]["uid"] for row in versions_rows]
        keys = [
            (v, t, d)
            for v in versions
            for t, d in (("PRODUCED_BY", "OUT"), ("CONSUMES", "OUT"), ("EVALUATES", "IN"), ("SERVES", "IN"))
        ]
        level = await self._related(keys)
        runs = {r for v in versions for r in level.get((v, "PRODUCED_BY"), [])}
        features = {f for v in versions for f in level.get((v, "CONSUMES"), [])}
        level = await self._related(
            [(r, "USES", "OUT") for r in sorted(runs)] + [(f, "DEFINED_IN", "OUT") for f in sorted(features)]
        )
        fsvs = {v for f in features for v in level.get((f, "DEFINED_IN"), [])}
        await self._related([(v, "VERSION_OF", "OUT") for v in sorted(fsvs)])
        return len(versions)


async def nested_graphql(ctx: Context) -> list[Figure]:
    figures: list[Figure] = []
    graph = ctx.graph()
    try:
        async with httpx.AsyncClient(base_url=ctx.stack.api_url, timeout=300) as http:
            started = time.perf_counter()
            requests = await register(http)
            setup_seconds = time.perf_counter() - started
            print(
                f"   registered {sum(SIZES):,} models and versions through the API "
                f"({requests:,} requests) in {setup_seconds:.0f} s",
                flush=True,
            )
            for size in SIZES:
                variables = {"team": team(size)}
                api_trips: list[int] = []
                raw_trips: list[int] = []

                async def api(variables: dict[str, Any] = variables, trips: list[int] = api_trips) -> object:
                    before = await round_trips_so_far(http)
                    started = time.perf_counter()
                    data = await _gql(http, NESTED, variables)
                    elapsed = time.perf_counter() - started
                    trips.append(await round_trips_so_far(http) - before)
                    return data, elapsed

                async def raw(size: int = size, trips: list[int] = raw_trips) -> object:
                    tree = RawTree(graph)
                    started = time.perf_counter()
                    found = await tree.fetch(team(size))
                    elapsed = time.perf_counter() - started
                    trips.append(tree.round_trips)
                    return found, elapsed

                reps, warmup = repetitions(size, ctx.repetitions)
                samples = await _timed({"api": api, "raw": raw}, reps, warmup)
                data, _ = await api()
                owned = data["node"]["owns"]
                versions = sum(len(m["versions"]) for m in owned)
                inputs = sum(len(v["inputs"]) for m in owned for v in m["versions"])
                notes = {
                    "models": len(owned),
                    "model_versions": versions,
                    "inputs": inputs,
                    "levels": 6,
                    "warmup": warmup,
                    "setup_seconds": round(setup_seconds, 1),
                }
                trips_api = sorted(set(api_trips[warmup:]))
                trips_raw = sorted(set(raw_trips[warmup:]))
                figures.append(
                    latency_figure(
                        "nested_graphql",
                        f"raw Cypher, the same levels with the loaders' batch queries "
                        f"({size:,} models, {_trips(trips_raw)} round trips)",
                        f"{size:,} models",
                        samples["raw"],
                        notes={**notes, "round_trips": trips_raw},
                    )
                )
                figures.append(
                    latency_figure(
                        "nested_graphql",
                        f"API nested query, team → models → versions → run, inputs → feature → "
                        f"version → set ({size:,} models, {_trips(trips_api)} Neo4j round trips)",
                        f"{size:,} models",
                        samples["api"],
                        baseline="raw Cypher, same levels",
                        ratio_to_baseline=ratio(samples["api"], samples["raw"]),
                        api_peak_rss_mb=peak_rss_mb(ctx.stack.api_pid),
                        notes={**notes, "round_trips": trips_api},
                    )
                )
    finally:
        await graph.close()
    return figures


def _trips(counts: list[int]) -> str:
    return "/".join(str(c) for c in counts) or "?"


async def _timed(
    calls: dict[str, Callable[[], Awaitable[object]]], repetitions: int, warmup: int
) -> dict[str, list[float]]:
    """Like `harness.time_interleaved`, with each call timing itself (it returns ``(result,
    seconds)``) so the round-trip reads around it are not counted."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for n in range(warmup + repetitions):
        for name, call in calls.items():
            result = await call()
            assert isinstance(result, tuple)
            if n >= warmup:
                samples[name].append(float(result[1]))
    return samples
