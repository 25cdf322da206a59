#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# Devices follow their zone's life (issue 13 item 2), on the simulator:
# zone 1 with a virtio-blk and a virtio-net attached (one request).
#   - ZONE_SHUTDOWN returns at once (its time is printed, < 1 s): the
#     devices are quiesced, not detached; sysfs state "zone-stopped";
#     packets sent into the tap are not received into the stopped zone;
#   - ZONE_START of another zone over the attached memory: EADDRINUSE;
#     of zone 1 with a RAM region the attachment does not fit:
#     EADDRNOTAVAIL, and nothing started;
#   - ZONE_START of zone 1 again: the devices are served from reset, the
#     new guest's disk reads back what the old one wrote;
#   - a zone that stops by itself (hvisor_sim halt_zone: its drivers never
#     reset the devices): found at the next zone list, devices quiesced,
#     no RX, and a detach that returns at once.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/simirq.sh
W=/tmp/hvisor-zlife
SIMD=/sys/kernel/debug/hvisor_sim

case ${HVTEST_ARCH:-$(uname -m)} in
# zone 1's RAM (examples/sim) and what hvisor can inject there
x86_64) ARCH=x86_64 MEM=0x30200000:0x30200000:0xfc00000
	BLK=0x7f00000000 BIRQ=10 NET=0x7f00000200 NIRQ=11 ;;
aarch64 | arm64) ARCH=arm64 MEM=0x70000000:0x50000000:0x10000000
	BLK=0xb000000 BIRQ=75 NET=0xb000200 NIRQ=76 ;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac
EXAMPLE=/usr/share/hvisor/examples/sim/zone1-$ARCH.json
MAC=00:16:3e:10:20:30
BSYS=/sys/class/hvisor/zone1/blk@$(printf %x $BLK)
NSYS=/sys/class/hvisor/zone1/net@$(printf %x $NET)
FAILED=0
DEV=
IF=

