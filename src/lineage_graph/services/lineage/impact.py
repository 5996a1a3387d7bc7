"""Impact analysis: what a change to one node, or to one column of a source, affects.

`impact` walks downstream (`LineageService`) and groups what it reaches: feature-set versions,
model versions, deployments by environment, and the owners to notify. Each affected node carries
its distance, the number of distinct paths from the changed node that reach it within the depth,
and one shortest path. `column_impact` follows one source column to the features derived from it
(``DERIVED_FROM {columns}``), the model inputs bound to them and the deployments serving those
model versions.

Paths are simple paths (no node twice) of at most `depth` edges. On an acyclic walk they are
counted exactly by dynamic programming; a walk with a cycle enumerates them up to
`PATH_ENUMERATION_BUDGET` steps, past which the counts are lower bounds (``path_count_exact``
false).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Final

from lineage_graph.domain import Kind, Uid
from lineage_graph.domain.errors import DomainError
from lineage_graph.services.lineage.walks import (
    MAX_DEPTH,
    Budget,
    Direction,
    Extension,
    Lineage,
    LineageService,
    Truncation,
    as_of_time,
    check_deadline,
    check_depth,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from datetime import datetime

    from lineage_graph.graph import Graph

PATH_ENUMERATION_BUDGET: Final = 200_000
"""Most path extensions counted on a walk with a cycle before counts become lower bounds."""
NO_ENVIRONMENT: Final = "(none)"
OWNED_KINDS: Final = frozenset(
    k.value
    for k in (
        Kind.SOURCE,
        Kind.SNAPSHOT,
        Kind.TRANSFORM,
        Kind.FEATURE_SET_VERSION,
        Kind.MODEL_VERSION,
        Kind.DEPLOYMENT,
    )
)
"""Affected kinds whose owners (or feature set's, model's) are notified; features and runs follow
their versions."""


@dataclass(frozen=True, slots=True)
class PathStep:
    uid: str
    kind: str
    via: str | None
    """The edge type walked to reach this step (None for the changed node)."""


@dataclass
class PathIndex:
    """One shortest path to every node of a walk, from BFS predecessors found on first use (most
    answers never ask for a path)."""

    kinds: Mapping[str, str]
    predecessors: Callable[[], Mapping[str, tuple[str, str]]]

    @cached_property
    def parent(self) -> Mapping[str, tuple[str, str]]:
        return self.predecessors()

    def to(self, uid: str) -> tuple[PathStep, ...]:
        steps: list[PathStep] = []
        current, via = uid, self.parent.get(uid)
        while via is not None:
            steps.append(PathStep(current, self.kinds.get(current, ""), via[1]))
            current, via = via[0], self.parent.get(via[0])
        steps.append(PathStep(current, self.kinds.get(current, ""), None))
        return tuple(reversed(steps))


@dataclass(frozen=True, slots=True)
class Affected:
    uid: str
    kind: str
    distance: int
    path_count: int
    path_count_exact: bool
    paths: PathIndex = field(repr=False, compare=False)

    @property
    def shortest_path(self) -> tuple[PathStep, ...]:
        """From the changed node to this one, both included."""
        return self.paths.to(self.uid)


@dataclass(frozen=True, slots=True)
class EnvironmentImpact:
    environment: str
    order: int | None
    deployments: list[Affected]


@dataclass(frozen=True, slots=True)
class OwnerImpact:
    uid: str
    kind: str
    name: str
    entities: list[Affected]
    """The affected entities it owns (directly, through their feature set or model, or, for a
    deployment, through the model it serves), nearest first."""


@dataclass(frozen=True, slots=True)
class KindCount:
    kind: str
    count: int


@dataclass(frozen=True, slots=True)
class Impact:
    root: str
    root_kind: str
    depth: int
    as_of: datetime | None
    feature_set_versions: list[Affected]
    model_versions: list[Affected]
    deployments: list[EnvironmentImpact]
    owners: list[OwnerImpact]
    counts: list[KindCount]
    """How many affected nodes of each kind (all kinds, not only the grouped ones)."""
    affected: int
    truncated: bool
    truncation: Truncation | None


@dataclass(frozen=True, slots=True)
class ModelInputImpact:
    model_version: str
    input: str
    feature: str


@dataclass(frozen=True, slots=True)
class DeploymentImpact:
    deployment: str
    environment: str
    model_version: str


@dataclass(frozen=True, slots=True)
class ColumnFeature:
    feature: str
    dtype: str | None
    columns: list[str]


@dataclass(frozen=True, slots=True)
class ColumnImpact:
    source: str
    column: str
    as_of: datetime | None
    features: list[ColumnFeature]
    model_inputs: list[ModelInputImpact]
    model_versions: list[str]
    deployments: list[DeploymentImpact]
    unrecorded: list[str]
    """Features derived from the source whose edge records no column: they may be affected."""


@dataclass(frozen=True, slots=True)
class PathCounts:
    counts: dict[str, int]
    exact: bool


def count_paths(root: str, edges: Iterable[tuple[str, str]], depth: int) -> PathCounts:
    """Simple paths of 1..depth edges from `root` to every node, over (nearer, farther) edges.

    Parallel edges (two types between the same nodes) count once: a path is a sequence of nodes.
    Without a cycle among the nodes `root` reaches, one topological pass counts every path (and
    finds the longest); a cycle falls back to bounded enumeration.
    """
    unique: dict[str, dict[str, None]] = defaultdict(dict)
    for a, b in edges:
        unique[a][b] = None
    successors = {a: list(bs) for a, bs in unique.items()}
    counted = _count_acyclic(root, successors, depth)
    if counted is not None:
        return PathCounts(counted, exact=True)
    return _enumerate(root, successors, depth)


def _count_acyclic(root: str, successors: Mapping[str, list[str]], depth: int) -> dict[str, int] | None:
    """Path counts by one topological (Kahn) pass over what `root` reaches, or None when that
    holds a cycle. When some path is longer than `depth`, counts by layers of length instead."""
    indegree = {root: 0}
    queue = deque([root])
    while queue:  # what root reaches, with each node's in-degree from reached nodes
        for b in successors.get(queue.popleft(), ()):
            if b in indegree:
                indegree[b] += 1
            else:
                indegree[b] = 1
                queue.append(b)
    total = dict.fromkeys(indegree, 0)
    longest = dict.fromkeys(indegree, 0)
    total[root] = 1
    ready = [root] if indegree[root] == 0 else []
    visited = 0
    while ready:
        a = ready.pop()
        visited += 1
        ways, length = total[a], longest[a] + 1
        for b in successors.get(a, ()):
            total[b] += ways
            longest[b] = max(longest[b], length)
            indegree[b] -= 1
            if indegree[b] == 0:
                ready.append(b)
    if visited < len(indegree):
        return None
    if max(longest.values()) <= depth:
        return {n: c for n, c in total.items() if n != root}
    counts: dict[str, int] = defaultdict(int)
    layer = {root: 1}
    for _ in range(depth):
        following: dict[str, int] = defaultdict(int)
        for a, ways in layer.items():
            for b in successors.get(a, ()):
                following[b] += ways
        for b, ways in following.items():
            counts[b] += ways
        layer = following
    return dict(counts)


def _enumerate(root: str, successors: Mapping[str, list[str]], depth: int) -> PathCounts:
    counts: dict[str, int] = defaultdict(int)
    steps = 0
    on_path = {root}
    stack: list[tuple[str, int, int]] = [(root, 0, 0)]
    while stack:
        node, length, index = stack.pop()
        following = successors.get(node, [])
        if index >= len(following) or length >= depth:
            on_path.discard(node)
            continue
        stack.append((node, length, index + 1))
        b = following[index]
        if b in on_path:
            continue
        steps += 1
        if steps > PATH_ENUMERATION_BUDGET:
            return PathCounts(dict(counts), exact=False)
        counts[b] += 1
        on_path.add(b)
        stack.append((b, length + 1, 0))
    return PathCounts(dict(counts), exact=True)


def shortest_paths(lineage: Lineage) -> dict[str, tuple[str, str]]:
    """For each reached node, its predecessor on one shortest path and the edge type walked.

    Ties go to the smallest (predecessor uid, edge type), so answers are stable.
    """
    return _parents({n.uid: n.distance for n in lineage.nodes}, _walked(lineage))


def _parents(
    distance: Mapping[str, int], walked: Iterable[tuple[str, str, str]]
) -> dict[str, tuple[str, str]]:
    """`distance` holds every node of the walk, the root at 0."""
    parent: dict[str, tuple[str, str]] = {}
    for a, t, b in walked:
        da, db = distance.get(a), distance.get(b)
        if da is not None and db == da + 1:
            best = parent.get(b)
            if best is None or (a, t) < best:
                parent[b] = (a, t)
    return parent


def _walked(lineage: Lineage) -> Iterable[tuple[str, str, str]]:
    """Edges as (nearer, type, farther) in walk direction (a downstream walk reverses them)."""
    downstream = lineage.direction is Direction.DOWNSTREAM
    for e in lineage.edges:
        yield (e.target, e.type, e.source) if downstream else (e.source, e.type, e.target)


def environment_name(value: object) -> str:
    """An environment's name from its name or its uid (deployments store either)."""
    text = str(value)
    try:
        return Uid.parse(text, expect=Kind.ENVIRONMENT).name
    except DomainError:
        return text


