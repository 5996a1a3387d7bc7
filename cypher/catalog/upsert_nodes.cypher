// Create or replace catalog nodes, one row per node, keeping createdAt/createdBy/retiredAt of
// existing ones, and their owner (set by setOwner) unless the row names one.
// The node carries :Entity and its kind label (the label is set from row.kind, a Kind value).
// A row may carry the audit event recording its change (already chained by hash): it is
// created in the same pass and linked ABOUT the node just written (no second lookup), and
// the chain head moves to $seq/$head. Rows without events (the bench baseline, writers that
// audit later) write exactly the same node.
// Parameters: $rows: [{uid, kind, props, event?}] (props: every property, JSON fields already
//   encoded; event: {seq, action, entityUid, beforeJson?, afterJson?, prevHash, hash}),
//   $now (datetime), $actor (string), $seq, $head (new chain head; null without events).
// Returns: written (count), appended (events created).
UNWIND $rows AS row
MERGE (n:Entity {uid: row.uid})
ON CREATE
  SET n:$(row.kind), n.createdAt = $now, n.createdBy = $actor
WITH n, row, n.createdAt AS createdAt, n.createdBy AS createdBy, n.retiredAt AS retiredAt, n.owner AS owner
SET n = row.props
SET n.uid = row.uid, n.kind = row.kind, n.createdAt = createdAt, n.createdBy = createdBy,
  n.retiredAt = retiredAt, n.owner = coalesce(row.props.owner, owner), n.updatedAt = $now
FOREACH (event IN CASE WHEN row.event IS NULL THEN [] ELSE [row.event] END |
  CREATE (e:AuditEvent {uid: 'auditevent:global/' + toString(event.seq)})
  SET e += event, e.kind = 'AuditEvent', e.namespace = 'global', e.name = toString(event.seq),
    e.actor = $actor, e.at = $now, e.createdAt = $now, e.createdBy = $actor
  CREATE (e)-[:ABOUT {createdAt: $now}]->(n)
)
WITH count(n) AS written, count(row.event) AS appended
OPTIONAL MATCH (c:AuditChain {id: 'main'})
  WHERE appended > 0
SET c.seq = $seq, c.head = $head
RETURN written, appended
