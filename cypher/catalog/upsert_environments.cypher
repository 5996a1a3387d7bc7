// Create or update deployment environments (dev → staging → prod order).
// Parameters: $rows: [{uid, namespace, name, order, approvedTargets, description}], $now, $actor.
// Returns: count (environments written).
UNWIND $rows AS row
MERGE (e:Environment:Entity {uid: row.uid})
ON CREATE
  SET e.createdAt = $now, e.createdBy = $actor
SET e.kind = 'Environment',
  e.namespace = row.namespace,
  e.name = row.name,
  e.order = row.order,
  e.approvedTargets = row.approvedTargets,
  e.description = row.description,
  e.tags = []
RETURN count(e) AS count
