"""The ``lineage-graph`` command line."""
