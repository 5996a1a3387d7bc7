package lineage_graph.targets_test

import data.lineage_graph.config
import data.lineage_graph.targets

_deployment := {"uid": "deployment:risk/m-prod-2026-11-26T10:00Z", "target": "k8s-prod"}

_served := [{"uid": "featureset:risk/cp@3", "store": "redis-prod"}]

_doc(environment, deployment, versions) := {
	"environment": environment,
	"deployment": deployment,
	"featureSetVersions": versions,
}

_decide(doc) := targets.evaluate(doc, config)

_codes(findings) := {finding.code | some finding in findings}

test_allow_approved_target_and_store if {
	_decide(_doc("prod", _deployment, _served)) == {"allow": true, "violations": [], "warnings": []}
	_decide(_doc("prod", {"uid": "deployment:risk/m-sm", "target": "sagemaker-prod"}, [])).allow
}

test_every_environment_has_its_own_lists if {
	every environment, approved in config.approved_targets {
		every target in approved {
			_decide({"environment": environment, "deployment": {"uid": "deployment:x", "target": target}}).allow
		}
	}
	every environment, approved in config.approved_stores {
		every store in approved {
			_decide({"environment": environment, "featureSetVersions": [{"uid": "featureset:x@1", "store": store}]}).allow
		}
	}
}

test_target_not_approved_names_alternatives if {
	decision := _decide(_doc("prod", object.union(_deployment, {"target": "k8s-dev"}), _served))
	decision.violations == [{
		"code": "TARGET_NOT_APPROVED",
		"message": "deployment:risk/m-prod-2026-11-26T10:00Z targets k8s-dev, which is not approved for prod.",
		"entity": "deployment:risk/m-prod-2026-11-26T10:00Z",
		"remediation": "Deploy to one of k8s-prod, sagemaker-prod.",
	}]
}

test_single_alternative_is_named_plainly if {
	decision := _decide(_doc("dev", _deployment, []))
	decision.violations[0].remediation == "Deploy to k8s-dev."
}

test_missing_target_is_not_approved if {
	decision := _decide(_doc("staging", {"uid": "deployment:risk/m-staging"}, []))
	decision.violations[0].message == "deployment:risk/m-staging targets (none), which is not approved for staging."
}

test_store_not_approved if {
	versions := [{"uid": "featureset:risk/cp@3", "store": "feast-local"}, {"uid": "featureset:risk/cp@4"}]
	decision := _decide(_doc("prod", _deployment, versions))
	[[finding.entity, finding.message] | some finding in decision.violations] == [
		["featureset:risk/cp@3", "featureset:risk/cp@3 is served from feast-local, which is not approved for prod."],
		["featureset:risk/cp@4", "featureset:risk/cp@4 is served from (none), which is not approved for prod."],
	]
	_codes(decision.violations) == {"TARGET_STORE_NOT_APPROVED"}
	decision.violations[0].remediation == "Serve it from redis-prod."
}

test_environment_without_approved_entries if {
	decision := _decide(_doc("prod", _deployment, _served)) with config.approved_targets.prod as []
	remediation := decision.violations[0].remediation
	remediation == "No deployment target is approved for prod; ask the platform team to approve one."
}

test_deployment_alone_or_stores_alone if {
	_decide({"environment": "prod", "deployment": _deployment}).allow
	_decide({"environment": "prod", "featureSetVersions": _served}).allow
	_decide({"environment": "prod", "featureSetVersions": []}).allow
}

test_unknown_environment if {
	decision := _decide(_doc("moon", _deployment, _served))
	decision.violations == [{
		"code": "TARGET_UNKNOWN_ENVIRONMENT",
		"message": "moon is not a known environment.",
		"entity": "deployment:risk/m-prod-2026-11-26T10:00Z",
		"remediation": "Use one of dev, prod, staging.",
	}]
}

test_invalid_input_shapes if {
	messages := {name: {finding.message | some finding in _decide(doc).violations} |
		some name, doc in {
			"empty": {},
			"no environment": {"deployment": _deployment},
			"deployment without uid": {"environment": "prod", "deployment": {"target": "k8s-prod"}},
			"versions not objects": {"environment": "prod", "featureSetVersions": ["featureset:risk/cp@3"]},
		}
	}
	messages == {
		"empty": {"environment is missing.", "Neither deployment nor featureSetVersions is given: nothing to check."},
		"no environment": {"environment is missing."},
		"deployment without uid": {"deployment is not an object with a uid."},
		"versions not objects": {"featureSetVersions is not an array of objects with a uid."},
	}
}

test_decision_defined_for_non_object_input if {
	every doc in [[], "prod", null] {
		decision := targets.decision with input as doc
		_codes(decision.violations) == {"TARGET_INVALID_INPUT"}
	}
}

test_decision_defined_without_input if {
	targets.decision.violations[0].code == "TARGET_INVALID_INPUT"
}

test_decision_reads_input if {
	targets.decision.allow with input as _doc("prod", _deployment, _served)
}

test_batch_in_order_with_shared_environment if {
	decisions := targets.batch with input as {"environment": "prod", "items": [
		{"deployment": _deployment},
		{"deployment": object.union(_deployment, {"target": "k8s-staging"})},
		{"environment": "staging", "deployment": object.union(_deployment, {"target": "k8s-staging"})},
		{"featureSetVersions": [{"uid": "featureset:risk/cp@3", "store": "redis-dev"}]},
		{},
	]}
	[decision.allow | some decision in decisions] == [true, false, true, false, false]
	_codes(decisions[3].violations) == {"TARGET_STORE_NOT_APPROVED"}
	_codes(decisions[4].violations) == {"TARGET_INVALID_INPUT"}
}

test_batch_is_empty_without_items if {
	targets.batch == [] with input as {"environment": "prod"}
}

test_every_code_is_declared_and_exercised if {
	decisions := targets.batch with input as {"items": [
		_doc("prod", {"uid": "deployment:a", "target": "k8s-dev"}, [{"uid": "featureset:a@1", "store": "feast-local"}]),
		_doc("moon", _deployment, []),
		{},
	]}
	emitted := {[finding.code, severity] |
		some decision in decisions
		some kind, severity in {"violations": "violation", "warnings": "warning"}
		some finding in decision[kind]
	}
	emitted == {[code, entry.severity] | some code, entry in targets.codes}
}
