// Question: Which model versions serve live traffic in an environment (prod by default) with
//   incomplete lineage: no training run, random seed, training script, hyperparameters, feature
//   inputs, dataset snapshot, evaluation, or evaluation baseline?
// :param environment => 'prod'
//   The environment's name (dev, staging, prod).
// Returns: modelVersion, deployments, missing
//   missing lists the absent items, in the order of the question.
MATCH (d:Deployment)-[s:SERVES]->(mv:ModelVersion)
MATCH (d)-[:IN_ENV]->(:Environment {name: $environment})
WHERE d.retiredAt IS NULL
  AND s.retiredAt IS NULL
WITH mv, COLLECT(DISTINCT d.uid) AS deployments
OPTIONAL MATCH (mv)-[p:PRODUCED_BY]->(run:TrainingRun)
  WHERE p.retiredAt IS NULL
WITH mv, deployments, run, [
  ['trainingRun', run IS NULL],
  ['randomSeed', mv.randomSeed IS NULL],
  ['trainingScript', mv.trainingScriptJson IS NULL],
  ['hyperparameters', mv.hyperparametersJson IS NULL],
  ['featureInputs', NOT EXISTS { (mv)-[c:CONSUMES]->(:Feature) WHERE c.retiredAt IS NULL }],
  ['datasetSnapshot', run IS NULL OR NOT EXISTS { (run)-[r:READS]->(:DatasetSnapshot) WHERE r.retiredAt IS NULL }],
  ['evaluation', NOT EXISTS { (:Evaluation)-[:EVALUATES]->(mv) }],
  ['evaluationBaseline', NOT EXISTS { (mv)<-[:EVALUATES]-(:Evaluation)-[:BASELINE]->(:Evaluation) }]
] AS checks
WITH mv, deployments, [check IN checks WHERE check[1] | check[0]] AS missing
WHERE size(missing) > 0
RETURN mv.uid AS modelVersion,
  deployments,
  missing
ORDER BY modelVersion
