// Question: What is the full version history of a feature set or a model: every version with
//   its status, contract and bump, sunset and replacement, and the changes recorded about it?
// :param uid => 'featureset:fraud/txn_velocity'
//   The feature set's or model's uid (without @version).
// Returns: version, uid, status, contract, bump, supersedes, sunsetAt, replacedBy, createdAt, createdBy, changes
//   changes lists "action by actor" of the version's audit events, oldest first.
MATCH (v:Entity)-[:VERSION_OF]->(:Entity {uid: $uid})
OPTIONAL MATCH (v)-[:SUPERSEDES]->(previous:Entity)
RETURN v.version AS version,
  v.uid AS uid,
  v.status AS status,
  v.contract AS contract,
  v.bump AS bump,
  previous.uid AS supersedes,
  v.sunsetAt AS sunsetAt,
  v.replacedBy AS replacedBy,
  v.createdAt AS createdAt,
  v.createdBy AS createdBy,
  COLLECT {
    MATCH (event:AuditEvent {entityUid: v.uid})
    RETURN event.action + ' by ' + event.actor AS change
    ORDER BY event.seq
  } AS changes
ORDER BY version
