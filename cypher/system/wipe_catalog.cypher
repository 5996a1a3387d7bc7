// Delete every catalog node and relationship, keeping the migration ledger (tests and `demo load --reset`).
// Parameters: none. Returns: deleted (count).
MATCH (n)
WHERE NOT n:SchemaMigration
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
RETURN count(*) AS deleted
