// Every catalog node (optionally of some kinds), by uid: the search without text.
// Parameters: $kinds ([Kind value] or null for all), $skip, $limit.
// Returns: props (properties of a node), score (always 1.0).
MATCH (n:Entity)
WHERE $kinds IS NULL OR n.kind IN $kinds
RETURN properties(n) AS props, 1.0 AS score
ORDER BY n.uid
SKIP $skip
LIMIT $limit
