// Question: Which current deployments promoted from a lower environment serve a model of a risk
//   tier (HIGH by default) whose version has fewer approvals, from principals other than its
//   author, than the tier requires?
// :param riskTier => 'HIGH'
//   The model's risk tier (LOW, MEDIUM, HIGH).
// :param required => 2
//   Approvals the tier requires (reviews_required in policies/lineage_graph/config/data.json).
// Returns: deployment, environment, promotedFrom, modelVersion, approvers, required
MATCH (source:Deployment)-[:PROMOTED_TO]->(d:Deployment)-[s:SERVES]->(mv:ModelVersion)-[:VERSION_OF]->(:Model {riskTier: $riskTier})
WHERE d.retiredAt IS NULL
  AND s.retiredAt IS NULL
WITH d, source, mv,
  COLLECT {
    MATCH (a)-[r:APPROVED]->(mv)
    WHERE r.retiredAt IS NULL
    WITH DISTINCT coalesce(r.reviewer, a.name) AS reviewer
    WHERE reviewer <> mv.createdBy
    RETURN reviewer
    ORDER BY reviewer
  } AS approvers
WHERE size(approvers) < $required
OPTIONAL MATCH (d)-[:IN_ENV]->(env:Environment)
RETURN d.uid AS deployment,
  env.name AS environment,
  source.uid AS promotedFrom,
  mv.uid AS modelVersion,
  approvers,
  $required AS required
ORDER BY deployment
