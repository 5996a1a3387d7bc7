// The newest version (highest version number) of a feature set or model.
// Parameters: $uid (uid of the FeatureSet or Model).
// Returns: props (properties of the version), or no row when it has no version yet.
MATCH (v:Entity)-[:VERSION_OF]->(:Entity {uid: $uid})
RETURN properties(v) AS props
ORDER BY v.version DESC
LIMIT 1
