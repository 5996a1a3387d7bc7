"""Developer tools run as modules (``python -m lineage_graph.tools.<name>``)."""
