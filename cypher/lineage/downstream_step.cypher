// One hop of a downstream walk, for the deadline fallback: the current lineage edges into a frontier.
// The service calls it once per distance inside one read transaction, so a deadline can stop the
// walk between hops and the answer keeps every complete distance. Same edge/node rules as
// lineage/downstream ($asOf; the root always counts).
// Parameters: $frontier: [uid], $root (root uid), $asOf (datetime), $current (bool).
// Returns: one row: edges [[from uid, type, to uid, from kind]] (from = the dependent, newly reached).
UNWIND $frontier AS uid
MATCH (a:Entity {uid: uid})<-[r:READS|PRODUCED_BY|SNAPSHOT_OF|DEFINED_IN|DERIVED_FROM|USES|CONSUMES|SERVES|SERVES_FROM]-(b)
WHERE ($current OR coalesce(r.createdAt <= $asOf, true))
  AND coalesce(r.retiredAt > $asOf, true)
  AND (b.uid = $root OR (($current OR coalesce(b.createdAt <= $asOf, true)) AND coalesce(b.retiredAt > $asOf, true)))
RETURN collect([b.uid, type(r), a.uid, b.kind]) AS edges
