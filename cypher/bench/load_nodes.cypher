// Benchmark baseline: write catalog nodes with raw batched Cypher (no service layer).
// Parameters: $label (node label), $rows: [{uid, namespace, name, props}].
// Returns: count.
UNWIND $rows AS row
MERGE (n:Entity {uid: row.uid})
ON CREATE SET n.createdAt = datetime(), n.createdBy = 'bench'
SET n:$($label),
  n.kind = $label,
  n.namespace = row.namespace,
  n.name = row.name,
  n += row.props
RETURN count(n) AS count
