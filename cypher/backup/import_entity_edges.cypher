// Create exported edges whose source is a catalog node (catalog import).
// Parameters: $rows: [{from, type, to, props}] (both ends :Entity uids).
// Returns: created (count).
UNWIND $rows AS row
MATCH (a:Entity {uid: row.from})
MATCH (b:Entity {uid: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created
