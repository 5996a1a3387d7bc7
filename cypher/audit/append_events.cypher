// Append audit events (already chained by hash) and move the chain head to the last one.
// Each event is linked ABOUT the entity it records a change of; its uid is auditevent:global/<seq>.
// Parameters: $rows: [{seq, action, entityUid, beforeJson, afterJson, prevHash, hash}],
//   $actor, $at (datetime, the transaction's time), $seq (new head seq), $head (new head hash).
// Returns: appended (count).
UNWIND $rows AS row
MATCH (target:Entity {uid: row.entityUid})
CREATE (e:AuditEvent {uid: 'auditevent:global/' + toString(row.seq)})
SET e += row, e.kind = 'AuditEvent', e.namespace = 'global', e.name = toString(row.seq),
  e.actor = $actor, e.at = $at, e.createdAt = $at, e.createdBy = $actor
CREATE (e)-[:ABOUT {createdAt: $at}]->(target)
WITH count(e) AS appended
MATCH (c:AuditChain {id: 'main'})
SET c.seq = $seq, c.head = $head
RETURN appended
