// A page of audit events in chain order, each with its outgoing edges (catalog export).
// Parameters: $after (seq to start after; 0 for the first page), $limit.
// Returns: seq, uid, labels, props, edges: [{type, to, toLabels, props}].
MATCH (n:AuditEvent)
WHERE n.seq > $after
WITH n
ORDER BY n.seq
LIMIT $limit
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.seq AS seq, n.uid AS uid, labels(n) AS labels, properties(n) AS props,
  collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), to: m.uid, toLabels: labels(m), props: properties(r)} END) AS edges
ORDER BY seq
