// Create exported edges whose source is an audit event (ABOUT its entity; catalog import).
// Parameters: $rows: [{from, type, to, props}] (from: an :AuditEvent uid, to: an :Entity uid).
// Returns: created (count).
UNWIND $rows AS row
MATCH (a:AuditEvent {uid: row.from})
MATCH (b:Entity {uid: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created
