// Create exported edges whose source is a recorded policy decision (ABOUT its entity; catalog import).
// Parameters: $rows: [{from, type, to, props}] (from: a :PolicyDecision uid, to: an :Entity uid).
// Returns: created (count).
UNWIND $rows AS row
MATCH (a:PolicyDecision {uid: row.from})
MATCH (b:Entity {uid: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created
