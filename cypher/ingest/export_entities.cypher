// A page of catalog nodes (:Entity) in uid order, each with its outgoing edges (catalog export).
// Parameters: $after (uid to start after; '' for the first page), $limit.
// Returns: uid, labels, props, edges: [{type, to, toLabels, props}].
MATCH (n:Entity)
WHERE n.uid > $after
WITH n
ORDER BY n.uid
LIMIT $limit
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.uid AS uid, labels(n) AS labels, properties(n) AS props,
  collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), to: m.uid, toLabels: labels(m), props: properties(r)} END) AS edges
ORDER BY uid
