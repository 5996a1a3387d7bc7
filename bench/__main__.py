"""``python -m bench``: run the benchmark scenarios against freshly started servers."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from bench.generator import SCALES, generate
from bench.harness import machine, table, write_report
from bench.scenarios import SCENARIOS, Context
from bench.stack import bench_stack

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale", action="append", choices=sorted(SCALES), help="catalog scale(s); default 100k"
    )
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="default: all")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    scales = args.scale or ["100k"]
    names = args.scenario or list(SCENARIOS)
    started = time.monotonic()
    figures = []
    print(f"machine: {machine()}")
    for scale in scales:
        catalog = generate(SCALES[scale], seed=args.seed)
        print(
            f"\n== scale {scale}: {catalog.node_count:,} nodes, {catalog.edge_count:,} edges (seed {args.seed})"
        )
        with bench_stack() as stack:
            context = Context(stack=stack, catalog=catalog, scale=scale, repetitions=args.repetitions)
            for name in names:
                print(f"-- {name}", flush=True)
                for figure in asyncio.run(SCENARIOS[name](context)):
                    print(table([figure]).splitlines()[-1], flush=True)
                    figures.append(figure)
    print("\n" + table(figures))
    write_report(
        figures, args.out, {"seed": args.seed, "scales": scales, "seconds": round(time.monotonic() - started)}
    )
    print(f"\nwrote {args.out} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