class ImpactService:
    def __init__(self, graph: Graph, lineage: LineageService | None = None) -> None:
        self.graph = graph
        self.lineage = lineage or LineageService(graph)

    async def impact(
        self, uid: str, depth: int = MAX_DEPTH, as_of: datetime | None = None, deadline: float | None = None
    ) -> Impact:
        """One round trip (``lineage/impact``: the walk and its owners and environments) when it
        answers within the deadline; else the hop-by-hop walk and ``lineage/impact_context``."""
        root = Uid.parse(uid).format()
        check_depth(depth)
        instant = as_of_time(as_of)
        budget = Budget(check_deadline(deadline), self.lineage.clock)
        extension = Extension("lineage/impact", {"ownedKinds": sorted(OWNED_KINDS)})
        walk = await self.lineage.walk(root, Direction.DOWNSTREAM, depth, instant, budget, extension)
        # Straight from the walk (one direction, every kind: nothing for `assemble` to merge).
        # Downstream, an edge's target is the nearer end.
        paths = count_paths(root, ((b, a) for a, _, b in walk.edges), depth)
        truncated = walk.truncation is not None
        exact = paths.exact and not truncated
        index = PathIndex(
            walk.kinds,
            lambda: _parents({root: 0, **walk.distance}, ((b, t, a) for a, t, b in walk.edges)),
        )
        tally: dict[str, int] = defaultdict(int)
        affected: dict[str, Affected] = {}
        counts = paths.counts
        for node, distance in walk.distance.items():
            kind = walk.kinds[node]
            tally[kind] += 1
            if kind in OWNED_KINDS:
                affected[node] = Affected(node, kind, distance, counts.get(node, 0), exact, index)
        if walk.row is not None:
            context = walk.row["context"]
        else:
            rows = await self.graph.read(
                "lineage/impact_context", {"uids": list(affected), **instant.params()}
            )
            context = rows[0]["context"] if rows else []
        return Impact(
            root=root,
            root_kind=walk.root_kind,
            depth=depth,
            as_of=as_of,
            feature_set_versions=_of_kind(affected.values(), Kind.FEATURE_SET_VERSION),
            model_versions=_of_kind(affected.values(), Kind.MODEL_VERSION),
            deployments=_by_environment(affected, context),
            owners=_owners(affected, context),
            counts=[KindCount(kind, n) for kind, n in sorted(tally.items())],
            affected=len(walk.distance),
            truncated=truncated,
            truncation=walk.truncation,
        )

    async def column_impact(self, source: str, column: str, as_of: datetime | None = None) -> ColumnImpact:
        uid = Uid.parse(source, expect=(Kind.SOURCE, Kind.SNAPSHOT)).format()
        await self.lineage.root_kind(uid)
        rows = await self.graph.read(
            "lineage/column_impact", {"uid": uid, "column": column, **as_of_time(as_of).params()}
        )
        features = [
            ColumnFeature(r["feature"], r["dtype"], list(r["columns"])) for r in rows if r["recorded"]
        ]
        recorded = [r for r in rows if r["recorded"]]
        inputs = sorted(
            {ModelInputImpact(mv, str(name), r["feature"]) for r in recorded for mv, name in r["bindings"]},
            key=lambda i: (i.model_version, i.input),
        )
        deployments = sorted(
            {
                DeploymentImpact(d, environment_name(env) if env is not None else NO_ENVIRONMENT, mv)
                for r in recorded
                for d, env, mv in r["deployments"]
            },
            key=lambda d: (d.environment, d.deployment),
        )
        return ColumnImpact(
            source=uid,
            column=column,
            as_of=as_of,
            features=features,
            model_inputs=inputs,
            model_versions=sorted({i.model_version for i in inputs}),
            deployments=deployments,
            unrecorded=[r["feature"] for r in rows if not r["recorded"]],
        )


