// Current neighbours of nodes along one edge type and direction (the related DataLoader).
// Parameters: $keys: [{uid, type, direction: 'OUT' | 'IN'}].
// Returns: one row: rows [{uid, type, direction (echo of the key), props (neighbour), edge (edge
//   properties)}] by neighbour uid (one record: docs/adr/0005-large-answers-as-one-record.md).
UNWIND $keys AS key
MATCH (n:Entity {uid: key.uid})
CALL (n, key) {
  MATCH (n)-[r]->(m:Entity)
  WHERE key.direction = 'OUT'
    AND type(r) = key.type
    AND r.retiredAt IS NULL
  RETURN m, r
  UNION
  MATCH (n)<-[r]-(m:Entity)
  WHERE key.direction = 'IN'
    AND type(r) = key.type
    AND r.retiredAt IS NULL
  RETURN m, r
}
WITH key, m, r
ORDER BY m.uid
RETURN collect({uid: key.uid, type: key.type, direction: key.direction, props: properties(m), edge: properties(r)}) AS rows
