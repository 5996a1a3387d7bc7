// Everything needed to reproduce a model version, or the model version a deployment serves: its
// training run, the dataset snapshots the run read (and their sources), each input's exact feature
// with its feature-set version and the job producing that version, and its evaluations with their
// dataset and baseline. Retired edges are left out; versions and runs are immutable.
// Parameters: $uid (model version or deployment uid).
// Returns: one row: subject (properties of the node asked for), modelVersion (properties, null when
//   there is none), run (properties or null), snapshots [{snapshot, source}], inputs [{input, dtype,
//   feature, version, producer, transform}], evaluations [{evaluation, dataset, baseline}],
//   servesFrom [uid], environments [name]; no row when the node does not exist.
MATCH (x:Entity {uid: $uid})
OPTIONAL MATCH (x)-[sv:SERVES]->(served:ModelVersion)
  WHERE sv.retiredAt IS NULL
WITH x, coalesce(served, x) AS mv
OPTIONAL MATCH (mv)-[pb:PRODUCED_BY]->(run:TrainingRun)
  WHERE pb.retiredAt IS NULL
RETURN properties(x) AS subject,
  CASE WHEN mv:ModelVersion THEN properties(mv) END AS modelVersion,
  properties(run) AS run,
  COLLECT {
    MATCH (run)-[r:READS]->(snapshot:DatasetSnapshot)
    WHERE r.retiredAt IS NULL
    OPTIONAL MATCH (snapshot)-[:SNAPSHOT_OF]->(source:Entity)
    RETURN {snapshot: properties(snapshot), source: source.uid} AS item
    ORDER BY snapshot.uid
  } AS snapshots,
  COLLECT {
    MATCH (mv:ModelVersion)-[c:CONSUMES]->(f:Feature)
    WHERE c.retiredAt IS NULL
    OPTIONAL MATCH (f)-[:DEFINED_IN]->(v:FeatureSetVersion)
    OPTIONAL MATCH (v)-[p:PRODUCED_BY]->(producer:Entity)
      WHERE p.retiredAt IS NULL
    OPTIONAL MATCH (producer)-[:RUN_OF]->(transform:Transform)
    RETURN {input: c.input, dtype: coalesce(c.dtype, f.dtype), feature: f.uid, version: properties(v),
      producer: properties(producer), transform: properties(transform)} AS item
    ORDER BY c.input, f.uid
  } AS inputs,
  COLLECT {
    MATCH (e:Evaluation)-[ev:EVALUATES]->(mv:ModelVersion)
    WHERE ev.retiredAt IS NULL
    OPTIONAL MATCH (e)-[:ON]->(dataset:Entity)
    OPTIONAL MATCH (e)-[:BASELINE]->(baseline:Evaluation)
    RETURN {evaluation: properties(e), dataset: dataset.uid, baseline: properties(baseline)} AS item
    ORDER BY e.uid
  } AS evaluations,
  COLLECT {
    MATCH (x:Deployment)-[sf:SERVES_FROM]->(v:Entity)
    WHERE sf.retiredAt IS NULL
    RETURN v.uid AS uid
    ORDER BY uid
  } AS servesFrom,
  COLLECT {
    MATCH (x:Deployment)-[:IN_ENV]->(env:Environment)
    RETURN env.name AS name
  } AS environments
