package lineage_graph.retention_test

import data.lineage_graph.config
import data.lineage_graph.retention

_now := "2026-11-26T10:00:00Z"

# A PII snapshot created 2026-09-01: its 90-day window ends 2026-11-30T00:00:00Z.
_subject(changes) := object.union(
	{
		"kind": "snapshot",
		"uid": "snapshot:risk/orders@20260901",
		"classification": "PII",
		"createdAt": "2026-09-01T00:00:00Z",
	},
	changes,
)

_decide(subject, now) := retention.evaluate({"now": now, "subject": subject}, config)

_codes(findings) := {finding.code | some finding in findings}

test_allow_within_window if {
	decision := _decide(_subject({"classification": "INTERNAL"}), _now)
	decision == {"allow": true, "violations": [], "warnings": []}
}

test_expired_past_window if {
	decision := _decide(_subject({}), "2026-12-15T00:00:00Z")
	not decision.allow
	decision.violations == [{
		"code": "RETENTION_EXPIRED",
		"message": "snapshot snapshot:risk/orders@20260901 (PII) passed its 90-day retention window on 2026-11-30T00:00:00Z.",
		"entity": "snapshot:risk/orders@20260901",
		"remediation": "Delete the data of snapshot:risk/orders@20260901 and mark it retired (retiredAt).",
	}]
}

test_expiry_boundary_is_inclusive if {
	_decide(_subject({}), "2026-11-29T23:59:59.999999999Z").allow
	not _decide(_subject({}), "2026-11-30T00:00:00Z").allow
}

test_timezone_offsets_are_honoured if {
	# 2026-11-30T01:00:00+02:00 is 2026-11-29T23:00:00Z: one hour before expiry.
	_decide(_subject({}), "2026-11-30T01:00:00+02:00").allow
}

test_expiring_soon_warns if {
	decision := _decide(_subject({}), _now)
	decision.allow
	_codes(decision.warnings) == {"RETENTION_EXPIRING_SOON"}
	decision.warnings[0].message == concat(" ", [
		"snapshot snapshot:risk/orders@20260901 (PII) reaches the end",
		"of its 90-day retention window on 2026-11-30T00:00:00Z.",
	])
}

test_warning_window_boundary if {
	# 14 days before expiry exactly: warned; one second earlier: not.
	_codes(_decide(_subject({}), "2026-11-16T00:00:00Z").warnings) == {"RETENTION_EXPIRING_SOON"}
	_decide(_subject({}), "2026-11-15T23:59:59Z").warnings == []
}

test_expires_at_in_hours_is_not_expired_yet if {
	# Expires twelve hours after now: warned, not expired (a whole-day count would say 0 days).
	decision := _decide(_subject({"expiresAt": "2026-11-26T22:00:00Z"}), _now)
	decision.allow
	decision.warnings[0].message == concat(" ", [
		"snapshot snapshot:risk/orders@20260901 (PII) reaches the end",
		"of its expiry date on 2026-11-26T22:00:00Z.",
	])
}

test_expires_at_boundary_is_the_instant if {
	subject := _subject({"expiresAt": "2026-11-26T22:00:00.5Z"})
	_decide(subject, "2026-11-26T22:00:00.499999999Z").allow
	decision := _decide(subject, "2026-11-26T22:00:00.5Z")
	not decision.allow
	decision.violations[0].message == concat(" ", [
		"snapshot snapshot:risk/orders@20260901 (PII) passed",
		"its expiry date on 2026-11-26T22:00:00.5Z.",
	])
}

test_expires_at_later_than_the_window_does_not_extend_it if {
	subject := _subject({"expiresAt": "2027-06-01T00:00:00Z"})
	_decide(subject, "2026-11-29T23:59:59Z").allow
	decision := _decide(subject, "2026-11-30T00:00:00Z")
	contains(decision.violations[0].message, "passed its 90-day retention window")
}

test_expires_at_combines_with_a_shorter_override if {
	# retentionDays 10 ends 2026-09-11; expiresAt a day later does not extend that.
	subject := _subject({"retentionDays": 10, "expiresAt": "2026-09-12T00:00:00Z"})
	_decide(subject, "2026-09-10T23:59:59Z").allow
	not _decide(subject, "2026-09-11T00:00:00Z").allow
}

test_fractional_override_is_exact if {
	# 1.5 days from 2026-09-01T00:00Z ends at 2026-09-02T12:00Z, not at a whole day.
	subject := _subject({"retentionDays": 1.5})
	_decide(subject, "2026-09-02T11:59:59Z").allow
	not _decide(subject, "2026-09-02T12:00:00Z").allow
}

test_malformed_expires_at if {
	decision := _decide(_subject({"expiresAt": "tomorrow"}), _now)
	_codes(decision.violations) == {"RETENTION_INVALID_INPUT"}
	decision.violations[0].message == "subject.expiresAt is not an RFC3339 timestamp."
}

test_null_expires_at_means_none if {
	_decide(_subject({"expiresAt": null}), _now) == _decide(_subject({}), _now)
}

test_override_may_shorten if {
	decision := _decide(_subject({"retentionDays": 30}), _now)
	_codes(decision.violations) == {"RETENTION_EXPIRED"}
	contains(decision.violations[0].message, "30-day")
}

test_override_zero_days_expires_at_creation if {
	not _decide(_subject({"retentionDays": 0}), "2026-09-01T00:00:00Z").allow
}

