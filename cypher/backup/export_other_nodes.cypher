// Nodes that are neither catalog entities, audit events, policy decisions nor the migration
// ledger (the audit chain head), with the edges they touch, so an export can refuse, by name,
// to drop any.
// Parameters: none.
// Returns: labels, props, edges: [{type, outgoing, otherLabels}].
// props are [key, value] pairs; a zoned DATETIME (offset in whole minutes) comes as {`$zoned`:
// [year, month, day, hour, minute, second, nanosecond, offsetSeconds]}, formatted by
// services/backup.py (the driver's own DATETIME decoding is pure Python: half of a 100k
// export's time).
MATCH (n)
WHERE NOT n:Entity
  AND NOT n:AuditEvent
  AND NOT n:PolicyDecision
  AND NOT n:SchemaMigration
RETURN labels(n) AS labels,
  [k IN keys(n) | [k,
    CASE WHEN valueType(n[k]) STARTS WITH 'ZONED DATETIME'
      THEN CASE WHEN n[k].offsetSeconds % 60 = 0
        THEN {`$zoned`: [n[k].year, n[k].month, n[k].day, n[k].hour, n[k].minute,
          n[k].second, n[k].nanosecond, n[k].offsetSeconds]}
        ELSE n[k] END
      ELSE n[k] END]] AS props,
  COLLECT {
    MATCH (n)-[r]-(m)
    RETURN DISTINCT {type: type(r), outgoing: startNode(r) = n, otherLabels: labels(m)}
  } AS edges
ORDER BY coalesce(n.uid, n.id, '')
