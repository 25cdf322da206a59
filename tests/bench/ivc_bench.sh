#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64
# timeout: 300
#
# make bench (tests/bench/run.sh ivc): round trip of an IVC doorbell
# ping-pong, zone 0's ivc_ping (examples/ivc) to the sim zone's echo peer
# and back (store into ipi_invoke, the sim sees it, copies, raises zone
# 0's doorbell irq, poll returns), next to its floor: two threads pinned
# to CPUs 0 and 1 passing one cache line back and forth (cl_pingpong).
# Prints "BENCH ..." lines on the console (the host shows them as a
# table).  The sim cannot trap the control table: it watches it every
# 10-20 us while busy, which is part of what the ivc column measures.
# Numbers are TCG numbers: compare the two columns, not with hardware.
set -u
exec >/dev/console 2>&1
N=${BENCH_PINGS:-2000}
EXAMPLE=/usr/share/hvisor/examples/sim/zone1-x86_64.json
BIN=/usr/libexec/hvisor-tests
W=/tmp/hvisor-ivc

die() { echo "ivc_bench: $*"; exit 1; }
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib/ivc.sh
. /usr/share/hvisor/tests/e2e/lib/ivc.sh
ivc_zone_json "$EXAMPLE" $W 0 4096 || die "no ivc_configs in $EXAMPLE"
modprobe hvisor || die "modprobe hvisor"
modprobe hvisor_sim ivc=0 || die "modprobe hvisor_sim ivc=0"
hvisor zone start $W/zone1.json >/dev/null || die "zone start"

# row NAME IVC FLOOR: the table line, ratio = ivc / floor
row() {
	printf 'BENCH %-20s %10s %10s %6s\n' "$1" "$2" "$3" "$(echo "$2 $3" |
		awk '{ if ($2 > 0) printf "%.1f", $1 / $2; else print "-" }')"
}

ivc=$($BIN/ivc_ping -t 10000 -n "$N" -s 64 ping) || die "ivc_ping: $ivc"
echo "BENCH # $ivc"
cl=$($BIN/cl_pingpong 200000) || die "cl_pingpong: $cl"
echo "BENCH # $cl"
echo "BENCH $(printf '%-20s %10s %10s %6s' test ivc cacheline ratio)"
ivc_min=$(echo "$ivc" | sed -n 's/.*min \([0-9]*\) avg.*/\1/p')
ivc_avg=$(echo "$ivc" | sed -n 's/.* avg \([0-9]*\) max.*/\1/p')
cl_min=$(echo "$cl" | sed -n 's/.*min \([0-9]*\) avg.*/\1/p')
cl_avg=$(echo "$cl" | sed -n 's/.* avg \([0-9]*\) ns.*/\1/p')
row rtt-min-ns "$ivc_min" "$cl_min"
row rtt-avg-ns "$ivc_avg" "$cl_avg"
echo "BENCH # rtt = one 64-byte message to the sim zone's echo and back ($N times)"
echo "BENCH # ratio = ivc / cacheline (lower is better)"
echo "BENCH # doorbells: zone 0 received $(cat /sys/class/hvisor/zone0/ivc0/irqs_received)"
if [ -z "$ivc_avg" ] || [ -z "$cl_avg" ]; then die "no numbers"; fi
