"""Timing, statistics and reporting shared by every scenario.

Warm-up runs are discarded; the repetitions kept are printed with each figure. A scenario's
baseline is measured in the same run, on the same servers, so ratios stay meaningful on a
noisy shared machine even when absolute figures drift.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import platform
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


@dataclass
class Figure:
    """One measured thing: latencies (seconds) or a throughput (items per second)."""

    scenario: str
    measure: str
    scale: str
    unit: str
    repetitions: int
    p50: float | None = None
    p95: float | None = None
    max: float | None = None
    throughput: float | None = None
    baseline: str | None = None
    ratio_to_baseline: float | None = None
    target: str | None = None
    api_peak_rss_mb: float | None = None
    load_average: list[float] | None = None
    notes: dict[str, Any] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def time_calls(call: Callable[[], Awaitable[object]], repetitions: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(repetitions):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def time_interleaved(
    calls: dict[str, Callable[[], Awaitable[object]]], repetitions: int, warmup: int
) -> dict[str, list[float]]:
    """Time each call ``repetitions`` times, one of each in turn so all see the same machine
    load, after ``warmup`` discarded calls of each."""
    for call in calls.values():
        await time_calls(call, 0, warmup)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repetitions):
        for name, call in calls.items():
            samples[name] += await time_calls(call, 1, 0)
    return samples


def ratio(samples: list[float], baseline: list[float]) -> float:
    """p50 over the baseline's p50."""
    return percentile(samples, 0.5) / percentile(baseline, 0.5)


def latency_figure(scenario: str, measure: str, scale: str, samples: list[float], **extra: Any) -> Figure:
    return Figure(
        scenario=scenario,
        measure=measure,
        scale=scale,
        unit="ms",
        repetitions=len(samples),
        p50=percentile(samples, 0.5) * 1000,
        p95=percentile(samples, 0.95) * 1000,
        max=max(samples) * 1000,
        **extra,
    )


def machine() -> dict[str, Any]:
    cpus = Path("/proc/cpuinfo").read_text().count("processor\t:") if Path("/proc/cpuinfo").exists() else None
    mem = None
    if Path("/proc/meminfo").exists():
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        mem = round(int(first.split()[1]) / 1024 / 1024, 1)
    return {
        "python": platform.python_version(),
        "cpus": cpus,
        "memory_gib": mem,
        "platform": platform.platform(),
    }


def _status_mb(pid: int, key: str) -> float | None:
    status = Path(f"/proc/{pid}/status")
    try:
        lines = status.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{key}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) since it started or since `reset_peak_rss`."""
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int) -> float | None:
    return _status_mb(pid, "VmRSS")


def reset_peak_rss(pid: int) -> bool:
    """Reset the process's VmHWM to its current RSS (Linux ``clear_refs`` 5), so the next
    `peak_rss_mb` is the peak of one scenario rather than of the whole run."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(figures: list[Figure]) -> str:
    header = (
        "| scenario | measure | scale | reps | p50 | p95 | max | throughput | ratio to baseline | target "
        "| API peak RSS MB | load |"
    )
    lines = [header, "|" + "---|" * 12]
    for f in figures:
        tput = f"{f.throughput:,.0f}/s" if f.throughput is not None else "—"
        vs = f"{f.ratio_to_baseline:.2f}× ({f.baseline})" if f.ratio_to_baseline is not None else "—"
        unit = f" {f.unit}" if f.p50 is not None else ""
        lines.append(
            f"| {f.scenario} | {f.measure} | {f.scale} | {f.repetitions} | {_fmt(f.p50)}{unit} | {_fmt(f.p95)}{unit} "
            f"| {_fmt(f.max)}{unit} | {tput} | {vs} | {f.target or '—'} | {_fmt(f.api_peak_rss_mb)} "
            f"| {_fmt(f.load_average[0], 1) if f.load_average else '—'} |"
        )
    return "\n".join(lines)


_SIZES = re.compile(r"\s*\([^)]*\d[^)]*\)")


def series(figure: Figure) -> str:
    """What a figure measures, without the sizes that may differ between scales (parentheses
    holding a number), so the same measurement at two scales can be matched."""
    measure = _SIZES.sub("", figure.measure).strip()
    return f"{figure.scenario}: {measure}"


def cost(figure: Figure) -> float | None:
    """The figure's cost, the larger the worse: p50 for latencies, seconds per item for
    throughputs."""
    if figure.p50 is not None:
        return figure.p50
    if figure.throughput:
        return 1 / figure.throughput
    return None


@dataclass
class Growth:
    """How the cost of one measurement grows from one scale to a larger one."""

    series: str
    from_scale: str
    to_scale: str
    nodes_factor: float
    cost_factor: float
    exponent: float
    basis: str
    work_factor: float | None = None


def scaling(figures: list[Figure], nodes: dict[str, int]) -> list[Growth]:
    """Growth factors between consecutive scales for every measurement taken at two or more.

    ``exponent`` is log(cost factor) / log(nodes factor): 0 when the cost does not depend on the
    catalog's size, 1 when it grows linearly with it. For throughput figures the cost is per item
    and ``work_factor`` is how many more items (decisions, nodes...) the larger scale had, so the
    total time grows by ``cost_factor * work_factor``.
    """
    by_series: dict[str, dict[str, Figure]] = {}
    for f in figures:
        if f.scale in nodes and cost(f) is not None:
            by_series.setdefault(series(f), {})[f.scale] = f
    out = []
    ordered = sorted(nodes, key=nodes.__getitem__)
    for name, at in by_series.items():
        present = [s for s in ordered if s in at]
        for small, large in itertools.pairwise(present):
            a, b = cost(at[small]), cost(at[large])
            if not a or not b:
                continue
            nodes_factor = nodes[large] / nodes[small]
            factor = b / a
            work = None
            if at[small].p50 is None:
                count_a = _work(at[small])
                count_b = _work(at[large])
                work = count_b / count_a if count_a and count_b else None
            out.append(
                Growth(
                    series=name,
                    from_scale=small,
                    to_scale=large,
                    nodes_factor=round(nodes_factor, 2),
                    cost_factor=round(factor, 2),
                    exponent=round(math.log(factor) / math.log(nodes_factor), 2) if nodes_factor > 1 else 0.0,
                    basis="p50" if at[small].p50 is not None else "time per item",
                    work_factor=None if work is None else round(work, 2),
                )
            )
    return out


def _work(figure: Figure) -> float | None:
    for key in ("decisions", "rows", "nodes_and_edges", "events"):
        value = figure.notes.get(key)
        if isinstance(value, int | float) and value > 0:
            return float(value)
    return None


def scaling_table(growth: list[Growth]) -> str:
    lines = [
        "| measurement | scales | nodes × | cost × | exponent | basis | work × |",
        "|---|---|---|---|---|---|---|",
    ]
    for g in growth:
        work = "—" if g.work_factor is None else f"{g.work_factor:.2f}"
        lines.append(
            f"| {g.series} | {g.from_scale} → {g.to_scale} | {g.nodes_factor:.2f} | {g.cost_factor:.2f} "
            f"| {g.exponent:.2f} | {g.basis} | {work} |"
        )
    return "\n".join(lines)


def write_report(figures: list[Figure], path: Path, meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"machine": machine(), **meta, "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
