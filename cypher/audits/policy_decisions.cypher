// Question: Which policy decisions were recorded in a period, by actor (every actor, or one)?
//   Every mutation's authorisation, every denied read, every gate and retention decision.
// :param actor => null
//   The principal who asked (null: every actor).
// :param since => datetime() - duration('P30D')
//   The period's start (inclusive).
// :param until => datetime()
//   The period's end (inclusive).
// Returns: actor, at, action, policy, allow, codes, about
MATCH (d:PolicyDecision)
WHERE d.at >= $since
  AND d.at <= $until
  AND ($actor IS NULL OR d.actor = $actor)
RETURN d.actor AS actor,
  d.at AS at,
  d.action AS action,
  d.policy AS policy,
  d.allow AS allow,
  d.codes AS codes,
  d.aboutUid AS about
ORDER BY actor, at, policy, about
