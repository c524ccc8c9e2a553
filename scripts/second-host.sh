#!/usr/bin/env bash
# A second Podman host ("B") on this machine, for migrating containers between two hosts:
# a Podman with storage of its own, serving its API on a unix socket of its own, inside a network
# namespace of its own that a veth pair joins to the root namespace (A: 10.251.0.1, B: 10.251.0.2).
# B runs the same podman, conmon, runc and CRIU binaries with the same containers.conf and drop-ins
# as A (only --root, --runroot, --tmpdir, --network-config-dir and an explicit --network-backend
# are B's own), and holds a copy of A's busybox test image and of A's network definitions. docs/migration-experiments.md says what B
# shares with A and what it cannot do.
#
# Usage (as root):
#   scripts/second-host.sh up              start B (idempotent); the last line of stdout is B's URL
#   scripts/second-host.sh down [--purge]  remove B's containers, stop B, remove its netns and veth
#                                          (--purge: and B's storage)
#   scripts/second-host.sh status          exit 0 and print the URL when B is up, exit 3 when not
# Progress goes to stderr, so that   url=$(bash scripts/second-host.sh up)   is the URL alone.
set -Eeuo pipefail

readonly NETNS=podman-stats-b
readonly VETH_A=veth-psb-a # root namespace's end
readonly VETH_B=veth-psb-b # B's end, inside the netns
readonly ADDR_A=10.251.0.1
readonly ADDR_B=10.251.0.2
readonly PREFIX=30
readonly STATE=/var/lib/podman-stats/host-b # what survives a reboot: images, containers, networks
readonly RUN=/run/podman-stats/host-b       # what does not: runroot, tmpdir, socket, pid, log
readonly ROOT="${STATE}/storage"
readonly NETWORKS="${STATE}/networks"
readonly RUNROOT="${RUN}/runroot"
readonly TMPDIR_B="${RUN}/tmp"
readonly SOCKET="${RUN}/podman.sock"
readonly PIDFILE="${RUN}/service.pid"
readonly LOG="${RUN}/service.log"
readonly BACKEND_FILE="${STATE}/network-backend"
readonly URL="unix://${SOCKET}"
readonly IMAGE="${PODMAN_STATS_IMAGE:-localhost/podman-stats/busybox:latest}"
readonly B_FLAGS=(--root "$ROOT" --runroot "$RUNROOT" --tmpdir "$TMPDIR_B" --network-config-dir "$NETWORKS")

# The same PATH as scripts/setup-host.sh: /usr/local/sbin first, so B's runc finds the same CRIU.
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Every plain `podman` below is A, the local Podman: never a remote one the caller pointed to.
unset CONTAINER_HOST CONTAINER_CONNECTION

SAY_FD=2
SCRIPT=second-host
# shellcheck source=scripts/lib/messages.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/messages.sh"
trap 'die "line ${LINENO}: \"${BASH_COMMAND}\" exited with $?"' ERR

usage() {
	sed -n 's/^#   //p' "$0" >&2
	exit 2
}

# B's podman run directly (not through the service), inside B's network namespace: netavark must
# set up and tear down B's containers' networks there, never in the root namespace, where it would
# touch A's bridge and firewall rules.
podman_b() { nsenter --net="/run/netns/${NETNS}" podman "${B_FLAGS[@]}" --network-backend "$(network_backend)" "$@"; }

# A's network definitions, which B needs under the same names: a checkpoint archive names its
# container's networks, and `restore --import` fails with "unable to find network with name or
# ID ...: network not found" when B has none of that name.
network_dir() {
	case "$1" in
	netavark) echo /etc/containers/networks ;;
	cni) echo /etc/cni/net.d ;;
	*) return 1 ;;
	esac
}

# The network backend B's storage was made with: A's, asked once and kept beside that storage.
# Every podman on B's storage is given it, because one left to choose guesses from what the
# storage holds: CNI as soon as it holds an image and CNI configs exist (/etc/cni/net.d has the
# Debian package's), even where A and B use netavark; its teardown then fails in iptables.
network_backend() {
	local backend
	if [ -s "$BACKEND_FILE" ]; then
		cat "$BACKEND_FILE"
		return 0
	fi
	backend=$(podman info --format '{{.Host.NetworkBackend}}') || die "podman info fails on A"
	network_dir "$backend" >/dev/null || die "A's network backend is neither netavark nor cni: ${backend}"
	mkdir -p "$STATE"
	echo "$backend" >"$BACKEND_FILE"
	echo "$backend"
}

netns_exists() { [ -e "/run/netns/${NETNS}" ]; }

# A zombie is not running: after our SIGTERM the service waits to be reaped by PID 1.
alive() {
	local state
	state=$(sed 's/.*) //' "/proc/${1}/stat" 2>/dev/null | cut -d ' ' -f 1 || true)
	[ -n "$state" ] && [ "$state" != Z ]
}

