#!/usr/bin/env bash
# The TCP example of docs/migration-experiments.md: a TCP echo server in a container migrates to
# the second host and back (bench --to, --tcp-established) while a client on this host keeps one
# connection open and sends a line every 100 ms. It prints whether every line came back, in
# order, on that one connection, and the longest silence the client saw.
#   CYCLES=3 bash docs/examples/tcp-migration.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CYCLES=${CYCLES:-3}
OUT=${OUT:-/tmp/tcp-migration}
IMAGE=localhost/podman-stats/busybox:latest
NAME=tcp-migration-demo
NETNS_B=podman-stats-b
A_ADDR=10.251.0.1
B_ADDR=10.251.0.2
mkdir -p "$OUT"
url_b=$(bash scripts/second-host.sh up)

podman rm --force --time 0 "$NAME" >/dev/null 2>&1 || true
# nc -ll -e cat: a persistent server, each connection answered by a cat of its own.
podman run -d --name "$NAME" "$IMAGE" nc -ll -p 7000 -e cat >/dev/null
ip=$(podman inspect --format '{{.NetworkSettings.IPAddress}}' "$NAME")

# The container keeps its address on B. Two things make it reachable from here once it runs there:
# B must not masquerade its answers to this host (the client expects them from the server's own
# address), and this host must route the address to B. The route is moved by --switch-cmd the
# moment the restore returns, never before: a packet reaching B before the socket is restored
# there would be answered with a reset. It also drops the neighbour entry for the address on the
# host the container left: packets the client sent between the restore and the move may wait there
# for an ARP answer (up to 3 s), and the container's next restore on that host would get them
# before its socket is back, and answer with a reset.
nat=(-t nat -s "$ip/32" -d "$A_ADDR/32" -j ACCEPT)
ip netns exec "$NETNS_B" iptables -C POSTROUTING "${nat[@]}" 2>/dev/null ||
  ip netns exec "$NETNS_B" iptables -I POSTROUTING "${nat[@]}"
switch="if [ \"\$PODMAN_STATS_TO\" = '$url_b' ]; then ip route replace $ip/32 via $B_ADDR; ip neigh flush to $ip; else ip route del $ip/32; ip netns exec $NETNS_B ip neigh flush to $ip; fi"

stop="$OUT/stop"
rm -f "$stop" "$OUT/client.log" "$OUT/tcp.jsonl"
# The client: one connection for the whole run, from this host's end of the veth pair
# ($A_ADDR), an address that is this host whichever host runs the server. From the default
# source (the bridge's 10.88.0.1) the answers would go astray on B, whose own bridge has that
# address too, and B would reset the connection. Each line sent is read back before the next.
node --input-type=module -e '
  import {connect} from "node:net"
  import {existsSync} from "node:fs"
  const [host, localAddress, stop] = process.argv.slice(1)
  const socket = connect({host, localAddress, port: 7000})
  let sent = 0
  let pending = ""
  const send = () => {
    if (existsSync(stop)) return socket.end()
    sent++
    socket.write(`${sent}\n`)
  }
  socket.on("connect", send)
  socket.on("data", (data) => {
    pending += data
    for (let at; (at = pending.indexOf("\n")) >= 0; pending = pending.slice(at + 1)) {
      console.log(`${process.hrtime.bigint()} ${sent} ${pending.slice(0, at)}`)
      setTimeout(send, 100)
    }
  })
  socket.on("error", (error) => {
    console.log(`lost ${sent} ${error.code}`)
    process.exitCode = 1
  })
' "$ip" "$A_ADDR" "$stop" >"$OUT/client.log" 2>&1 &
client=$!
sleep 1

status=0
./bin/run.js bench "$NAME" --to "$url_b" --tcp-established on --switch-cmd "$switch" \
  --ready-tcp "$ip:7000" --iterations "$CYCLES" --warmup 0 --output "$OUT/tcp.jsonl" || status=$?
sleep 1
touch "$stop"
wait "$client" || status=$?
podman rm --force --time 0 "$NAME" >/dev/null
ip netns exec "$NETNS_B" iptables -D POSTROUTING "${nat[@]}" 2>/dev/null || true
ip route del "$ip/32" 2>/dev/null || true

awk -v cycles="$CYCLES" '
  $1 == "lost" { print "connection lost at line " $2 " (" $3 ")"; bad = 1; next }
  NF != 3 || $2 != $3 || $2 != n + 1 { print "unexpected: " $0; bad = 1 }
  { if (n > 0 && ($1 - last) / 1e6 > gap) gap = ($1 - last) / 1e6; last = $1; n = $2 }
  END {
    printf "%d lines sent and echoed in order on one connection across %d cycles (A→B→A); longest silence %.0f ms\n", n, cycles, gap
    exit bad
  }' "$OUT/client.log" || status=1
./bin/run.js report "$OUT/tcp.jsonl" --format markdown | head -8
exit "$status"
