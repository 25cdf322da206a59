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
# zone 0 without BUG/WARNING.
#
# exit 0 pass, 77 skip, anything else fail.

set -u

case ${HVTEST_ARCH:-$(uname -m)} in
x86_64) ARCH=x86_64 GMEM=0x100000 GSIZE=0x2ff00000 ADDR=0x7f00000200 ;;
aarch64 | arm64) ARCH=arm64 GMEM=0x40000000 GSIZE=0x30000000 ADDR=0x0b000200 ;;
*) echo "net_basic: SKIP: no sim config for this arch"; exit 77 ;;
esac

ZONE=/usr/share/hvisor/examples/sim/zone1-$ARCH.json
W=/tmp/hvisor-net
MAC=00:16:3e:10:10:10
IPA=10.77.0.1
IPB=10.77.0.2
FAILED=0

log() { echo "net_basic: $*"; echo "net_basic: $*" >/dev/console 2>/dev/null; }
fail() { log "FAIL: $*"; FAILED=1; }
A() { /usr/sbin/ip netns exec hvA "$@"; }
B() { /usr/sbin/ip netns exec hvB "$@"; }

# No pkill in the guest (busybox's has not been built in): by comm.
kill_iperf3() {
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = iperf3 ] && kill -KILL "${p#/proc/}"
	done 2>/dev/null
}

cleanup() {
	kill_iperf3
	hvisor virtio detach --zone 1 >/dev/null 2>&1
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	/usr/sbin/ip netns del hvA 2>/dev/null
	/usr/sbin/ip netns del hvB 2>/dev/null
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
}

[ -x /usr/bin/hvisor ] || { log "SKIP: no /usr/bin/hvisor"; exit 77; }
[ -f "$ZONE" ] || { log "SKIP: no $ZONE"; exit 77; }
# exit 2 is the tool's usage error (no such command); without the module
# loaded yet, list fails otherwise
hvisor virtio list >/dev/null 2>&1
[ $? -eq 2 ] && { log "SKIP: the tool has no 'virtio'"; exit 77; }

mkdir -p $W
dmesg -c >/dev/null
modprobe tun || { log "FAIL: modprobe tun"; exit 1; }
modprobe virtio_net || { log "FAIL: modprobe virtio_net"; exit 1; }
modprobe hvisor || { log "FAIL: modprobe hvisor"; exit 1; }
modprobe hvisor_sim || { log "FAIL: modprobe hvisor_sim"; rmmod hvisor; exit 1; }
trap cleanup EXIT

dd if=/dev/urandom of=$W/kernel.bin bs=1M count=1 2>/dev/null
dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=8 2>/dev/null
mkdir -p /tmp/hvisor-sim
cp $W/kernel.bin $W/zone1.dtb /tmp/hvisor-sim/

cat >$W/virtio.json <<EOF
{
    "zones": [
        {
            "id": 1,
            "memory_region": [
                { "zone0_ipa": "$GMEM", "zonex_ipa": "$GMEM", "size": "$GSIZE" }
            ],
            "devices": [
                {
                    "type": "net",
                    "status": "enable",
                    "addr": "$ADDR",
                    "len": "0x200",
                    "irq": 76,
                    "tap": "tap0",
                    "mac": ["0x00", "0x16", "0x3e", "0x10", "0x10", "0x10"]
                }
            ]
        }
    ]
}
EOF

log "starting zone"
hvisor zone start "$ZONE" >$W/out 2>&1 || { cat $W/out; log "FAIL: zone start"; exit 1; }
hvisor virtio attach $W/virtio.json >$W/out 2>&1 || { cat $W/out; log "FAIL: virtio attach"; exit 1; }
# The sim probes its virtio slots at ZONE_START: probe again now.
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug
echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan ||
	{ log "FAIL: sim rescan"; exit 1; }

# The guest NIC: the netdev with our MAC (bound by virtio_net via the sim).
IF=''
for _ in $(seq 50); do
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = $MAC ] && IF=${d##*/}
	done
	[ -n "$IF" ] && break
	sleep 0.2
done
[ -n "$IF" ] || { log "FAIL: no netdev with MAC $MAC"; exit 1; }
log "guest NIC $IF, features $(cat /sys/class/net/"$IF"/device/features 2>/dev/null)"

# The device directory is named net@<addr in %llx>: no leading zeros.
STATS=/sys/class/hvisor/zone1/net@$(printf %x $ADDR)/statistics

/usr/sbin/ip netns add hvA
/usr/sbin/ip netns add hvB
/usr/sbin/ip link set "$IF" netns hvA
/usr/sbin/ip link set tap0 netns hvB
A /usr/sbin/ip link set lo up
B /usr/sbin/ip link set lo up
A /usr/sbin/ip addr add $IPA/24 dev "$IF"
B /usr/sbin/ip addr add $IPB/24 dev tap0
A /usr/sbin/ip link set "$IF" up
B /usr/sbin/ip link set tap0 up

# Wait for the link to come up on both sides.
for _ in $(seq 50); do
	A ping -c 1 -W 1 $IPB >/dev/null 2>&1 && break
	sleep 0.2
done

# --- ping ----------------------------------------------------------------
pingtest() {
	ns=$1 dst=$2 size=$3
	out=$(/usr/sbin/ip netns exec "$ns" ping -c 200 -i 0.01 -W 2 -s "$size" "$dst" 2>&1)
	loss=$(echo "$out" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
	log "ping $ns -> $dst size $size: ${loss:-?}% loss"
	[ "$loss" = 0 ] || fail "ping $ns -> $dst size $size: $(echo "$out" | tail -n 2)"
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
sleep 2
# The client cannot reach its server any more: SIGTERM makes it try to
# report to it forever.
kill_iperf3
wait 2>/dev/null
hvisor virtio list >/dev/null 2>&1 || fail "virtio list after detach"
ping -c 1 -W 2 127.0.0.1 >/dev/null || fail "zone 0 loopback after detach"

if dmesg | grep -E 'BUG|WARNING|Oops|general protection|refcount_t|use-after-free'; then
	fail "kernel complained"
fi

[ $FAILED = 0 ] && log "PASS"
exit $FAILED
