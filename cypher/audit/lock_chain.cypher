// Take the write lock on the audit chain head (created on first use) and read it.
// Every catalog write transaction runs this first, so writers are serialised: checks that
// read the graph (latest version, immutability) see every earlier committed write.
// Parameters: none.
// Returns: seq (last event number, 0 if none), head (hash of the last event, '' if none).
MERGE (c:AuditChain {id: 'main'})
ON CREATE
  SET c.seq = 0, c.head = ''
SET c._lock = true
REMOVE c._lock
RETURN c.seq AS seq, c.head AS head
