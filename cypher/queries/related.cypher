// Current neighbours of nodes along one edge type and direction (the related DataLoader).
// Parameters: $keys: [{uid, type, direction: 'OUT' | 'IN'}].
// Returns: uid, type, direction (echo of the key), props (neighbour), edge (edge properties).
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
RETURN key.uid AS uid, key.type AS type, key.direction AS direction, properties(m) AS props,
  properties(r) AS edge
ORDER BY m.uid
