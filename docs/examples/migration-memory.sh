#!/usr/bin/env bash
# The experiment of docs/migration-experiments.md: what a migration's downtime costs against the
# memory the container holds. A second Podman host on this machine (scripts/second-host.sh), one
# busybox container per size holding that much incompressible memory (base64 of random bytes, so
# that zstd cannot fold it away), `bench --to` over each, and one report with a file per size.
#   SIZES="16 256 1024" N=5 OUT=/tmp/migration-memory bash docs/examples/migration-memory.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-16 256 1024}
N=${N:-5}
OUT=${OUT:-/tmp/migration-memory}
IMAGE=localhost/podman-stats/busybox:latest
mkdir -p "$OUT"
url_b=$(bash scripts/second-host.sh up)
files=()
for mib in $SIZES; do
  name=migration-memory-$mib
  podman rm --force --time 0 "$name" >/dev/null 2>&1 || true
  # 3/4 of the size in random bytes is the size in base64 text, held in a shell variable.
  podman run -d --name "$name" "$IMAGE" sh -c \
    "x=\$(head -c $((mib * 1024 * 1024 * 3 / 4)) /dev/urandom | base64 -w 0); touch /tmp/ready; while :; do sleep 1; done" >/dev/null
  until podman exec "$name" test -f /tmp/ready 2>/dev/null; do sleep 0.5; done
  file="$OUT/${mib}MiB.jsonl"
  rm -f "$file"
  ./bin/run.js bench "$name" --to "$url_b" --iterations "$N" --warmup 1 --output "$file"
  podman rm --force --time 0 "$name" >/dev/null
  files+=("$file")
done
./bin/run.js report --by-file "${files[@]}" --format markdown
./bin/run.js report --by-file "${files[@]}" --html "$OUT/report.html" --svg "$OUT/report.svg" --force >/dev/null
echo "report: $OUT/report.html and $OUT/report.svg"
