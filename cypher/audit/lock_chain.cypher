// Take the write lock on the audit chain head (created on first use), read it, and read the
// catalog nodes the transaction is about to check ($uids, possibly none), all in one round trip.
// Every catalog write transaction runs this first, so writers are serialised: checks that
// read the graph (latest version, immutability) see every earlier committed write. The nodes
// are read after the lock is taken (the subquery runs for the locked chain row).
// Parameters: $uids: [string].
// Returns: seq (last event number, 0 if none), head (hash of the last event, '' if none),
//   nodes: [{uid, props}] (the existing nodes among $uids).
MERGE (c:AuditChain {id: 'main'})
ON CREATE
  SET c.seq = 0, c.head = ''
SET c._lock = true
REMOVE c._lock
WITH c
CALL (c) {
  UNWIND $uids AS uid
  MATCH (n:Entity {uid: uid})
  RETURN collect({uid: uid, props: properties(n)}) AS nodes
}
RETURN c.seq AS seq, c.head AS head, nodes
