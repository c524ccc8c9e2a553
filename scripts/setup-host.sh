#!/usr/bin/env bash
# Prepare a Debian 12 host (as root) for real checkpoint/restore with podman-stats:
# Podman + runc + conmon, CRIU >= 4 (built from Debian's source when the packaged one
# cannot work on this kernel), a containers.conf drop-in for the traps of this kind of
# host, and the local busybox image the demo and the end-to-end tests use.
#
# Idempotent: every step first checks whether it is needed, so a second run only checks.
# Usage: sudo scripts/setup-host.sh        (env: PODMAN_STATS_IMAGE, PODMAN_STATS_CACHE)
set -Eeuo pipefail

readonly CRIU_VERSION=4.1.1
readonly CRIU_TARBALL="criu_${CRIU_VERSION}.orig.tar.xz"
readonly CRIU_SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
readonly CRIU_URL="http://deb.debian.org/debian/pool/main/c/criu/${CRIU_TARBALL}"
readonly CRIU_PREFIX=/usr/local/sbin
readonly IMAGE="${PODMAN_STATS_IMAGE:-localhost/podman-stats/busybox:latest}"
readonly CACHE="${PODMAN_STATS_CACHE:-/var/cache/podman-stats}"
readonly DROPIN_DIR=/etc/containers/containers.conf.d
readonly DROPIN="${DROPIN_DIR}/50-podman-stats.conf"

# /usr/local/sbin must come first so that the CRIU built here wins over a packaged 3.x.
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH}"
export DEBIAN_FRONTEND=noninteractive

started=$(date +%s)
say() { printf '[setup-host] %s\n' "$*"; }
die() {
	printf '[setup-host] FAILED: %s\n' "$*" >&2
	exit 1
}
trap 'die "line ${LINENO}: \"${BASH_COMMAND}\" exited with $?"' ERR

[ "$(id -u)" -eq 0 ] || die "run as root (podman checkpoint needs root); try: sudo $0"
command -v apt-get >/dev/null || die "this script knows Debian's apt only; install podman, runc, conmon, CRIU >= 4 by hand"

apt_updated=0
apt_install() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		return 0
	fi
	if [ "$apt_updated" -eq 0 ]; then
		say "apt-get update"
		apt-get update -qq || die "apt-get update failed: is Debian's package archive reachable?"
		apt_updated=1
	fi
	say "installing ${missing[*]}"
	apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# --- 1. Podman, the runtime, conmon, a static busybox for the test image -----------------
# Debian's criu (3.17, which fails on 6.x kernels) comes with podman anyway; it stays in
# /usr/sbin, shadowed by the one built below, and the tests use it to meet its failure for real.
apt_install podman runc conmon criu busybox-static ca-certificates curl xz-utils
say "podman $(podman version --format '{{.Client.Version}}' 2>/dev/null), runc $(runc --version | sed -n 's/^runc version //p')"
# chromium: the report's HTML screenshot test (test/e2e/html-screenshot.test.ts) renders the page headless.
apt_install chromium

# --- 2. CRIU -------------------------------------------------------------------------------
criu_ok() { criu check >/dev/null 2>&1; }
if criu_ok; then
	say "criu $(criu --version | sed -n 's/^Version: //p') at $(command -v criu): criu check passes"
else
	if command -v criu >/dev/null; then
		say "criu at $(command -v criu) fails 'criu check' ($(criu check 2>&1 | tail -n 1 || true)); building CRIU ${CRIU_VERSION}"
	else
		say "no criu found; building CRIU ${CRIU_VERSION} from Debian's source"
	fi
	apt_install build-essential pkg-config libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler \
		protobuf-compiler python3-protobuf libnl-3-dev libnet1-dev libcap-dev libbsd-dev \
		libgnutls28-dev libnftables-dev libaio-dev uuid-dev
	mkdir -p "$CACHE"
	tarball="${CACHE}/${CRIU_TARBALL}"
	if ! echo "${CRIU_SHA256}  ${tarball}" | sha256sum -c --status 2>/dev/null; then
		say "downloading ${CRIU_URL}"
		curl -fsSL --retry 3 -o "${tarball}.part" "$CRIU_URL" || die "could not download ${CRIU_URL}"
		mv "${tarball}.part" "$tarball"
	fi
	echo "${CRIU_SHA256}  ${tarball}" | sha256sum -c --status ||
		die "sha256 of ${tarball} is $(sha256sum "$tarball" | cut -d' ' -f1), expected ${CRIU_SHA256}"
	say "sha256 of ${CRIU_TARBALL} verified"
	src="${CACHE}/criu-${CRIU_VERSION}"
	rm -rf "$src"
	tar -C "$CACHE" -xJf "$tarball"
	[ -d "$src" ] || die "the tarball did not unpack to ${src}"
	say "make criu (a few minutes on 2 cores)"
	make -C "$src" -j"$(nproc)" criu >"${CACHE}/criu-build.log" 2>&1 ||
		die "building CRIU failed; the last lines of ${CACHE}/criu-build.log: $(tail -n 5 "${CACHE}/criu-build.log" || true)"
	install -m 0755 "${src}/criu/criu" "${CRIU_PREFIX}/criu"
	hash -r
	criu_ok || die "criu check still fails: $(criu check 2>&1 | tail -n 3 || true)"
	say "installed criu $(criu --version | sed -n 's/^Version: //p') to ${CRIU_PREFIX}/criu: criu check passes"
