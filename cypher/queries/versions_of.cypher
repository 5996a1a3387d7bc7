// The versions of feature sets or models, newest first (the versions DataLoader).
// Parameters: $uids: [string] (FeatureSet or Model uids).
// Returns: uid (of the logical entity), props (properties of one version), in version order.
UNWIND $uids AS uid
MATCH (v:Entity)-[:VERSION_OF]->(:Entity {uid: uid})
RETURN uid, properties(v) AS props
ORDER BY uid, v.version DESC
