"""Neo4j access: driver lifecycle, named queries from ``cypher/``, repositories, migrations."""

from lineage_graph.graph.database import Graph
from lineage_graph.graph.queries import QueryLibrary, QueryNotFoundError

__all__ = ["Graph", "QueryLibrary", "QueryNotFoundError"]
