// V0003: the audit chain: events are walked in sequence order, and there is one chain head.
CREATE CONSTRAINT audit_event_seq IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.seq IS UNIQUE;
CREATE CONSTRAINT audit_chain_id IF NOT EXISTS FOR (n:AuditChain) REQUIRE n.id IS UNIQUE;
CREATE INDEX feature_set_version_version IF NOT EXISTS FOR (n:FeatureSetVersion) ON (n.version);
CREATE INDEX model_version_version IF NOT EXISTS FOR (n:ModelVersion) ON (n.version)
