// Input rows for a deployment's promotion, targets and deprecation decisions: what it serves,
// where, on which target and serving path, where it was promoted from, and the environments
// where the same model version runs in other current deployments.
// Parameters: $uids: [Deployment uid].
// Returns: one row: rows, a list of maps (docs/adr/0005-large-answers-as-one-record.md), each with
//   uid, target, environment (name), modelVersion, promotedFrom (environment name or null),
//   servesFrom: [uid], otherEnvironments: [environment name].
UNWIND $uids AS uid
MATCH (d:Deployment {uid: uid})
OPTIONAL MATCH (d)-[:SERVES]->(mv:ModelVersion)
OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
OPTIONAL MATCH (source:Deployment)-[:PROMOTED_TO]->(d)
OPTIONAL MATCH (source)-[:IN_ENV]->(sourceEnv:Environment)
RETURN collect({
  uid: d.uid,
  target: d.target,
  environment: coalesce(env.name, d.environment),
  modelVersion: coalesce(mv.uid, d.modelVersion),
  promotedFrom: sourceEnv.name,
  servesFrom: COLLECT {
      MATCH (d)-[r:SERVES_FROM]->(v:FeatureSetVersion)
      WHERE r.retiredAt IS NULL
      RETURN v.uid
    },
  otherEnvironments: COLLECT {
      MATCH (other:Deployment)-[:SERVES]->(mv)
      WHERE other <> d
        AND other.retiredAt IS NULL
      OPTIONAL MATCH (other)-[:IN_ENV]->(otherEnv:Environment)
      RETURN DISTINCT coalesce(otherEnv.name, other.environment)
    }
}) AS rows
