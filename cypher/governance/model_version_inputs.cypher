// Input rows for a model version's lineage, deprecation and promotion decisions: its lineage
// fields, its model's risk tier, the features it consumes, the snapshots its training run read,
// its evaluations with their baselines, and the approvals recorded on it.
// Parameters: $uids: [ModelVersion uid].
// Returns: one row: rows, a list of maps (docs/adr/0005-large-answers-as-one-record.md), each with
//   uid, createdBy, randomSeed, hyperparametersJson, trainingScriptJson, riskTier, trainingRun
//   ({uid, runId, seed} or null), consumes: [{input, feature, dtype}], snapshots: [uid],
//   evaluations: [{uid, at, metricsJson, baseline, baselineMetricsJson}], approvals: [{principal,
//   at}].
UNWIND $uids AS uid
MATCH (mv:ModelVersion {uid: uid})
OPTIONAL MATCH (mv)-[:VERSION_OF]->(m:Model)
OPTIONAL MATCH (mv)-[p:PRODUCED_BY]->(run:TrainingRun)
  WHERE p.retiredAt IS NULL
RETURN collect({
  uid: mv.uid,
  createdBy: mv.createdBy,
  randomSeed: mv.randomSeed,
  hyperparametersJson: mv.hyperparametersJson,
  trainingScriptJson: mv.trainingScriptJson,
  riskTier: m.riskTier,
  trainingRun: CASE WHEN run IS NULL THEN null ELSE {uid: run.uid, runId: run.runId, seed: run.seed} END,
  consumes: COLLECT {
      MATCH (mv)-[c:CONSUMES]->(f:Feature)
      WHERE c.retiredAt IS NULL
      RETURN {input: c.input, feature: f.uid, dtype: coalesce(c.dtype, f.dtype)}
    },
  snapshots: COLLECT {
      MATCH (run)-[r:READS]->(s:DatasetSnapshot)
      WHERE r.retiredAt IS NULL
      RETURN DISTINCT s.uid
    },
  evaluations: COLLECT {
      MATCH (e:Evaluation)-[:EVALUATES]->(mv)
      OPTIONAL MATCH (e)-[:BASELINE]->(b:Evaluation)
      RETURN {uid: e.uid, at: toString(e.createdAt), metricsJson: e.metricsJson, baseline: b.uid,
        baselineMetricsJson: b.metricsJson}
    },
  approvals: COLLECT {
      MATCH (a)-[r:APPROVED]->(mv)
      WHERE r.retiredAt IS NULL
      RETURN {principal: coalesce(r.reviewer, a.name), at: toString(r.createdAt)}
    }
}) AS rows
