// Question: Through which lineage paths does data from PII sources reach the deployments of an
//   environment (prod by default)? One row per source and deployment, with a shortest path.
// :param classification => 'PII'
//   The sources' classification (PUBLIC, INTERNAL, CONFIDENTIAL, PII).
// :param environment => 'prod'
//   The deployments' environment.
// Returns: source, deployment, hops, shortestPaths, path
//   path is the uids from the deployment down to the source (the first shortest path in uid
//   order); shortestPaths counts the paths of that length.
MATCH (d:Deployment)-[:IN_ENV]->(:Environment {name: $environment})
WHERE d.retiredAt IS NULL
MATCH (s:DataSource {classification: $classification})
WHERE s.retiredAt IS NULL
MATCH p = ALL SHORTEST (d)(()-[r:SERVES|SERVES_FROM|CONSUMES|USES|DEFINED_IN|DERIVED_FROM|PRODUCED_BY|READS|SNAPSHOT_OF WHERE r.retiredAt IS NULL]->()){1,20}(s)
WITH s, d, [n IN nodes(p) | n.uid] AS path
ORDER BY path
WITH s, d, COLLECT(path) AS paths
RETURN s.uid AS source,
  d.uid AS deployment,
  size(paths[0]) - 1 AS hops,
  size(paths) AS shortestPaths,
  paths[0] AS path
ORDER BY source, deployment