# The pid of B's service when it runs, in the netns now named podman-stats-b; nothing otherwise.
service_pid() {
	local pid
	pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
	[ -n "$pid" ] && alive "$pid" || return 1
	# A recycled pid is not ours: the process must be podman serving B's socket.
	tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF "system service --time=0 ${URL}" || return 1
	netns_exists && [ "$(readlink "/proc/${pid}/ns/net")" = "net:[$(stat -L -c %i "/run/netns/${NETNS}")]" ] || return 1
	echo "$pid"
}

# Libpod's ping: cheap (podman info through the API takes about a second here).
answers() { curl -sf --max-time 10 --unix-socket "$SOCKET" http://d/libpod/_ping >/dev/null 2>&1; }

# --- up ----------------------------------------------------------------------------------------
ensure_network() {
	if netns_exists; then
		say "netns ${NETNS} present"
	else
		ip netns add "$NETNS"
		say "created netns ${NETNS}"
	fi
	if ! ip link show "$VETH_A" >/dev/null 2>&1; then
		ip link add "$VETH_A" type veth peer name "$VETH_B" netns "$NETNS"
		say "created veth ${VETH_A} (root namespace) <-> ${VETH_B} (${NETNS})"
	elif ! ip -n "$NETNS" link show "$VETH_B" >/dev/null 2>&1; then
		# The netns was deleted and made again: its end of the old pair went with it.
		ip link del "$VETH_A"
		ip link add "$VETH_A" type veth peer name "$VETH_B" netns "$NETNS"
		say "re-created veth ${VETH_A} <-> ${VETH_B}"
	fi
	ip addr replace "${ADDR_A}/${PREFIX}" dev "$VETH_A"
	ip link set "$VETH_A" up
	ip -n "$NETNS" addr replace "${ADDR_B}/${PREFIX}" dev "$VETH_B"
	ip -n "$NETNS" link set "$VETH_B" up
	ip -n "$NETNS" link set lo up
}

# Copied before the service starts, and again on every `up`: the service reads the folder anew
# on each call, so a network made on A later reaches B at the next `up`.
sync_networks() {
	local dir file copied=0
	dir=$(network_dir "$1")
	mkdir -p "$NETWORKS"
	shopt -s nullglob
	for file in "$dir"/*.json "$dir"/*.conflist; do
		if ! cmp -s "$file" "${NETWORKS}/${file##*/}"; then
			cp "$file" "${NETWORKS}/"
			copied=$((copied + 1))
		fi
	done
	shopt -u nullglob
	say "networks: ${copied} definition(s) copied from A's ${dir}"
}

start_service() {
	local pid
	if pid=$(service_pid) && answers; then
		say "service already up (pid ${pid})"
		return 0
	fi
	# One that no longer answers, or runs in a netns deleted since, is stopped first: two services
	# must never share B's storage.
	stop_service
	mkdir -p "$ROOT" "$NETWORKS" "$RUNROOT" "$TMPDIR_B"
	rm -f "$SOCKET"
	# setsid: a session of its own, so the service outlives this script and its terminal (PID 1
	# here is not systemd, so there is no transient unit to ask for). From / so that it holds no
	# working directory busy. The subshell execs setsid, which execs nsenter, which execs podman:
	# $! is podman's pid. Every descriptor past stderr is closed first: a daemon that inherits its
	# caller's (a CI log pipe, a flock lock) would hold them open for as long as it runs.
	(cd / && close_inherited_fds && exec setsid nsenter --net="/run/netns/${NETNS}" \
		podman "${B_FLAGS[@]}" --network-backend "$1" system service --time=0 "$URL" >"$LOG" 2>&1 </dev/null) &
	pid=$!
	echo "$pid" >"$PIDFILE"
	local deadline=$((SECONDS + 30))
	until answers; do
		alive "$pid" || die "the service exited; ${LOG} ends: $(tail -n 3 "$LOG" | tr '\n' ' ')"
		[ "$SECONDS" -lt "$deadline" ] || die "the service did not answer on ${SOCKET} within 30 s; ${LOG} ends: $(tail -n 3 "$LOG" | tr '\n' ' ')"
		sleep 0.1
	done
	service_pid >/dev/null || die "pid ${pid} answers but is not podman in ${NETNS}: $(tr '\0' ' ' <"/proc/${pid}/cmdline")"
	say "service started (pid ${pid}, log ${LOG}): runtime $(podman --url "$URL" info --format '{{.Host.OCIRuntime.Path}}'), network backend ${1}, criu $(command -v criu || echo none)"
}

