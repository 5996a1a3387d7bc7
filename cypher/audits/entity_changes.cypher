// Question: Which changes were recorded to an entity, and to its versions, in a period? One row
//   per audit event, in chain order.
// :param uid => 'model:risk/credit_default'
//   The entity's uid; a feature set's or model's also covers its versions (uid@n).
// :param since => datetime() - duration('P30D')
//   The period's start (inclusive).
// :param until => datetime()
//   The period's end (inclusive).
// Returns: seq, at, entity, action, actor, before, after
//   before and after are the entity's state as JSON (null when created).
MATCH (event:AuditEvent)
WHERE (event.entityUid = $uid OR event.entityUid STARTS WITH $uid + '@')
  AND event.at >= $since
  AND event.at <= $until
RETURN event.seq AS seq,
  event.at AS at,
  event.entityUid AS entity,
  event.action AS action,
  event.actor AS actor,
  event.beforeJson AS before,
  event.afterJson AS after
ORDER BY seq
