// How many catalog nodes and relationships there are (demo load checks, smoke tests).
// Parameters: none.
// Returns: nodes, edges (edges between catalog nodes).
MATCH (n:Entity)
WITH count(n) AS nodes
OPTIONAL MATCH (:Entity)-[r]->(:Entity)
RETURN nodes, count(r) AS edges
