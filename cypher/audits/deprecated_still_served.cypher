// Question: Which deprecated feature-set versions do current deployments still serve features
//   from, and is each before or past its sunset?
// :param asOf => datetime()
//   The instant sunsets are judged at.
// Returns: featureSetVersion, phase, sunsetAt, replacedBy, deployment, environment
//   phase is PAST_SUNSET (sunsetAt <= asOf), BEFORE_SUNSET or NO_SUNSET.
MATCH (d:Deployment)-[sf:SERVES_FROM]->(v:FeatureSetVersion {status: 'DEPRECATED'})
WHERE d.retiredAt IS NULL
  AND sf.retiredAt IS NULL
OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
WITH v, d, env,
  CASE
    WHEN v.sunsetAt IS NULL THEN 'NO_SUNSET'
    WHEN v.sunsetAt <= $asOf THEN 'PAST_SUNSET'
    ELSE 'BEFORE_SUNSET'
  END AS phase
RETURN v.uid AS featureSetVersion,
  phase,
  v.sunsetAt AS sunsetAt,
  v.replacedBy AS replacedBy,
  d.uid AS deployment,
  env.name AS environment
ORDER BY phase DESC, featureSetVersion, deployment
