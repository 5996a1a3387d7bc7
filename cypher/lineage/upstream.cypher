// Upstream lineage: everything $uid depends on, directly or not, with its minimal distance, and
// the lineage edges walked (from the root and from every node nearer than $depth).
// One pruning BFS (VarLengthExpand(Pruning,BFS)): no path is enumerated, each node is reached once,
// so cycles never loop. The cap *1..20 is literal (MAX_DEPTH); $depth filters it. An edge or node
// counts when retiredAt is absent or later than $asOf and, unless $current, createdAt <= $asOf
// (the root itself always counts). Edges are named by the element ids of their ends, each node's
// uid is read once: the caller keeps the edges whose both ends it was given (an edge to a node
// outside the walk, past the limit or not alive at $asOf, is dropped there).
// Parameters: $uid (root uid), $depth (1..20), $asOf (datetime), $current (bool: the graph as it
//   is now, creation times not compared), $limit (most nodes to return).
// Returns: one row: root [uid, kind, element id], nodes [[uid, kind, distance, element id]]
//   nearest first, edges [[from element id, type, to element id]] (from = the dependent); no row
//   when the root does not exist.
MATCH (s:Entity {uid: $uid})
OPTIONAL CALL (s) {
  MATCH p = (s)-[:READS|PRODUCED_BY|SNAPSHOT_OF|DEFINED_IN|DERIVED_FROM|USES|CONSUMES|SERVES|SERVES_FROM*1..20]->(n)
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
  MATCH (a)-[r:READS|PRODUCED_BY|SNAPSHOT_OF|DEFINED_IN|DERIVED_FROM|USES|CONSUMES|SERVES|SERVES_FROM]->(b)
  WHERE ($current OR coalesce(r.createdAt <= $asOf, true))
    AND coalesce(r.retiredAt > $asOf, true)
  RETURN collect([elementId(a), type(r), elementId(b)]) AS edges
}
RETURN [s.uid, s.kind, elementId(s)] AS root, [f IN found | [f[0].uid, f[0].kind, f[1], elementId(f[0])]] AS nodes, edges
