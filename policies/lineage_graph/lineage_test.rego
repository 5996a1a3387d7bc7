package lineage_graph.lineage_test

import data.lineage_graph.lineage

_complete := {
	"uid": "model:risk/m@7",
	"randomSeed": 42,
	"hyperparameters": {"max_depth": 6, "learning_rate": 0.1},
	"trainingScript": {"repo": "git@github.com:acme/risk-models.git", "commit": "9f1c2e3a4b5c"},
	"trainingRun": {"uid": "run:mlflow/4f2a", "runId": "4f2a", "seed": 42},
	"features": ["feature:risk/cp@3#avg_txn_30d"],
	"snapshots": ["snapshot:pg/shop.public.orders@20260901"],
	"evaluations": [{"uid": "evaluation:risk/m@7#holdout", "baseline": {"uid": "evaluation:risk/m@6#holdout"}}],
}

_decide(version) := lineage.evaluate({"modelVersion": version})

_without(keys) := _decide(object.remove(_complete, keys))

# _complete with some fields replaced whole (object.union would merge nested objects).
_with(changes) := object.union(object.remove(_complete, object.keys(changes)), changes)

_codes(findings) := {finding.code | some finding in findings}

test_complete_lineage if {
	_decide(_complete) == {"allow": true, "complete": true, "violations": [], "warnings": []}
}

test_each_missing_item_is_its_own_violation if {
	missing := {
		"trainingRun": "LINEAGE_MISSING_TRAINING_RUN",
		"hyperparameters": "LINEAGE_MISSING_HYPERPARAMETERS",
		"trainingScript": "LINEAGE_MISSING_CODE_REF",
		"features": "LINEAGE_MISSING_FEATURE_INPUTS",
		"snapshots": "LINEAGE_MISSING_SNAPSHOT",
		"evaluations": "LINEAGE_MISSING_EVALUATION",
	}
	every key, code in missing {
		decision := _without({key})
		decision.allow == false
		decision.complete == false
		_codes(decision.violations) == {code}
	}
}

test_seed_from_model_version_or_training_run if {
	_without({"randomSeed"}).complete
	_decide(json.remove(_complete, ["trainingRun/seed"])).complete
	decision := _decide(json.remove(_complete, ["randomSeed", "trainingRun/seed"]))
	decision.violations == [{
		"code": "LINEAGE_MISSING_SEED",
		"message": "model:risk/m@7 has no recorded random seed.",
		"entity": "model:risk/m@7",
		"remediation": "Record the seed the training used as randomSeed.",
	}]
	string_seed := object.remove(_with({"trainingRun": {"runId": "4f2a", "seed": "42"}}), {"randomSeed"})
	_codes(_decide(string_seed).violations) == {"LINEAGE_MISSING_SEED"}
}

test_training_run_by_uid_or_run_id if {
	_decide(_with({"trainingRun": {"runId": "4f2a"}})).complete
	_decide(_with({"trainingRun": {"uid": "run:mlflow/4f2a"}})).complete
	_codes(_decide(_with({"trainingRun": {"uid": " "}})).violations) == {"LINEAGE_MISSING_TRAINING_RUN"}
}

test_code_ref_needs_repo_and_commit if {
	every script in [{"repo": "git@github.com:acme/risk-models.git"}, {"commit": "9f1c2e3a"}, "train.py"] {
		_codes(_decide(_with({"trainingScript": script})).violations) == {"LINEAGE_MISSING_CODE_REF"}
	}
}

test_code_ref_must_be_pinned if {
	every commit in ["main", "v1.2.0", "9F1C2E3A", "9f1c2e"] {
		decision := _decide(json.patch(_complete, [{"op": "replace", "path": "/trainingScript/commit", "value": commit}]))
		_codes(decision.violations) == {"LINEAGE_CODE_REF_NOT_PINNED"}
	}
	full := "9f1c2e3a4b5c6d7e8f9091a2b3c4d5e6f7a8b9c0"
	_decide(json.patch(_complete, [{"op": "replace", "path": "/trainingScript/commit", "value": full}])).complete
}

