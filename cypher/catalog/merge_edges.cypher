// Create typed edges between existing catalog nodes (idempotent: an existing edge is kept and
// its retiredAt cleared). Edge types are the DOMAIN.md relationship types.
// Parameters: $rows: [{from, to, type, props}] (props may be {}), $now (datetime).
// Returns: created (count of edges created or re-activated by this call).
UNWIND $rows AS row
MATCH (a:Entity {uid: row.from})
MATCH (b:Entity {uid: row.to})
MERGE (a)-[r:$(row.type)]->(b)
ON CREATE
  SET r.createdAt = $now
SET r += row.props
SET r.retiredAt = null
RETURN count(r) AS created
