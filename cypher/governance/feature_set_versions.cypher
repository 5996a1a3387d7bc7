// Feature-set versions as deprecation, promotion and targets decisions see them: lifecycle,
// replacement, serving store, and the features they define (for serving compatibility).
// Parameters: $uids: [FeatureSetVersion uid].
// Returns: one row: rows, a list of maps (docs/adr/0005-large-answers-as-one-record.md), each with
//   uid, status, sunsetAt, replacement, store, features: [{name, dtype}].
UNWIND $uids AS uid
MATCH (v:FeatureSetVersion {uid: uid})
RETURN collect({
  uid: v.uid,
  status: coalesce(v.status, 'ACTIVE'),
  sunsetAt: toString(v.sunsetAt),
  replacement: v.replacedBy,
  store: v.store,
  features: COLLECT {
      MATCH (f:Feature)-[d:DEFINED_IN]->(v)
      WHERE d.retiredAt IS NULL
      RETURN {name: f.name, dtype: f.dtype}
    }
}) AS rows
