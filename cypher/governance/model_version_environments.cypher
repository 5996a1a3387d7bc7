// The environments where model versions run in current deployments (a deploy gate's
// "where is it now").
// Parameters: $uids: [ModelVersion uid].
// Returns: uid, environments: [environment name].
UNWIND $uids AS uid
MATCH (mv:ModelVersion {uid: uid})
RETURN mv.uid AS uid,
  COLLECT {
    MATCH (d:Deployment)-[:SERVES]->(mv)
    WHERE d.retiredAt IS NULL
    OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
    RETURN DISTINCT coalesce(env.name, d.environment)
  } AS environments
