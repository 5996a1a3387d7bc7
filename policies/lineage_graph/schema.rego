# METADATA
# title: Feature schema standards
# description: >-
#   Standards a feature-set version must meet to be published: the feature set
#   has an owner, the version has features, every feature has a unique snake_case
#   name, a dtype from data.lineage_graph.config.allowed_dtypes and a description,
#   and every feature derived from a PII source is tagged pii unless the whole
#   version is classified PII.
# custom:
#   codes:
#     SCHEMA_MISSING_OWNER:
#       severity: violation
#       meaning: The feature set has no owner.
#     SCHEMA_NO_FEATURES:
#       severity: violation
#       meaning: The feature-set version has no features.
#     SCHEMA_NAME_NOT_SNAKE_CASE:
#       severity: violation
#       meaning: >-
#         A feature name is not snake_case: lower-case letters and digits, words
#         joined by single underscores, starting with a letter.
#     SCHEMA_DUPLICATE_FEATURE_NAME:
#       severity: violation
#       meaning: Two or more features of the version share a name.
#     SCHEMA_DTYPE_NOT_ALLOWED:
#       severity: violation
#       meaning: A feature's dtype is missing or not in allowed_dtypes.
#     SCHEMA_MISSING_DESCRIPTION:
#       severity: violation
#       meaning: A feature has no description (missing or blank).
#     SCHEMA_PII_NOT_TAGGED:
#       severity: violation
#       meaning: A feature derived from a PII source is not tagged pii, and the version is not classified PII.
#     SCHEMA_INVALID_INPUT:
#       severity: violation
#       meaning: >-
#         The input is not an object, featureSetVersion or its uid is missing, features
#         is not an array, or a feature is not an object.
package lineage_graph.schema

import data.lineage_graph.config
import data.lineage_graph.lib

