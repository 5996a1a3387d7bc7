// Benchmark baseline: write typed edges between existing catalog nodes.
// Parameters: $type (relationship type), $rows: [{from, to}].
// Returns: count.
UNWIND $rows AS row
MATCH (a:Entity {uid: row.from})
MATCH (b:Entity {uid: row.to})
MERGE (a)-[r:$($type)]->(b)
ON CREATE SET r.createdAt = datetime()
RETURN count(r) AS count
