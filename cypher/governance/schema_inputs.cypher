// Input rows of lineage_graph.schema: each feature-set version with its feature set's owner, its
// tags, its features and the data sources each feature derives from (a snapshot stands for its
// source's classification).
// Parameters: $uids: [FeatureSetVersion uid].
// Returns: one row: rows, a list of maps (docs/adr/0005-large-answers-as-one-record.md), each with
//   uid, owner, tags, features: [{uid, name, dtype, description, derivedFrom: [{uid,
//   classification}]}], features by name and derivedFrom by uid (the input documents' order, so
//   services/governance/inputs.py passes them through instead of rebuilding them).
UNWIND $uids AS uid
MATCH (v:FeatureSetVersion {uid: uid})
OPTIONAL MATCH (v)-[:VERSION_OF]->(fs:FeatureSet)
RETURN collect({
  uid: v.uid,
  owner: fs.owner,
  tags: coalesce(v.tags, []),
  features: COLLECT {
      MATCH (f:Feature)-[d:DEFINED_IN]->(v)
      WHERE d.retiredAt IS NULL
      RETURN {
        uid: f.uid,
        name: f.name,
        dtype: f.dtype,
        description: f.description,
        derivedFrom: COLLECT {
          MATCH (f)-[r:DERIVED_FROM]->(s:Entity)
          WHERE r.retiredAt IS NULL
          OPTIONAL MATCH (s)-[:SNAPSHOT_OF]->(source:DataSource)
          RETURN {uid: s.uid, classification: coalesce(s.classification, source.classification)}
            ORDER BY s.uid
        }
      }
        ORDER BY f.name, f.uid
    }
}) AS rows
