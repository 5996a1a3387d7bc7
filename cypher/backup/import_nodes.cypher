// Create exported nodes with their labels and properties, as they were (catalog import).
// Parameters: $rows: [{labels: [string], props}].
// Returns: created (count).
UNWIND $rows AS row
CREATE (n)
SET n = row.props
SET n:$(row.labels)
RETURN count(n) AS created
