// V0001: one uniqueness constraint on `uid` for every node label of the catalog,
// plus the shared `Entity` label every catalog node carries (used by node(uid) and search).
CREATE CONSTRAINT entity_uid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT data_source_uid IF NOT EXISTS FOR (n:DataSource) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT dataset_snapshot_uid IF NOT EXISTS FOR (n:DatasetSnapshot) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT transform_uid IF NOT EXISTS FOR (n:Transform) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT transform_run_uid IF NOT EXISTS FOR (n:TransformRun) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT feature_set_uid IF NOT EXISTS FOR (n:FeatureSet) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT feature_set_version_uid IF NOT EXISTS FOR (n:FeatureSetVersion) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT feature_uid IF NOT EXISTS FOR (n:Feature) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT model_uid IF NOT EXISTS FOR (n:Model) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT model_version_uid IF NOT EXISTS FOR (n:ModelVersion) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT training_run_uid IF NOT EXISTS FOR (n:TrainingRun) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT evaluation_uid IF NOT EXISTS FOR (n:Evaluation) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT environment_uid IF NOT EXISTS FOR (n:Environment) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT deployment_uid IF NOT EXISTS FOR (n:Deployment) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT team_uid IF NOT EXISTS FOR (n:Team) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT principal_uid IF NOT EXISTS FOR (n:Principal) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT policy_decision_uid IF NOT EXISTS FOR (n:PolicyDecision) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT audit_event_uid IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.uid IS UNIQUE
