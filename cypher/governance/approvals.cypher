// One page of approved entities with their current approvals (an authz compliance scan checks
// that each approver holds the approve role in the entity's namespace).
// Parameters: $after (uid to start after; '' for the first page), $limit, $namespace (or null),
//   $prefix (uid prefix; '' for all).
// Returns: one row: rows [{uid, kind, namespace, approvals: [{principal, at}]}], in uid order.
MATCH (s:Entity)<-[r:APPROVED]-(a)
WHERE s.uid > $after
  AND r.retiredAt IS NULL
  AND ($namespace IS NULL OR s.namespace = $namespace)
  AND s.uid STARTS WITH $prefix
WITH s, collect({principal: coalesce(r.reviewer, a.name), at: toString(r.createdAt)}) AS approvals
WITH s.uid AS uid, s.kind AS kind, s.namespace AS namespace, approvals
ORDER BY uid
LIMIT $limit
RETURN collect({uid: uid, kind: kind, namespace: namespace, approvals: approvals}) AS rows
