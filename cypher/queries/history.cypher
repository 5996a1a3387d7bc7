// The history of a feature set or model as it stood at a time: the entity, then its versions
// created at or before $asOf (newest first); for each, the audit events about it up to $asOf
// (oldest first) and the changes made to it after $asOf (newest first, so the caller can wind its
// mutable fields back: status, sunsetAt, replacedBy, owner, retiredAt).
// Parameters: $uid (a FeatureSet or Model uid), $asOf (datetime; null: now, nothing later).
// Returns: uid, props, events: [event properties], later: [{beforeJson, afterJson}];
//   no row when the entity does not exist.
MATCH (entity:Entity {uid: $uid})
CALL (entity) {
  RETURN entity AS n, 0 AS position, null AS version
  UNION
  MATCH (v:Entity)-[:VERSION_OF]->(entity)
  WHERE $asOf IS NULL OR v.createdAt <= $asOf
  RETURN v AS n, 1 AS position, v.version AS version
}
RETURN n.uid AS uid, properties(n) AS props,
  COLLECT {
    MATCH (e:AuditEvent {entityUid: n.uid})
    WHERE $asOf IS NULL OR e.at <= $asOf
    RETURN properties(e) AS event
    ORDER BY e.seq
  } AS events,
  COLLECT {
    MATCH (e:AuditEvent {entityUid: n.uid})
    WHERE e.at > $asOf
    RETURN {beforeJson: e.beforeJson, afterJson: e.afterJson} AS change
    ORDER BY e.seq DESC
  } AS later
ORDER BY position, version DESC
