package lineage_graph.deprecation_test

import data.lineage_graph.deprecation

_now := "2026-11-26T10:00:00Z"

_consumer := {"kind": "modelVersion", "uid": "model:risk/m@7"}

_active := {"uid": "featureset:risk/cp@4", "status": "ACTIVE"}

_pending := {
	"uid": "featureset:risk/cp@3",
	"status": "DEPRECATED",
	"sunsetAt": "2026-12-31T00:00:00Z",
	"replacement": "featureset:risk/cp@4",
}

_doc(versions) := {"now": _now, "consumer": _consumer, "featureSetVersions": versions}

_codes(findings) := {finding.code | some finding in findings}

test_allow_active_versions if {
	deprecation.evaluate(_doc([_active])) == {"allow": true, "violations": [], "warnings": []}
}

test_allow_consuming_nothing if {
	deprecation.evaluate(_doc([])).allow
}

test_before_sunset_warns_with_replacement if {
	decision := deprecation.evaluate(_doc([_active, _pending]))
	decision.allow
	decision.warnings == [{
		"code": "DEPRECATION_SUNSET_PENDING",
		"message": "model:risk/m@7 uses featureset:risk/cp@3, deprecated: its sunset is 2026-12-31T00:00:00Z.",
		"entity": "featureset:risk/cp@3",
		"remediation": "Redirect model:risk/m@7 to featureset:risk/cp@4.",
	}]
}

test_past_sunset_blocks_with_replacement if {
	decision := deprecation.evaluate(object.union(_doc([_pending]), {"now": "2027-01-05T00:00:00Z"}))
	not decision.allow
	decision.warnings == []
	decision.violations == [{
		"code": "DEPRECATION_PAST_SUNSET",
		"message": "model:risk/m@7 uses featureset:risk/cp@3, deprecated and past its sunset (2026-12-31T00:00:00Z).",
		"entity": "featureset:risk/cp@3",
		"remediation": "Redirect model:risk/m@7 to featureset:risk/cp@4.",
	}]
}

test_sunset_boundary_blocks_at_the_instant if {
	deprecation.evaluate(object.union(_doc([_pending]), {"now": "2026-12-30T23:59:59Z"})).allow
	not deprecation.evaluate(object.union(_doc([_pending]), {"now": "2026-12-31T00:00:00Z"})).allow
	not deprecation.evaluate(object.union(_doc([_pending]), {"now": "2026-12-31T01:00:00+01:00"})).allow
}

test_deprecated_without_sunset_warns if {
	version := object.remove(_pending, {"sunsetAt"})
	decision := deprecation.evaluate(_doc([version]))
	decision.allow
	decision.warnings[0].message == "model:risk/m@7 uses featureset:risk/cp@3, deprecated: no sunset date is set yet."
	deprecation.evaluate(_doc([object.union(version, {"sunsetAt": null})])).allow
}

test_missing_replacement_says_so if {
	decision := deprecation.evaluate(_doc([object.remove(_pending, {"replacement"})]))
	remediation := decision.warnings[0].remediation
	remediation == "Move model:risk/m@7 off featureset:risk/cp@3; no replacement is recorded, ask its owner."
}

test_retired_version_blocks if {
	decision := deprecation.evaluate(_doc([{"uid": "featureset:risk/cp@1", "status": "RETIRED"}]))
	_codes(decision.violations) == {"DEPRECATION_RETIRED_IN_USE"}
	decision.violations[0].entity == "featureset:risk/cp@1"
}

test_deployment_consumer if {
	doc := object.union(_doc([_pending]), {"consumer": {"kind": "deployment", "uid": "deployment:risk/m-prod"}})
	decision := deprecation.evaluate(doc)
	decision.warnings[0].remediation == "Redirect deployment:risk/m-prod to featureset:risk/cp@4."
}

test_invalid_versions if {
	decision := deprecation.evaluate(_doc([
		{"status": "ACTIVE"},
		{"uid": "featureset:risk/x@1", "status": "deprecated"},
		{"uid": "featureset:risk/y@1", "status": "DEPRECATED", "sunsetAt": "next week"},
		"featureset:risk/z@1",
	]))
	not decision.allow
	[finding.message | some finding in decision.violations] == [
		"featureSetVersions[0].uid is missing.",
		"featureSetVersions[1].status is not one of ACTIVE, DEPRECATED, RETIRED.",
		"featureSetVersions[2].sunsetAt is not an RFC3339 timestamp.",
		"featureSetVersions[3] is not an object.",
	]
	decision.violations[0].entity == "model:risk/m@7"
}

test_decision_defined_for_empty_input if {
	decision := deprecation.decision with input as {}
	not decision.allow
	[finding.message | some finding in decision.violations] == [
		"consumer.uid is missing.",
		"featureSetVersions is missing or not an array.",
		"now is missing or not an RFC3339 timestamp.",
	]
	decision.warnings == []
}

test_missing_consumer_still_reports_versions if {
	decision := deprecation.evaluate({"now": _now, "featureSetVersions": [_pending]})
	message := decision.warnings[0].message
	message == "the consumer uses featureset:risk/cp@3, deprecated: its sunset is 2026-12-31T00:00:00Z."
}

test_decision_defined_for_non_object_input if {
	every doc in [[], "model:risk/m@7", null] {
		decision := deprecation.decision with input as doc
		_codes(decision.violations) == {"DEPRECATION_INVALID_INPUT"}
	}
}

test_decision_defined_without_input if {
	deprecation.decision.violations[0].code == "DEPRECATION_INVALID_INPUT"
}

test_decision_reads_input if {
	deprecation.decision.allow with input as _doc([_active])
}

test_batch_in_order_with_shared_now if {
	decisions := deprecation.batch with input as {"now": _now, "items": [
		{"consumer": _consumer, "featureSetVersions": [_pending]},
		{"consumer": _consumer, "featureSetVersions": [_pending], "now": "2027-02-01T00:00:00Z"},
		{"consumer": {"kind": "deployment", "uid": "deployment:risk/a"}, "featureSetVersions": [_active]},
		[],
	]}
	[decision.allow | some decision in decisions] == [true, false, true, false]
	_codes(decisions[0].warnings) == {"DEPRECATION_SUNSET_PENDING"}
	_codes(decisions[1].violations) == {"DEPRECATION_PAST_SUNSET"}
	_codes(decisions[3].violations) == {"DEPRECATION_INVALID_INPUT"}
}

test_batch_is_empty_without_items if {
	deprecation.batch == [] with input as {"now": _now}
}

test_every_code_is_declared_and_exercised if {
	decisions := deprecation.batch with input as {"now": _now, "items": [
		{"consumer": _consumer, "featureSetVersions": [_pending, {"uid": "featureset:risk/old@1", "status": "RETIRED"}]},
		{"consumer": _consumer, "featureSetVersions": [_pending], "now": "2027-02-01T00:00:00Z"},
		{},
	]}
	emitted := {[finding.code, severity] |
		some decision in decisions
		some kind, severity in {"violations": "violation", "warnings": "warning"}
		some finding in decision[kind]
	}
	emitted == {[code, entry.severity] | some code, entry in deprecation.codes}
}
