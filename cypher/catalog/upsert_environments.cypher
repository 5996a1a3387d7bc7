// Create or update deployment environments (dev → staging → prod order).
// Parameters: $rows: [{uid, namespace, name, order, approvedTargets, description}].
// Returns: count (environments written).
UNWIND $rows AS row
MERGE (e:Environment:Entity {uid: row.uid})
ON CREATE SET e.createdAt = datetime(), e.kind = 'Environment'
SET e.namespace = row.namespace,
  e.name = row.name,
  e.order = row.order,
  e.approvedTargets = row.approvedTargets,
  e.description = row.description
RETURN count(e) AS count
