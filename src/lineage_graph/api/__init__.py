"""HTTP surface: the FastAPI app factory, GraphQL schema, REST routes."""

from lineage_graph.api.app import create_app

__all__ = ["create_app"]
