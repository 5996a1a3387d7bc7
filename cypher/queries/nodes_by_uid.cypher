// Catalog nodes by uid (the node-by-uid DataLoader: one round trip per batch).
// Parameters: $uids: [string].
// Returns: one row: rows [{uid, props (all properties of the node)}]; absent uids have no entry
//   (one record: docs/adr/0005-large-answers-as-one-record.md).
UNWIND $uids AS uid
MATCH (n:Entity {uid: uid})
RETURN collect({uid: uid, props: properties(n)}) AS rows
