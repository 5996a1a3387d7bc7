// Question: Which feature sets and models (the artifacts that carry an owner) have no current
//   owner?
// Returns: artifact, kind, versions, createdBy, createdAt
MATCH (n:FeatureSet|Model)
WHERE n.retiredAt IS NULL
  AND NOT EXISTS { (n)-[o:OWNED_BY]->() WHERE o.retiredAt IS NULL }
RETURN n.uid AS artifact,
  n.kind AS kind,
  COUNT { (:Entity)-[:VERSION_OF]->(n) } AS versions,
  n.createdBy AS createdBy,
  n.createdAt AS createdAt
ORDER BY artifact
