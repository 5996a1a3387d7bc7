"""lineage-graph: lineage and governance for ML feature stores and model registries."""

__version__ = "0.1.0"
