// Record one applied schema migration.
// Parameters: $version (int), $description, $checksum (sha256 hex).
// Returns: version.
MERGE (m:SchemaMigration {version: $version})
ON CREATE SET m.description = $description, m.checksum = $checksum, m.appliedAt = datetime()
RETURN m.version AS version
