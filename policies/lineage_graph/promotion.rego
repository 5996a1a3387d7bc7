# METADATA
# title: Promotion gates
# description: >-
#   Whether a model version may be promoted into an environment: the target is the
#   next environment in order, the candidate's evaluation is not worse than its
#   baseline beyond the tolerance, the serving features are compatible with the
#   training ones, enough principals other than the author approved it for its
#   risk tier where the environment requires reviews (review_required_environments:
#   prod), it uses no feature-set version past its sunset, and its lineage is
#   complete where the environment requires it.
# custom:
#   codes:
#     PROMOTION_UNKNOWN_ENVIRONMENT:
#       severity: violation
#       meaning: toEnvironment or fromEnvironment is not in the environment order.
#     PROMOTION_NOT_FORWARD:
#       severity: violation
#       meaning: The target environment is not after the one the model version is in.
#     PROMOTION_SKIPS_ENVIRONMENT:
#       severity: violation
#       meaning: The target is beyond the next environment in order (e.g. dev to prod, skipping staging).
#     PROMOTION_MISSING_EVALUATION:
#       severity: violation
#       meaning: The candidate has no evaluation metrics, or no baseline metrics to compare them with.
#     PROMOTION_METRIC_MISSING:
#       severity: violation
#       meaning: The baseline has a metric that the candidate's evaluation lacks (or gives as a non-number).
#     PROMOTION_METRIC_REGRESSION:
#       severity: violation
#       meaning: >-
#         A metric is worse than the baseline by more than its tolerance, in the
#         metric's direction (metric_directions, metric_tolerances).
#     PROMOTION_METRIC_DIRECTION_UNKNOWN:
#       severity: warning
#       meaning: >-
#         metric_directions does not say whether higher or lower is better for a
#         baseline metric, so it is not compared.
#     PROMOTION_INCOMPATIBLE_FEATURES:
#       severity: violation
#       meaning: A model input is served from a feature incompatible with the one it was trained on.
#     PROMOTION_UNKNOWN_RISK_TIER:
#       severity: violation
#       meaning: The model's riskTier is missing or not in reviews_required.
#     PROMOTION_INSUFFICIENT_APPROVALS:
#       severity: violation
#       meaning: >-
#         The target is in review_required_environments and fewer distinct principals
#         other than the author approved than the risk tier requires (reviews_required).
#     PROMOTION_PAST_SUNSET_FEATURE:
#       severity: violation
#       meaning: The model version uses a feature-set version that is past its sunset or retired.
#     PROMOTION_DEPRECATED_FEATURE:
#       severity: warning
#       meaning: The model version uses a deprecated feature-set version whose sunset is still ahead.
#     PROMOTION_LINEAGE_INCOMPLETE:
#       severity: violation
#       meaning: >-
#         An item of lineage is missing and the target is in
#         lineage_required_environments; one finding per lineage gap.
#     PROMOTION_LINEAGE_GAPS:
#       severity: warning
#       meaning: An item of lineage is missing; it does not block this target but will block the required ones.
#     PROMOTION_INVALID_INPUT:
#       severity: violation
#       meaning: The input is not an object or lacks a required field (see docs/policies.md).
package lineage_graph.promotion

import data.lineage_graph.config
import data.lineage_graph.deprecation
import data.lineage_graph.lib
import data.lineage_graph.lineage

# METADATA
# title: Decision
# description: The decision for promoting input.modelVersion to input.toEnvironment; defined for any input.
# scope: document
# entrypoint: true
default decision := {
	"allow": false,
	"violations": [{
		"code": "PROMOTION_INVALID_INPUT",
		"message": "There is no input document.",
		"entity": "",
		"remediation": "Send the input document described in docs/policies.md.",
	}],
	"warnings": [],
}

decision := evaluate(input, config)

# METADATA
# title: Batch
# description: The decisions for input.items, in order; top-level fields are defaults for the items.
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
#   The decision for one promotion document under cfg (the shape of
#   data.lineage_graph.config). decision and batch both call it.
evaluate(doc, cfg) := lib.decision(_violations(doc, cfg), _warnings(doc, cfg))

_violations(doc, cfg) := union({
	_invalid(doc),
	_environment_findings(doc, _order(doc, cfg)),
	_evaluation_findings(doc, cfg),
	_incompatible(doc),
	_approval_findings(doc, cfg),
	_feature_findings(doc, "violations", "PROMOTION_PAST_SUNSET_FEATURE"),
	_lineage_findings(doc, cfg, true, "PROMOTION_LINEAGE_INCOMPLETE"),
})

