"""The strawberry GraphQL schema, one module per family of types."""

from lineage_graph.api.graphql.schema import schema

__all__ = ["schema"]
