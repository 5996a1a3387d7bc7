// Nodes that are neither catalog entities, audit events nor the migration ledger (the audit chain
// head), with the number of edges they touch (an export refuses to drop any).
// Parameters: none.
// Returns: labels, props, degree.
MATCH (n)
WHERE NOT n:Entity
  AND NOT n:AuditEvent
  AND NOT n:SchemaMigration
RETURN labels(n) AS labels, properties(n) AS props, COUNT { (n)--() } AS degree
ORDER BY coalesce(n.id, '')