_warnings(doc, cfg) := union({
	_unknown_directions(doc, cfg),
	_feature_findings(doc, "warnings", "PROMOTION_DEPRECATED_FEATURE"),
	_lineage_findings(doc, cfg, false, "PROMOTION_LINEAGE_GAPS"),
})

# Input checks

_invalid(doc) := {lib.finding("PROMOTION_INVALID_INPUT", message, _uid(doc), remediation) |
	some message in _input_errors(doc)
	remediation := "Send the promotion document described in docs/policies.md."
}

_input_errors(doc) := {"The input document is not an object."} if not is_object(doc)

_input_errors(doc) := _field_errors(doc) | _deprecation_errors(doc) if is_object(doc)

_field_errors(doc) := {message |
	some field, message in {
		"modelVersion": "modelVersion is missing or not an object.",
		"uid": "modelVersion.uid is missing.",
		"createdBy": "modelVersion.createdBy (the author) is missing.",
		"toEnvironment": "toEnvironment is missing.",
		"fromEnvironment": "fromEnvironment is neither a name nor null.",
		"environmentOrder": "environmentOrder is not an object of environment names to numbers.",
		"incompatibleInputs": "incompatibleInputs is missing or not an array of objects.",
		"approvals": "approvals is not an array of objects.",
		"baselineMetrics": "evaluation.baseline.metrics has a value that is not a number.",
	}
	not _valid(field, doc)
}

_valid("modelVersion", doc) if is_object(doc.modelVersion)

_valid("uid", doc) if lib.uid(doc.modelVersion) != ""

_valid("createdBy", doc) if lib.text_at(doc, ["modelVersion", "createdBy"]) != ""

_valid("toEnvironment", doc) if lib.text(doc.toEnvironment)

_valid("fromEnvironment", doc) if lib.value_at(doc, "fromEnvironment") == null

_valid("fromEnvironment", doc) if lib.text(doc.fromEnvironment)

_valid("environmentOrder", doc) if lib.value_at(doc, "environmentOrder") == null

_valid("environmentOrder", doc) if {
	is_object(doc.environmentOrder)
	every order in doc.environmentOrder {
		is_number(order)
	}
}

_valid("incompatibleInputs", doc) if _objects(doc.incompatibleInputs)

_valid("approvals", doc) if lib.value_at(doc, "approvals") == null

_valid("approvals", doc) if _objects(doc.approvals)

_valid("baselineMetrics", doc) if not is_object(lib.value_at(doc, ["evaluation", "baseline", "metrics"]))

_valid("baselineMetrics", doc) if {
	every value in doc.evaluation.baseline.metrics {
		is_number(value)
	}
}

_objects(values) if {
	is_array(values)
	every value in values {
		is_object(value)
	}
}

# now and featureSetVersions are checked by lineage_graph.deprecation.
_deprecation_errors(doc) := {finding.message |
	some finding in _deprecation(doc).violations
	finding.code == "DEPRECATION_INVALID_INPUT"
}

# Environment order

# input.environmentOrder when it is given and well-formed, else the configured order.
_order(doc, cfg) := doc.environmentOrder if {
	is_object(doc.environmentOrder)
	_valid("environmentOrder", doc)
} else := cfg.environment_order

_environment_findings(doc, order) := union({
	_unknown_environments(doc, order),
	_not_forward(doc, order),
	_skips(doc, order),
})

_unknown_environments(doc, order) := {lib.finding("PROMOTION_UNKNOWN_ENVIRONMENT", message, _uid(doc), remediation) |
	some field in ["fromEnvironment", "toEnvironment"]
	name := doc[field]
	lib.text(name)
	not order[name]
	message := sprintf("%s %s is not a known environment.", [field, name])
	remediation := sprintf("Use one of %s.", [lib.enumeration(object.keys(order))])
}

_not_forward(doc, order) := {lib.finding("PROMOTION_NOT_FORWARD", message, _uid(doc), remediation) |
	order[doc.toEnvironment] <= order[doc.fromEnvironment]
	message := sprintf(
		"%s is in %s; %s is not after it.",
		[_uid(doc), doc.fromEnvironment, doc.toEnvironment],
	)
	remediation := sprintf("%s To roll back, redeploy instead of promoting.", [_forward(doc, order)])
}

