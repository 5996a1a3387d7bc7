package lineage_graph.promotion_test

import data.lineage_graph.config
import data.lineage_graph.promotion

_model_version := {
	"uid": "model:risk/m@7",
	"riskTier": "MEDIUM",
	"createdBy": "alice",
	"randomSeed": 42,
	"hyperparameters": {"max_depth": 6},
	"trainingScript": {"repo": "git@github.com:acme/risk-models.git", "commit": "9f1c2e3a"},
	"trainingRun": {"runId": "4f2a"},
	"features": ["feature:risk/cp@3#avg_txn_30d"],
	"snapshots": ["snapshot:pg/shop.public.orders@20260901"],
	"evaluations": [{"uid": "evaluation:risk/m@7", "baseline": {"uid": "evaluation:risk/m@6"}}],
}

# staging -> prod of a complete, approved MEDIUM-risk model version that matches its baseline.
_promotion := {
	"now": "2026-11-26T10:00:00Z",
	"modelVersion": _model_version,
	"fromEnvironment": "staging",
	"toEnvironment": "prod",
	"evaluation": {
		"uid": "evaluation:risk/m@7",
		"metrics": {"auc": 0.81, "logloss": 0.40},
		"baseline": {"uid": "evaluation:risk/m@6", "metrics": {"auc": 0.81, "logloss": 0.40}},
	},
	"incompatibleInputs": [],
	"approvals": [{"principal": "bob", "at": "2026-11-25T09:00:00Z"}],
	"featureSetVersions": [{"uid": "featureset:risk/cp@3", "status": "ACTIVE"}],
}

# _promotion with top-level fields replaced whole.
_with(changes) := object.union(object.remove(_promotion, object.keys(changes)), changes)

_decide(doc) := promotion.evaluate(doc, config)

_codes(findings) := {finding.code | some finding in findings}

_violation_codes(doc) := _codes(_decide(doc).violations)

test_allow_clean_promotion if {
	_decide(_promotion) == {"allow": true, "violations": [], "warnings": []}
}

test_first_deployment_goes_to_the_first_environment if {
	_decide(_with({"fromEnvironment": null, "toEnvironment": "dev"})).allow
	_decide(object.remove(_with({"toEnvironment": "dev"}), {"fromEnvironment"})).allow
	_decide(_with({"fromEnvironment": "dev", "toEnvironment": "staging"})).allow
}

test_skipping_an_environment if {
	decision := _decide(_with({"fromEnvironment": "dev"}))
	decision.violations == [{
		"code": "PROMOTION_SKIPS_ENVIRONMENT",
		"message": "Promoting model:risk/m@7 to prod skips staging.",
		"entity": "model:risk/m@7",
		"remediation": "Promote to staging first.",
	}]
	from_nowhere := _decide(_with({"fromEnvironment": null}))
	from_nowhere.violations[0].message == "Promoting model:risk/m@7 to prod skips dev, staging."
}

test_not_forward if {
	decision := _decide(_with({"fromEnvironment": "prod", "toEnvironment": "staging"}))
	decision.violations == [{
		"code": "PROMOTION_NOT_FORWARD",
		"message": "model:risk/m@7 is in prod; staging is not after it.",
		"entity": "model:risk/m@7",
		"remediation": "prod is the last environment. To roll back, redeploy instead of promoting.",
	}]
	same := _decide(_with({"fromEnvironment": "staging", "toEnvironment": "staging"}))
	same.violations[0].remediation == "Promote to prod next. To roll back, redeploy instead of promoting."
}

test_unknown_environments if {
	decision := _decide(_with({"fromEnvironment": "qa", "toEnvironment": "moon"}))
	[finding.message | some finding in decision.violations] == [
		"fromEnvironment qa is not a known environment.",
		"toEnvironment moon is not a known environment.",
	]
	_codes(decision.violations) == {"PROMOTION_UNKNOWN_ENVIRONMENT"}
	decision.violations[0].remediation == "Use one of dev, prod, staging."
}

test_environment_order_from_input if {
	order := {"dev": 1, "qa": 2, "staging": 3, "prod": 4}
	_decide(_with({"environmentOrder": order})).allow
	skips_qa := _decide(_with({"environmentOrder": order, "fromEnvironment": "dev", "toEnvironment": "staging"}))
	[finding.message | some finding in skips_qa.violations] == ["Promoting model:risk/m@7 to staging skips qa."]
	_decide(_with({"environmentOrder": order, "fromEnvironment": "qa", "toEnvironment": "staging"})).allow
	_decide(_with({"environmentOrder": {"staging": 10, "prod": 20}})).allow
}

