// Current (not retired) incoming edges of some nodes, by type, inside a write transaction.
// Parameters: $uids: [string], $types: [string].
// Returns: to, type, from, props (edge properties), fromProps (properties of the source node).
UNWIND $uids AS uid
MATCH (b:Entity {uid: uid})<-[r]-(a)
WHERE type(r) IN $types
  AND r.retiredAt IS NULL
RETURN uid AS to, type(r) AS type, a.uid AS from, properties(r) AS props, properties(a) AS fromProps