copy_image() {
	local want have
	want=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null) ||
		die "A has no image ${IMAGE}; run scripts/setup-host.sh first"
	have=$(podman --url "$URL" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
	if [ "$have" = "$want" ]; then
		say "image ${IMAGE} present (${want:0:12})"
		return 0
	fi
	# No registry: A's image travels as an archive through B's API, as to any remote host.
	podman save "$IMAGE" | podman --url "$URL" load >/dev/null
	have=$(podman --url "$URL" image inspect --format '{{.Id}}' "$IMAGE")
	[ "$have" = "$want" ] || die "B's ${IMAGE} is ${have:0:12} after the copy, A's is ${want:0:12}"
	say "image ${IMAGE} copied from A (${want:0:12})"
}

ms_since() { echo $(((${EPOCHREALTIME/./} - ${1/./}) / 1000)); }

up() {
	local started=$EPOCHREALTIME
	local backend
	ensure_network
	backend=$(network_backend)
	sync_networks "$backend"
	start_service "$backend"
	copy_image
	say "up in $(ms_since "$started") ms: B at ${ADDR_B} (netns ${NETNS})"
	echo "$URL"
}

# --- down --------------------------------------------------------------------------------------
remove_containers() {
	local out
	if service_pid >/dev/null && answers; then
		out=$(podman --url "$URL" ps --all --format '{{.Names}}' | tr '\n' ' ')
		podman --url "$URL" pod rm --all --force >/dev/null
		podman --url "$URL" rm --all --force --time 0 >/dev/null
	elif [ -e "${ROOT}/libpod" ]; then
		# No service, but B's storage may still hold containers (after a reboot, or a killed
		# service): remove them with B's podman itself, in a netns of that name, made if need be.
		if ! netns_exists; then
			ip netns add "$NETNS"
			say "made netns ${NETNS} again to remove B's containers in it"
		fi
		out=$(podman_b ps --all --format '{{.Names}}' | tr '\n' ' ')
		podman_b pod rm --all --force >/dev/null
		podman_b rm --all --force --time 0 >/dev/null
	fi
	[ -z "${out// /}" ] || say "removed B's containers: ${out}"
}

# Closes this shell's descriptors above 2 (bash keeps none of its own open past them).
close_inherited_fds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec ${fd}>&-"
	done
	return 0
}

stop_service() {
	local pid
	pid=$(service_pid) || pid=$(cat "$PIDFILE" 2>/dev/null || true)
	# Only the process this script started: podman serving B's socket.
	if [ -n "$pid" ] && alive "$pid" &&
		tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF "system service --time=0 ${URL}"; then
		kill -TERM "$pid"
		local deadline=$((SECONDS + 10))
		while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
		! alive "$pid" || kill -KILL "$pid"
		say "service stopped (pid ${pid})"
	fi
	rm -f "$PIDFILE" "$SOCKET"
}

# Processes B's podman left in its netns once its containers are gone: conmon keeps an exec
# session's monitor for --exit-delay (300 s) after `podman exec` ends. Only those naming B's storage
# are B's; anything else there is reported, not touched.
stop_leftovers() {
	local pid others=()
	netns_exists || return 0
	for pid in $(ip netns pids "$NETNS"); do
		if tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -qF -- "$ROOT"; then
			kill -TERM "$pid" 2>/dev/null || true
		else
			others+=("${pid}:$(cat "/proc/${pid}/comm" 2>/dev/null)")
		fi
	done
	[ ${#others[@]} -eq 0 ] || say "warning: processes not B's still in ${NETNS}: ${others[*]}"
}

unmount_under() {
	local target
	# Deepest first; c/storage bind-mounts its overlay folder onto itself.
	findmnt -rn -o TARGET | awk -v dir="$1/" 'index($0 "/", dir) == 1' | sort -r | while read -r target; do
		umount "$target" || umount -l "$target"
	done
}

down() {
	local purge=0
	case "${1:-}" in
	"") ;;
	--purge) purge=1 ;;
	*) usage ;;
	esac
	remove_containers
	stop_service
	stop_leftovers
	if ip link show "$VETH_A" >/dev/null 2>&1; then
		ip link del "$VETH_A"
		say "removed veth ${VETH_A}"
	fi
	if netns_exists; then
		ip netns del "$NETNS"
		say "removed netns ${NETNS}"
	fi
	if [ "$purge" -eq 1 ]; then
		unmount_under "$STATE"
		unmount_under "$RUN"
		rm -rf "$STATE" "$RUN"
		rmdir --ignore-fail-on-non-empty "${STATE%/*}"
		say "purged ${STATE} and ${RUN}"
	fi
	say "down"
}

# --- status ------------------------------------------------------------------------------------
status() {
	local pid
	if pid=$(service_pid) && answers; then
		echo "up: service pid ${pid}, netns ${NETNS}, B at ${ADDR_B}, A at ${ADDR_A} (${VETH_A})"
		echo "$URL"
	else
		echo "down"
		exit 3
	fi
}

[ "$(id -u)" -eq 0 ] || die "run as root (B's podman and the netns need it); try: sudo $0 $*"
case "${1:-}" in
up) up ;;
down)
	shift
	down "$@"
	;;
status) status ;;
*) usage ;;
esac
