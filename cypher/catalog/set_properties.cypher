// Change some properties of existing nodes (status, sunsetAt, owner, retiredAt, ...).
// A null value removes the property.
// Parameters: $rows: [{uid, props}], $now (datetime).
// Returns: changed (count).
UNWIND $rows AS row
MATCH (n:Entity {uid: row.uid})
SET n += row.props
SET n.updatedAt = $now
RETURN count(n) AS changed