test_environment_order_with_gaps_and_ties if {
	_decide(_with({"environmentOrder": {"dev": 10, "staging": 50, "prod": 99}})).allow

	# Environments that share a position are both next.
	tied := {"dev": 1, "staging": 2, "canary": 3, "prod": 3}
	_decide(_with({"environmentOrder": tied, "toEnvironment": "canary"})).allow
	_decide(_with({"environmentOrder": tied})).allow
	_violation_codes(_with({"environmentOrder": tied, "fromEnvironment": "dev"})) == {"PROMOTION_SKIPS_ENVIRONMENT"}
}

test_environment_order_from_data if {
	decision := _decide(_promotion) with config.environment_order.preprod as 2.5
	decision.violations[0].message == "Promoting model:risk/m@7 to prod skips preprod."
}

test_metric_regression_beyond_tolerance if {
	evaluation := json.patch(_promotion.evaluation, [{"op": "replace", "path": "/metrics/auc", "value": 0.79}])
	decision := _decide(_with({"evaluation": evaluation}))
	decision.violations == [{
		"code": "PROMOTION_METRIC_REGRESSION",
		"message": "auc of model:risk/m@7 is 0.79 against the baseline's 0.81 (higher is better, tolerance 0.01).",
		"entity": "evaluation:risk/m@7",
		"remediation": "Improve auc, or promote a model version that does not regress it.",
	}]
}

test_metric_tolerance_boundary if {
	at_tolerance := {"auc": 0.80, "logloss": 0.42}
	_decide(_with({"evaluation": object.union(_promotion.evaluation, {"metrics": at_tolerance})})).allow
	beyond := {"auc": 0.7999, "logloss": 0.4201}
	decision := _decide(_with({"evaluation": object.union(_promotion.evaluation, {"metrics": beyond})}))
	[finding.message | some finding in decision.violations] == [
		"auc of model:risk/m@7 is 0.7999 against the baseline's 0.81 (higher is better, tolerance 0.01).",
		"logloss of model:risk/m@7 is 0.4201 against the baseline's 0.4 (lower is better, tolerance 0.02).",
	]
}

test_decimal_tolerance_is_exact_at_the_limit if {
	# OPA's own sum 0.58 + 0.02 is 0.59999999999999999997: at the limit must still pass.
	down := {"metrics": {"logloss": 0.60}, "baseline": {"metrics": {"logloss": 0.58}}}
	_decide(_with({"evaluation": object.union(_promotion.evaluation, down)})).allow
	up := {"metrics": {"auc": 0.7}, "baseline": {"metrics": {"auc": 0.71}}}
	_decide(_with({"evaluation": object.union(_promotion.evaluation, up)})).allow
	above := {"metrics": {"logloss": 0.600000000001}, "baseline": {"metrics": {"logloss": 0.58}}}
	not _decide(_with({"evaluation": object.union(_promotion.evaluation, above)})).allow
	below := {"metrics": {"auc": 0.699999999999}, "baseline": {"metrics": {"auc": 0.71}}}
	not _decide(_with({"evaluation": object.union(_promotion.evaluation, below)})).allow
}

test_decimal_tolerance_sweep if {
	# Decimal at-limit cases that binary floating point cannot hold exactly.
	cases := [
		["logloss", 0.58, 0.60], ["logloss", 0.1, 0.12], ["logloss", 0.33, 0.35], ["logloss", 1.07, 1.09],
		["auc", 0.3, 0.29], ["auc", 0.71, 0.7], ["auc", 0.83, 0.82], ["auc", 0.17, 0.16],
	]
	every case in cases {
		change := {"metrics": {case[0]: case[2]}, "baseline": {"metrics": {case[0]: case[1]}}}
		_decide(_with({"evaluation": object.union(_promotion.evaluation, change)})).allow
	}
}

test_improvements_pass_in_both_directions if {
	better := {"auc": 0.95, "logloss": 0.10}
	_decide(_with({"evaluation": object.union(_promotion.evaluation, {"metrics": better})})).allow
}

test_tolerance_comes_from_data if {
	evaluation := json.patch(_promotion.evaluation, [{"op": "replace", "path": "/metrics/auc", "value": 0.79}])
	_decide(_with({"evaluation": evaluation})).allow with config.metric_tolerances as {"default": 0.05}
	not _decide(_with({"evaluation": evaluation})).allow with config.metric_tolerances.default as 0.001
}

