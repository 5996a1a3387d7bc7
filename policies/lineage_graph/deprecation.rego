# METADATA
# title: Deprecation
# description: >-
#   A consumer (a model version being registered or deployed, or a deployment)
#   that uses DEPRECATED or RETIRED feature-set versions. Before a deprecated
#   version's sunsetAt the consumer gets a warning naming the replacement to
#   redirect to; from sunsetAt on (now >= sunsetAt) it is a blocking violation.
#   "now" comes from the input, never from the clock.
# custom:
#   codes:
#     DEPRECATION_PAST_SUNSET:
#       severity: violation
#       meaning: The consumer uses a DEPRECATED feature-set version whose sunsetAt has passed.
#     DEPRECATION_RETIRED_IN_USE:
#       severity: violation
#       meaning: The consumer uses a RETIRED feature-set version.
#     DEPRECATION_SUNSET_PENDING:
#       severity: warning
#       meaning: >-
#         The consumer uses a DEPRECATED feature-set version whose sunsetAt is still
#         ahead (or not set); the remediation names the replacement.
#     DEPRECATION_INVALID_INPUT:
#       severity: violation
#       meaning: >-
#         The input is not an object, or now, consumer.uid or featureSetVersions is
#         missing or malformed, or a feature-set version lacks a uid, has an unknown
#         status or a malformed sunsetAt.
package lineage_graph.deprecation

import data.lineage_graph.lib

# METADATA
# title: Decision
# description: The decision for input.consumer at input.now; defined for any input.
# scope: document
# entrypoint: true
default decision := {
	"allow": false,
	"violations": [{
		"code": "DEPRECATION_INVALID_INPUT",
		"message": "There is no input document.",
		"entity": "",
		"remediation": "Send the input document described in docs/policies.md.",
	}],
	"warnings": [],
}

decision := evaluate(input)

# METADATA
# title: Batch
# description: The decisions for input.items, in order; input.now is the default now.
# entrypoint: true
batch := [evaluate(doc) | some doc in lib.items(input)]

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
#   The decision for one document {now, consumer, featureSetVersions}. Unlike the
#   other packages' evaluate it needs no configuration. decision, batch and
#   lineage_graph.promotion call it.
evaluate(doc) := lib.decision(violations, _sunset_pending(doc, flagged)) if {
	# Only versions that are not ACTIVE can raise findings: most consumers have none.
	flagged := [version | some version in _versions(doc); version.status != "ACTIVE"]
	violations := union({_invalid(doc), _past_sunset(doc, flagged), _retired(doc, flagged)})
}

_statuses := {"ACTIVE", "DEPRECATED", "RETIRED"}

# A well-formed document (the shape the compliance scan sends) is recognised in one pass.
_invalid(doc) := set() if {
	lib.timestamp_ns(doc.now)
	uid := doc.consumer.uid
	is_string(uid)
	trim_space(uid) != ""
	is_array(doc.featureSetVersions)
	every version in doc.featureSetVersions {
		is_string(version.uid)
		trim_space(version.uid) != ""
		version.status in _statuses
		_valid_version("sunsetAt", version)
	}
} else := {lib.finding("DEPRECATION_INVALID_INPUT", message, consumer, remediation) |
	some message in _input_errors(doc)
	consumer := lib.text_at(doc, ["consumer", "uid"])
	remediation := "Send {now, consumer: {kind, uid}, featureSetVersions: [{uid, status, sunsetAt, replacement}]}."
}

_input_errors(doc) := {"The input document is not an object."} if not is_object(doc)

_input_errors(doc) := _field_errors(doc) | _version_errors(doc) if is_object(doc)

_field_errors(doc) := {message |
	some field, message in {
		"now": "now is missing or not an RFC3339 timestamp.",
		"consumer": "consumer.uid is missing.",
		"featureSetVersions": "featureSetVersions is missing or not an array.",
	}
	not _valid(field, doc)
}

_valid("now", doc) if lib.timestamp_ns(doc.now)

_valid("consumer", doc) if lib.text(doc.consumer.uid)

_valid("featureSetVersions", doc) if is_array(doc.featureSetVersions)

_version_errors(doc) := {sprintf("featureSetVersions[%d]%s", [i, problem]) |
	some i, version in lib.array_at(doc, "featureSetVersions")
	some problem in _version_problems(version)
}

_version_problems(version) := {" is not an object."} if not is_object(version)

_version_problems(version) := problems if {
	is_object(version)
	problems := {problem |
		some check, problem in {
			"uid": ".uid is missing.",
			"status": sprintf(".status is not one of %s.", [lib.enumeration(_statuses)]),
			"sunsetAt": ".sunsetAt is not an RFC3339 timestamp.",
		}
		not _valid_version(check, version)
	}
}

_valid_version("uid", version) if lib.uid(version) != ""

_valid_version("status", version) if version.status in _statuses

_valid_version("sunsetAt", version) if object.get(version, "sunsetAt", null) == null

_valid_version("sunsetAt", version) if lib.timestamp_ns(version.sunsetAt)

_past_sunset(doc, versions) := {finding |
	some version in versions
	version.status == "DEPRECATED"
	_past_sunset_at(doc.now, version)
	message := sprintf(
		"%s uses %s, deprecated and past its sunset (%s).",
		[_consumer(doc), version.uid, version.sunsetAt],
	)
	finding := lib.finding("DEPRECATION_PAST_SUNSET", message, version.uid, _remediation(doc, version))
}

_retired(doc, versions) := {finding |
	some version in versions
	version.status == "RETIRED"
	message := sprintf("%s uses %s, which is retired.", [_consumer(doc), version.uid])
	finding := lib.finding("DEPRECATION_RETIRED_IN_USE", message, version.uid, _remediation(doc, version))
}

_sunset_pending(doc, versions) := {finding |
	some version in versions
	version.status == "DEPRECATED"
	not _past_sunset_at(lib.value_at(doc, "now"), version)
	message := sprintf("%s uses %s, deprecated: %s.", [_consumer(doc), version.uid, _deadline(version)])
	finding := lib.finding("DEPRECATION_SUNSET_PENDING", message, version.uid, _remediation(doc, version))
}

_past_sunset_at(now, version) if lib.timestamp_ns(now) >= lib.timestamp_ns(version.sunsetAt)

_deadline(version) := sprintf("its sunset is %s", [version.sunsetAt]) if {
	lib.timestamp_ns(version.sunsetAt)
} else := "no sunset date is set yet"

_remediation(doc, version) := sprintf("Redirect %s to %s.", [_consumer(doc), version.replacement]) if {
	lib.text(version.replacement)
} else := sprintf("Move %s off %s; no replacement is recorded, ask its owner.", [_consumer(doc), version.uid])

_consumer(doc) := lib.text_at(doc, ["consumer", "uid"]) if {
	lib.text(doc.consumer.uid)
} else := "the consumer"

# Entries without a uid are reported as invalid input and skipped here.
_versions(doc) := [version | some version in lib.array_at(doc, "featureSetVersions"); lib.uid(version) != ""]
