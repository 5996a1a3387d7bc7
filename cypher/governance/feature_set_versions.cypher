// Feature-set versions as deprecation, promotion and targets decisions see them: lifecycle,
// replacement, serving store, and the features they define (for serving compatibility).
// Parameters: $uids: [FeatureSetVersion uid].
// Returns: uid, status, sunsetAt, replacement, store, features: [{name, dtype}].
UNWIND $uids AS uid
MATCH (v:FeatureSetVersion {uid: uid})
RETURN v.uid AS uid,
  coalesce(v.status, 'ACTIVE') AS status,
  v.sunsetAt AS sunsetAt,
  v.replacedBy AS replacement,
  v.store AS store,
  COLLECT {
    MATCH (f:Feature)-[d:DEFINED_IN]->(v)
    WHERE d.retiredAt IS NULL
    RETURN {name: f.name, dtype: f.dtype}
  } AS features
