#!/usr/bin/env bash
# Everything the README's two commands need, as root on Debian 12, idempotent: the host
# (Podman, runc, CRIU >= 4, the busybox test image), the node modules, the build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-host.sh

# npm ci wipes node_modules; skip it when the installed tree matches the lock file.
stamp=node_modules/.podman-stats-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	echo "[setup] npm ci"
	npm ci --no-audit --no-fund --loglevel=error
	echo "$want" >"$stamp"
else
	echo "[setup] node modules match package-lock.json"
fi

echo "[setup] npm run build"
npm run --silent build >/dev/null
echo "[setup] ready: ./bin/run.js demo, npm test"
