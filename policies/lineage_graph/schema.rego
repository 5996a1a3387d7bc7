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
#   data.lineage_graph.config). decision and batch both call it.
evaluate(doc, cfg) := lib.decision(_violations(doc, cfg), set())

_violations(doc, cfg) := union({
	_invalid(doc),
	_missing_owner(doc),
	_no_features(doc),
	_names_not_snake_case(doc),
	_duplicate_names(doc),
	_dtypes_not_allowed(doc, cfg),
	_missing_descriptions(doc),
	_pii_not_tagged(doc),
})

_invalid(doc) := {lib.finding("SCHEMA_INVALID_INPUT", message, entity, remediation) |
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

_missing_owner(doc) := {lib.finding("SCHEMA_MISSING_OWNER", message, version.uid, remediation) |
	version := _version(doc)
	lib.text_at(version, "owner") == ""
	message := sprintf("Feature set of %s has no owner.", [version.uid])
	remediation := "Set the feature set's owner (a team or principal) before publishing."
}

_no_features(doc) := {lib.finding("SCHEMA_NO_FEATURES", message, version.uid, "Add at least one feature.") |
	version := _version(doc)
	count(lib.array_at(version, "features")) == 0
	message := sprintf("%s has no features.", [version.uid])
}

_names_not_snake_case(doc) := {lib.finding("SCHEMA_NAME_NOT_SNAKE_CASE", message, entity, remediation) |
	some feature in _features(doc)
	entity := _feature_uid(doc, feature)
	not _snake_case(_name(feature))
	message := sprintf("Feature name %s is not snake_case.", [_label(_name(feature))])
	remediation := sprintf("Rename it to snake_case, e.g. %s.", [_suggestion(_name(feature))])
}

_duplicate_names(doc) := {lib.finding("SCHEMA_DUPLICATE_FEATURE_NAME", message, version.uid, remediation) |
	version := _version(doc)
	names := [_name(feature) | some feature in _features(doc)]
	some name in {name | some name in names}
	count([name | some other in names; other == name]) > 1
	message := sprintf("%s has more than one feature named %s.", [version.uid, _label(name)])
	remediation := "Give every feature of the version its own name."
}

_dtypes_not_allowed(doc, cfg) := {lib.finding("SCHEMA_DTYPE_NOT_ALLOWED", message, entity, remediation) |
	some feature in _features(doc)
	entity := _feature_uid(doc, feature)
	dtype := object.get(feature, "dtype", null)
	not dtype in cfg.allowed_dtypes
	message := sprintf("Feature %s has the dtype %s, which is not allowed.", [_label(_name(feature)), _label(dtype)])
	remediation := sprintf("Use one of %s.", [lib.enumeration(cfg.allowed_dtypes)])
}

_missing_descriptions(doc) := {lib.finding("SCHEMA_MISSING_DESCRIPTION", message, entity, remediation) |
	some feature in _features(doc)
	entity := _feature_uid(doc, feature)
	lib.text_at(feature, "description") == ""
	message := sprintf("Feature %s has no description.", [_label(_name(feature))])
	remediation := "Describe what the feature measures, its unit and its window."
}

_pii_not_tagged(doc) := {lib.finding("SCHEMA_PII_NOT_TAGGED", message, _feature_uid(doc, feature), remediation) |
	lib.value_at(_version(doc), "classification") != "PII"
	some feature in _features(doc)
	sources := {_source_label(source) |
		some source in lib.array_at(feature, "derivedFrom")
		source.classification == "PII"
	}
	count(sources) > 0
	not _tagged_pii(feature)
	message := sprintf(
		"Feature %s is derived from the PII source(s) %s but is not tagged pii.",
		[_label(_name(feature)), lib.enumeration(sources)],
	)
	remediation := "Tag the feature pii, or classify the whole version PII."
}

_tagged_pii(feature) if {
	some tag in lib.array_at(feature, "tags")
	is_string(tag)
	lower(tag) == "pii"
}

_version(doc) := doc.featureSetVersion if {
	is_object(doc.featureSetVersion)
	lib.uid(doc.featureSetVersion) != ""
}

_features(doc) := [feature | some feature in lib.array_at(_version(doc), "features"); is_object(feature)]

# A feature's own uid, or its version's uid when the input gives none.
_feature_uid(doc, feature) := feature.uid if {
	lib.text(feature.uid)
} else := _version(doc).uid

_name(feature) := object.get(feature, "name", null)

_snake_case(name) if {
	is_string(name)
	regex.match(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`, name)
}

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
