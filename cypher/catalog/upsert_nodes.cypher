// Create or replace catalog nodes, one row per node, keeping createdAt/createdBy/retiredAt of
// existing ones, and their owner (set by setOwner) unless the row names one.
// The node carries :Entity and its kind label (the label is set from row.kind, a Kind value).
// Parameters: $rows: [{uid, kind, props}] (props: every property, JSON fields already encoded),
//   $now (datetime), $actor (string).
// Returns: written (count).
UNWIND $rows AS row
MERGE (n:Entity {uid: row.uid})
ON CREATE
  SET n:$(row.kind), n.createdAt = $now, n.createdBy = $actor
WITH n, row, n.createdAt AS createdAt, n.createdBy AS createdBy, n.retiredAt AS retiredAt, n.owner AS owner
SET n = row.props
SET n.uid = row.uid, n.kind = row.kind, n.createdAt = createdAt, n.createdBy = createdBy,
  n.retiredAt = retiredAt, n.owner = coalesce(row.props.owner, owner), n.updatedAt = $now
RETURN count(n) AS written
