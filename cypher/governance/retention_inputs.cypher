// Input rows of lineage_graph.retention: data sources and dataset snapshots with their
// classification and window (a snapshot takes its source's), creation and expiry.
// Parameters: $uids: [DataSource or DatasetSnapshot uid].
// Returns: one row: rows, a list of maps (docs/adr/0005-large-answers-as-one-record.md), each with
//   uid, kind, classification, createdAt, retentionDays, expiresAt, retiredAt.
UNWIND $uids AS uid
MATCH (n:Entity {uid: uid})
WHERE n:DataSource OR n:DatasetSnapshot
OPTIONAL MATCH (n)-[:SNAPSHOT_OF]->(source:DataSource)
RETURN collect({
  uid: n.uid,
  kind: n.kind,
  classification: coalesce(n.classification, source.classification),
  createdAt: toString(n.createdAt),
  retentionDays: coalesce(n.retentionDays, source.retentionDays),
  expiresAt: toString(n.expiresAt),
  retiredAt: toString(n.retiredAt)
}) AS rows
