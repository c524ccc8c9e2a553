#!/usr/bin/env bash
# Prepare a Debian 12 host (as root) for real checkpoint/restore with podman-stats:
# Podman + runc + conmon, a containers.conf drop-in for the traps of this kind of host, the
# local busybox image the demo and the end-to-end tests use, and a CRIU that really checkpoints
# here (CRIU 4.2.1 built from Debian's source when the one on PATH is older or fails the probe).
#
# Idempotent: every step first checks whether it is needed, so a second run only checks.
# Usage: sudo scripts/setup-host.sh        (env: PODMAN_STATS_IMAGE, PODMAN_STATS_CACHE)
set -Eeuo pipefail

# The CRIU built when the one on PATH is older than CRIU_MIN or cannot checkpoint (build-criu.sh
# pins its sha256). 4.2 is the first that finishes a dump on this kernel.
readonly CRIU_VERSION=4.2.1
readonly CRIU_MIN=4.2
readonly CRIU_PREFIX=/usr/local/sbin
readonly IMAGE="${PODMAN_STATS_IMAGE:-localhost/podman-stats/busybox:latest}"
readonly DROPIN_DIR=/etc/containers/containers.conf.d
readonly DROPIN="${DROPIN_DIR}/50-podman-stats.conf"

# /usr/local/sbin must come first so that the CRIU built here wins over a packaged 3.x.
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH}"
export DEBIAN_FRONTEND=noninteractive

started=$(date +%s)
SCRIPT=setup-host
# shellcheck source=scripts/lib/messages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/messages.sh"
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

# --- 2. containers.conf: only what this host needs, in a drop-in of our own ---------------
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

# --- 3. The local test image ---------------------------------------------------------------
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
	# No pipe into head here: busybox would die of SIGPIPE, which pipefail turns into a failure.
	banner=$(/bin/busybox 2>&1 || true)
	banner=${banner%%$'\n'*}
	say "built image ${IMAGE} from ${banner%% (*}"
fi

# --- 4. CRIU, judged by a real checkpoint --------------------------------------------------
# 'criu check' passing says nothing about whether a dump can finish: CRIU 4.1.1 passes it on
# kernel 6.18 and then hangs in every dump, waiting for a task to trap after the parasite cure
# (this VM delivers no hardware breakpoints; CRIU 4.2 detects that). So CRIU is judged by its
# version and by checkpointing and restoring a throwaway container, under a deadline.
criu_version() { "${1:-criu}" --version 2>/dev/null | sed -n 's/^Version: //p'; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

probe_error=""
# Checkpoints and restores a container whose shell waits on a child (the case CRIU 4.1.1 hangs
# on), each step within PROBE_SECONDS. `timeout` signals its whole process group, so a stuck
# CRIU dies with podman and releases the tasks it holds. The container goes whatever happens.
probe_checkpoint() {
	local name="podman-stats-probe-$$" seconds="${PODMAN_STATS_PROBE_SECONDS:-60}" out status dir
	probe_error=""
	podman rm --force --time 0 "$name" >/dev/null 2>&1 || true
	if ! out=$(podman run --detach --name "$name" --label io.podman-stats.probe=true "$IMAGE" \
		sh -c 'while :; do sleep 0.1; done' 2>&1); then
		probe_error="podman run failed: ${out##*$'\n'}"
		return 1
	fi
	dir=$(podman container inspect --format '{{.StaticDir}}' "$name" 2>/dev/null || true)
	sleep 0.3
	status=0
	out=$(timeout --kill-after=5 "$seconds" podman container checkpoint "$name" 2>&1) || status=$?
	if [ "$status" -eq 0 ]; then
		out=$(timeout --kill-after=5 "$seconds" podman container restore "$name" 2>&1) || status=$?
		[ "$status" -eq 0 ] || probe_error="restore failed (exit ${status}): ${out##*$'\n'}"
	elif [ "$status" -ge 124 ]; then
		probe_error="the checkpoint did not finish within ${seconds} s; dump.log ends: $(tail -n 2 "${dir}/dump.log" 2>/dev/null | tr '\n' ' ')"
	else
		probe_error="checkpoint failed (exit ${status}): ${out##*$'\n'}"
	fi
	podman rm --force --time 0 "$name" >/dev/null 2>&1 || true
	[ "$status" -eq 0 ]
}

criu_path=$(command -v criu || true)
have=$( [ -n "$criu_path" ] && criu_version "$criu_path" || true)
if [ -n "$have" ] && version_ge "$have" "$CRIU_MIN" && probe_checkpoint; then
	say "criu ${have} at ${criu_path}: a real checkpoint and restore pass"
else
	if [ -z "$criu_path" ]; then
		say "no criu found; building CRIU ${CRIU_VERSION} from Debian's source"
	elif [ -z "$have" ] || ! version_ge "$have" "$CRIU_MIN"; then
		say "criu ${have:-of unknown version} at ${criu_path} is older than ${CRIU_MIN}; building CRIU ${CRIU_VERSION}"
	else
		say "criu ${have} at ${criu_path} cannot checkpoint here (${probe_error}); building CRIU ${CRIU_VERSION}"
	fi
	[ "$have" != "$CRIU_VERSION" ] || [ "$criu_path" != "${CRIU_PREFIX}/criu" ] ||
		die "CRIU ${CRIU_VERSION} is already installed and still cannot checkpoint here: ${probe_error}; run podman-stats doctor"
	bash scripts/build-criu.sh "$CRIU_VERSION" "${CRIU_PREFIX}/criu"
	hash -r
	[ "$(command -v criu)" = "${CRIU_PREFIX}/criu" ] || die "$(command -v criu) comes before ${CRIU_PREFIX}/criu on PATH"
	probe_checkpoint || die "CRIU ${CRIU_VERSION} cannot checkpoint here either: ${probe_error}; run podman-stats doctor"
	say "criu ${CRIU_VERSION} at ${CRIU_PREFIX}/criu: a real checkpoint and restore pass"
fi

say "done in $(($(date +%s) - started)) s"
