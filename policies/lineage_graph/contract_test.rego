# Cross-package checks of the contract every lineage_graph policy package keeps
# with its callers: one decision shape, batch alignment, and a catalogue of
# codes (the custom.codes annotation of each package) that is unique across packages.
package lineage_graph.contract_test

# Every policy package and the prefix of its codes.
_prefixes := {
	"authz": "AUTHZ_",
	"deprecation": "DEPRECATION_",
	"lineage": "LINEAGE_",
	"promotion": "PROMOTION_",
	"retention": "RETENTION_",
	"schema": "SCHEMA_",
	"targets": "TARGET_",
}

_catalogue := [{"package": name, "code": code, "entry": entry} |
	some name, _ in _prefixes
	some code, entry in data.lineage_graph[name].codes
]

test_codes_are_unique_across_packages if {
	codes := [item.code | some item in _catalogue]
	count(codes) == count({code | some code in codes})
	count(codes) > count(_prefixes)
}

test_codes_are_prefixed_upper_snake_with_severity_and_meaning if {
	every item in _catalogue {
		startswith(item.code, _prefixes[item.package])
		regex.match(`^[A-Z]+(_[A-Z0-9]+)+$`, item.code)
		item.entry.severity in {"violation", "warning"}
		trim_space(item.entry.meaning) != ""
	}
}

test_every_package_declares_invalid_input if {
	every name, prefix in _prefixes {
		data.lineage_graph[name].codes[concat("", [prefix, "INVALID_INPUT"])].severity == "violation"
	}
}

_garbage := [{}, [], "x", 0, null, {"items": "x"}, {"subject": [], "modelVersion": 1, "featureSetVersion": true}]

test_decision_shape_for_any_input if {
	every name, prefix in _prefixes {
		every doc in _garbage {
			decision := data.lineage_graph[name].decision with input as doc
			{"allow", "violations", "warnings"} - object.keys(decision) == set()
			decision.allow == false
			every finding in array.concat(decision.violations, decision.warnings) {
				object.keys(finding) == {"code", "message", "entity", "remediation"}
				startswith(finding.code, prefix)
				is_string(finding.message)
				is_string(finding.entity)
				is_string(finding.remediation)
			}
		}
	}
}

test_batch_has_one_decision_per_item_in_order if {
	every name, _ in _prefixes {
		decisions := data.lineage_graph[name].batch with input as {"items": _garbage}
		count(decisions) == count(_garbage)
		every i, doc in _garbage {
			decisions[i] == data.lineage_graph[name].decision with input as doc
		}
	}
}
