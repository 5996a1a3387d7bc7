// Question: Which features of published feature-set versions has no model version ever consumed
//   and no training run ever used?
// Returns: feature, featureSetVersion, status, dtype
MATCH (f:Feature)-[:DEFINED_IN]->(v:FeatureSetVersion)
WHERE f.retiredAt IS NULL
  AND v.retiredAt IS NULL
  AND NOT EXISTS { (:ModelVersion)-[:CONSUMES]->(f) }
  AND NOT EXISTS { (:TrainingRun)-[:USES]->(f) }
RETURN f.uid AS feature,
  v.uid AS featureSetVersion,
  v.status AS status,
  f.dtype AS dtype
ORDER BY feature
