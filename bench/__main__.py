"""``python -m bench``: run the benchmark scenarios against freshly started servers.

By default every scenario runs at the 100k scale and the traversal and scan scenarios (`CURVE`)
also at 10k, on servers of their own, for a scaling curve; the figures are printed as they come,
then as one table with the growth factors between scales, and written to
``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from bench.generator import SCALES, generate
from bench.harness import load_average, machine, reset_peak_rss, scaling, scaling_table, table, write_report
from bench.scenarios import CURVE, SCENARIOS, Context
from bench.stack import bench_stack
from lineage_graph import gc_tuning
from lineage_graph.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_SCALES = "10k,100k"
DEFAULT_REPETITIONS = 15


def _scales(args: argparse.Namespace) -> list[str]:
    names = [s.strip() for s in (args.scales or DEFAULT_SCALES).split(",") if s.strip()]
    if args.scale:
        names = args.scale
    unknown = [s for s in names if s not in SCALES]
    if unknown:
        msg = f"unknown scale(s) {unknown}; choose from {sorted(SCALES, key=SCALES.__getitem__)}"
        raise SystemExit(msg)
    return sorted(dict.fromkeys(names), key=SCALES.__getitem__)


def generate_only(scale: str, seed: int) -> int:
    """Generate a catalog without loading it: time and memory of the generator alone."""
    started = time.perf_counter()
    catalog = generate(SCALES[scale], seed=seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    edges = catalog.edge_count
    counted = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"scale {scale}: {catalog.node_count:,} nodes, {edges:,} edges (seed {seed}); generated in "
        f"{generated:.1f} s, edges listed in {counted:.1f} s; peak RSS of this process {peak:,.0f} MB"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    # The scans and loads run in this process: tune its collector as the CLI does its own.
    gc_tuning.tune(Settings().collector_thresholds)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scales",
        help=f"comma-separated catalog scales (default {DEFAULT_SCALES}); the largest runs every "
        f"selected scenario, the smaller ones only {', '.join(CURVE)} (unless --every-scale)",
    )
    parser.add_argument("--scale", action="append", choices=sorted(SCALES), help="one scale (repeatable)")
    parser.add_argument(
        "--every-scale", action="store_true", help="run every selected scenario at every scale"
    )
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS), help="default: all")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--repetitions", type=int, default=DEFAULT_REPETITIONS, help="timed calls per latency figure"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--generate-only", choices=sorted(SCALES), help="only time the generator at a scale")
    args = parser.parse_args(argv)
    if args.generate_only:
        return generate_only(args.generate_only, args.seed)

    scales = _scales(args)
    selected = args.scenario or list(SCENARIOS)
    started = time.monotonic()
    figures = []
    runs: list[dict[str, object]] = []
    nodes: dict[str, int] = {}
    failures = 0
    print(f"machine: {machine()}")
    print(
        f"scales {', '.join(scales)}; scenarios {', '.join(selected)}; {args.repetitions} timed repetitions "
        f"per latency figure after discarded warm-ups; load average {load_average()}",
        flush=True,
    )
    for scale in scales:
        names = (
            selected
            if scale == scales[-1] or args.every_scale
            else [n for n in selected if n in CURVE or n == "raw_load"]
        )
        if not names:
            continue
        generated = time.perf_counter()
        catalog = generate(SCALES[scale], seed=args.seed)
        nodes[scale] = catalog.node_count
        print(
            f"\n== scale {scale}: {catalog.node_count:,} nodes, {catalog.edge_count:,} edges (seed {args.seed}, "
            f"generated in {time.perf_counter() - generated:.1f} s)",
            flush=True,
        )
        with bench_stack() as stack:
            context = Context(stack=stack, catalog=catalog, scale=scale, repetitions=args.repetitions)
            for name in names:
                print(f"-- {name} (load average {load_average()})", flush=True)
                reset_peak_rss(stack.api_pid)
                reset_peak_rss(stack.opa_pid)
                load_before = load_average()
                began = time.monotonic()
                try:
                    measured = asyncio.run(SCENARIOS[name](context))
                except Exception as exc:
                    failures += 1
                    traceback.print_exc()
                    runs.append({"scale": scale, "scenario": name, "error": f"{type(exc).__name__}: {exc}"})
                    if name == "raw_load":
                        print(f"   the catalog did not load: skipping the rest of scale {scale}", flush=True)
                        break
                    continue
                load_after = load_average()
                seconds = round(time.monotonic() - began, 1)
                for figure in measured:
                    figure.load_average = figure.load_average or load_after
                    print(table([figure]).splitlines()[-1], flush=True)
                    figures.append(figure)
                runs.append(
                    {
                        "scale": scale,
                        "scenario": name,
                        "seconds": seconds,
                        "load_average_before": load_before,
                        "load_average_after": load_after,
                    }
                )
                print(f"   {seconds:.0f} s", flush=True)
    growth = scaling(figures, nodes)
    print("\n" + table(figures))
    if growth:
        print("\nScaling (cost at the larger scale ÷ cost at the smaller; exponent 1 = linear in nodes):")
        print(scaling_table(growth))
    elapsed = round(time.monotonic() - started)
    write_report(
        figures,
        args.out,
        {
            "seed": args.seed,
            "scales": scales,
            "nodes": nodes,
            "repetitions": args.repetitions,
            "command": " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])]),
            "seconds": elapsed,
            "load_average_end": load_average(),
            "cpus": os.cpu_count(),
            "runs": runs,
            "scaling": [asdict(g) for g in growth],
        },
    )
    print(f"\nwrote {args.out} in {elapsed} s ({elapsed / 60:.1f} min); {failures} scenario(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
