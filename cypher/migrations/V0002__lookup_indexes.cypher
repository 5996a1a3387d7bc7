// V0002: indexes that lookups and listings need.
// OpenLineage naming lookups, kind listings, time-ordered audit trails, the catalog search.
CREATE INDEX data_source_ol_name IF NOT EXISTS FOR (n:DataSource) ON (n.namespace, n.name);
CREATE INDEX transform_ol_name IF NOT EXISTS FOR (n:Transform) ON (n.namespace, n.name);
CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind);
CREATE INDEX entity_created_at IF NOT EXISTS FOR (n:Entity) ON (n.createdAt);
CREATE INDEX audit_event_at IF NOT EXISTS FOR (n:AuditEvent) ON (n.at);
CREATE INDEX audit_event_entity IF NOT EXISTS FOR (n:AuditEvent) ON (n.entityUid);
CREATE INDEX policy_decision_at IF NOT EXISTS FOR (n:PolicyDecision) ON (n.at);
CREATE INDEX model_version_status IF NOT EXISTS FOR (n:ModelVersion) ON (n.status);
CREATE INDEX feature_set_version_status IF NOT EXISTS FOR (n:FeatureSetVersion) ON (n.status);
CREATE INDEX deployment_status IF NOT EXISTS FOR (n:Deployment) ON (n.status);
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.namespace, n.description, n.uid]