test_hyperparameters_must_be_a_non_empty_object if {
	every value in [{}, [], "max_depth=6"] {
		_codes(_decide(_with({"hyperparameters": value})).violations) == {"LINEAGE_MISSING_HYPERPARAMETERS"}
	}
}

test_features_and_snapshots_must_name_something if {
	_codes(_decide(_with({"features": [], "snapshots": [""]})).violations) == {
		"LINEAGE_MISSING_FEATURE_INPUTS",
		"LINEAGE_MISSING_SNAPSHOT",
	}
}

test_evaluation_needs_a_baseline if {
	decision := _decide(_with({"evaluations": [{"uid": "evaluation:risk/m@7#holdout"}]}))
	decision.violations == [{
		"code": "LINEAGE_MISSING_BASELINE",
		"message": "No evaluation of model:risk/m@7 is linked to a baseline.",
		"entity": "model:risk/m@7",
		"remediation": "Link an evaluation to the baseline evaluation it is compared with (BASELINE).",
	}]
}

test_one_evaluation_with_baseline_is_enough if {
	evaluations := array.concat([{"uid": "evaluation:risk/m@7#smoke"}], _complete.evaluations)
	_decide(_with({"evaluations": evaluations})).complete
}

test_evaluation_without_uid_does_not_count if {
	decision := _decide(_with({"evaluations": [{"baseline": {"uid": "evaluation:x"}}]}))
	_codes(decision.violations) == {"LINEAGE_MISSING_EVALUATION"}
}

test_bare_model_version_lists_every_gap if {
	decision := _decide({"uid": "model:risk/m@7"})
	_codes(decision.violations) == {
		"LINEAGE_MISSING_TRAINING_RUN", "LINEAGE_MISSING_SEED", "LINEAGE_MISSING_CODE_REF",
		"LINEAGE_MISSING_HYPERPARAMETERS", "LINEAGE_MISSING_FEATURE_INPUTS", "LINEAGE_MISSING_SNAPSHOT",
		"LINEAGE_MISSING_EVALUATION",
	}
}

test_decision_defined_for_empty_input if {
	decision := lineage.decision with input as {}
	decision.complete == false
	decision.violations == [{
		"code": "LINEAGE_INVALID_INPUT",
		"message": "modelVersion is missing or not an object.",
		"entity": "",
		"remediation": "Send {modelVersion: {uid, trainingRun, randomSeed, trainingScript, ...}} (docs/policies.md).",
	}]
}

test_model_version_without_uid if {
	[finding.message | some finding in _decide({}).violations] == ["modelVersion.uid is missing."]
}

test_decision_defined_for_non_object_input if {
	every doc in [[], "model:risk/m@7", null] {
		decision := lineage.decision with input as doc
		decision.complete == false
		_codes(decision.violations) == {"LINEAGE_INVALID_INPUT"}
	}
}

test_decision_defined_without_input if {
	lineage.decision.complete == false
	lineage.decision.violations[0].code == "LINEAGE_INVALID_INPUT"
}

test_decision_reads_input if {
	lineage.decision.complete with input as {"modelVersion": _complete}
}

test_batch_in_order if {
	decisions := lineage.batch with input as {"items": [
		{"modelVersion": _complete},
		{"modelVersion": object.remove(_complete, {"randomSeed", "trainingRun"})},
		{"modelVersion": _complete},
		null,
	]}
	[decision.complete | some decision in decisions] == [true, false, true, false]
	_codes(decisions[1].violations) == {"LINEAGE_MISSING_TRAINING_RUN", "LINEAGE_MISSING_SEED"}
}

test_batch_is_empty_without_items if {
	lineage.batch == [] with input as {}
}

test_every_code_is_declared_and_exercised if {
	decisions := lineage.batch with input as {"items": [
		{"modelVersion": {"uid": "model:risk/m@1"}},
		{"modelVersion": _with({"trainingScript": {"repo": "r", "commit": "main"}, "evaluations": [{"uid": "e"}]})},
		{},
	]}
	emitted := {[finding.code, severity] |
		some decision in decisions
		some kind, severity in {"violations": "violation", "warnings": "warning"}
		some finding in decision[kind]
	}
	emitted == {[code, entry.severity] | some code, entry in lineage.codes}
}
