// Whether the database holds no catalog data (only the migration ledger, if anything).
// Parameters: none.
// Returns: empty (boolean).
OPTIONAL MATCH (n)
WHERE NOT n:SchemaMigration
WITH n
LIMIT 1
RETURN n IS NULL AS empty