_skips(doc, order) := {lib.finding("PROMOTION_SKIPS_ENVIRONMENT", message, _uid(doc), remediation) |
	target := order[doc.toEnvironment]
	target > order[_next(doc, order)]
	skipped := [name | some name, position in order; position > _position(doc, order); position < target]
	message := sprintf(
		"Promoting %s to %s skips %s.",
		[_uid(doc), doc.toEnvironment, lib.enumeration(skipped)],
	)
	remediation := sprintf("Promote to %s first.", [_next(doc, order)])
}

# Where the model version is now: the order of fromEnvironment, or below every
# environment when it is not deployed yet (fromEnvironment absent or null).
_position(doc, order) := order[doc.fromEnvironment]

_position(doc, order) := min([position | some position in order]) - 1 if lib.value_at(doc, "fromEnvironment") == null

_forward(doc, order) := sprintf("Promote to %s next.", [_next(doc, order)]) if {
	_next(doc, order)
} else := sprintf("%s is the last environment.", [doc.fromEnvironment])

# The first environment after the current one (by name when two share a position).
_next(doc, order) := names[0] if {
	after := [position | some position in order; position > _position(doc, order)]
	names := sort([name | some name, position in order; position == min(after)])
}

# Evaluation against baseline

_evaluation_findings(doc, cfg) := _metric_findings(doc, cfg) if _comparable(doc)

_evaluation_findings(doc, _) := {lib.finding("PROMOTION_MISSING_EVALUATION", message, _uid(doc), remediation) |
	is_object(doc)
	message := sprintf("%s has no evaluation metrics with baseline metrics to compare.", [_label(_uid(doc))])
	remediation := "Evaluate the candidate on the reference snapshot and link the evaluation to its baseline."
} if {
	not _comparable(doc)
}

_comparable(doc) if {
	is_object(doc.evaluation.metrics)
	is_object(doc.evaluation.baseline.metrics)
	count(doc.evaluation.baseline.metrics) > 0
}

_metric_findings(doc, cfg) := _missing_metrics(doc, cfg) | _regressions(doc, cfg)

_missing_metrics(doc, cfg) := {lib.finding("PROMOTION_METRIC_MISSING", message, _evaluation_uid(doc), remediation) |
	some metric, baseline in doc.evaluation.baseline.metrics
	cfg.metric_directions[metric]
	not is_number(lib.value_at(doc.evaluation.metrics, metric))
	message := sprintf("The evaluation of %s has no %s; its baseline has %v.", [_uid(doc), metric, baseline])
	remediation := sprintf("Compute %s for the candidate on the baseline's snapshot.", [metric])
}

_regressions(doc, cfg) := {lib.finding("PROMOTION_METRIC_REGRESSION", message, _evaluation_uid(doc), remediation) |
	some metric, baseline in doc.evaluation.baseline.metrics
	direction := cfg.metric_directions[metric]
	candidate := doc.evaluation.metrics[metric]
	is_number(candidate)
	is_number(baseline)
	tolerance := _tolerance(cfg, metric)
	_worse(candidate, baseline, direction, tolerance)
	message := sprintf(
		"%s of %s is %v against the baseline's %v (%s is better, tolerance %v).",
		[metric, _uid(doc), candidate, baseline, direction, tolerance],
	)
	remediation := sprintf("Improve %s, or promote a model version that does not regress it.", [metric])
}

# Worse than the baseline beyond the tolerance; exactly at the tolerance passes. Values are
# compared as whole multiples of 10^-12 (each rounded half away from zero): OPA's arithmetic on
# decimals is not exact (0.58 + 0.02 = 0.59999999999999999997), so comparing the raw sums would
# refuse a candidate written exactly at the tolerance. Differences below 10^-12 do not count.
_worse(candidate, baseline, "higher", tolerance) if _units(candidate) < _units(baseline) - _units(tolerance)

_worse(candidate, baseline, "lower", tolerance) if _units(candidate) > _units(baseline) + _units(tolerance)

_units(value) := round(value * 1000000000000)

