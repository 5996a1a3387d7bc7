package lineage_graph.authz_test

import data.lineage_graph.authz

_resource := {"kind": "featureset", "uid": "featureset:risk/customer_profile@3", "namespace": "risk"}

_request(roles, action) := {
	"principal": {"id": "alice", "roles": roles},
	"action": action,
	"resource": _resource,
}

_codes(findings) := {finding.code | some finding in findings}

test_editor_may_write_in_own_namespace if {
	decision := authz.decision with input as _request([{"role": "editor", "namespace": "risk"}], "write")
	decision == {"allow": true, "violations": [], "warnings": []}
}

test_example_from_the_brief if {
	roles := [{"role": "editor", "namespace": "risk"}, {"role": "viewer", "namespace": "*"}]
	authz.decision.allow with input as _request(roles, "write")
	other := json.patch(_request(roles, "read"), [{"op": "replace", "path": "/resource/namespace", "value": "fraud"}])
	authz.decision.allow with input as other
}

test_wildcard_namespace_grants_everywhere if {
	decision := authz.decision with input as _request([{"role": "admin", "namespace": "*"}], "admin")
	decision.allow
}

test_editor_may_not_write_in_other_namespace if {
	decision := authz.decision with input as _request([{"role": "editor", "namespace": "fraud"}], "write")
	not decision.allow
	decision.violations == [{
		"code": "AUTHZ_DENIED",
		"message": "alice may not write featureset:risk/customer_profile@3 in namespace risk.",
		"entity": "featureset:risk/customer_profile@3",
		"remediation": "Ask an admin for one of the roles admin, editor, owner in namespace risk.",
	}]
}

test_ingest_is_for_editors_and_admins_in_the_namespace if {
	authz.decision.allow with input as _request([{"role": "editor", "namespace": "risk"}], "ingest")
	authz.decision.allow with input as _request([{"role": "admin", "namespace": "*"}], "ingest")
	viewer := authz.decision with input as _request([{"role": "viewer", "namespace": "risk"}], "ingest")
	viewer.violations == [{
		"code": "AUTHZ_DENIED",
		"message": "alice may not ingest featureset:risk/customer_profile@3 in namespace risk.",
		"entity": "featureset:risk/customer_profile@3",
		"remediation": "Ask an admin for one of the roles admin, editor, owner in namespace risk.",
	}]
	elsewhere := authz.decision with input as _request([{"role": "editor", "namespace": "fraud"}], "ingest")
	not elsewhere.allow
}

test_role_matrix_is_respected if {
	every role, actions in _matrix {
		every action in actions {
			authz.decision.allow with input as _request([{"role": role, "namespace": "risk"}], action)
		}
	}
}

test_roles_do_not_grant_more_than_the_matrix if {
	all_actions := {action | some actions in _matrix; some action in actions}
	every role, actions in _matrix {
		every action in all_actions - {action | some action in actions} {
			not authz.decision.allow with input as _request([{"role": role, "namespace": "risk"}], action)
		}
	}
}

_matrix := {
	"viewer": {"read"},
	"editor": {"read", "write", "ingest"},
	"owner": {"read", "write", "ingest", "deprecate", "deploy", "promote"},
	"approver": {"read", "approve"},
	"auditor": {"read", "audit"},
	"admin": {"read", "write", "ingest", "deprecate", "deploy", "promote", "approve", "audit", "admin"},
}

test_no_roles_is_denied if {
	decision := authz.decision with input as _request([], "read")
	_codes(decision.violations) == {"AUTHZ_DENIED"}
}

test_deny_by_default_without_principal if {
	decision := authz.decision with input as {"action": "read", "resource": _resource}
	not decision.allow
	_codes(decision.violations) == {"AUTHZ_UNAUTHENTICATED"}
}

test_blank_principal_id_is_unauthenticated if {
	admin := _request([{"role": "admin", "namespace": "*"}], "read")
	request := json.patch(admin, [{"op": "replace", "path": "/principal/id", "value": " "}])
	decision := authz.decision with input as request
	_codes(decision.violations) == {"AUTHZ_UNAUTHENTICATED"}
}

