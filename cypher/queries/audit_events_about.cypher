// The audit events about some entities, oldest first (for history).
// Parameters: $uids: [string].
// Returns: uid (the entity), event (all properties of the event).
UNWIND $uids AS uid
MATCH (e:AuditEvent {entityUid: uid})
RETURN uid, properties(e) AS event
ORDER BY uid, e.seq
