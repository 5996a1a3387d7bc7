// Nodes that are neither catalog entities, audit events, policy decisions nor the migration
// ledger (the audit chain head), with the edges they touch, so an export can refuse, by name,
// to drop any.
// Parameters: none.
// Returns: labels, props, edges: [{type, outgoing, otherLabels}].
MATCH (n)
WHERE NOT n:Entity
  AND NOT n:AuditEvent
  AND NOT n:PolicyDecision
  AND NOT n:SchemaMigration
RETURN labels(n) AS labels, properties(n) AS props,
  COLLECT {
    MATCH (n)-[r]-(m)
    RETURN DISTINCT {type: type(r), outgoing: startNode(r) = n, otherLabels: labels(m)}
  } AS edges
ORDER BY coalesce(n.uid, n.id, '')
