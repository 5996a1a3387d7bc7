package lineage_graph.lib_test

import data.lineage_graph.lib

test_decision_allows_iff_no_violations if {
	warning := lib.finding("X_WARNING", "w", "e", "")
	lib.decision(set(), {warning}) == {"allow": true, "violations": [], "warnings": [warning]}
	not lib.decision({lib.finding("X_VIOLATION", "v", "e", "")}, set()).allow
}

test_decision_sorts_findings if {
	b := lib.finding("B", "m", "e", "")
	a2 := lib.finding("A", "m", "f", "")
	a1 := lib.finding("A", "m", "e", "")
	lib.decision({b, a2, a1}, set()).violations == [a1, a2, b]
}

test_items_merge_shared_fields_shallowly if {
	doc := {"now": "t0", "subject": {"uid": "s0", "kind": "source"}, "items": [
		{"subject": {"uid": "s1"}},
		{"now": "t2", "subject": {"uid": "s2"}},
		{"now": null},
		"s4",
	]}
	lib.items(doc) == [
		{"now": "t0", "subject": {"uid": "s1"}},
		{"now": "t2", "subject": {"uid": "s2"}},
		{"now": null, "subject": {"uid": "s0", "kind": "source"}},
		"s4",
	]
}

test_items_of_documents_without_items if {
	lib.items({"now": "t0"}) == []
	lib.items({"items": "none"}) == []
	lib.items("none") == []
}

test_timestamp_ns if {
	lib.timestamp_ns("1970-01-01T00:00:01Z") == 1000000000
	lib.timestamp_ns("1970-01-01T01:00:01+01:00") == 1000000000
	lib.timestamp_ns("1970-01-01T00:00:00.5Z") == 500000000
	every value in ["1970-01-01", "1970-01-01 00:00:00Z", 0, null, "soon"] {
		not lib.timestamp_ns(value)
	}
}

test_text if {
	lib.text("a")
	every value in ["", "  ", 1, null, ["a"]] {
		not lib.text(value)
	}
}

test_text_at_and_uid if {
	lib.text_at({"a": {"b": "x"}}, ["a", "b"]) == "x"
	lib.text_at({"a": {"b": 1}}, ["a", "b"]) == ""
	lib.text_at({"a": "x"}, ["a", "b"]) == ""
	lib.text_at("x", "a") == ""
	lib.uid({"uid": "model:risk/m@7"}) == "model:risk/m@7"
	lib.uid({"uid": " "}) == ""
	lib.uid(null) == ""
}

test_value_and_array_at if {
	lib.value_at({"a": {"b": false}}, ["a", "b"]) == false
	lib.value_at({}, "a") == null
	lib.value_at([1], "a") == null
	lib.array_at({"a": [1]}, "a") == [1]
	lib.array_at({"a": {"b": 1}}, "a") == []
	lib.array_at(null, "a") == []
}

test_days_ns_and_enumeration if {
	lib.days_ns(1) == 86400000000000
	lib.days_ns(0.5) == 43200000000000
	lib.enumeration({"b", "a"}) == "a, b"
	lib.enumeration(["z"]) == "z"
	lib.enumeration([]) == ""
}
