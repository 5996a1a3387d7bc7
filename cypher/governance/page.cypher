// One page of the entities a compliance scan judges: current (not retired) entities of some
// kinds, in uid order, optionally within one namespace and below a uid prefix. The kind index
// finds the candidates (a few kinds out of the whole catalog), then they are sorted by uid.
// Parameters: $kinds: [Kind value], $after (uid to start after; '' for the first page), $limit,
//   $namespace (string or null for every namespace), $prefix (uid prefix; '' for all).
// Returns: one row: uids, in uid order (one record: far cheaper to decode than a row per uid).
MATCH (n:Entity)
USING INDEX n:Entity(kind)
WHERE n.kind IN $kinds
  AND n.uid > $after
  AND n.retiredAt IS NULL
  AND ($namespace IS NULL OR n.namespace = $namespace)
  AND n.uid STARTS WITH $prefix
WITH n.uid AS uid
ORDER BY uid
LIMIT $limit
RETURN collect(uid) AS uids
