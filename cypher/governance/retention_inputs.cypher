// Input rows of lineage_graph.retention: data sources and dataset snapshots with their
// classification and window (a snapshot takes its source's), creation and expiry.
// Parameters: $uids: [DataSource or DatasetSnapshot uid].
// Returns: uid, kind, classification, createdAt, retentionDays, expiresAt, retiredAt.
UNWIND $uids AS uid
MATCH (n:Entity {uid: uid})
WHERE n:DataSource OR n:DatasetSnapshot
OPTIONAL MATCH (n)-[:SNAPSHOT_OF]->(source:DataSource)
RETURN n.uid AS uid,
  n.kind AS kind,
  coalesce(n.classification, source.classification) AS classification,
  n.createdAt AS createdAt,
  coalesce(n.retentionDays, source.retentionDays) AS retentionDays,
  n.expiresAt AS expiresAt,
  n.retiredAt AS retiredAt
