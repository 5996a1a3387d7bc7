# METADATA
# title: Lineage completeness
# description: >-
#   Whether a model version's lineage is complete enough to reproduce and audit
#   it: the training run, the random seed, the training script pinned to a commit,
#   the hyperparameters, at least one feature input, at least one dataset
#   snapshot, and an evaluation linked to a baseline. Each missing item is its own
#   violation. The caller decides what an incomplete lineage means: promotion to
#   an environment in lineage_required_environments blocks on it, registration
#   only warns.
# custom:
#   codes:
#     LINEAGE_MISSING_TRAINING_RUN:
#       severity: violation
#       meaning: No training run is recorded (trainingRun with a uid or runId).
#     LINEAGE_MISSING_SEED:
#       severity: violation
#       meaning: No random seed is recorded (modelVersion.randomSeed or trainingRun.seed).
#     LINEAGE_MISSING_CODE_REF:
#       severity: violation
#       meaning: The training script is not recorded as a code reference (trainingScript.repo and .commit).
#     LINEAGE_CODE_REF_NOT_PINNED:
#       severity: violation
#       meaning: trainingScript.commit is not a commit hash (7 to 64 lower-case hex digits) but e.g. a branch or tag.
#     LINEAGE_MISSING_HYPERPARAMETERS:
#       severity: violation
#       meaning: No hyperparameters are recorded (a non-empty object).
#     LINEAGE_MISSING_FEATURE_INPUTS:
#       severity: violation
#       meaning: The model version consumes no feature.
#     LINEAGE_MISSING_SNAPSHOT:
#       severity: violation
#       meaning: No dataset snapshot is recorded as training data.
#     LINEAGE_MISSING_EVALUATION:
#       severity: violation
#       meaning: The model version has no evaluation.
#     LINEAGE_MISSING_BASELINE:
#       severity: violation
#       meaning: The model version has evaluations, but none is linked to a baseline evaluation.
#     LINEAGE_INVALID_INPUT:
#       severity: violation
#       meaning: The input is not an object, or modelVersion or its uid is missing.
package lineage_graph.lineage

import data.lineage_graph.lib

# METADATA
# title: Decision
# description: >-
#   The decision for input.modelVersion; defined for any input. Besides allow it
#   has complete, which always equals allow.
# scope: document
# entrypoint: true
default decision := {
	"allow": false,
	"complete": false,
	"violations": [{
		"code": "LINEAGE_INVALID_INPUT",
		"message": "There is no input document.",
		"entity": "",
		"remediation": "Send the input document described in docs/policies.md.",
	}],
	"warnings": [],
}

decision := evaluate(input)

# METADATA
# title: Batch
# description: The decisions for input.items, in order.
# entrypoint: true
batch := [evaluate(doc) | some doc in lib.items(input)]

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
#   The decision for one document {modelVersion}. It needs no configuration.
#   decision, batch and lineage_graph.promotion call it.
evaluate(doc) := object.union(result, {"complete": result.allow}) if {
	result := lib.decision(_invalid(doc) | _gaps(doc), set())
}

# A well-formed document (the shape the compliance scan sends) is recognised in one pass.
_invalid(doc) := set() if {
	uid := doc.modelVersion.uid
	is_string(uid)
	trim_space(uid) != ""
} else := {lib.finding("LINEAGE_INVALID_INPUT", message, entity, remediation) |
	some message in _input_errors(doc)
	entity := lib.text_at(doc, ["modelVersion", "uid"])
	remediation := "Send {modelVersion: {uid, trainingRun, randomSeed, trainingScript, ...}} (docs/policies.md)."
}

_input_errors(doc) := {"The input document is not an object."} if not is_object(doc)

_input_errors(doc) := _field_errors(doc) if is_object(doc)

_field_errors(doc) := {message |
	some field, message in {
		"modelVersion": "modelVersion is missing or not an object.",
		"uid": "modelVersion.uid is missing.",
	}
	not _valid(field, doc)
}

_valid("modelVersion", doc) if is_object(doc.modelVersion)

# Without a modelVersion object, only the "modelVersion" error is reported.
_valid("uid", doc) if not is_object(lib.value_at(doc, "modelVersion"))

_valid("uid", doc) if lib.uid(doc.modelVersion) != ""

