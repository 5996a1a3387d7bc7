// Audit events in chain order, from a sequence number on (for `lineage-graph audit verify`).
// Parameters: $after (seq to start after), $limit.
// Returns: event (all properties of the event).
MATCH (e:AuditEvent)
WHERE e.seq > $after
RETURN properties(e) AS event
ORDER BY e.seq
LIMIT $limit
