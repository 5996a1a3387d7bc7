// V0004: find the decisions recorded about an entity without a scan.
CREATE INDEX policy_decision_about IF NOT EXISTS FOR (n:PolicyDecision) ON (n.aboutUid)
