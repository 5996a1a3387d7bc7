// A page of catalog nodes (:Entity) in uid order, each with its outgoing edges (catalog export).
// Parameters: $after (uid to start after; '' for the first page), $limit.
// Returns: uid, labels, props, edges: [{type, to, toLabels, props}].
// props are [key, value] pairs; a zoned DATETIME (offset in whole minutes) comes as {`$zoned`:
// [year, month, day, hour, minute, second, nanosecond, offsetSeconds]}, formatted by
// services/backup.py (the driver's own DATETIME decoding is pure Python: half of a 100k
// export's time).
MATCH (n:Entity)
WHERE n.uid > $after
WITH n
ORDER BY n.uid
LIMIT $limit
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.uid AS uid, labels(n) AS labels,
  [k IN keys(n) | [k,
    CASE WHEN valueType(n[k]) STARTS WITH 'ZONED DATETIME'
      THEN CASE WHEN n[k].offsetSeconds % 60 = 0
        THEN {`$zoned`: [n[k].year, n[k].month, n[k].day, n[k].hour, n[k].minute,
          n[k].second, n[k].nanosecond, n[k].offsetSeconds]}
        ELSE n[k] END
      ELSE n[k] END]] AS props,
  collect(CASE WHEN r IS NULL THEN null ELSE {
    type: type(r), to: m.uid, toLabels: labels(m),
    props: [k IN keys(r) | [k,
      CASE WHEN valueType(r[k]) STARTS WITH 'ZONED DATETIME'
        THEN CASE WHEN r[k].offsetSeconds % 60 = 0
          THEN {`$zoned`: [r[k].year, r[k].month, r[k].day, r[k].hour, r[k].minute,
            r[k].second, r[k].nanosecond, r[k].offsetSeconds]}
          ELSE r[k] END
        ELSE r[k] END]]
  } END) AS edges
ORDER BY uid
