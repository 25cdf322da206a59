#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64 arm64
# timeout: 900
#
# virtio-net end to end on the simulator: the sim zone's NIC (Linux's own
# virtio_net, bound through the sim transport to hvisor.ko's net backend)
# in netns hvA, its tap in netns hvB.  Checks: ping both ways without loss,
# a 100 MiB TCP transfer with matching sha256, iperf3 both directions, MTU
# 1500 and 9000, tap down -> the guest sees its link down (and up again),
# the backend's counters in sysfs, and a detach during traffic that leaves
# zone 0 without BUG/WARNING, the guest without a TX timeout, and the TX
# counts consistent (every chain completed once, the kill's as drops).
#
# exit 0 pass, 77 skip, anything else fail.

set -u

# shellcheck source=tests/e2e/lib/vnet.sh
. /usr/share/hvisor/tests/e2e/lib/vnet.sh
W=$VNET_W
IPA=$VNET_IPA
IPB=$VNET_IPB
FAILED=0

log() { echo "net_basic: $*"; echo "net_basic: $*" >/dev/console 2>/dev/null; }
fail() { log "FAIL: $*"; FAILED=1; }

dmesg -c >/dev/null
trap vnet_cleanup EXIT
log "starting zone"
vnet_start
log "guest NIC $IF, features $(cat /sys/class/net/"$IF"/device/features 2>/dev/null)"