fi

# --- 3. containers.conf: only what this host needs, in a drop-in of our own ---------------
# A drop-in keeps the user's /etc/containers/containers.conf untouched and is removed by
# deleting one file. Each setting is written only when this host needs it.
cgroup_mode() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo v2
	elif [ -d /sys/fs/cgroup/unified ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified)" = cgroup2fs ]; then
		echo hybrid
	else
		echo v1
	fi
}
mode=$(cgroup_mode)
engine=()
containers=()
if [ "$mode" = hybrid ]; then
	# crun refuses hybrid hierarchies ("cgroups in hybrid mode not supported"); runc copes.
	engine+=('runtime = "runc"')
fi
nofile_hard=$(ulimit -Hn)
nproc_hard=$(ulimit -Hu)
# Podman asks for nofile 1048576 and nproc 4194304 by default; without CAP_SYS_RESOURCE
# above the hard limit, setrlimit fails with EPERM. conmon also caps nproc at 32768.
below() { [ "$1" != unlimited ] && [ "$1" -lt "$2" ]; }
if below "$nofile_hard" 1048576 || below "$nproc_hard" 4194304; then
	nofile=$nofile_hard
	[ "$nofile" = unlimited ] && nofile=1048576
	nproc=$nproc_hard
	{ [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; } && nproc=32768
	containers+=("default_ulimits = [\"nofile=${nofile}:${nofile}\", \"nproc=${nproc}:${nproc}\"]")
fi
want=""
if [ ${#containers[@]} -gt 0 ]; then
	want+=$'[containers]\n'
	for line in "${containers[@]}"; do want+="${line}"$'\n'; done
fi
if [ ${#engine[@]} -gt 0 ]; then
	want+=$'[engine]\n'
	for line in "${engine[@]}"; do want+="${line}"$'\n'; done
fi
if [ -z "$want" ]; then
	say "cgroup ${mode}, ulimits fine: no containers.conf settings needed"
	rm -f "$DROPIN"
elif [ -f "$DROPIN" ] && [ "$(sed '/^#/d' "$DROPIN")" = "$(printf '%s' "$want")" ]; then
	say "containers.conf drop-in ${DROPIN} already in place"
else
	mkdir -p "$DROPIN_DIR"
	{
		echo "# Written by podman-stats scripts/setup-host.sh for a cgroup ${mode} host; delete to undo."
		printf '%s' "$want"
	} >"$DROPIN"
	say "wrote ${DROPIN}: $(sed '/^#/d' "$DROPIN" | tr '\n' ' ')"
fi
runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null) || die "podman info fails: $(podman info 2>&1 | tail -n 2 || true)"
say "podman uses OCI runtime ${runtime}, cgroup ${mode}"

# --- 4. The local test image ---------------------------------------------------------------
if podman image exists "$IMAGE"; then
	say "image ${IMAGE} present"
else
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	mkdir -p "${root}/rootfs/bin" "${root}/rootfs/tmp" "${root}/rootfs/proc" "${root}/rootfs/sys" "${root}/rootfs/dev" "${root}/rootfs/etc"
	cp /bin/busybox "${root}/rootfs/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[ "$applet" = busybox ] || ln -s busybox "${root}/rootfs/bin/${applet}"
	done
	chmod 1777 "${root}/rootfs/tmp"
	tar -C "${root}/rootfs" -cf "${root}/rootfs.tar" .
	podman import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "${root}/rootfs.tar" "$IMAGE" >/dev/null ||
		die "podman import of the busybox rootfs failed"
	say "built image ${IMAGE} from $(/bin/busybox | head -n 1 | cut -d' ' -f1-2)"
fi

say "done in $(($(date +%s) - started)) s"
