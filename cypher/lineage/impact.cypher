// Impact of a change to $uid: the downstream walk of lineage/downstream (same pruning BFS, same
// asOf rules, nodes nearest first, walked edges) plus, in the same round trip, for the affected
// nodes of $ownedKinds: the environment of each deployment and the owners to notify (OWNED_BY of
// the node, of its logical parent via VERSION_OF and, for a deployment, of the model it serves).
// Parameters: $uid, $depth (1..20), $asOf (datetime), $current (bool), $limit (most nodes),
//   $ownedKinds: [kind].
// Returns: one row: root, nodes and edges shaped as in lineage/downstream (edges by element id),
//   context [[uid, environment name or null, environment order or null, owners [[uid, kind, name]]]];
//   no row when the root does not exist.
MATCH (s:Entity {uid: $uid})
OPTIONAL CALL (s) {
  MATCH p = (s)<-[:READS|PRODUCED_BY|SNAPSHOT_OF|DEFINED_IN|DERIVED_FROM|USES|CONSUMES|SERVES|SERVES_FROM*1..20]-(n)
  WHERE all(r IN relationships(p) WHERE ($current OR coalesce(r.createdAt <= $asOf, true)) AND coalesce(r.retiredAt > $asOf, true))
    AND all(x IN nodes(p) WHERE x.uid = $uid OR (($current OR coalesce(x.createdAt <= $asOf, true)) AND coalesce(x.retiredAt > $asOf, true)))
  WITH n, min(length(p)) AS distance
  WHERE distance <= $depth
    AND n <> s
  RETURN n, distance
  ORDER BY distance
  LIMIT $limit
}
WITH s, collect(CASE WHEN n IS NOT NULL THEN [n, distance] END) AS found
CALL (s, found) {
  UNWIND [s] + [f IN found WHERE f[1] < $depth | f[0]] AS a
  MATCH (a)<-[r:READS|PRODUCED_BY|SNAPSHOT_OF|DEFINED_IN|DERIVED_FROM|USES|CONSUMES|SERVES|SERVES_FROM]-(b)
  WHERE ($current OR coalesce(r.createdAt <= $asOf, true))
    AND coalesce(r.retiredAt > $asOf, true)
  RETURN collect([elementId(b), type(r), elementId(a)]) AS edges
}
CALL (found) {
  UNWIND found AS f
  WITH f[0] AS n
  WHERE n.kind IN $ownedKinds
  WITH n,
    [(n)-[o:OWNED_BY]->(w)
      WHERE ($current OR coalesce(o.createdAt <= $asOf, true)) AND coalesce(o.retiredAt > $asOf, true)
      | [w.uid, w.kind, w.name]]
    + [(n)-[:VERSION_OF]->()-[o:OWNED_BY]->(w)
      WHERE ($current OR coalesce(o.createdAt <= $asOf, true)) AND coalesce(o.retiredAt > $asOf, true)
      | [w.uid, w.kind, w.name]]
    + [(n)-[:SERVES]->()-[:VERSION_OF]->()-[o:OWNED_BY]->(w)
      WHERE ($current OR coalesce(o.createdAt <= $asOf, true)) AND coalesce(o.retiredAt > $asOf, true)
      | [w.uid, w.kind, w.name]] AS owners,
    [(n)-[:IN_ENV]->(env) | [env.name, env.order]] AS environments
  WITH n, owners, coalesce(environments[0][0], n.environment) AS environment, environments[0][1] AS environmentOrder
  WHERE environment IS NOT NULL
    OR size(owners) > 0
  RETURN collect([n.uid, environment, environmentOrder, owners]) AS context
}
RETURN [s.uid, s.kind, elementId(s)] AS root, [f IN found | [f[0].uid, f[0].kind, f[1], elementId(f[0])]] AS nodes, edges, context
