# METADATA
# title: Retention
# description: >-
#   Dataset snapshots and data sources past their retention window. The window is
#   the number of days data.lineage_graph.config.retention_days gives the subject's
#   classification, or the subject's own retentionDays when that is shorter. A
#   subject expires at createdAt + window, or at its own expiresAt when that comes
#   first, and is expired from that instant on (now >= expiry, compared in
#   nanoseconds, never rounded to days) unless it is retired. "now" comes from the
#   input, never from the clock, so a decision can be replayed.
# custom:
#   codes:
#     RETENTION_EXPIRED:
#       severity: violation
#       meaning: The subject is past its retention window and not retired; its data must be deleted.
#     RETENTION_EXPIRING_SOON:
#       severity: warning
#       meaning: The subject expires within retention_warning_days of now.
#     RETENTION_UNKNOWN_CLASSIFICATION:
#       severity: violation
#       meaning: The subject has no classification, or one that retention_days does not list.
#     RETENTION_OVERRIDE_IGNORED:
#       severity: warning
#       meaning: >-
#         retentionDays is longer than the classification allows, or is not a
#         non-negative number; the classification's window applies.
#     RETENTION_INVALID_INPUT:
#       severity: violation
#       meaning: >-
#         The input is not an object, or now, subject, subject.uid, subject.kind
#         (snapshot or source) or subject.createdAt is missing or malformed, or
#         subject.expiresAt is given but malformed.
package lineage_graph.retention

import data.lineage_graph.config
import data.lineage_graph.lib

# METADATA
# title: Decision
# description: The decision for input.subject at input.now; defined for any input.
# scope: document
# entrypoint: true
default decision := {
	"allow": false,
	"violations": [{
		"code": "RETENTION_INVALID_INPUT",
		"message": "There is no input document.",
		"entity": "",
		"remediation": "Send the input document described in docs/policies.md.",
	}],
	"warnings": [],
}

decision := evaluate(input, config)

# METADATA
# title: Batch
# description: The decisions for input.items, in order; input.now is the default now.
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
#   The decision for one document {now, subject} under cfg (the shape of
#   data.lineage_graph.config). decision and batch both call it. A malformed
#   document gets only its input findings: findings about a malformed subject
#   would mislead. A well-formed one is checked once and judged from its window,
#   derived once.
evaluate(doc, cfg) := _judge(doc.subject, lib.timestamp_ns(doc.now), cfg) if _well_formed(doc)

else := lib.decision(_invalid(doc), set())

# No input errors (see _field_errors), checked in one pass.
_well_formed(doc) if {
	lib.timestamp_ns(doc.now)
	subject := doc.subject
	is_object(subject)
	lib.text(subject.uid)
	subject.kind in {"snapshot", "source"}
	lib.timestamp_ns(subject.createdAt)
	_valid_expiry(subject)
}

# Retired subjects (retiredAt set) no longer hold data: nothing to retain or delete.
_judge(subject, _, _) := lib.decision(set(), set()) if object.get(subject, "retiredAt", null) != null

_judge(subject, _, cfg) := lib.decision(_unclassified(subject, cfg), set()) if {
	object.get(subject, "retiredAt", null) == null
	not cfg.retention_days[object.get(subject, "classification", null)]
}

_judge(subject, now, cfg) := lib.decision(_expired(subject, now, end), warnings) if {
	object.get(subject, "retiredAt", null) == null
	maximum := cfg.retention_days[subject.classification]
	override := object.get(subject, "retentionDays", null)
	end := _end(subject, _window_days(override, maximum))
	warnings := _override_ignored(subject, override, maximum) | _expiring_soon(subject, now, end, cfg)
}

# When the subject expires, and why: the end of its window, or its own expiresAt when earlier.
_end(subject, window) := {"at": expires, "reason": "expiry date"} if {
	expires := lib.timestamp_ns(subject.expiresAt)
	expires < lib.timestamp_ns(subject.createdAt) + lib.days_ns(window)
} else := {
	"at": lib.timestamp_ns(subject.createdAt) + lib.days_ns(window),
	"reason": sprintf("%v-day retention window", [window]),
}

