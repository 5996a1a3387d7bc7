// Catalog nodes by uid, inside a write transaction (consistent with the writes that follow).
// Parameters: $uids: [string].
// Returns: uid, props (all properties of the node); absent uids return no row.
UNWIND $uids AS uid
MATCH (n:Entity {uid: uid})
RETURN uid, properties(n) AS props
