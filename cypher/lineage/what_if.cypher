// What-if for a new version of a feature set: the model versions consuming any of its versions
// (each input with the feature name and the dtype it was trained with), the deployments serving
// them now, and the features of its latest version (to diff a proposed schema against).
// Parameters: $uid (feature set uid).
// Returns: one row: latest (uid of the newest version or null), latestContract, latestFeatures
//   [[name, dtype]], consumers [[model version uid, status, input, feature uid, feature name,
//   trained dtype, [[deployment uid, environment]]]]; no row when the feature set does not exist.
MATCH (fs:FeatureSet {uid: $uid})
OPTIONAL CALL (fs) {
  MATCH (v:FeatureSetVersion)-[:VERSION_OF]->(fs)
  RETURN v AS latest
  ORDER BY v.version DESC
  LIMIT 1
}
RETURN latest.uid AS latest,
  latest.contract AS latestContract,
  COLLECT {
    MATCH (f:Feature)-[:DEFINED_IN]->(latest)
    RETURN [f.name, f.dtype] AS feature
    ORDER BY f.name
  } AS latestFeatures,
  COLLECT {
    MATCH (fs)<-[:VERSION_OF]-(:FeatureSetVersion)<-[:DEFINED_IN]-(f:Feature)<-[c:CONSUMES]-(mv:ModelVersion)
    WHERE c.retiredAt IS NULL
    RETURN [mv.uid, mv.status, c.input, f.uid, f.name, coalesce(c.dtype, f.dtype), COLLECT {
      MATCH (mv)<-[s:SERVES]-(d:Deployment)
      WHERE s.retiredAt IS NULL
        AND d.retiredAt IS NULL
      OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
      RETURN [d.uid, coalesce(env.name, d.environment)] AS deployment
      ORDER BY deployment
    }] AS consumer
    ORDER BY consumer
  } AS consumers
