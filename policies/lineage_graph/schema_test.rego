package lineage_graph.schema_test

import data.lineage_graph.config
import data.lineage_graph.schema

_feature(name, changes) := object.union(
	{
		"uid": sprintf("feature:risk/cp@3#%s", [name]),
		"name": name,
		"dtype": "FLOAT64",
		"description": "Average transaction amount over the last 30 days, in EUR.",
		"tags": [],
		"derivedFrom": [{"uid": "source:pg/shop.public.orders", "classification": "INTERNAL"}],
	},
	changes,
)

_version(features) := {
	"uid": "featureset:risk/cp@3",
	"owner": "team:risk-data",
	"classification": "INTERNAL",
	"features": features,
}

_decide(version) := schema.evaluate({"featureSetVersion": version}, config)

_pii_source := [{"uid": "source:pg/shop.public.customers", "classification": "PII"}]

_codes(findings) := {finding.code | some finding in findings}

test_allow_compliant_version if {
	decision := _decide(_version([_feature("avg_txn_30d", {}), _feature("txn_count_7d", {"dtype": "INT64"})]))
	decision == {"allow": true, "violations": [], "warnings": []}
}

test_every_allowed_dtype_passes if {
	every dtype in config.allowed_dtypes {
		_decide(_version([_feature("f", {"dtype": dtype})])).allow
	}
}

test_name_not_snake_case if {
	decision := _decide(_version([_feature("AvgTxn30d", {})]))
	decision.violations == [{
		"code": "SCHEMA_NAME_NOT_SNAKE_CASE",
		"message": "Feature name AvgTxn30d is not snake_case.",
		"entity": "feature:risk/cp@3#AvgTxn30d",
		"remediation": "Rename it to snake_case, e.g. avg_txn30d.",
	}]
}

test_snake_case_edge_cases if {
	every name in ["a", "avg_txn_30d", "x1", "p_99"] {
		_decide(_version([_feature(name, {})])).allow
	}
	every name in ["_avg", "avg_", "avg__txn", "1st_txn", "avg-txn", "avg txn", "Avg", ""] {
		_codes(_decide(_version([_feature(name, {})])).violations) == {"SCHEMA_NAME_NOT_SNAKE_CASE"}
	}
}

test_snake_case_suggestions if {
	suggestions := {name: _decide(_version([_feature(name, {})])).violations[0].remediation |
		some name in ["avg-txn", "--"]
	}
	suggestions == {
		"avg-txn": "Rename it to snake_case, e.g. avg_txn.",
		"--": "Rename it to snake_case, e.g. feature_name.",
	}
}

test_missing_name if {
	decision := _decide(_version([object.remove(_feature("f", {}), {"name", "uid"})]))
	decision.violations == [{
		"code": "SCHEMA_NAME_NOT_SNAKE_CASE",
		"message": "Feature name (none) is not snake_case.",
		"entity": "featureset:risk/cp@3",
		"remediation": "Rename it to snake_case, e.g. feature_name.",
	}]
}

test_dtype_not_allowed if {
	without_dtype := object.remove(_feature("n", {}), {"dtype"})
	decision := _decide(_version([_feature("avg_txn", {"dtype": "DOUBLE"}), without_dtype]))
	[finding.message | some finding in decision.violations] == [
		"Feature avg_txn has the dtype DOUBLE, which is not allowed.",
		"Feature n has the dtype (none), which is not allowed.",
	]
	startswith(decision.violations[0].remediation, "Use one of ARRAY_FLOAT32, ARRAY_FLOAT64, ARRAY_INT64,")
}

test_allowed_dtypes_come_from_data if {
	not _decide(_version([_feature("f", {"dtype": "BYTES"})])).allow with config.allowed_dtypes as ["FLOAT64"]
}

test_missing_description if {
	without_description := object.remove(_feature("b", {}), {"description"})
	decision := _decide(_version([_feature("a", {"description": "  "}), without_description]))
	[finding.entity | some finding in decision.violations] == ["feature:risk/cp@3#a", "feature:risk/cp@3#b"]
	_codes(decision.violations) == {"SCHEMA_MISSING_DESCRIPTION"}
}

test_missing_owner if {
	decision := _decide(object.remove(_version([_feature("a", {})]), {"owner"}))
	decision.violations == [{
		"code": "SCHEMA_MISSING_OWNER",
		"message": "Feature set of featureset:risk/cp@3 has no owner.",
		"entity": "featureset:risk/cp@3",
		"remediation": "Set the feature set's owner (a team or principal) before publishing.",
	}]
}

