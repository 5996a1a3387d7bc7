// The environments where model versions run in current deployments (a deploy gate's
// "where is it now").
// Parameters: $uids: [ModelVersion uid].
// Returns: one row: rows, a list of maps (docs/adr/0005-large-answers-as-one-record.md), each with
//   uid, environments: [environment name].
UNWIND $uids AS uid
MATCH (mv:ModelVersion {uid: uid})
RETURN collect({
  uid: mv.uid,
  environments: COLLECT {
      MATCH (d:Deployment)-[:SERVES]->(mv)
      WHERE d.retiredAt IS NULL
      OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
      RETURN DISTINCT coalesce(env.name, d.environment)
    }
}) AS rows