test_metric_missing_from_candidate if {
	evaluation := json.patch(_promotion.evaluation, [{"op": "remove", "path": "/metrics/logloss"}])
	decision := _decide(_with({"evaluation": evaluation}))
	decision.violations == [{
		"code": "PROMOTION_METRIC_MISSING",
		"message": "The evaluation of model:risk/m@7 has no logloss; its baseline has 0.4.",
		"entity": "evaluation:risk/m@7",
		"remediation": "Compute logloss for the candidate on the baseline's snapshot.",
	}]
}

test_unknown_metric_direction_warns if {
	evaluation := {
		"metrics": {"auc": 0.81, "lift_at_5": 1.0},
		"baseline": {"metrics": {"auc": 0.81, "lift_at_5": 3.0}},
	}
	decision := _decide(_with({"evaluation": evaluation}))
	decision.allow
	decision.warnings == [{
		"code": "PROMOTION_METRIC_DIRECTION_UNKNOWN",
		"message": "No direction is configured for the metric lift_at_5, so it was not compared.",
		"entity": "model:risk/m@7",
		"remediation": "Add lift_at_5 to metric_directions (higher or lower).",
	}]
}

test_missing_evaluation if {
	incomplete := [null, {"metrics": {"auc": 0.8}}, {"metrics": {"auc": 0.8}, "baseline": {"metrics": {}}}]
	docs := array.concat([object.remove(_promotion, {"evaluation"})], [_with({"evaluation": e}) | some e in incomplete])
	every doc in docs {
		decision := _decide(doc)
		_codes(decision.violations) == {"PROMOTION_MISSING_EVALUATION"}
		decision.violations[0].message == "model:risk/m@7 has no evaluation metrics with baseline metrics to compare."
	}
}

test_incompatible_features if {
	incompatible := {
		"input": "avg_txn",
		"trainingFeature": "feature:risk/cp@3#avg_txn_30d",
		"servingFeature": "feature:risk/cp@4#avg_txn_30d",
		"reason": "dtype FLOAT64 became FLOAT32",
	}
	unserved := {"input": "tenure", "reason": "missing from serving"}
	decision := _decide(_with({"incompatibleInputs": [incompatible, unserved]}))
	[[finding.entity, finding.message] | some finding in decision.violations] == [
		[
			"feature:risk/cp@4#avg_txn_30d",
			concat(" ", [
				"Input avg_txn of model:risk/m@7 was trained on feature:risk/cp@3#avg_txn_30d",
				"but would be served feature:risk/cp@4#avg_txn_30d: dtype FLOAT64 became FLOAT32.",
			]),
		],
		[
			"model:risk/m@7",
			"Input tenure of model:risk/m@7 was trained on (none) but would be served (none): missing from serving.",
		],
	]
	_codes(decision.violations) == {"PROMOTION_INCOMPATIBLE_FEATURES"}
}

test_approvals_by_risk_tier if {
	_decide(_with({"modelVersion": object.union(_model_version, {"riskTier": "LOW"}), "approvals": []})).allow
	not _decide(_with({"approvals": []})).allow
	high := _with({"modelVersion": object.union(_model_version, {"riskTier": "HIGH"})})
	_violation_codes(high) == {"PROMOTION_INSUFFICIENT_APPROVALS"}
	_decide(object.union(high, {"approvals": [{"principal": "bob"}, {"principal": "carol"}]})).allow
}

test_approvals_are_required_only_before_prod if {
	high := _with({"modelVersion": object.union(_model_version, {"riskTier": "HIGH"}), "approvals": []})
	_decide(object.union(high, {"fromEnvironment": null, "toEnvironment": "dev"})).allow
	_decide(object.union(high, {"fromEnvironment": "dev", "toEnvironment": "staging"})).allow
	_violation_codes(high) == {"PROMOTION_INSUFFICIENT_APPROVALS"}
}

test_review_required_environments_come_from_data if {
	high := _with({
		"modelVersion": object.union(_model_version, {"riskTier": "HIGH"}),
		"fromEnvironment": "dev", "toEnvironment": "staging", "approvals": [],
	})
	staging_too := ["staging", "prod"]
	_violation_codes(high) == {"PROMOTION_INSUFFICIENT_APPROVALS"} with config.review_required_environments as staging_too
	_decide(_with({"approvals": []})).allow with config.review_required_environments as []
}

