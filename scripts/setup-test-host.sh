#!/usr/bin/env bash
# What the test suite needs beyond scripts/setup.sh, as root, idempotent: CRIU 4.1.1 as a real
# fault (the CRIU that hangs on kernels without hardware breakpoints, and the one setup-host.sh
# must replace), built from Debian's source into a folder the tests put first on PATH; and the
# podman-stats container image (scripts/build-image.sh: minutes the first time, skipped after); and
# the Node.js versions the unit suite also runs on (scripts/node-versions.txt) in .cache/node.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
readonly FAULT_CRIU="${PODMAN_STATS_CACHE:-/var/cache/podman-stats}/faults/criu-4.1.1/criu"
if [ -x "$FAULT_CRIU" ] && "$FAULT_CRIU" --version 2>/dev/null | grep -q '^Version: 4\.1\.1$'; then
	echo "[setup-test-host] fault CRIU 4.1.1 present at ${FAULT_CRIU}"
else
	echo "[setup-test-host] building the fault CRIU 4.1.1 into ${FAULT_CRIU}"
	bash scripts/build-criu.sh 4.1.1 "$FAULT_CRIU"
fi
bash scripts/install-node-versions.sh

# Not in setup.sh: the demo must stay quick, and only the tests run podman-stats from its image.
bash scripts/build-image.sh
