# METADATA
# title: Approved targets
# description: >-
#   Deployments may only run on the deployment targets approved for their
#   environment (data.lineage_graph.config.approved_targets), and feature-set
#   versions may only be served from the feature stores approved for it
#   (approved_stores). Every finding's remediation names the approved ones to
#   redirect to.
# custom:
#   codes:
#     TARGET_NOT_APPROVED:
#       severity: violation
#       meaning: The deployment's target is missing or not approved for the environment.
#     TARGET_STORE_NOT_APPROVED:
#       severity: violation
#       meaning: A feature-set version's store is missing or not approved for the environment.
#     TARGET_UNKNOWN_ENVIRONMENT:
#       severity: violation
#       meaning: The environment is not in environment_order.
#     TARGET_INVALID_INPUT:
#       severity: violation
#       meaning: >-
#         The input is not an object, names no environment, has neither deployment
#         nor featureSetVersions, or one of them is malformed.
package lineage_graph.targets

import data.lineage_graph.config
import data.lineage_graph.lib

# METADATA
# title: Decision
# description: The decision for the deployment and feature stores in input.environment; defined for any input.
# scope: document
# entrypoint: true
default decision := {
	"allow": false,
	"violations": [{
		"code": "TARGET_INVALID_INPUT",
		"message": "There is no input document.",
		"entity": "",
		"remediation": "Send the input document described in docs/policies.md.",
	}],
	"warnings": [],
}

decision := evaluate(input, config)

# METADATA
# title: Batch
# description: The decisions for input.items, in order; input.environment is the default environment.
# entrypoint: true
batch := [evaluate(doc, config) | some doc in lib.items(input)]

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
#   The decision for one document {environment, deployment, featureSetVersions}
#   under cfg (the shape of data.lineage_graph.config). decision and batch both call it.
evaluate(doc, cfg) := lib.decision(
	union({_invalid(doc), _unknown_environment(doc, cfg), _targets(doc, cfg), _stores(doc, cfg)}),
	set(),
)

# A well-formed document (the shape the compliance scan sends) is recognised in one pass.
_invalid(doc) := set() if {
	environment := doc.environment
	is_string(environment)
	trim_space(environment) != ""
	uid := doc.deployment.uid
	is_string(uid)
	trim_space(uid) != ""
	is_array(doc.featureSetVersions)
	every version in doc.featureSetVersions {
		is_string(version.uid)
		trim_space(version.uid) != ""
	}
} else := {lib.finding("TARGET_INVALID_INPUT", message, entity, remediation) |
	some message in _input_errors(doc)
	entity := lib.text_at(doc, ["deployment", "uid"])
	remediation := "Send {environment, deployment: {uid, target}, featureSetVersions: [{uid, store}]}."
}

_input_errors(doc) := {"The input document is not an object."} if not is_object(doc)

_input_errors(doc) := _field_errors(doc) if is_object(doc)

_field_errors(doc) := {message |
	some field, message in {
		"environment": "environment is missing.",
		"subject": "Neither deployment nor featureSetVersions is given: nothing to check.",
		"deployment": "deployment is not an object with a uid.",
		"featureSetVersions": "featureSetVersions is not an array of objects with a uid.",
	}
	not _valid(field, doc)
}

_valid("environment", doc) if lib.text(doc.environment)

_valid("subject", doc) if lib.value_at(doc, "deployment") != null

_valid("subject", doc) if lib.value_at(doc, "featureSetVersions") != null

_valid("deployment", doc) if lib.value_at(doc, "deployment") == null

_valid("deployment", doc) if lib.uid(doc.deployment) != ""

_valid("featureSetVersions", doc) if lib.value_at(doc, "featureSetVersions") == null

_valid("featureSetVersions", doc) if {
	is_array(doc.featureSetVersions)
	every version in doc.featureSetVersions {
		lib.uid(version) != ""
	}
}

_unknown_environment(doc, cfg) := {lib.finding("TARGET_UNKNOWN_ENVIRONMENT", message, entity, remediation) |
	environment := lib.text_at(doc, "environment")
	environment != ""
	not cfg.environment_order[environment]
	entity := lib.text_at(doc, ["deployment", "uid"])
	message := sprintf("%s is not a known environment.", [environment])
	remediation := sprintf("Use one of %s.", [lib.enumeration(object.keys(cfg.environment_order))])
}

_targets(doc, cfg) := {lib.finding("TARGET_NOT_APPROVED", message, deployment.uid, remediation) |
	environment := _environment(doc, cfg)
	deployment := doc.deployment
	lib.uid(deployment) != ""
	approved := object.get(cfg.approved_targets, environment, [])
	target := lib.text_at(deployment, "target")
	not target in approved
	message := sprintf("%s targets %s, which is not approved for %s.", [deployment.uid, _label(target), environment])
	remediation := _redirect("Deploy to", "deployment target", approved, environment)
}

# The versions served from stores not approved, found first; the remediation they share is
# then built once.
_stores(doc, cfg) := {finding |
	environment := _environment(doc, cfg)
	approved := object.get(cfg.approved_stores, environment, [])
	versions := doc.featureSetVersions
	is_array(versions)
	unapproved := [[uid, store] |
		some version in versions
		uid := version.uid
		is_string(uid)
		trim_space(uid) != ""
		store := object.get(version, "store", null)
		not store in approved
	]
	count(unapproved) > 0
	remediation := _redirect("Serve it from", "feature store", approved, environment)
	some [uid, store] in unapproved
	message := concat("", [uid, " is served from ", _store_label(store), ", which is not approved for ", environment, "."])
	finding := {"code": "TARGET_STORE_NOT_APPROVED", "message": message, "entity": uid, "remediation": remediation}
}

# A store as the messages name it: blank or not text is "(none)".
_store_label(store) := store if {
	is_string(store)
	trim_space(store) != ""
} else := "(none)"

# The environment when it is known; findings about targets and stores need it.
_environment(doc, cfg) := environment if {
	environment := lib.text_at(doc, "environment")
	cfg.environment_order[environment]
}

_redirect(verb, noun, approved, environment) := sprintf("%s %s.", [verb, _alternatives(approved)]) if {
	count(approved) > 0
} else := sprintf("No %s is approved for %s; ask the platform team to approve one.", [noun, environment])

_alternatives(approved) := approved[0] if count(approved) == 1

_alternatives(approved) := sprintf("one of %s", [lib.enumeration(approved)]) if count(approved) > 1

_label("") := "(none)"

_label(value) := value if value != ""
