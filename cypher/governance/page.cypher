// One page of the entities a compliance scan judges: current (not retired) entities of some
// kinds, in uid order, optionally within one namespace and below a uid prefix.
// Parameters: $kinds: [Kind value], $after (uid to start after; '' for the first page), $limit,
//   $namespace (string or null for every namespace), $prefix (uid prefix; '' for all).
// Returns: uid.
MATCH (n:Entity)
WHERE n.uid > $after
  AND n.kind IN $kinds
  AND n.retiredAt IS NULL
  AND ($namespace IS NULL OR n.namespace = $namespace)
  AND n.uid STARTS WITH $prefix
RETURN n.uid AS uid
ORDER BY n.uid
LIMIT $limit
