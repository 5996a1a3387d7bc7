"""``lineage-graph lineage UID`` and ``lineage-graph impact UID``: lineage and impact as trees.

The lineage tree hangs each node under its predecessor on one shortest path from the root (so a
node reached many ways is printed once, at its distance); the impact tree groups what a change
affects: feature-set versions, model versions, deployments by environment, owners to notify.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.tree import Tree

from lineage_graph.cli._async import connected_graph, fail, run
from lineage_graph.domain import DomainError
from lineage_graph.services.lineage.impact import Affected, Impact, ImpactService, shortest_paths
from lineage_graph.services.lineage.walks import MAX_DEPTH, Direction, Lineage, LineageService
from lineage_graph.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from typing import TypeVar

    from lineage_graph.graph import Graph

    T = TypeVar("T")

WIDTH = 160


def _label(uid: str, kind: str, extra: str = "") -> str:
    return f"[bold]{kind}[/bold] {uid}{extra}"


def lineage_tree(lineage: Lineage) -> Tree:
    """The walk as a tree: every node under its shortest-path predecessor, nearest first."""
    root = lineage.root
    title = f"{lineage.direction.value.lower()} lineage, depth {lineage.depth}"
    if lineage.as_of is not None:
        title += f", as of {lineage.as_of.isoformat()}"
    tree = Tree(_label(root.uid, root.kind, f"  [dim]({title})[/dim]"))
    children: dict[str, list[tuple[str, str, int, str]]] = {}
    for walk in _walks(lineage):
        parent = shortest_paths(walk)
        for node in walk.nodes[1:]:
            via = parent.get(node.uid)
            if via is not None:
                children.setdefault(via[0], []).append((node.uid, node.kind, node.distance, via[1]))
    branches = {root.uid: tree}
    placed = {root.uid}
    queue = [root.uid]
    while queue:
        uid = queue.pop(0)
        for child, kind, distance, edge in sorted(children.get(uid, []), key=lambda c: (c[2], c[0])):
            if child in placed:
                continue
            placed.add(child)
            branches[child] = branches[uid].add(_label(child, kind, f"  [dim]{edge}, {distance}[/dim]"))
            queue.append(child)
    if lineage.truncated:
        tree.add(f"[yellow]truncated ({lineage.truncation}): what was found in time is shown[/yellow]")
    return tree


def _walks(lineage: Lineage) -> list[Lineage]:
    """One walk per direction (BOTH holds two), for finding shortest-path predecessors."""
    if lineage.direction is not Direction.BOTH:
        return [lineage]
    out = []
    for way in (Direction.UPSTREAM, Direction.DOWNSTREAM):
        nodes = [lineage.root, *(n for n in lineage.nodes[1:] if n.direction in (way, Direction.BOTH))]
        out.append(Lineage(lineage.root, way, lineage.depth, lineage.as_of, nodes, lineage.edges))
    return out


def _affected(a: Affected) -> str:
    paths = f"{a.path_count}{'' if a.path_count_exact else '+'} path{'s' if a.path_count != 1 else ''}"
    route = " ← ".join(step.uid for step in reversed(a.shortest_path[1:-1]))
    return _label(
        a.uid, a.kind, f"  [dim]distance {a.distance}, {paths}{', via ' + route if route else ''}[/dim]"
    )


def impact_tree(impact: Impact) -> Tree:
    tree = Tree(
        _label(
            impact.root,
            impact.root_kind,
            f"  [dim](affects {impact.affected} nodes, depth {impact.depth})[/dim]",
        )
    )
    for title, items in (
        ("Feature-set versions", impact.feature_set_versions),
        ("Model versions", impact.model_versions),
    ):
        branch = tree.add(f"{title} ({len(items)})")
        for a in items:
            branch.add(_affected(a))
    deployments = tree.add(f"Deployments ({sum(len(e.deployments) for e in impact.deployments)})")
    for env in impact.deployments:
        group = deployments.add(f"{env.environment} ({len(env.deployments)})")
        for a in env.deployments:
            group.add(_affected(a))
    owners = tree.add(f"Owners to notify ({len(impact.owners)})")
    for owner in impact.owners:
        owners.add(f"{owner.uid}  [dim]owns {', '.join(a.uid for a in owner.entities)}[/dim]")
    if impact.truncated:
        tree.add(f"[yellow]truncated ({impact.truncation}): what was found in time is shown[/yellow]")
    return tree


def render(tree: Tree) -> str:
    console = Console(record=True, width=WIDTH, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(tree)
    return capture.get()


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as e:
        msg = f"--as-of must be an ISO 8601 time, got {value!r}"
        raise typer.BadParameter(msg) from e
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _print(read: Callable[[Graph], Awaitable[T]], tree: Callable[[T], Tree]) -> None:
    """Read from the configured graph, then print the answer as a tree."""
    settings = Settings()

    async def go() -> T:
        async with connected_graph(settings) as graph:
            return await read(graph)

    try:
        answer = run(go())
    except DomainError as e:
        raise fail(e.message) from e
    typer.echo(render(tree(answer)).rstrip("\n"))


def lineage_command(
    uid: Annotated[str, typer.Argument(help="The node's uid, e.g. featureset:risk/customer_profile@3.")],
    direction: Annotated[Direction, typer.Option("--direction", "-d", case_sensitive=False)] = Direction.BOTH,
    depth: Annotated[int, typer.Option("--depth", min=1, max=MAX_DEPTH)] = 5,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Only nodes of this kind (repeatable).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ISO time: the lineage as it stood then.")
    ] = None,
) -> None:
    """Print the lineage of a node as a tree: what it depends on, what depends on it, or both."""
    when = _parse_time(as_of)
    _print(lambda graph: LineageService(graph).lineage(uid, direction, depth, kind, when), lineage_tree)


def impact_command(
    uid: Annotated[str, typer.Argument(help="The changed node's uid, e.g. a data source.")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=MAX_DEPTH)] = MAX_DEPTH,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ISO time: the graph as it stood then.")
    ] = None,
) -> None:
    """Print what a change to a node affects: versions, deployments by environment, owners."""
    when = _parse_time(as_of)
    _print(lambda graph: ImpactService(graph).impact(uid, depth, when), impact_tree)