log() { echo "zone_lifecycle: $*"; }
pass() { log "ok: $*"; }
fail() { log "FAIL: $*"; FAILED=1; }
die() { log "FAIL: $*"; exit 1; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	hvisor virtio detach --zone 1 >/dev/null 2>&1
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# Milliseconds since boot (busybox date has no %N).
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

rx() { cat "$NSYS/statistics/rx_packets"; }

# wait_disk: the zone's disk and its node -> $DEV
wait_disk() {
	DEV=
	for _ in $(seq 40); do
		for d in /sys/block/vd*; do
			[ -e "$d" ] && DEV=${d##*/}
		done
		[ -n "$DEV" ] && [ -b "/dev/$DEV" ] && return 0
		sleep 0.25
	done
	return 1
}

# wait_nic: the zone's NIC -> $IF, up
wait_nic() {
	IF=
	for _ in $(seq 40); do
		for d in /sys/class/net/*; do
			[ "$(cat "$d/address" 2>/dev/null)" = $MAC ] && IF=${d##*/}
		done
		[ -n "$IF" ] && /usr/sbin/ip link set "$IF" up && return 0
		sleep 0.25
	done
	return 1
}

# send_tap: frames into tap0 (ARP for addresses nobody has, each time
# another one, the neighbour table flushed)
PEER=10
send_tap() {
	PEER=$((PEER + 1))
	/usr/sbin/ip neigh flush dev tap0 2>/dev/null
	ping -c 3 -W 1 -I tap0 10.78.0.$PEER >/dev/null 2>&1
	sleep 0.5
}

# dmesg_s PATTERN: the timestamp (s) of the last kernel log line matching
dmesg_s() {
	dmesg | grep "$1" | tail -n 1 | sed 's/^\[ *\([0-9.]*\)\].*/\1/'
}

# ms_between T0 T1: milliseconds from dmesg timestamp T0 to T1
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", (b - a) * 1000 }'; }

# state_is WHAT: both devices' sysfs state
state_is() {
	b=$(cat "$BSYS/state" 2>/dev/null) n=$(cat "$NSYS/state" 2>/dev/null)
	[ "$b" = "$1" ] && [ "$n" = "$1" ] && return 0
	fail "device state: blk $b, net $n, want $1"
	return 1
}

# rx_quiet WHY: frames sent into tap0 reach no stopped zone.  tun counts
# a frame in tap0's tx_packets when its reader (the device) takes it, so
# neither that nor the device's rx_packets may move (while the zone runs,
# both do: see "running" above).
rx_quiet() {
	r0=$(rx) t0=$(cat /sys/class/net/tap0/statistics/tx_packets)
	send_tap
	r1=$(rx) t1=$(cat /sys/class/net/tap0/statistics/tx_packets)
	if [ "$r1" = "$r0" ] && [ "$t1" = "$t0" ]; then
		pass "$1: tap0 not read (tx_packets $t0), rx_packets stays $r0"
	else
		fail "$1: tap0 tx_packets $t0 -> $t1, rx_packets $r0 -> $r1 in a stopped zone"
	fi
}

# start_refused CONFIG ERRNO_TEXT WHAT
start_refused() {
	if hvisor zone start "$1" >$W/out 2>&1; then
		fail "$3: started"
		id=$(sed -n 's/.*"zone_id": *\([0-9]*\).*/\1/p' "$1")
		hvisor zone shutdown -id "$id" >/dev/null 2>&1
		return
	fi
	if grep -qi "$2" $W/out; then
		pass "$3: refused ($(tr '\n' ' ' <$W/out))"
	else
		fail "$3: refused, but not with '$2': $(tr '\n' ' ' <$W/out)"
	fi
}

[ -x /usr/bin/hvisor ] || { echo "SKIP: no /usr/bin/hvisor"; exit 77; }
[ -f "$EXAMPLE" ] || { echo "SKIP: no $EXAMPLE"; exit 77; }
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug
mkdir -p $W /tmp/hvisor-sim
dd if=/dev/urandom of=/tmp/hvisor-sim/kernel.bin bs=1M count=3 2>/dev/null
dd if=/dev/urandom of=/tmp/hvisor-sim/zone1.dtb bs=1k count=8 2>/dev/null
dd if=/dev/zero of=$W/disk.img bs=1M count=16 2>/dev/null
dd if=/dev/urandom of=$W/data bs=1M count=1 2>/dev/null
for m in tun virtio_blk virtio_net hvisor hvisor_sim; do
	modprobe $m || die "modprobe $m"
done
simirq_map 1 $BLK $BIRQ || die "sim irq map"
simirq_map 1 $NET $NIRQ || die "sim irq map"

m=${MEM#*:}
cat >$W/virtio.json <<EOC
{ "zones": [ { "id": 1,
  "memory_region": [ { "zone0_ipa": "${MEM%%:*}", "zonex_ipa": "${m%:*}",
    "size": "${m#*:}" } ],
  "devices": [
    { "type": "blk", "status": "enable", "addr": "$BLK", "len": "0x200",
      "irq": $BIRQ, "img": "$W/disk.img" },
    { "type": "net", "status": "enable", "addr": "$NET", "len": "0x200",
      "irq": $NIRQ, "tap": "tap0",
      "mac": ["0x00", "0x16", "0x3e", "0x10", "0x20", "0x30"] } ] } ] }
EOC
# zone 2 over zone 1's memory; zone 1 with too little RAM for the devices
sed -e 's/"zone_id": *1/"zone_id": 2/' -e 's/"sim-linux"/"sim-other"/' \
	"$EXAMPLE" >$W/zone2.json
sed -e 's/"size": "0xfc00000"/"size": "0x1000000"/' \
	-e 's/"size": "0x10000000"/"size": "0x1000000"/' \
	"$EXAMPLE" >$W/zone1-small.json
cmp -s "$EXAMPLE" $W/zone1-small.json && die "no RAM size to shrink in $EXAMPLE"

hvisor zone start "$EXAMPLE" >$W/out 2>&1 || { cat $W/out; die "zone start"; }
hvisor virtio attach $W/virtio.json >$W/out 2>&1 ||
	{ cat $W/out; die "virtio attach"; }
echo 1 >$SIMD/zone1/rescan
wait_disk || die "no virtio disk"
wait_nic || die "no NIC with MAC $MAC"
/usr/sbin/ip addr add 10.78.0.2/24 dev tap0 || die "tap0 address"
/usr/sbin/ip link set tap0 up || die "tap0 up"
state_is serving || exit 1

dd if=$W/data of="/dev/$DEV" bs=1M count=1 oflag=direct 2>/dev/null ||
	die "write to /dev/$DEV"
r0=$(rx) t0=$(cat /sys/class/net/tap0/statistics/tx_packets)
send_tap
[ "$(rx)" -gt "$r0" ] || die "a running zone received nothing from tap0 (rx_packets $r0)"
[ "$(cat /sys/class/net/tap0/statistics/tx_packets)" -gt "$t0" ] ||
	die "tap0 tx_packets did not move while the zone received"
t1=$(cat /sys/class/net/tap0/statistics/tx_packets)
pass "running: disk written, rx_packets $r0 -> $(rx), tap0 tx_packets $t0 -> $t1"

# 1. shutdown: quick, devices kept and quiesced
t0=$(ms)
hvisor zone shutdown -id 1 >$W/out 2>&1 || { cat $W/out; die "zone shutdown"; }
t=$(($(ms) - t0))
# the hypercall includes the sim guest's drivers going (slow under TCG);
# what hvisor.ko does after it is from the sim's line to ours
k=$(ms_between "$(dmesg_s 'hvisor_sim: zone 1 shut down')" \
	"$(dmesg_s 'hvisor: zone 1 shut down')")
log "zone shutdown with blk + net attached: $t ms, of which hvisor.ko after the hypercall $k ms"
[ "$k" -lt 500 ] || fail "hvisor.ko took $k ms after the shutdown hypercall"
state_is zone-stopped && pass "shutdown: devices kept attached, zone-stopped"
[ $(($(cat "$BSYS/status"))) = 0 ] ||
	fail "blk status $(cat "$BSYS/status") after the stop, want 0 (reset)"
rx_quiet "after shutdown"

# 2. starts over the attached memory are refused
start_refused $W/zone2.json "in use" "zone 2 over zone 1's attached memory"
dmesg | grep -q "still attached" || fail "no dmesg line naming the device"
start_refused $W/zone1-small.json "assign requested address" \
	"zone 1 with RAM the attachment does not fit"
hvisor zone list 2>/dev/null | grep -q "sim-linux" &&
	fail "zone 1 runs after a refused start"
state_is zone-stopped

# 3. restart: served again from reset, the data still there
hvisor zone start "$EXAMPLE" >$W/out 2>&1 || { cat $W/out; die "zone restart"; }
state_is serving && pass "restart: devices serving again"
echo 1 >$SIMD/zone1/rescan
wait_disk || die "no virtio disk after the restart"
dd if="/dev/$DEV" of=$W/back bs=1M count=1 iflag=direct 2>/dev/null ||
	fail "read from /dev/$DEV after the restart"
if cmp -s $W/data $W/back; then
	pass "restart: the new guest reads back what the old one wrote"
else
	fail "restart: data read back differs"
fi
wait_nic || fail "no NIC after the restart"
r0=$(rx)
send_tap
if [ "$(rx)" -gt "$r0" ]; then
	pass "restart: NIC receives again ($r0 -> $(rx))"
else
	fail "restart: NIC receives nothing"
fi

# 4. a zone that stops by itself
if [ -e $SIMD/halt_zone ]; then
	st=$(($(cat "$BSYS/status")))
	[ $st = 15 ] || fail "blk status $st before the halt, want 15 (DRIVER_OK)"
	echo 1 >$SIMD/halt_zone || die "sim halt_zone"
	st=$(($(cat "$BSYS/status")))
	[ $st = 15 ] || fail "blk status $st after the halt: a driver reset it"
	t0=$(ms)
	hvisor zone list >/dev/null 2>&1 || fail "zone list"
	t=$(($(ms) - t0))
	log "zone list finding zone 1 stopped, quiescing blk + net: $t ms"
	[ $t -lt 1000 ] || fail "zone list took $t ms"
	dmesg | grep -q "zone 1: stopped by itself" ||
		fail "no dmesg line for the zone found stopped"
	state_is zone-stopped && pass "stopped by itself: devices zone-stopped"
	st=$(($(cat "$BSYS/status")))
	[ $st = 0 ] || fail "blk status $st after the zone was found stopped, want 0"
	rx_quiet "after stopping by itself"
	t0=$(ms)
	hvisor virtio detach --zone 1 >$W/out 2>&1 ||
		{ cat $W/out; fail "detach"; }
	t=$(($(ms) - t0))
	log "detach of a stopped zone's blk + net: $t ms"
	[ $t -lt 1000 ] || fail "detach took $t ms"
	[ -e "$BSYS" ] && fail "$BSYS still there after detach"
else
	log "no $SIMD/halt_zone: a zone stopping by itself is not tested"
	t0=$(ms)
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	hvisor virtio detach --zone 1 >$W/out 2>&1 ||
		{ cat $W/out; fail "detach"; }
	t=$(($(ms) - t0))
	log "shutdown + detach: $t ms"
fi
hvisor virtio list 2>/dev/null | grep -q "$(printf %x $BLK)" &&
	fail "devices still listed after detach"

[ $FAILED = 0 ] || exit 1
pass "all"
exit 0