_invalid(doc) := {lib.finding("RETENTION_INVALID_INPUT", message, entity, remediation) |
	some message in _input_errors(doc)
	entity := lib.text_at(doc, ["subject", "uid"])
	remediation := "Send {now, subject: {kind, uid, classification, createdAt}} (docs/policies.md)."
}

_input_errors(doc) := {"The input document is not an object."} if not is_object(doc)

_input_errors(doc) := _field_errors(doc) if is_object(doc)

_field_errors(doc) := {message |
	some field, message in {
		"now": "now is missing or not an RFC3339 timestamp.",
		"subject": "subject is missing or not an object.",
		"uid": "subject.uid is missing.",
		"kind": "subject.kind is neither snapshot nor source.",
		"createdAt": "subject.createdAt is missing or not an RFC3339 timestamp.",
		"expiresAt": "subject.expiresAt is not an RFC3339 timestamp.",
	}
	not _valid(field, doc)
}

_valid("now", doc) if lib.timestamp_ns(doc.now)

_valid("subject", doc) if is_object(doc.subject)

# Without a subject object, only the "subject" error is reported.
_valid(field, doc) if {
	field in {"uid", "kind", "createdAt", "expiresAt"}
	not is_object(lib.value_at(doc, "subject"))
}

_valid("uid", doc) if lib.text(doc.subject.uid)

_valid("kind", doc) if doc.subject.kind in {"snapshot", "source"}

_valid("createdAt", doc) if lib.timestamp_ns(doc.subject.createdAt)

_valid("expiresAt", doc) if _valid_expiry(doc.subject)

# expiresAt is optional; when given (not null) it must be a timestamp.
_valid_expiry(subject) if object.get(subject, "expiresAt", null) == null

_valid_expiry(subject) if lib.timestamp_ns(subject.expiresAt)

_unclassified(subject, cfg) := {lib.finding("RETENTION_UNKNOWN_CLASSIFICATION", message, subject.uid, remediation) |
	classification := object.get(subject, "classification", null)
	message := sprintf("%s %s has no known classification (%v).", [subject.kind, subject.uid, classification])
	remediation := sprintf("Classify it as one of %s.", [lib.enumeration(object.keys(cfg.retention_days))])
}

_expired(subject, now, end) := {lib.finding("RETENTION_EXPIRED", message, subject.uid, remediation) |
	now >= end.at
	message := sprintf(
		"%s %s (%s) passed its %s on %s.",
		[subject.kind, subject.uid, subject.classification, end.reason, time.format(end.at)],
	)
	remediation := sprintf("Delete the data of %s and mark it retired (retiredAt).", [subject.uid])
}

_expiring_soon(subject, now, end, cfg) := {finding |
	now < end.at
	now >= end.at - lib.days_ns(cfg.retention_warning_days)
	message := sprintf(
		"%s %s (%s) reaches the end of its %s on %s.",
		[subject.kind, subject.uid, subject.classification, end.reason, time.format(end.at)],
	)
	remediation := sprintf("Plan the deletion of %s, or move its consumers to a newer snapshot.", [subject.uid])
	finding := lib.finding("RETENTION_EXPIRING_SOON", message, subject.uid, remediation)
}

_override_ignored(subject, override, maximum) := {finding |
	override != null
	not _shortens(override, maximum)
	message := sprintf(
		"%s %s asks for retentionDays %v, but %s data may be kept at most %v days.",
		[subject.kind, subject.uid, override, subject.classification, maximum],
	)
	remediation := sprintf("Set retentionDays to a number of days between 0 and %v, or remove it.", [maximum])
	finding := lib.finding("RETENTION_OVERRIDE_IGNORED", message, subject.uid, remediation)
}

# An override may shorten the window, never extend it.
_shortens(override, maximum) if {
	is_number(override)
	override >= 0
	override <= maximum
}

_window_days(override, maximum) := override if _shortens(override, maximum)

else := maximum
