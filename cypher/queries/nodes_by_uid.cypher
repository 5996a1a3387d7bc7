// Catalog nodes by uid (the node-by-uid DataLoader: one round trip per batch).
// Parameters: $uids: [string].
// Returns: uid, props (all properties of the node); absent uids return no row.
UNWIND $uids AS uid
MATCH (n:Entity {uid: uid})
RETURN uid, properties(n) AS props
