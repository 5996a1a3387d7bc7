// The versions of feature sets or models, newest first (the versions DataLoader).
// Parameters: $uids: [string] (FeatureSet or Model uids).
// Returns: one row: rows [{uid (of the logical entity), props (properties of one version)}], by
//   uid then newest version first (one record: docs/adr/0005-large-answers-as-one-record.md).
UNWIND $uids AS uid
MATCH (v:Entity)-[:VERSION_OF]->(:Entity {uid: uid})
WITH uid, v
ORDER BY uid, v.version DESC
RETURN collect({uid: uid, props: properties(v)}) AS rows
