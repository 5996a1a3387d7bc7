// Question: Which current deployments serve a feature set from other versions than the ones
//   their model version was trained on (training/serving skew), and which model inputs does the
//   serving path no longer provide with their trained dtype?
// Returns: deployment, environment, modelVersion, featureSet, training, serving, incompatibleInputs
MATCH (d:Deployment)-[s:SERVES]->(mv:ModelVersion)
WHERE d.retiredAt IS NULL
  AND s.retiredAt IS NULL
MATCH (mv)-[c:CONSUMES]->(:Feature)-[:DEFINED_IN]->(:FeatureSetVersion)-[:VERSION_OF]->(fs:FeatureSet)
WHERE c.retiredAt IS NULL
WITH DISTINCT d, mv, fs
WITH d, mv, fs,
  COLLECT {
    MATCH (mv)-[c:CONSUMES]->(:Feature)-[:DEFINED_IN]->(v:FeatureSetVersion)-[:VERSION_OF]->(fs)
    WHERE c.retiredAt IS NULL
    RETURN DISTINCT v.uid AS uid
    ORDER BY uid
  } AS training,
  COLLECT {
    MATCH (d)-[sf:SERVES_FROM]->(v:FeatureSetVersion)-[:VERSION_OF]->(fs)
    WHERE sf.retiredAt IS NULL
    RETURN v.uid AS uid
    ORDER BY uid
  } AS serving
WHERE training <> serving
OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
RETURN d.uid AS deployment,
  env.name AS environment,
  mv.uid AS modelVersion,
  fs.uid AS featureSet,
  training,
  serving,
  COLLECT {
    MATCH (mv)-[c:CONSUMES]->(f:Feature)-[:DEFINED_IN]->(:FeatureSetVersion)-[:VERSION_OF]->(fs)
    WHERE c.retiredAt IS NULL
      AND NOT EXISTS {
        MATCH (d)-[sf:SERVES_FROM]->(served:FeatureSetVersion)-[:VERSION_OF]->(fs),
          (g:Feature)-[:DEFINED_IN]->(served)
        WHERE sf.retiredAt IS NULL
          AND g.name = f.name
          AND g.dtype = coalesce(c.dtype, f.dtype)
      }
    RETURN c.input AS input
    ORDER BY input
  } AS incompatibleInputs
ORDER BY deployment, featureSet
