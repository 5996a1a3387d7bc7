// A page of recorded policy decisions (:PolicyDecision) in uid order, each with its outgoing
// edges (ABOUT the entity it judged, when that entity existed; catalog export).
// Parameters: $after (uid to start after; '' for the first page), $limit.
// Returns: uid, labels, props, edges: [{type, to, toLabels, props}].
MATCH (n:PolicyDecision)
WHERE n.uid > $after
WITH n
ORDER BY n.uid
LIMIT $limit
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.uid AS uid, labels(n) AS labels, properties(n) AS props,
  collect(CASE WHEN r IS NULL THEN null ELSE {type: type(r), to: m.uid, toLabels: labels(m), props: properties(r)} END) AS edges
ORDER BY uid
