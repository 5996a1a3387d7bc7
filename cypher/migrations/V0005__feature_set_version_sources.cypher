// V0005: a feature-set version is DERIVED_FROM every data source or snapshot it was computed
// from: the `sources` stored on it and every source its features are DERIVED_FROM (what
// `publish` writes since docs/adr/0008-feature-set-versions-in-lineage.md), so a downstream walk
// from a source reaches the versions computed from it. Idempotent (MERGE); an edge created here
// takes the version's publication time, so walks `asOf` an earlier instant are unchanged.
MATCH (v:FeatureSetVersion)
WHERE v.sources IS NOT NULL
CALL (v) {
  UNWIND v.sources AS sourceUid
  MATCH (s:Entity {uid: sourceUid})
  WHERE s:DataSource OR s:DatasetSnapshot
  MERGE (v)-[r:DERIVED_FROM]->(s)
  ON CREATE
    SET r.createdAt = coalesce(v.createdAt, datetime())
} IN TRANSACTIONS OF 1000 ROWS;
MATCH (v:FeatureSetVersion)
CALL (v) {
  MATCH (v)<-[:DEFINED_IN]-(:Feature)-[d:DERIVED_FROM]->(s:Entity)
  WHERE (s:DataSource OR s:DatasetSnapshot)
    AND d.retiredAt IS NULL
  WITH s, min(d.createdAt) AS derivedAt
  MERGE (v)-[r:DERIVED_FROM]->(s)
  ON CREATE
    SET r.createdAt = coalesce(v.createdAt, derivedAt, datetime())
} IN TRANSACTIONS OF 1000 ROWS
