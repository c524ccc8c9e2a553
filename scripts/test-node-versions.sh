#!/usr/bin/env bash
# The unit suite (test/ but test/e2e, as npm run test:unit runs it, without the build) under each
# Node.js pinned in scripts/node-versions.txt, installed first if need be. That node comes first on
# PATH, so the processes the tests start (node bin/run.js, the fake executables) run on it too.
# Every version runs; the exit status is 1 if any failed. Needs the build (npm test's pretest runs it).
set -Eeuo pipefail
cd "$(dirname "$0")/.."

SCRIPT=test-node-versions
# shellcheck source=scripts/lib/messages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/messages.sh"

bash scripts/install-node-versions.sh
# Read before the loop: mocha and its children would read the rest of the list from stdin.
mapfile -t versions < <(awk '!/^#/ && NF { print $1 }' scripts/node-versions.txt)
failed=()
for version in "${versions[@]}"; do
	bin="${PWD}/.cache/node/v${version}/bin"
	say "unit suite on node $("${bin}/node" --version) (${bin}/node)"
	started=$(date +%s)
	# The dot reporter: npm test's run on the system node already lists every test by name.
	if PATH="${bin}:${PATH}" "${bin}/node" node_modules/mocha/bin/mocha.js 'test/**/*.test.ts' --exclude 'test/e2e/**' \
		--reporter dot; then
		say "node v${version}: passed in $(($(date +%s) - started)) s"
	else
		say "node v${version}: FAILED after $(($(date +%s) - started)) s"
		failed+=("v${version}")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	say "the unit suite failed on node ${failed[*]}"
	exit 1
fi
