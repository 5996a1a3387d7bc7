// Current (not retired) outgoing edges of some nodes, by type, inside a write transaction.
// Parameters: $uids: [string], $types: [string].
// Returns: from, type, to, props (edge properties).
UNWIND $uids AS uid
MATCH (a:Entity {uid: uid})-[r]->(b:Entity)
WHERE type(r) IN $types
  AND r.retiredAt IS NULL
RETURN uid AS from, type(r) AS type, b.uid AS to, properties(r) AS props
