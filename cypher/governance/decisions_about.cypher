// The policy decisions recorded about one entity, newest first.
// Parameters: $uid (the entity's uid), $limit (int).
// Returns: uid, policy, policyRevision, allow, codes, violationsJson, warningsJson, inputHash, actor, action, at.
MATCH (d:PolicyDecision)
WHERE d.aboutUid = $uid
RETURN d.uid AS uid, d.policy AS policy, d.policyRevision AS policyRevision, d.allow AS allow,
  d.codes AS codes, d.violationsJson AS violationsJson, d.warningsJson AS warningsJson,
  d.inputHash AS inputHash, d.actor AS actor, d.action AS action, d.at AS at
ORDER BY d.at DESC, d.uid
LIMIT $limit
