// Record policy decisions, each linked ABOUT the entity it judged (when that entity exists).
// Decisions are records, not catalog content: like audit events they do not carry :Entity,
// so search, counts and exports of the catalog do not list them.
// Parameters: $rows: [{uid, namespace, name, policy, policyRevision, allow, codes, violationsJson,
//   warningsJson, inputHash, actor, about, action}], `at` is the server's time.
// Returns: count (decisions written).
UNWIND $rows AS row
MERGE (d:PolicyDecision {uid: row.uid})
ON CREATE SET d.kind = 'PolicyDecision',
  d.namespace = row.namespace,
  d.name = row.name,
  d.policy = row.policy,
  d.policyRevision = row.policyRevision,
  d.allow = row.allow,
  d.codes = row.codes,
  d.violationsJson = row.violationsJson,
  d.warningsJson = row.warningsJson,
  d.inputHash = row.inputHash,
  d.actor = row.actor,
  d.action = row.action,
  d.aboutUid = row.about,
  d.at = datetime(),
  d.createdAt = datetime(),
  d.createdBy = row.actor
WITH d, row
OPTIONAL MATCH (e:Entity {uid: row.about})
FOREACH (target IN CASE WHEN e IS NULL THEN [] ELSE [e] END |
  MERGE (d)-[r:ABOUT]->(target)
  ON CREATE SET r.createdAt = datetime()
)
RETURN count(d) AS count
