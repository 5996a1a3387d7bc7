"""Benchmarks for lineage-graph: a seeded catalog generator, a harness, scenarios.

Run with ``make bench`` or ``python -m bench --help``. Figures go to stdout and to
``bench/results/latest.json``; targets and the latest figures live in docs/performance.md.
"""