_gaps(doc) := {finding |
	version := doc.modelVersion
	is_string(version.uid)
	trim_space(version.uid) != ""
	some code, item in _items
	not _recorded(code, version)
	finding := {
		"code": code,
		"message": sprintf(item.message, [version.uid]),
		"entity": version.uid,
		"remediation": item.remediation,
	}
}

_items := {
	"LINEAGE_MISSING_TRAINING_RUN": {
		"message": "%s has no recorded training run.",
		"remediation": "Record the training run (runId, e.g. the MLflow run id) and link it with PRODUCED_BY.",
	},
	"LINEAGE_MISSING_SEED": {
		"message": "%s has no recorded random seed.",
		"remediation": "Record the seed the training used as randomSeed.",
	},
	"LINEAGE_MISSING_CODE_REF": {
		"message": "%s does not record its training script as repo and commit.",
		"remediation": "Record trainingScript as {repo, commit}.",
	},
	"LINEAGE_CODE_REF_NOT_PINNED": {
		"message": "The training script of %s is not pinned to a commit hash.",
		"remediation": "Set trainingScript.commit to the commit hash the training ran, not a branch or tag.",
	},
	"LINEAGE_MISSING_HYPERPARAMETERS": {
		"message": "%s has no recorded hyperparameters.",
		"remediation": "Record the hyperparameters the training used.",
	},
	"LINEAGE_MISSING_FEATURE_INPUTS": {
		"message": "%s consumes no feature.",
		"remediation": "Bind each model input to the exact feature it reads (CONSUMES).",
	},
	"LINEAGE_MISSING_SNAPSHOT": {
		"message": "%s has no recorded training dataset snapshot.",
		"remediation": "Link the training run to the dataset snapshots it read (READS).",
	},
	"LINEAGE_MISSING_EVALUATION": {
		"message": "%s has no evaluation.",
		"remediation": "Evaluate the model version and record the evaluation (EVALUATES).",
	},
	"LINEAGE_MISSING_BASELINE": {
		"message": "No evaluation of %s is linked to a baseline.",
		"remediation": "Link an evaluation to the baseline evaluation it is compared with (BASELINE).",
	},
}

_recorded("LINEAGE_MISSING_TRAINING_RUN", version) if lib.text_at(version, ["trainingRun", "uid"]) != ""

_recorded("LINEAGE_MISSING_TRAINING_RUN", version) if lib.text_at(version, ["trainingRun", "runId"]) != ""

_recorded("LINEAGE_MISSING_SEED", version) if is_number(version.randomSeed)

_recorded("LINEAGE_MISSING_SEED", version) if is_number(version.trainingRun.seed)

_recorded("LINEAGE_MISSING_CODE_REF", version) if {
	lib.text_at(version, ["trainingScript", "repo"]) != ""
	lib.text_at(version, ["trainingScript", "commit"]) != ""
}

# Reported as LINEAGE_MISSING_CODE_REF when there is no commit at all.
_recorded("LINEAGE_CODE_REF_NOT_PINNED", version) if lib.text_at(version, ["trainingScript", "commit"]) == ""

_recorded("LINEAGE_CODE_REF_NOT_PINNED", version) if {
	regex.match(`^[0-9a-f]{7,64}$`, lib.text_at(version, ["trainingScript", "commit"]))
}

_recorded("LINEAGE_MISSING_HYPERPARAMETERS", version) if {
	is_object(version.hyperparameters)
	count(version.hyperparameters) > 0
}

_recorded("LINEAGE_MISSING_FEATURE_INPUTS", version) if {
	some feature in lib.array_at(version, "features")
	lib.text(feature)
}

_recorded("LINEAGE_MISSING_SNAPSHOT", version) if {
	some snapshot in lib.array_at(version, "snapshots")
	lib.text(snapshot)
}

_recorded("LINEAGE_MISSING_EVALUATION", version) if count(_evaluations(version)) > 0

# Reported as LINEAGE_MISSING_EVALUATION when there is no evaluation at all.
_recorded("LINEAGE_MISSING_BASELINE", version) if count(_evaluations(version)) == 0

_recorded("LINEAGE_MISSING_BASELINE", version) if {
	some evaluation in _evaluations(version)
	lib.text_at(evaluation, ["baseline", "uid"]) != ""
}

_evaluations(version) := [evaluation |
	some evaluation in lib.array_at(version, "evaluations")
	lib.uid(evaluation) != ""
]