test_no_features if {
	_codes(_decide(_version([])).violations) == {"SCHEMA_NO_FEATURES"}
	_codes(_decide(object.remove(_version([]), {"features"})).violations) == {"SCHEMA_NO_FEATURES"}
}

test_duplicate_names if {
	decision := _decide(_version([_feature("a", {}), _feature("a", {"uid": "feature:risk/cp@3#a-2"}), _feature("b", {})]))
	decision.violations == [{
		"code": "SCHEMA_DUPLICATE_FEATURE_NAME",
		"message": "featureset:risk/cp@3 has more than one feature named a.",
		"entity": "featureset:risk/cp@3",
		"remediation": "Give every feature of the version its own name.",
	}]
}

test_pii_derived_feature_must_be_tagged if {
	decision := _decide(_version([_feature("email_domain", {"derivedFrom": _pii_source})]))
	decision.violations == [{
		"code": "SCHEMA_PII_NOT_TAGGED",
		"message": concat("", [
			"Feature email_domain is derived from the PII source(s) ",
			"source:pg/shop.public.customers but is not tagged pii.",
		]),
		"entity": "feature:risk/cp@3#email_domain",
		"remediation": "Tag the feature pii, or classify the whole version PII.",
	}]
}

test_pii_tag_is_case_insensitive if {
	_decide(_version([_feature("email_domain", {"derivedFrom": _pii_source, "tags": ["PII"]})])).allow
	_decide(_version([_feature("email_domain", {"derivedFrom": _pii_source, "tags": ["core", "pii"]})])).allow
}

test_pii_classified_version_needs_no_tags if {
	version := object.union(_version([_feature("email_domain", {"derivedFrom": _pii_source})]), {"classification": "PII"})
	_decide(version).allow
}

test_pii_check_applies_to_unclassified_versions if {
	version := object.remove(_version([_feature("email_domain", {"derivedFrom": _pii_source})]), {"classification"})
	_codes(_decide(version).violations) == {"SCHEMA_PII_NOT_TAGGED"}
}

test_pii_source_without_uid if {
	decision := _decide(_version([_feature("e", {"derivedFrom": [{"classification": "PII"}]})]))
	contains(decision.violations[0].message, "(a source without uid)")
}

test_invalid_input_shapes if {
	messages := {doc_name: {finding.message | some finding in schema.evaluate(doc, config).violations} |
		some doc_name, doc in {
			"empty": {},
			"no uid": {"featureSetVersion": object.remove(_version([_feature("a", {})]), {"uid"})},
			"features not array": {"featureSetVersion": _version("a")},
			"feature not object": {"featureSetVersion": _version([_feature("a", {}), "b"])},
		}
	}
	messages == {
		"empty": {"featureSetVersion is missing or not an object."},
		"no uid": {"featureSetVersion.uid is missing."},
		"features not array": {"featureSetVersion.features is not an array.", "featureset:risk/cp@3 has no features."},
		"feature not object": {"featureSetVersion.features[1] is not an object."},
	}
}

test_decision_defined_for_non_object_input if {
	every doc in [[], "featureset:risk/cp@3", null] {
		decision := schema.decision with input as doc
		_codes(decision.violations) == {"SCHEMA_INVALID_INPUT"}
	}
}

test_decision_defined_without_input if {
	schema.decision.violations[0].code == "SCHEMA_INVALID_INPUT"
}

test_decision_reads_input if {
	schema.decision.allow with input as {"featureSetVersion": _version([_feature("a", {})])}
}

test_batch_in_order if {
	decisions := schema.batch with input as {"items": [
		{"featureSetVersion": _version([_feature("a", {})])},
		{"featureSetVersion": _version([_feature("B", {})])},
		{"featureSetVersion": _version([_feature("c", {})])},
		7,
	]}
	[decision.allow | some decision in decisions] == [true, false, true, false]
	_codes(decisions[3].violations) == {"SCHEMA_INVALID_INPUT"}
}

test_batch_is_empty_without_items if {
	schema.batch == [] with input as {}
}

test_every_code_is_declared_and_exercised if {
	bad := [
		_feature("BadName", {"dtype": "DOUBLE", "description": ""}),
		_feature("BadName", {"derivedFrom": _pii_source}),
	]
	decisions := schema.batch with input as {"items": [
		{"featureSetVersion": object.remove(_version(bad), {"owner"})},
		{"featureSetVersion": _version([])},
		{},
	]}
	emitted := {[finding.code, severity] |
		some decision in decisions
		some kind, severity in {"violations": "violation", "warnings": "warning"}
		some finding in decision[kind]
	}
	emitted == {[code, entry.severity] | some code, entry in schema.codes}
}
