// Full-text search over the catalog (index entity_search: name, namespace, description, uid).
// Parameters: $query (Lucene syntax, already escaped), $kinds ([Kind value] or null for all),
//   $skip, $limit.
// Returns: props (properties of a matching node), score; best first, then by uid.
CALL db.index.fulltext.queryNodes('entity_search', $query)
YIELD node, score
WHERE $kinds IS NULL OR node.kind IN $kinds
RETURN properties(node) AS props, score
ORDER BY score DESC, node.uid
SKIP $skip
LIMIT $limit