# METADATA
# title: Decision
# description: The decision for publishing input.featureSetVersion; defined for any input.
# scope: document
# entrypoint: true
default decision := {
	"allow": false,
	"violations": [{
		"code": "SCHEMA_INVALID_INPUT",
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
#   The decision for one document {featureSetVersion} under cfg (the shape of
#   data.lineage_graph.config). decision and batch both call it. Written for
#   batches of thousands: each feature's name, label and entity are derived once,
#   the checks read them without helper calls, and a well-formed document skips
#   the input checks after one pass.
evaluate(doc, cfg) := lib.decision(_invalid(doc) | _findings(doc, cfg), set())

# Input checks

_invalid(doc) := set() if {
	version := doc.featureSetVersion
	lib.text(version.uid)
	is_array(version.features)
	every feature in version.features {
		is_object(feature)
	}
} else := {lib.finding("SCHEMA_INVALID_INPUT", message, entity, remediation) |
	some message in _input_errors(doc)
	entity := lib.text_at(doc, ["featureSetVersion", "uid"])
	remediation := "Send {featureSetVersion: {uid, owner, classification, features: [...]}} (docs/policies.md)."
}

_input_errors(doc) := {"The input document is not an object."} if not is_object(doc)

_input_errors(doc) := _field_errors(doc) | _feature_errors(doc) if is_object(doc)

_field_errors(doc) := {message |
	some field, message in {
		"featureSetVersion": "featureSetVersion is missing or not an object.",
		"uid": "featureSetVersion.uid is missing.",
		"features": "featureSetVersion.features is not an array.",
	}
	not _valid(field, doc)
}

_valid("featureSetVersion", doc) if is_object(doc.featureSetVersion)

# Without a featureSetVersion object, only the "featureSetVersion" error is reported.
_valid(field, doc) if {
	field in {"uid", "features"}
	not is_object(lib.value_at(doc, "featureSetVersion"))
}

_valid("uid", doc) if lib.uid(doc.featureSetVersion) != ""

# No features at all is reported as SCHEMA_NO_FEATURES.
_valid("features", doc) if lib.value_at(doc.featureSetVersion, "features") == null

_valid("features", doc) if is_array(doc.featureSetVersion.features)

_feature_errors(doc) := {sprintf("featureSetVersion.features[%d] is not an object.", [i]) |
	some i, feature in lib.array_at(doc.featureSetVersion, "features")
	not is_object(feature)
}

# Standards, once the version has a uid: findings about a version without one would mislead.

_findings(doc, cfg) := union({
	_missing_owner(version),
	_no_features(version),
	_duplicate_names(version.uid, features),
	_feature_findings(version, features, cfg),
}) if {
	version := doc.featureSetVersion
	is_object(version)
	lib.text(version.uid)
	features := [feature | some feature in lib.array_at(version, "features"); is_object(feature)]
} else := set()

_missing_owner(version) := {lib.finding("SCHEMA_MISSING_OWNER", message, version.uid, remediation) |
	not lib.text(object.get(version, "owner", null))
	message := sprintf("Feature set of %s has no owner.", [version.uid])
	remediation := "Set the feature set's owner (a team or principal) before publishing."
}

_no_features(version) := {lib.finding("SCHEMA_NO_FEATURES", message, version.uid, "Add at least one feature.") |
	count(lib.array_at(version, "features")) == 0
	message := sprintf("%s has no features.", [version.uid])
}

# Names are counted through a set: only a version whose names are not all distinct pays for
# finding which ones repeat.
_duplicate_names(version_uid, features) := set() if {
	names := [object.get(feature, "name", null) | some feature in features]
	count(names) == count({name | some name in names})
} else := {lib.finding("SCHEMA_DUPLICATE_FEATURE_NAME", message, version_uid, remediation) |
	names := [object.get(feature, "name", null) | some feature in features]
	some name in {name | some name in names}
	count([name | some other in names; other == name]) > 1
	message := sprintf("%s has more than one feature named %s.", [version_uid, _label(name)])
	remediation := "Give every feature of the version its own name."
}

# The checks of every feature. Findings are built inline (no helper calls per feature): a
# scan judges thousands of versions of ten-odd features each.
_feature_findings(version, features, cfg) := union({
	{{"code": "SCHEMA_NAME_NOT_SNAKE_CASE", "message": message, "entity": entity, "remediation": remediation} |
		some [_, name, label, entity, false] in views
		message := concat("", ["Feature name ", label, " is not snake_case."])
		remediation := concat("", ["Rename it to snake_case, e.g. ", _suggestion(name), "."])
	},
	{{"code": "SCHEMA_DTYPE_NOT_ALLOWED", "message": message, "entity": entity, "remediation": remediation} |
		some [feature, _, label, entity, _] in views
		dtype := object.get(feature, "dtype", null)
		not dtype in cfg.allowed_dtypes
		message := sprintf("Feature %s has the dtype %s, which is not allowed.", [label, _label(dtype)])
		remediation := sprintf("Use one of %s.", [lib.enumeration(cfg.allowed_dtypes)])
	},
	{{"code": "SCHEMA_MISSING_DESCRIPTION", "message": message, "entity": entity, "remediation": remediation} |
		some [feature, _, label, entity, _] in views
		description := object.get(feature, "description", null)

		# The description as text ("" unless it is a string), blank or not.
		trim_space(object.get({"string": description}, type_name(description), "")) == ""
		message := concat("", ["Feature ", label, " has no description."])
		remediation := "Describe what the feature measures, its unit and its window."
	},
	_pii_not_tagged(version, views),
}) if {
	views := _views(version.uid, features)
}

# Each feature as [feature, name, label, entity, snake_case], derived once for every check.
# When every feature has a uid and a name (text), each is its own label and entity.
_views(version_uid, features) := views if {
	views := [[feature, name, name, uid, regex.match(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`, name)] |
		some feature in features
		uid := feature.uid
		is_string(uid)
		trim_space(uid) != ""
		name := feature.name
		is_string(name)
		trim_space(name) != ""
	]
	count(views) == count(features)
} else := [[feature, name, _label(name), _feature_uid(version_uid, feature), _snake_case(name)] |
	some feature in features
	name := object.get(feature, "name", null)
]

_pii_not_tagged(version, views) := {finding |
	object.get(version, "classification", null) != "PII"
	some [feature, _, label, entity, _] in views
	derived := object.get(feature, "derivedFrom", null)
	is_array(derived)
	pii := [source | some source in derived; source.classification == "PII"]
	count(pii) > 0
	not _tagged_pii(feature)
	sources := {_source_label(source) | some source in pii}
	finding := {
		"code": "SCHEMA_PII_NOT_TAGGED",
		"message": sprintf(
			"Feature %s is derived from the PII source(s) %s but is not tagged pii.",
			[label, concat(", ", sort(sources))],
		),
		"entity": entity,
		"remediation": "Tag the feature pii, or classify the whole version PII.",
	}
}

_tagged_pii(feature) if {
	some tag in lib.array_at(feature, "tags")
	is_string(tag)
	lower(tag) == "pii"
}

# A feature's own uid, or its version's uid when the input gives none.
_feature_uid(version_uid, feature) := feature.uid if {
	lib.text(feature.uid)
} else := version_uid

_snake_case(name) := regex.match(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`, name) if is_string(name)

else := false

_source_label(source) := source.uid if {
	lib.text(source.uid)
} else := "(a source without uid)"

_label(value) := value if {
	lib.text(value)
} else := "(none)" if {
	value == null
} else := sprintf("%v", [value])

# A snake_case suggestion: camelCase humps and runs of other characters become single underscores.
_suggestion(name) := suggestion if {
	is_string(name)
	humps := regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}")
	suggestion := trim(regex.replace(lower(humps), `[^a-z0-9]+`, "_"), "_")
	suggestion != ""
} else := "feature_name"
