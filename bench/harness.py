"""Timing, statistics and reporting shared by every scenario.

Warm-up runs are discarded; the repetitions kept are printed with each figure. A scenario's
baseline is measured in the same run, on the same servers, so ratios stay meaningful on a
noisy shared machine even when absolute figures drift.
"""

from __future__ import annotations

import json
import platform
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


def peak_rss_mb(pid: int) -> float | None:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(figures: list[Figure]) -> str:
    header = "| scenario | measure | scale | reps | p50 | p95 | max | throughput | ratio to baseline | target | API peak RSS MB |"
    lines = [header, "|" + "---|" * 11]
    for f in figures:
        tput = f"{f.throughput:,.0f}/s" if f.throughput is not None else "—"
        ratio = f"{f.ratio_to_baseline:.2f}× ({f.baseline})" if f.ratio_to_baseline is not None else "—"
        unit = f" {f.unit}" if f.p50 is not None else ""
        lines.append(
            f"| {f.scenario} | {f.measure} | {f.scale} | {f.repetitions} | {_fmt(f.p50)}{unit} | {_fmt(f.p95)}{unit} "
            f"| {_fmt(f.max)}{unit} | {tput} | {ratio} | {f.target or '—'} | {_fmt(f.api_peak_rss_mb)} |"
        )
    return "\n".join(lines)


def write_report(figures: list[Figure], path: Path, meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"machine": machine(), **meta, "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(document, indent=2) + "\n")