# --- ping ----------------------------------------------------------------
# Every reply must reach the pinging namespace: counted by the
# namespace's ICMP layer (InEchoReps in /proc/net/snmp), which sees each
# reply the NIC delivered even when busybox ping's small socket buffer
# (about two replies) then drops it, as after the stalls hvisor's
# interrupt rules cause (the sim drops injections on GIC).  Any reply
# that did not reach it is lost and fails.
echoreps() {
	/usr/sbin/ip netns exec "$1" cat /proc/net/snmp |
		awk '$1 == "Icmp:" { if (!h) { for (i = 2; i <= NF; i++) if ($i == "InEchoReps") c = i; h = 1 } else print $c }'
}
pingtest() {
	ns=$1 dst=$2 size=$3
	r0=$(echoreps "$ns")
	out=$(/usr/sbin/ip netns exec "$ns" ping -c 200 -i 0.01 -W 2 -s "$size" "$dst" 2>&1)
	reached=$(($(echoreps "$ns") - r0))
	# shellcheck disable=SC2046  # two numbers
	set -- $(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p')
	lost=$((${1:-0} - reached))
	log "ping $ns -> $dst size $size: ${2:-?} of ${1:-?} replies to ping, $reached reached the namespace, $lost lost"
	[ "${1:-0}" = 200 ] && [ "$lost" -le 0 ] ||
		fail "ping $ns -> $dst size $size: $lost lost: $(echo "$out" | tail -n 2)"
}
pingtest hvA $IPB 56
pingtest hvB $IPA 56

# --- 100 MiB TCP with checksums -------------------------------------------
log "100 MiB transfer"
dd if=/dev/urandom of=$W/src bs=1M count=100 2>/dev/null
SUM_SRC=$(sha256sum $W/src | cut -d' ' -f1)
# busybox nc half-closes when its stdin ends and exits when the socket
# does: the listener's stdin is a FIFO held open until the copy is done.
mkfifo $W/hold
B timeout 300 nc -l -p 5001 <$W/hold >$W/dst &
NCPID=$!
exec 3>$W/hold
sleep 1
T0=$(date +%s)
A timeout 300 nc $IPB 5001 <$W/src >/dev/null
wait $NCPID
exec 3>&-
T1=$(date +%s)
SUM_DST=$(sha256sum $W/dst | cut -d' ' -f1)
log "100 MiB A -> B in $((T1 - T0)) s ($((100 / (T1 - T0 > 0 ? T1 - T0 : 1))) MiB/s)"
[ "$SUM_SRC" = "$SUM_DST" ] || fail "100 MiB transfer: sha256 differs ($(stat -c %s $W/dst) bytes received)"
rm -f $W/dst

# --- iperf3 both directions ---------------------------------------------
log "iperf3"
B iperf3 -s -D -1 >/dev/null 2>&1
sleep 1
A iperf3 -c $IPB -t 3 -f m >$W/ip1 2>&1 || fail "iperf3 A -> B"
log "iperf3 A -> B: $(grep receiver $W/ip1 | awk '{print $7, $8}')"
B iperf3 -s -D -1 >/dev/null 2>&1
sleep 1
A iperf3 -c $IPB -t 3 -R -f m >$W/ip2 2>&1 || fail "iperf3 B -> A"
log "iperf3 B -> A: $(grep receiver $W/ip2 | awk '{print $7, $8}')"

# --- jumbo MTU -----------------------------------------------------------
if A /usr/sbin/ip link set "$IF" mtu 9000 2>/dev/null && B /usr/sbin/ip link set tap0 mtu 9000; then
	pingtest hvA $IPB 8000
	pingtest hvB $IPA 8000
	A /usr/sbin/ip link set "$IF" mtu 1500
	B /usr/sbin/ip link set tap0 mtu 1500
else
	log "jumbo MTU not accepted by the guest NIC: skipped"
fi
pingtest hvA $IPB 1472

# --- carrier follows the tap --------------------------------------------
log carrier
operstate() {
	for _ in $(seq 50); do
		[ "$(A cat /sys/class/net/"$IF"/operstate)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
B /usr/sbin/ip link set tap0 down
operstate down || fail "tap down: guest operstate $(A cat /sys/class/net/"$IF"/operstate)"
B /usr/sbin/ip link set tap0 up
operstate up || fail "tap up: guest operstate $(A cat /sys/class/net/"$IF"/operstate)"
pingtest hvA $IPB 56

# --- counters ------------------------------------------------------------
if [ -n "$STATS" ] && [ -d "$STATS" ]; then
	for f in rx_packets tx_packets rx_bytes tx_bytes; do
		v=$(cat "$STATS/$f")
		log "$f $v"
		[ "$v" -gt 0 ] || fail "$STATS/$f is $v"
	done
	for f in rx_errors tx_errors; do
		[ "$(cat "$STATS/$f")" = 0 ] || fail "$STATS/$f is $(cat "$STATS/$f")"
	done
else
	fail "no /sys/class/hvisor/zone1/*/statistics"
fi

# --- detach during traffic -----------------------------------------------
log "detach"
B iperf3 -s -D -1 >/dev/null 2>&1
sleep 1
A iperf3 -c $IPB -t 20 -b 0 >/dev/null 2>&1 &
sleep 3
hvisor virtio detach --zone 1 >$W/out 2>&1 &
DPID=$!
for _ in $(seq 30); do kill -0 $DPID 2>/dev/null || break; sleep 1; done
if kill -0 $DPID 2>/dev/null; then
	log "detach hangs: stack $(cat /proc/$DPID/stack 2>/dev/null)"
	for t in /proc/[0-9]*; do
		grep -q 'hvisor\|D (disk' $t/status 2>/dev/null && log "$(head -1 $t/status) $(grep State $t/status) $(cat $t/stack 2>/dev/null | head -12)"
	done
	dmesg | tail -40 >/dev/console
fi
wait $DPID || { cat $W/out; fail "virtio detach during traffic"; }
# The guest keeps its NIC until the sim's rescan: give its TX watchdog
# (5 s) the time to fire, were its TX queue left stuck by the detach.
sleep 6
# The client cannot reach its server any more: SIGTERM makes it try to
# report to it forever.
kill_iperf3
wait 2>/dev/null
# One more frame: virtio_net reclaims what was completed last on transmit.
A ping -c 1 -W 1 $IPB >/dev/null 2>&1
GUEST_TX=$(A cat /sys/class/net/"$IF"/statistics/tx_packets)
dmesg >$W/dmesg
if grep -E 'NETDEV WATCHDOG|transmit queue' $W/dmesg; then
	fail "the guest's TX queue timed out after the detach"
fi
grep -q 'detached without the driver acknowledging' $W/dmesg &&
	fail "the guest did not acknowledge the kill's interrupt"
# Every TX chain the backend completed is counted once: sent, dropped
# (the kill's among them) or malformed; the guest counts each completion
# it reclaimed, and nothing completes after the detach.
KILLED=$(sed -n 's/.*net@.*: killed, \([0-9]*\) TX chains completed unsent.*/\1/p' $W/dmesg)
TXSUM=$(sed -n 's/.*net@.*: removed: tx \([0-9]*\) sent \([0-9]*\) dropped \([0-9]*\) malformed.*/\1 \2 \3/p' $W/dmesg)
if [ -z "$KILLED" ] || [ -z "$TXSUM" ]; then
	fail "no kill / removal summary in dmesg: $(grep net@ $W/dmesg)"
else
	# shellcheck disable=SC2086  # three numbers
	set -- $TXSUM
	log "detach: kill completed $KILLED TX chains unsent; backend tx $1 sent + $2 dropped + $3 malformed; guest reclaimed $GUEST_TX"
	[ "$2" -ge "$KILLED" ] || fail "tx_dropped $2 < the $KILLED chains the kill dropped"
	[ $(($1 + $2 + $3)) = "$GUEST_TX" ] ||
		fail "backend completed $(($1 + $2 + $3)) TX chains, the guest reclaimed $GUEST_TX"
fi
# The guest learns of the removal from the sim's rescan.
echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
for _ in $(seq 50); do
	A test -e /sys/class/net/"$IF" || break
	sleep 0.2
done
A test -e /sys/class/net/"$IF" && fail "guest NIC $IF still there after the rescan"
hvisor virtio list >/dev/null 2>&1 || fail "virtio list after detach"
ping -c 1 -W 2 127.0.0.1 >/dev/null || fail "zone 0 loopback after detach"

# hvisor's delivery rules (sim_vgic.c): what the sim dropped or merged
rep=$(simirq_report) || fail "sim irq counters"
log "$rep"

if dmesg | grep -E 'BUG|WARNING|Oops|general protection|refcount_t|use-after-free'; then
	fail "kernel complained"
fi

[ $FAILED = 0 ] && log "PASS"
exit $FAILED