test_author_and_repeated_approvals_do_not_count if {
	high := _with({
		"modelVersion": object.union(_model_version, {"riskTier": "HIGH"}),
		"approvals": [{"principal": "alice"}, {"principal": "bob"}, {"principal": "bob"}, {"principal": ""}, {}],
	})
	decision := _decide(high)
	decision.violations == [{
		"code": "PROMOTION_INSUFFICIENT_APPROVALS",
		"message": concat("", [
			"model:risk/m@7 (HIGH risk) has 1 approval(s) from principals other than its author alice; ",
			"2 required in prod.",
		]),
		"entity": "model:risk/m@7",
		"remediation": "Get 1 more approval(s) from reviewers other than alice.",
	}]
}

test_findings_without_any_uid if {
	doc := _with({"modelVersion": {"riskTier": "LOW", "createdBy": "alice"}, "incompatibleInputs": [{}]})
	[finding.entity | some finding in _decide(doc).violations; finding.code == "PROMOTION_INCOMPATIBLE_FEATURES"] == [""]
}

test_missing_approvals_list_means_none if {
	_violation_codes(object.remove(_promotion, {"approvals"})) == {"PROMOTION_INSUFFICIENT_APPROVALS"}
}

test_reviews_required_come_from_data if {
	_decide(_with({"approvals": []})).allow with config.reviews_required.MEDIUM as 0
}

test_unknown_risk_tier if {
	tiers := [object.union(_model_version, {"riskTier": "EXTREME"}), object.remove(_model_version, {"riskTier"})]
	every model_version in tiers {
		decision := _decide(_with({"modelVersion": model_version}))
		_codes(decision.violations) == {"PROMOTION_UNKNOWN_RISK_TIER"}
		decision.violations[0].remediation == "Set the model's riskTier to one of HIGH, LOW, MEDIUM."
	}
}

test_past_sunset_feature_blocks if {
	versions := [
		{
			"uid": "featureset:risk/cp@2", "status": "DEPRECATED",
			"sunsetAt": "2026-11-01T00:00:00Z", "replacement": "featureset:risk/cp@3",
		},
		{"uid": "featureset:risk/cp@1", "status": "RETIRED"},
	]
	decision := _decide(_with({"featureSetVersions": versions}))
	[[finding.code, finding.entity, finding.remediation] | some finding in decision.violations] == [
		[
			"PROMOTION_PAST_SUNSET_FEATURE", "featureset:risk/cp@1",
			"Move model:risk/m@7 off featureset:risk/cp@1; no replacement is recorded, ask its owner.",
		],
		["PROMOTION_PAST_SUNSET_FEATURE", "featureset:risk/cp@2", "Redirect model:risk/m@7 to featureset:risk/cp@3."],
	]
}

test_deprecated_feature_before_sunset_warns if {
	versions := [{
		"uid": "featureset:risk/cp@2", "status": "DEPRECATED",
		"sunsetAt": "2027-01-01T00:00:00Z", "replacement": "featureset:risk/cp@3",
	}]
	decision := _decide(_with({"featureSetVersions": versions}))
	decision.allow
	decision.warnings == [{
		"code": "PROMOTION_DEPRECATED_FEATURE",
		"message": "model:risk/m@7 uses featureset:risk/cp@2, deprecated: its sunset is 2027-01-01T00:00:00Z.",
		"entity": "featureset:risk/cp@2",
		"remediation": "Redirect model:risk/m@7 to featureset:risk/cp@3.",
	}]
}

test_incomplete_lineage_blocks_prod if {
	decision := _decide(_with({"modelVersion": object.remove(_model_version, {"randomSeed"})}))
	decision.violations == [{
		"code": "PROMOTION_LINEAGE_INCOMPLETE",
		"message": "Lineage incomplete (LINEAGE_MISSING_SEED): model:risk/m@7 has no recorded random seed.",
		"entity": "model:risk/m@7",
		"remediation": "Record the seed the training used as randomSeed.",
	}]
}

test_incomplete_lineage_only_warns_before_prod if {
	doc := _with({
		"modelVersion": object.remove(_model_version, {"randomSeed"}),
		"fromEnvironment": "dev",
		"toEnvironment": "staging",
	})
	decision := _decide(doc)
	decision.allow
	_codes(decision.warnings) == {"PROMOTION_LINEAGE_GAPS"}
	not _decide(doc).allow with config.lineage_required_environments as ["staging", "prod"]
}