test_override_may_not_extend if {
	decision := _decide(_subject({"retentionDays": 365}), "2026-12-15T00:00:00Z")
	_codes(decision.violations) == {"RETENTION_EXPIRED"}
	contains(decision.violations[0].message, "90-day")
	_codes(decision.warnings) == {"RETENTION_OVERRIDE_IGNORED"}
	decision.warnings[0].remediation == "Set retentionDays to a number of days between 0 and 90, or remove it."
}

test_override_equal_to_maximum_is_fine if {
	_decide(_subject({"retentionDays": 90}), "2026-10-01T00:00:00Z") == {"allow": true, "violations": [], "warnings": []}
}

test_malformed_overrides_are_ignored if {
	every override in [-1, "30", true] {
		decision := _decide(_subject({"retentionDays": override}), "2026-10-01T00:00:00Z")
		decision.allow
		_codes(decision.warnings) == {"RETENTION_OVERRIDE_IGNORED"}
	}
}

test_null_override_means_none if {
	_decide(_subject({"retentionDays": null}), "2026-10-01T00:00:00Z").warnings == []
}

test_retired_subject_is_compliant if {
	decision := _decide(_subject({"retiredAt": "2026-11-01T00:00:00Z"}), "2027-06-01T00:00:00Z")
	decision == {"allow": true, "violations": [], "warnings": []}
}

test_null_retired_at_means_active if {
	not _decide(_subject({"retiredAt": null}), "2027-06-01T00:00:00Z").allow
}

test_sources_use_the_same_windows if {
	source := _subject({"kind": "source", "uid": "source:pg/shop.public.customers", "classification": "CONFIDENTIAL"})
	_decide(source, "2027-08-31T00:00:00Z").allow
	not _decide(source, "2027-09-01T00:00:00Z").allow
}

test_unknown_classification if {
	decision := _decide(_subject({"classification": "SECRET"}), _now)
	_codes(decision.violations) == {"RETENTION_UNKNOWN_CLASSIFICATION"}
	decision.violations[0].remediation == "Classify it as one of CONFIDENTIAL, INTERNAL, PII, PUBLIC."
}

test_missing_classification if {
	decision := _decide(object.remove(_subject({}), {"classification"}), _now)
	decision.violations[0].message == "snapshot snapshot:risk/orders@20260901 has no known classification (null)."
}

test_days_come_from_data if {
	decision := _decide(_subject({}), _now) with config.retention_days.PII as 30
	_codes(decision.violations) == {"RETENTION_EXPIRED"}
}

test_invalid_now if {
	every now in [null, "yesterday", "2026-11-26", 1764151200] {
		decision := _decide(_subject({}), now)
		not decision.allow
		[finding.message | some finding in decision.violations] == ["now is missing or not an RFC3339 timestamp."]
	}
}

test_invalid_subject_fields if {
	decision := _decide({"kind": "table", "uid": "", "createdAt": "later"}, _now)
	[finding.message | some finding in decision.violations] == [
		"subject.createdAt is missing or not an RFC3339 timestamp.",
		"subject.kind is neither snapshot nor source.",
		"subject.uid is missing.",
	]
}

test_decision_defined_for_empty_input if {
	decision := retention.decision with input as {}
	not decision.allow
	[finding.message | some finding in decision.violations] == [
		"now is missing or not an RFC3339 timestamp.",
		"subject is missing or not an object.",
	]
}

test_decision_defined_for_non_object_input if {
	every doc in [[], "snapshot", null] {
		decision := retention.decision with input as doc
		_codes(decision.violations) == {"RETENTION_INVALID_INPUT"}
	}
}

test_decision_defined_without_input if {
	retention.decision.violations[0].code == "RETENTION_INVALID_INPUT"
}

test_batch_in_order_with_shared_now if {
	decisions := retention.batch with input as {"now": _now, "items": [
		{"subject": _subject({"uid": "snapshot:a"})},
		{"subject": _subject({"uid": "snapshot:b", "createdAt": "2026-01-01T00:00:00Z"})},
		{"subject": _subject({"uid": "snapshot:c"}), "now": "2026-10-01T00:00:00Z"},
		{"subject": _subject({"uid": "snapshot:d", "classification": "PUBLIC"})},
		"snapshot:e",
	]}
	[decision.allow | some decision in decisions] == [true, false, true, true, false]
	[_codes(decision.warnings) | some decision in decisions] == [{"RETENTION_EXPIRING_SOON"}, set(), set(), set(), set()]
	decisions[1].violations[0].entity == "snapshot:b"
	_codes(decisions[4].violations) == {"RETENTION_INVALID_INPUT"}
}

test_batch_is_empty_without_items if {
	retention.batch == [] with input as {"now": _now}
}

test_every_code_is_declared_and_exercised if {
	decisions := retention.batch with input as {"now": _now, "items": [
		{"subject": _subject({"createdAt": "2025-01-01T00:00:00Z"})},
		{"subject": _subject({"retentionDays": 400})},
		{"subject": _subject({"classification": "TOP_SECRET"})},
		{},
	]}
	emitted := {[finding.code, severity] |
		some decision in decisions
		some kind, severity in {"violations": "violation", "warnings": "warning"}
		some finding in decision[kind]
	}
	emitted == {[code, entry.severity] | some code, entry in retention.codes}
}
