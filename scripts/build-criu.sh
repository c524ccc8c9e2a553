#!/usr/bin/env bash
# Builds CRIU from Debian's source tarball and installs the binary: scripts/build-criu.sh VERSION DEST
# (DEST is the path of the binary to write). Only the versions pinned below are built, each checked
# against its sha256. The tarball comes from the Debian mirror this machine's apt already uses, so
# no host name is written here; a cached tarball with the right sha256 is reused.
# Needs root (apt-get for the build dependencies). Env: PODMAN_STATS_CACHE (default /var/cache/podman-stats).
set -Eeuo pipefail

readonly VERSION=${1:?usage: build-criu.sh VERSION DEST}
readonly DEST=${2:?usage: build-criu.sh VERSION DEST}
readonly CACHE="${PODMAN_STATS_CACHE:-/var/cache/podman-stats}"
export DEBIAN_FRONTEND=noninteractive

SCRIPT=build-criu
# shellcheck source=scripts/lib/messages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/messages.sh"

# 4.2.1 is the first CRIU that checkpoints on kernels without working hardware breakpoints
# (6.18 VMs here); 4.1.1 is kept as a real fault for the tests (it hangs after the parasite cure).
case "$VERSION" in
4.2.1) sha256=29ec0ee09e296479fe7048c80980e8ef1d0684d0b0204c2b101dfea19f6725b9 ;;
4.1.1) sha256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe ;;
*) die "no sha256 is pinned for CRIU ${VERSION}; pinned: 4.2.1, 4.1.1" ;;
esac

# The Debian archive apt is configured with (deb822 or one-line sources, whatever apt reads),
# and apt's proxy if it has one: the tarball travels the way the machine's packages do.
debian_mirror() {
	apt-get indextargets --format '$(ORIGIN) $(REPO_URI)' 2>/dev/null |
		awk '$1 == "Debian" && $2 !~ /security/ { print $2; exit }'
}

build_deps=(build-essential pkg-config libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
	python3-protobuf libnl-3-dev libnet1-dev libcap-dev libbsd-dev libgnutls28-dev libnftables-dev libaio-dev
	uuid-dev curl xz-utils)
missing=()
for pkg in "${build_deps[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing the build dependencies: ${missing[*]}"
	apt-get update -qq || die "apt-get update failed: is Debian's package archive reachable?"
	apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi

mkdir -p "$CACHE"
tarball="${CACHE}/criu_${VERSION}.orig.tar.xz"
if ! echo "${sha256}  ${tarball}" | sha256sum -c --status 2>/dev/null; then
	mirror=$(debian_mirror)
	if [ -z "$mirror" ]; then
		apt-get update -qq || true
		mirror=$(debian_mirror)
	fi
	[ -n "$mirror" ] || die "apt knows no Debian archive (apt-get indextargets lists none); add one to /etc/apt/sources.list.d/"
	url="${mirror%/}/pool/main/c/criu/criu_${VERSION}.orig.tar.xz"
	proxy=$(apt-config dump --format '%v' Acquire::http::Proxy 2>/dev/null | head -n 1 || true)
	say "downloading ${url}${proxy:+ through the proxy apt uses}"
	curl -fsSL --retry 3 ${proxy:+--proxy "$proxy"} -o "${tarball}.part" "$url" || die "could not download ${url}"
	mv "${tarball}.part" "$tarball"
fi
echo "${sha256}  ${tarball}" | sha256sum -c --status ||
	die "sha256 of ${tarball} is $(sha256sum "$tarball" | cut -d' ' -f1), expected ${sha256}"
say "criu_${VERSION}.orig.tar.xz: sha256 verified"

src="${CACHE}/criu-${VERSION}"
if [ ! -x "${src}/criu/criu" ]; then
	rm -rf "$src"
	tar -C "$CACHE" -xJf "$tarball"
	[ -d "$src" ] || die "the tarball did not unpack to ${src}"
	say "make criu ${VERSION} (one to three minutes on 2 cores)"
	make -C "$src" -j"$(nproc)" criu >"${CACHE}/criu-${VERSION}-build.log" 2>&1 ||
		die "building CRIU ${VERSION} failed; the last lines of ${CACHE}/criu-${VERSION}-build.log: $(tail -n 5 "${CACHE}/criu-${VERSION}-build.log" || true)"
fi
mkdir -p "$(dirname "$DEST")"
install -m 0755 "${src}/criu/criu" "${DEST}.new"
mv -f "${DEST}.new" "$DEST"
say "installed CRIU $("$DEST" --version | sed -n 's/^Version: //p') as ${DEST}"