test_invalid_fields if {
	doc := object.remove(
		_with({
			"modelVersion": object.remove(_model_version, {"createdBy"}),
			"fromEnvironment": 2,
			"environmentOrder": {"dev": "first"},
			"approvals": "bob",
			"evaluation": {"metrics": {"auc": 0.8}, "baseline": {"metrics": {"auc": "0.8"}}},
		}),
		{"toEnvironment", "incompatibleInputs", "now"},
	)
	messages := {finding.message | some finding in _decide(doc).violations; finding.code == "PROMOTION_INVALID_INPUT"}
	messages == {
		"modelVersion.createdBy (the author) is missing.",
		"toEnvironment is missing.",
		"fromEnvironment is neither a name nor null.",
		"environmentOrder is not an object of environment names to numbers.",
		"incompatibleInputs is missing or not an array of objects.",
		"approvals is not an array of objects.",
		"evaluation.baseline.metrics has a value that is not a number.",
		"now is missing or not an RFC3339 timestamp.",
	}
}

test_decision_defined_for_empty_input if {
	decision := promotion.decision with input as {}
	not decision.allow
	{finding.message | some finding in decision.violations; finding.code == "PROMOTION_INVALID_INPUT"} == {
		"modelVersion is missing or not an object.",
		"modelVersion.uid is missing.",
		"modelVersion.createdBy (the author) is missing.",
		"toEnvironment is missing.",
		"incompatibleInputs is missing or not an array of objects.",
		"now is missing or not an RFC3339 timestamp.",
		"featureSetVersions is missing or not an array.",
	}
	_codes(decision.violations) == {"PROMOTION_INVALID_INPUT", "PROMOTION_MISSING_EVALUATION"}
}

test_decision_defined_for_non_object_input if {
	every doc in [[], "model:risk/m@7", null] {
		decision := promotion.decision with input as doc
		_codes(decision.violations) == {"PROMOTION_INVALID_INPUT"}
		decision.warnings == []
	}
}

test_decision_defined_without_input if {
	promotion.decision.violations[0].code == "PROMOTION_INVALID_INPUT"
}

test_decision_reads_input if {
	promotion.decision.allow with input as _promotion
}

test_batch_in_order_with_shared_fields if {
	shared := object.remove(_promotion, {"modelVersion", "fromEnvironment", "toEnvironment"})
	decisions := promotion.batch with input as object.union(shared, {"items": [
		{"modelVersion": _model_version, "fromEnvironment": "staging", "toEnvironment": "prod"},
		{"modelVersion": _model_version, "fromEnvironment": "dev", "toEnvironment": "prod"},
		{"modelVersion": _model_version, "fromEnvironment": "staging", "toEnvironment": "prod", "approvals": []},
		{"modelVersion": _model_version, "toEnvironment": "dev", "now": "2026-01-01T00:00:00Z"},
	]})
	[decision.allow | some decision in decisions] == [true, false, false, true]
	_codes(decisions[1].violations) == {"PROMOTION_SKIPS_ENVIRONMENT"}
	_codes(decisions[2].violations) == {"PROMOTION_INSUFFICIENT_APPROVALS"}
}

test_batch_is_empty_without_items if {
	promotion.batch == [] with input as _promotion
}

test_every_code_is_declared_and_exercised if {
	decisions := promotion.batch with input as {"items": [
		_with({
			"modelVersion": {"uid": "model:risk/m@8", "riskTier": "HIGH", "createdBy": "alice"},
			"fromEnvironment": "dev",
			"evaluation": {"metrics": {"auc": 0.5, "f2": 1}, "baseline": {"metrics": {"auc": 0.8, "logloss": 0.4, "f2": 1}}},
			"incompatibleInputs": [{"input": "x"}],
			"featureSetVersions": [
				{"uid": "featureset:a@1", "status": "RETIRED"},
				{"uid": "featureset:b@1", "status": "DEPRECATED"},
			],
		}),
		_with({
			"modelVersion": {"uid": "model:risk/m@9", "createdBy": "alice"},
			"fromEnvironment": "prod",
			"toEnvironment": "qa",
		}),
		_with({"fromEnvironment": "prod", "toEnvironment": "staging", "evaluation": null}),
		{},
	]}
	emitted := {[finding.code, severity] |
		some decision in decisions
		some kind, severity in {"violations": "violation", "warnings": "warning"}
		some finding in decision[kind]
	}
	emitted == {[code, entry.severity] | some code, entry in promotion.codes}
}