def _ordered(items: Iterable[Affected]) -> list[Affected]:
    return sorted(items, key=lambda a: (a.distance, a.uid))


def _of_kind(items: Iterable[Affected], kind: Kind) -> list[Affected]:
    return _ordered(a for a in items if a.kind == kind.value)


def _by_environment(
    affected: Mapping[str, Affected], context: Sequence[Sequence[object]]
) -> list[EnvironmentImpact]:
    where = {str(uid): (env, order) for uid, env, order, _ in context}
    groups: dict[str, list[Affected]] = defaultdict(list)
    orders: dict[str, int | None] = {}
    for a in affected.values():
        if a.kind != Kind.DEPLOYMENT.value:
            continue
        env, order = where.get(a.uid, (None, None))
        name = environment_name(env) if env is not None else NO_ENVIRONMENT
        groups[name].append(a)
        orders[name] = order if isinstance(order, int) else orders.get(name)
    return [
        EnvironmentImpact(name, orders[name], _ordered(groups[name]))
        for name in sorted(groups, key=lambda n: (orders[n] is None, orders[n] or 0, n))
    ]


def _owners(affected: Mapping[str, Affected], context: Sequence[Sequence[object]]) -> list[OwnerImpact]:
    owned: dict[str, list[Affected]] = defaultdict(list)
    about: dict[str, tuple[str, str]] = {}
    for uid, _, _, owners in context:
        if not isinstance(owners, list):
            continue
        for owner_uid, kind, name in owners:
            if affected[str(uid)] not in owned[owner_uid]:
                owned[owner_uid].append(affected[str(uid)])
            about[owner_uid] = (str(kind), str(name))
    return [
        OwnerImpact(uid, about[uid][0], about[uid][1], _ordered(entities))
        for uid, entities in sorted(owned.items())
    ]
