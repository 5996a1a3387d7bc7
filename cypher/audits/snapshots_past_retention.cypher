// Question: Which dataset snapshots, not retired, are past their retention window? A snapshot
//   expires at the earliest of its own expiresAt and createdAt plus the shorter of its
//   classification's window and its (or its source's) retentionDays, as the retention policy says.
// :param asOf => datetime()
//   The instant retention is judged at.
// :param windows => {PUBLIC: 3650, INTERNAL: 1095, CONFIDENTIAL: 365, PII: 90}
//   The most days each classification may be kept (policies/lineage_graph/config/data.json).
// Returns: snapshot, source, classification, createdAt, expiresAt, daysOverdue
MATCH (snap:DatasetSnapshot)-[:SNAPSHOT_OF]->(src:DataSource)
WHERE snap.retiredAt IS NULL
WITH snap, src, coalesce(snap.classification, src.classification) AS classification
WITH snap, src, classification,
  [days IN [$windows[classification], coalesce(snap.retentionDays, src.retentionDays)] WHERE days IS NOT NULL] AS windows
WITH snap, src, classification,
  [end IN [
    CASE WHEN size(windows) > 0
      THEN snap.createdAt + duration({days: reduce(least = windows[0], days IN windows | CASE WHEN days < least THEN days ELSE least END)})
    END,
    snap.expiresAt
  ] WHERE end IS NOT NULL] AS ends
WITH snap, src, classification, reduce(earliest = ends[0], end IN ends | CASE WHEN end < earliest THEN end ELSE earliest END) AS expiresAt
WHERE expiresAt <= $asOf
RETURN snap.uid AS snapshot,
  src.uid AS source,
  classification,
  snap.createdAt AS createdAt,
  expiresAt,
  duration.inDays(expiresAt, $asOf).days AS daysOverdue
ORDER BY snapshot
