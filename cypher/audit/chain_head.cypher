// The audit chain head: the last event's sequence number and hash.
// Parameters: none.
// Returns: seq, head (no row when nothing was ever audited).
MATCH (c:AuditChain {id: 'main'})
RETURN c.seq AS seq, c.head AS head
