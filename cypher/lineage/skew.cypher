// Training/serving skew over every current deployment: the feature-set versions its model version
// was trained on (through the features it consumes) and those its serving path reads
// (SERVES_FROM), with their features. lineage/skew_scoped does the same for some deployments.
// Parameters: none.
// Returns: one row per deployment: deployment, environment, modelVersion, inputs [[input, feature
//   name, trained dtype, training version uid]], serving [[version uid, [[feature name, dtype]]]].
MATCH (d:Deployment)-[s:SERVES]->(mv:ModelVersion)
WHERE d.retiredAt IS NULL
  AND s.retiredAt IS NULL
OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
RETURN d.uid AS deployment,
  coalesce(env.name, d.environment) AS environment,
  mv.uid AS modelVersion,
  COLLECT {
    MATCH (mv)-[c:CONSUMES]->(f:Feature)-[:DEFINED_IN]->(v:FeatureSetVersion)
    WHERE c.retiredAt IS NULL
    RETURN [c.input, f.name, coalesce(c.dtype, f.dtype), v.uid] AS input
    ORDER BY input
  } AS inputs,
  COLLECT {
    MATCH (d)-[sf:SERVES_FROM]->(v:FeatureSetVersion)
    WHERE sf.retiredAt IS NULL
    RETURN [v.uid, COLLECT {
      MATCH (g:Feature)-[:DEFINED_IN]->(v)
      RETURN [g.name, g.dtype] AS feature
      ORDER BY feature
    }] AS version
    ORDER BY version
  } AS serving
ORDER BY deployment
