#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64
# timeout: 600
#
# make bench (tests/bench/run.sh): the sim zone's virtio NIC served by
# hvisor.ko (Linux's own virtio_net in netns hvA, its tap in netns hvB:
# tests/e2e/lib/vnet.sh) against a veth pair between two other namespaces
# (hvC, hvD), in the same boot: iperf3 TCP stream both ways and ping
# request/response latency both ways.  Prints "BENCH ..." lines on the
# console (the host shows them as a table) and, as comments, what the
# backend did for each virtio stream: packets, average frame size (TSO
# shows as frames far above the MTU), kicks and interrupts per frame.
# Numbers are TCG numbers: compare the two columns, not with hardware.
set -u
exec >/dev/console 2>&1
# shellcheck source=tests/e2e/lib/vnet.sh
. /usr/share/hvisor/tests/e2e/lib/vnet.sh
RT=${BENCH_RUNTIME:-5}
PINGS=${BENCH_PINGS:-500}
IPC=10.78.0.1
IPD=10.78.0.2

# shellcheck disable=SC2317  # run by the EXIT trap
bench_cleanup() {
	/usr/sbin/ip netns del hvC 2>/dev/null
	/usr/sbin/ip netns del hvD 2>/dev/null
	vnet_cleanup
}
trap bench_cleanup EXIT

vnet_start
modprobe veth || die "modprobe veth"
/usr/sbin/ip netns add hvC
/usr/sbin/ip netns add hvD
/usr/sbin/ip link add vethC netns hvC type veth peer name vethD netns hvD ||
	die "veth pair"
for n in C:$IPC D:$IPD; do
	/usr/sbin/ip -n "hv${n%:*}" link set lo up
	/usr/sbin/ip -n "hv${n%:*}" addr add "${n#*:}/24" dev "veth${n%:*}"
	/usr/sbin/ip -n "hv${n%:*}" link set "veth${n%:*}" up
done
/usr/sbin/ip netns exec hvC ping -c 1 -W 5 $IPD >/dev/null || die "no ping over veth"
echo "BENCH # virtio-net features accepted: $(cat "$VNET_DIR/features")"

# stream CLIENT_NS SERVER_NS DST [-R] -> receiver Mbit/s
stream() {
	/usr/sbin/ip netns exec "$2" iperf3 -s -D -1 >/dev/null 2>&1
	sleep 1
	/usr/sbin/ip netns exec "$1" iperf3 -c "$3" -t "$RT" -O 1 -f m ${4:+"$4"} \
		2>/dev/null | awk '/receiver/ { v = $7 } END { print v ? v : 0 }'
}

# rtt NS DST -> average round trip in microseconds (ping -A: the next
# request leaves as soon as the reply is in)
rtt() {
	/usr/sbin/ip netns exec "$1" ping -A -q -c "$PINGS" -W 5 "$2" 2>/dev/null |
		sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p' |
		awk '{ printf "%d\n", $1 * 1000 } END { if (!NR) print 0 }'
}

# the backend's counters (sysfs)
snap() {
	cat "$STATS/tx_packets" "$STATS/tx_bytes" "$STATS/rx_packets" \
		"$STATS/rx_bytes" "$VNET_DIR/notifies" "$VNET_DIR/injects" |
		tr '\n' ' '
}
# explain WHAT BEFORE AFTER: per-frame costs of one virtio run
explain() {
	echo "$2 $3" | awk -v w="$1" '{
		tp = $7 - $1; tb = $8 - $2; rp = $9 - $3; rb = $10 - $4
		k = $11 - $5; i = $12 - $6; f = tp + rp
		printf "BENCH #   %-7s tx %d frames avg %d B, rx %d frames avg %d B, %d kicks, %d irqs (%.2f / %.2f per frame)\n",
			w, tp, tp ? tb / tp : 0, rp, rp ? rb / rp : 0, k, i,
			f ? k / f : 0, f ? i / f : 0 }'
}

# CPU time (ticks) of the whole machine (first line) and of every task
cpu_snap() {
	head -n 1 /proc/stat
	for p in /proc/[0-9]*; do
		cat "$p/stat" 2>/dev/null
	done | awk '{ print $1, $2, $14 + $15 }'
}
# cpu_top BEFORE AFTER: idle share, then the tasks that used the most CPU
cpu_top() {
	awk 'FNR == 1 { t = 0; for (i = 2; i <= NF; i++) t += $i
			if (NR == 1) { t0 = t; i0 = $5 }
			else printf "idle %d%% of %d ticks; ", 100 * ($5 - i0) / (t - t0), t - t0
			next }
	     NR == FNR { b[$1 " " $2] = $3 }' "$1" "$2"
	awk 'FNR == 1 { next }
	     NR == FNR { b[$1 " " $2] = $3; next }
	     { d = $3 - b[$1 " " $2]; if (d > 0) print d, $2 }' "$1" "$2" |
		sort -k1,1nr | head -n 6 | tr '\n' ' '
}
MLAT=/sys/kernel/debug/hvisor_sim/mmio_latency
# the sim's MMIO round trips since the last call, in one line
mmio_lat() {
	awk '/^(count|avg_ns|p50_ns|p99_ns|max_ns):/ { printf "%s %s ", $1, $NF }' $MLAT
	echo >$MLAT
}

row() {
	printf 'BENCH %-20s %10s %10s %6s\n' "$1" "$2" "$3" "$(echo "$2 $3" |
		awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "n/a" }')"
}

# pair NAME LABEL [-R]: one stream through virtio, then through veth; the
# table row, and what the backend and the CPUs did into $VNET_W/explain
pair() {
	mmio_lat >/dev/null
	s0=$(snap)
	cpu_snap >$VNET_W/c0
	v=$(stream hvA hvB $VNET_IPB ${3:+"$3"})
	cpu_snap >$VNET_W/c1
	s1=$(snap)
	ml=$(mmio_lat)
	e=$(stream hvC hvD $IPD ${3:+"$3"})
	cpu_snap >$VNET_W/c2
	row "$1" "$v" "$e"
	{
		explain "$2" "$s0" "$s1"
		echo "BENCH #     sim mmio round trips: $ml"
		echo "BENCH #     cpu virtio: $(cpu_top $VNET_W/c0 $VNET_W/c1)"
		echo "BENCH #     cpu veth:   $(cpu_top $VNET_W/c1 $VNET_W/c2)"
	} >>$VNET_W/explain
}

echo "BENCH $(printf '%-20s %10s %10s %6s' test virtio veth ratio)"
: >$VNET_W/explain
pair "tcp-tx-Mbit/s" "A->B"
pair "tcp-rx-Mbit/s" "B->A" -R
row "rtt-tx-us" "$(rtt hvA $VNET_IPB)" "$(rtt hvC $IPD)"
row "rtt-rx-us" "$(rtt hvB $VNET_IPA)" "$(rtt hvD $IPC)"
echo "BENCH # tx = zone -> zone 0 (the guest sends through the backend), rx = back"
echo "BENCH # ratio = virtio / veth (Mbit/s: higher is better; rtt: lower is better)"
echo "BENCH # during the virtio streams (backend counters, the sim's MMIO round"
echo "BENCH # trips in ns, CPU ticks of the busiest tasks):"
cat $VNET_W/explain
exit 0
