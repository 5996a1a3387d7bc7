# METADATA
# title: Authorization
# description: >-
#   Who may read, write, ingest (REST OpenLineage and MLflow webhooks), deprecate,
#   deploy, promote, approve, audit or administer a resource, by role and
#   namespace. Deny by default: an action is allowed only
#   when one of the principal's role bindings grants it, in the resource's
#   namespace or in every namespace ("*"). The role to actions matrix is
#   data.lineage_graph.config.roles.
# custom:
#   codes:
#     AUTHZ_DENIED:
#       severity: violation
#       meaning: No role binding of the principal grants the action in the resource's namespace.
#     AUTHZ_UNAUTHENTICATED:
#       severity: violation
#       meaning: The input names no principal (principal.id is missing or blank).
#     AUTHZ_UNKNOWN_ACTION:
#       severity: violation
#       meaning: No role in the matrix grants the action (a typo, or an action the platform does not have).
#     AUTHZ_UNKNOWN_ROLE:
#       severity: warning
#       meaning: A role binding names a role that is not in the matrix; it grants nothing.
#     AUTHZ_INVALID_INPUT:
#       severity: violation
#       meaning: The input document is missing or is not an object.
package lineage_graph.authz

import data.lineage_graph.config
import data.lineage_graph.lib

# METADATA
# title: Decision
# description: The decision for the request in input; defined for any input.
# scope: document
# entrypoint: true
default decision := {
	"allow": false,
	"violations": [{
		"code": "AUTHZ_INVALID_INPUT",
		"message": "There is no input document.",
		"entity": "",
		"remediation": "Send the input document described in docs/policies.md.",
	}],
	"warnings": [],
}

decision := evaluate(input, config)

# METADATA
# title: Batch
# description: The decisions for input.items, in order.
# entrypoint: true
batch := [evaluate(request, config) | some request in lib.items(input)]

# METADATA
# title: Codes
# description: The catalogue of codes this package emits, read from the package annotation.
codes := [entry.annotations.custom.codes |
	some entry in rego.metadata.chain()
	entry.annotations.scope == "package"
][0]

# METADATA
# title: Evaluate
# description: >-
#   The decision for one request {principal, action, resource} under cfg
#   (the shape of data.lineage_graph.config). decision and batch both call it.
evaluate(request, cfg) := lib.decision(_violations(request, cfg), _warnings(_request(request), cfg))

_violations(request, _) := {lib.finding("AUTHZ_INVALID_INPUT", message, "", remediation)} if {
	not is_object(request)
	message := "The input document is not an object."
	remediation := "Send {principal, action, resource} as described in docs/policies.md."
}

_violations(request, cfg) := union({
	_unauthenticated(_request(request)),
	_unknown_action(_request(request), cfg),
	_denied(_request(request), cfg),
}) if {
	is_object(request)
}

# The fields the decision reads, each "" (or []) when missing or malformed.
_request(request) := {
	"principal": lib.text_at(request, ["principal", "id"]),
	"bindings": lib.array_at(request, ["principal", "roles"]),
	"action": lib.text_at(request, "action"),
	"uid": lib.text_at(request, ["resource", "uid"]),
	"namespace": lib.text_at(request, ["resource", "namespace"]),
}

_warnings(request, cfg) := {lib.finding("AUTHZ_UNKNOWN_ROLE", message, request.principal, remediation) |
	some binding in request.bindings
	role := lib.text_at(binding, "role")
	not cfg.roles[role]
	message := sprintf("Principal %s has a binding to the unknown role %s.", [_label(request.principal), _label(role)])
	remediation := sprintf("Bind one of the roles %s instead.", [lib.enumeration(object.keys(cfg.roles))])
}

_unauthenticated(request) := {lib.finding(
	"AUTHZ_UNAUTHENTICATED",
	"The request names no principal.",
	request.uid,
	"Authenticate the caller and pass principal.id.",
) |
	request.principal == ""
}

_unknown_action(request, cfg) := {lib.finding("AUTHZ_UNKNOWN_ACTION", message, request.uid, remediation) |
	not request.action in _actions(cfg)
	message := sprintf("No role grants the action %s.", [_label(request.action)])
	remediation := sprintf("Use one of the actions %s.", [lib.enumeration(_actions(cfg))])
}

_denied(request, cfg) := {lib.finding("AUTHZ_DENIED", message, request.uid, remediation) |
	request.principal != ""
	request.action in _actions(cfg)
	not _granted(request, cfg)
	message := sprintf(
		"%s may not %s %s in namespace %s.",
		[request.principal, request.action, _label(request.uid), _label(request.namespace)],
	)
	roles := lib.enumeration(_granting_roles(request.action, cfg))
	remediation := sprintf("Ask an admin for one of the roles %s in namespace %s.", [roles, _label(request.namespace)])
}

_granted(request, cfg) if {
	some binding in request.bindings
	request.action in cfg.roles[binding.role]
	_in_scope(binding.namespace, request.namespace)
}

_in_scope("*", _)

_in_scope(namespace, namespace) if namespace != ""

_actions(cfg) := {action | some actions in cfg.roles; some action in actions}

_granting_roles(action, cfg) := {role | some role, actions in cfg.roles; action in actions}

_label("") := "(none)"

_label(value) := value if value != ""
