// How many nodes and edges a catalog export must hold (the migration ledger excluded).
// Parameters: none.
// Returns: nodes, edges.
CALL () {
  MATCH (n)
  WHERE NOT n:SchemaMigration
  RETURN count(n) AS nodes
}
CALL () {
  MATCH (a)-[r]->()
  WHERE NOT a:SchemaMigration
  RETURN count(r) AS edges
}
RETURN nodes, edges