_unknown_directions(doc, cfg) := {lib.finding("PROMOTION_METRIC_DIRECTION_UNKNOWN", message, entity, remediation) |
	_comparable(doc)
	some metric, _ in doc.evaluation.baseline.metrics
	not cfg.metric_directions[metric]
	entity := _evaluation_uid(doc)
	message := sprintf("No direction is configured for the metric %s, so it was not compared.", [metric])
	remediation := sprintf("Add %s to metric_directions (higher or lower).", [metric])
}

_tolerance(cfg, metric) := object.get(cfg.metric_tolerances, metric, object.get(cfg.metric_tolerances, "default", 0))

# Serving compatibility, approvals, deprecated features, lineage

_incompatible(doc) := {lib.finding("PROMOTION_INCOMPATIBLE_FEATURES", message, entity, remediation) |
	some incompatible in lib.array_at(doc, "incompatibleInputs")
	training := lib.text_at(incompatible, "trainingFeature")
	serving := lib.text_at(incompatible, "servingFeature")
	entity := _first_text([serving, training, _uid(doc)])
	input_name := _label(lib.text_at(incompatible, "input"))
	reason := _label(lib.text_at(incompatible, "reason"))
	message := sprintf(
		"Input %s of %s was trained on %s but would be served %s: %s.",
		[input_name, _uid(doc), _label(training), _label(serving), reason],
	)
	remediation := "Serve a feature-set version compatible with training, or retrain on the serving features."
}

_approval_findings(doc, cfg) := _unknown_risk_tier(doc, cfg) | _insufficient_approvals(doc, cfg)

_unknown_risk_tier(doc, cfg) := {lib.finding("PROMOTION_UNKNOWN_RISK_TIER", message, _uid(doc), remediation) |
	tier := lib.value_at(doc.modelVersion, "riskTier")
	not cfg.reviews_required[tier]
	message := sprintf("%s has no known risk tier (%v).", [_uid(doc), tier])
	remediation := sprintf("Set the model's riskTier to one of %s.", [lib.enumeration(object.keys(cfg.reviews_required))])
}

_insufficient_approvals(doc, cfg) := {lib.finding("PROMOTION_INSUFFICIENT_APPROVALS", message, _uid(doc), remediation) |
	target := lib.text_at(doc, "toEnvironment")
	target in cfg.review_required_environments
	tier := doc.modelVersion.riskTier
	required := cfg.reviews_required[tier]
	author := lib.text_at(doc, ["modelVersion", "createdBy"])
	approvers := {approver |
		some approval in lib.array_at(doc, "approvals")
		approver := lib.text_at(approval, "principal")
		not approver in {"", author}
	}
	count(approvers) < required
	message := sprintf(
		"%s (%s risk) has %d approval(s) from principals other than its author %s; %d required in %s.",
		[_uid(doc), tier, count(approvers), author, required, target],
	)
	remediation := sprintf("Get %d more approval(s) from reviewers other than %s.", [required - count(approvers), author])
}

# Findings of lineage_graph.deprecation for the feature-set versions the model version uses, under this package's code.
_feature_findings(doc, kind, code) := {lib.finding(code, finding.message, finding.entity, finding.remediation) |
	some finding in _deprecation(doc)[kind]
	finding.code != "DEPRECATION_INVALID_INPUT"
}

_deprecation(doc) := deprecation.evaluate({
	"now": lib.value_at(doc, "now"),
	"consumer": {"kind": "modelVersion", "uid": _first_text([_uid(doc), "the model version"])},
	"featureSetVersions": lib.value_at(doc, "featureSetVersions"),
})

# Gaps found by lineage_graph.lineage: violations where the target requires complete lineage, else warnings.
_lineage_findings(doc, cfg, required, code) := {lib.finding(code, message, gap.entity, gap.remediation) |
	_lineage_required(doc, cfg) == required
	some gap in lineage.evaluate({"modelVersion": lib.value_at(doc, "modelVersion")}).violations
	gap.code != "LINEAGE_INVALID_INPUT"
	message := sprintf("Lineage incomplete (%s): %s", [gap.code, gap.message])
}

_lineage_required(doc, cfg) := lib.value_at(doc, "toEnvironment") in cfg.lineage_required_environments

# Labels

_uid(doc) := lib.text_at(doc, ["modelVersion", "uid"])

_evaluation_uid(doc) := _first_text([lib.text_at(doc, ["evaluation", "uid"]), _uid(doc)])

_label("") := "(none)"

_label(value) := value if value != ""

_first_text(values) := first if {
	first := [value | some value in values; lib.text(value)][0]
} else := ""
