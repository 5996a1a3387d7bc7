// Training/serving skew for the current deployments of one deployment, model version or model:
// the feature-set versions its model version was trained on (through the features it consumes)
// and those its serving path reads (SERVES_FROM), with their features.
// Parameters: $scope (a deployment, model version or model uid).
// Returns: one row per deployment: deployment, environment, modelVersion, inputs [[input, feature
//   name, trained dtype, training version uid]], serving [[version uid, [[feature name, dtype]]]].
MATCH (x:Entity {uid: $scope})
CALL (x) {
  MATCH (d:Deployment)
  WHERE d = x
  RETURN d
  UNION
  MATCH (d:Deployment)-[:SERVES]->(x)
  RETURN d
  UNION
  MATCH (d:Deployment)-[:SERVES]->(:ModelVersion)-[:VERSION_OF]->(x)
  RETURN d
}
MATCH (d)-[s:SERVES]->(mv:ModelVersion)
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
