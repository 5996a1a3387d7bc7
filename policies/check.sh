#!/usr/bin/env bash
# Every check of the Rego policies, in the order CI runs them: format, compile
# (strict), lint, tests, coverage (>= 90 % overall and per policy file).
# Run from anywhere; OPA and REGAL default to the binaries the dev setup builds.
set -euo pipefail

cd "$(dirname "$0")/.."
bin="${HOME}/.cache/lineage-graph/bin"
opa="${OPA:-${bin}/opa}"
regal="${REGAL:-${bin}/regal}"
minimum="${POLICY_COVERAGE_MIN:-90}"

"${opa}" fmt --fail --list policies
"${opa}" check --strict policies
"${regal}" lint policies
"${opa}" test policies -v
"${opa}" test policies --coverage --format=json | python3 -c '
import json, sys

minimum = float(sys.argv[1])
report = json.load(sys.stdin)
low = {
    name: entry.get("coverage", 0.0)
    for name, entry in report["files"].items()
    if not name.endswith("_test.rego") and entry.get("coverage", 0.0) < minimum
}
total = report["coverage"]
print(f"policy coverage: {total:.2f} % (minimum {minimum:g} % overall and per file)")
for name, coverage in sorted(low.items()):
    print(f"  {name}: {coverage:.2f} %")
sys.exit(1 if total < minimum or low else 0)
' "${minimum}"