test_unknown_action if {
	decision := authz.decision with input as _request([{"role": "admin", "namespace": "*"}], "delete")
	_codes(decision.violations) == {"AUTHZ_UNKNOWN_ACTION"}
	decision.violations[0].message == "No role grants the action delete."
}

test_missing_action if {
	request := object.remove(_request([{"role": "admin", "namespace": "*"}], "read"), {"action"})
	decision := authz.decision with input as request
	decision.violations[0].message == "No role grants the action (none)."
}

test_unknown_role_warns_and_grants_nothing if {
	roles := [{"role": "superuser", "namespace": "*"}, {"namespace": "risk"}]
	decision := authz.decision with input as _request(roles, "read")
	not decision.allow
	_codes(decision.violations) == {"AUTHZ_DENIED"}
	[warning.message | some warning in decision.warnings] == [
		"Principal alice has a binding to the unknown role (none).",
		"Principal alice has a binding to the unknown role superuser.",
	]
	decision.warnings[0].entity == "alice"
}

test_resource_without_namespace_needs_wildcard_binding if {
	request := {
		"principal": {"id": "alice", "roles": [{"role": "admin", "namespace": "risk"}]},
		"action": "admin",
		"resource": {"kind": "system"},
	}
	decision := authz.decision with input as request
	not decision.allow
	decision.violations[0].message == "alice may not admin (none) in namespace (none)."
	wildcard := json.patch(request, [{"op": "replace", "path": "/principal/roles/0/namespace", "value": "*"}])
	authz.decision.allow with input as wildcard
}

test_binding_without_namespace_grants_nothing if {
	not authz.decision.allow with input as _request([{"role": "admin"}], "read")
}

test_matrix_comes_from_data if {
	request := _request([{"role": "viewer", "namespace": "risk"}], "write")
	not authz.decision.allow with input as request
	authz.decision.allow with input as request with data.lineage_graph.config.roles.viewer as ["read", "write"]
}

test_decision_defined_for_empty_input if {
	decision := authz.decision with input as {}
	not decision.allow
	_codes(decision.violations) == {"AUTHZ_UNAUTHENTICATED", "AUTHZ_UNKNOWN_ACTION"}
	decision.warnings == []
}

test_decision_defined_for_non_object_input if {
	every request in [[], "alice", 7, null] {
		decision := authz.decision with input as request
		decision.allow == false
		_codes(decision.violations) == {"AUTHZ_INVALID_INPUT"}
	}
}

test_batch_keeps_order_and_shares_principal if {
	decisions := authz.batch with input as {
		"principal": {"id": "alice", "roles": [{"role": "editor", "namespace": "risk"}]},
		"action": "write",
		"items": [
			{"resource": _resource},
			{"resource": {"kind": "model", "uid": "model:fraud/m@1", "namespace": "fraud"}},
			{"action": "read", "resource": {"kind": "model", "uid": "model:risk/m@1", "namespace": "risk"}},
			"not an object",
		],
	}
	[decision.allow | some decision in decisions] == [true, false, true, false]
	_codes(decisions[1].violations) == {"AUTHZ_DENIED"}
	_codes(decisions[3].violations) == {"AUTHZ_INVALID_INPUT"}
}

test_batch_is_empty_without_items if {
	authz.batch == [] with input as _request([], "read")
}

test_every_code_is_declared_and_exercised if {
	decisions := authz.batch with input as {"items": [
		{},
		_request([{"role": "editor", "namespace": "fraud"}, {"role": "ghost", "namespace": "*"}], "write"),
		42,
	]}
	emitted := {[finding.code, severity] |
		some decision in decisions
		some kind, severity in {"violations": "violation", "warnings": "warning"}
		some finding in decision[kind]
	}
	emitted == {[code, entry.severity] | some code, entry in authz.codes}
}

test_decision_defined_without_input if {
	not authz.decision.allow
	authz.decision.violations[0].code == "AUTHZ_INVALID_INPUT"
}
