// Column-level impact: the features derived from one column of a source (DERIVED_FROM whose
// `columns` lists it), the model inputs bound to them (CONSUMES {input}) and the deployments
// serving those model versions (SERVES). A DERIVED_FROM edge that records no column is reported
// as unrecorded, not followed. Edges and nodes count as of $asOf.
// Parameters: $uid (data source or snapshot uid), $column, $asOf (datetime), $current (bool:
//   the graph as it is now, creation times not compared).
// Returns: one row per feature: feature (uid), dtype, columns, recorded (columns were recorded),
//   bindings [[model version uid, input]], deployments [[deployment uid, environment, model version uid]].
MATCH (s:Entity {uid: $uid})<-[d:DERIVED_FROM]-(f:Feature)
WHERE ($current OR coalesce(d.createdAt <= $asOf, true))
  AND coalesce(d.retiredAt > $asOf, true)
  AND ($current OR coalesce(f.createdAt <= $asOf, true))
  AND coalesce(f.retiredAt > $asOf, true)
  AND ($column IN coalesce(d.columns, []) OR size(coalesce(d.columns, [])) = 0)
RETURN f.uid AS feature,
  f.dtype AS dtype,
  coalesce(d.columns, []) AS columns,
  size(coalesce(d.columns, [])) > 0 AS recorded,
  COLLECT {
    MATCH (f)<-[c:CONSUMES]-(mv:ModelVersion)
    WHERE ($current OR coalesce(c.createdAt <= $asOf, true))
      AND coalesce(c.retiredAt > $asOf, true)
      AND coalesce(mv.retiredAt > $asOf, true)
    RETURN [mv.uid, c.input]
  } AS bindings,
  COLLECT {
    MATCH (f)<-[c:CONSUMES]-(mv:ModelVersion)<-[sv:SERVES]-(dep:Deployment)
    WHERE ($current OR coalesce(c.createdAt <= $asOf, true))
      AND coalesce(c.retiredAt > $asOf, true)
      AND ($current OR coalesce(sv.createdAt <= $asOf, true))
      AND coalesce(sv.retiredAt > $asOf, true)
      AND ($current OR coalesce(dep.createdAt <= $asOf, true))
      AND coalesce(dep.retiredAt > $asOf, true)
    OPTIONAL MATCH (dep)-[:IN_ENV]->(env:Environment)
    RETURN [dep.uid, coalesce(env.name, dep.environment), mv.uid]
  } AS deployments
ORDER BY feature
