// The schema migrations already applied, oldest first.
// Parameters: none.
// Returns: version, description, checksum, appliedAt.
MATCH (m:SchemaMigration)
RETURN m.version AS version, m.description AS description, m.checksum AS checksum, m.appliedAt AS appliedAt
ORDER BY m.version
