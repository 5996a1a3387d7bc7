// Retire (set retiredAt on) outgoing edges of a type whose target is not in a keep list;
// lineage as of a time is a filter on createdAt/retiredAt, never a deletion.
// Parameters: $rows: [{from, type, keep: [uid]}], $now (datetime).
// Returns: retired (count).
UNWIND $rows AS row
MATCH (a:Entity {uid: row.from})-[r]->(b:Entity)
WHERE type(r) = row.type
  AND r.retiredAt IS NULL
  AND NOT b.uid IN row.keep
SET r.retiredAt = $now
RETURN count(r) AS retired
