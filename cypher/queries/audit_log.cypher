// Audit events, newest first, optionally only those about one entity.
// Parameters: $uid (entity uid or null for all), $before (seq to start before, or null), $limit.
// Returns: event (all properties of the event).
MATCH (e:AuditEvent)
WHERE ($uid IS NULL OR e.entityUid = $uid)
  AND ($before IS NULL OR e.seq < $before)
RETURN properties(e) AS event
ORDER BY e.seq DESC
LIMIT $limit
