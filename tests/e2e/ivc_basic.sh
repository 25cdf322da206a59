#!/bin/sh
# arch: x86_64 arm64
#
# timeout: 300
#
# IVC endpoints of zone 0 (/dev/hivc<id>) against the simulator, with the
# upstream-style example program examples/ivc/ivc_ping:
#   - the sim gives zone 0 channel 0 (rw section 4 KiB, two 8 KiB out
#     sections); IVC_INFO makes /dev/hivc0 and zone0/ivc0 in sysfs, whose
#     files show the control table's geometry; the ioctl lists channel 0;
#   - a ring before any peer joined is lost (the sim says "no peer"),
#     nothing answers;
#   - sim zone 1 joins as peer 1 through its ivc_configs; its echo answers:
#     messages zone 0 -> zone 1 -> zone 0, round trips measured, a payload
#     filling our out section and the rw section, rings through write(2)
#     counted in rings_sent;
#   - zone 1 sends text on its own: zone 0 receives it;
#   - zone 1 rings while nobody polls: irqs_received counts it, the next
#     poll reports it at once, the one after that does not;
#   - mappings outside the channel are refused (ENXIO/EINVAL), one dmesg
#     line each;
#   - unloading the sim with the channel mapped: the holder's poll says
#     POLLHUP, the mapping gives SIGBUS, /dev/hivc0 and zone0/ivc0 are gone;
#   - a hypervisor without channels: IVC_INFO's answer is logged, no device.
#
# exit 0 pass, 77 skip, anything else fail.

set -u

case ${HVTEST_ARCH:-$(uname -m)} in
x86_64) ARCH=x86_64 ;;
aarch64 | arm64) ARCH=arm64 ;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac

EXAMPLE=/usr/share/hvisor/examples/sim/zone1-$ARCH.json
PING=${IVC_PING:-/usr/libexec/hvisor-tests/ivc_ping}
DBG=/sys/kernel/debug/hvisor_sim
SYS=/sys/class/hvisor/zone0/ivc0
W=/tmp/hvisor-ivc
FAILED=0

log() { echo "ivc_basic: $*"; }
fail() { log "FAIL: $*"; FAILED=1; }
pass() { log "ok: $*"; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	[ -n "${HOLD:-}" ] && kill "$HOLD" 2>/dev/null
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
}
trap cleanup EXIT

[ -x /usr/bin/hvisor ] || { log "SKIP: no /usr/bin/hvisor"; exit 77; }
[ -f "$EXAMPLE" ] || { log "SKIP: no $EXAMPLE"; exit 77; }
[ -x "$PING" ] || { log "SKIP: no $PING"; exit 77; }
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug

# shellcheck source=tests/e2e/lib/ivc.sh
. /usr/share/hvisor/tests/e2e/lib/ivc.sh
# zone 1: peer 1 of channel 0
ivc_zone_json "$EXAMPLE" $W 4096 8192 ||
	{ log "FAIL: could not add ivc_configs to $EXAMPLE"; exit 1; }

sysval() { cat "$SYS/$1" 2>/dev/null; }
expect_sys() {
	got=$(sysval "$1")
	[ "$got" = "$2" ] || fail "$SYS/$1 is '$got', want '$2'"
}

dmesg -c >/dev/null 2>&1
modprobe hvisor || { log "FAIL: modprobe hvisor"; exit 1; }
modprobe hvisor_sim ivc=0 ivc_rw_sec_size=4096 ivc_out_sec_size=8192 ||
	{ log "FAIL: modprobe hvisor_sim ivc=0"; exit 1; }

# --- the endpoint -----------------------------------------------------------
if [ -c /dev/hivc0 ]; then pass "/dev/hivc0 exists"; else fail "no /dev/hivc0"; fi
expect_sys ivc_id 0
expect_sys peer_id 0
expect_sys max_peers 2
expect_sys rw_sec_size 4096
expect_sys out_sec_size 8192
expect_sys shmem_size 20480
expect_sys irqs_received 0
expect_sys rings_sent 0
out=$($PING info 2>&1)
echo "$out"
echo "$out" | grep -qx 'channels: 1: 0' || fail "the channel list ioctl does not give channel 0"
echo "$out" | grep -q 'ivc_id 0 peer_id 0 max_peers 2 rw_sec_size 4096 out_sec_size 8192' ||
	fail "the control table does not read as configured"

# --- no peer yet: the ring goes nowhere -------------------------------------
if $PING -t 300 ping >$W/out 2>&1; then
	fail "an answer came with no peer in the channel: $(cat $W/out)"
else
	pass "no peer, no answer: $(cat $W/out)"
fi
grep -q 'rings_nopeer 1 ' $DBG/ivc || fail "the sim did not see the ring to a missing peer: $(cat $DBG/ivc)"

# --- zone 1 joins, its echo answers ------------------------------------------
hvisor zone start $W/zone1.json >$W/out 2>&1 || { cat $W/out; fail "zone start with ivc_configs"; }
cat $DBG/ivc
grep -q ' 1=zone1/irq66' $DBG/ivc || fail "zone 1 is not peer 1 of channel 0 in the sim"

if $PING -t 10000 -n 50 -s 32 ping >$W/out 2>&1; then pass "$(cat $W/out)"; else fail "ping: $(cat $W/out)"; fi
if $PING -t 10000 -n 5 -s max ping >$W/out 2>&1; then
	pass "full payload: $(cat $W/out)"
else
	fail "full payload: $(cat $W/out)"
fi
grep -q 'of 8192 bytes' $W/out || fail "the full payload was not 8192 bytes"
if $PING -t 10000 -n 7 -w ping >$W/out 2>&1; then pass "rings through write(2): $(cat $W/out)"; else fail "ping -w: $(cat $W/out)"; fi
expect_sys rings_sent 7
rx=$(sysval irqs_received)
if [ "$rx" -ge 62 ] 2>/dev/null; then pass "irqs_received $rx"; else fail "irqs_received $rx, want >= 62"; fi

# --- zone 1 talks first -------------------------------------------------------
$PING -t 10000 recv >$W/recv 2>&1 &
RECV=$!
sleep 0.3
echo "send 0 hello zone0, this is zone1" >$DBG/ivc || fail "debugfs send"
wait $RECV || fail "recv: $(cat $W/recv)"
if grep -qx 'received: hello zone0, this is zone1' $W/recv; then
	pass "zone 1 -> zone 0: $(cat $W/recv)"
else
	fail "zone 1 -> zone 0: $(cat $W/recv)"
fi

# --- a ring while nobody polls -------------------------------------------------
rx=$(sysval irqs_received)
echo "ring 0" >$DBG/ivc || fail "debugfs ring"
expect_sys irqs_received $((rx + 1))
got=$($PING pending)
if [ "$got" = "ring pending" ]; then pass "the ring waited for the next poll"; else fail "after an unpolled ring: $got"; fi
got=$($PING pending)
if [ "$got" = "no ring" ]; then pass "reported once"; else fail "the ring was reported twice: $got"; fi

# --- mappings outside the channel -----------------------------------------------
before=$(dmesg | grep -c 'hivc0: mmap refused')
if $PING badmap >$W/out 2>&1; then pass "bad mappings refused"; else fail "badmap"; fi
cat $W/out
n=$(($(dmesg | grep -c 'hivc0: mmap refused') - before))
if [ "$n" = 5 ]; then pass "one dmesg line per refusal"; else fail "$n dmesg lines for 5 refused mappings"; fi
dmesg | grep 'hivc0: mmap refused' | tail -n 5 | sed 's/^\[[ 0-9.]*\] //'

# --- the channel goes away while mapped -------------------------------------------
$PING hold >$W/hold 2>&1 &
HOLD=$!
i=0
while ! grep -q mapped $W/hold && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
hvisor zone shutdown -id 1 || fail "zone shutdown"
rmmod hvisor_sim || fail "rmmod hvisor_sim with the channel open"
if wait $HOLD; then pass "holder: $(tr '\n' ' ' <$W/hold)"; else fail "holder: $(tr '\n' ' ' <$W/hold)"; fi
HOLD=
[ ! -e /dev/hivc0 ] || fail "/dev/hivc0 is still there"
[ ! -e $SYS ] || fail "$SYS is still there"

# --- a hypervisor without channels ----------------------------------------------------
modprobe hvisor_sim || fail "modprobe hvisor_sim"
line=$(dmesg | grep 'hvisor: ivc: ' | tail -n 1 | sed 's/^\[[ 0-9.]*\] //')
log "$line"
case $ARCH in
arm64) want='IVC_INFO: -19' ;;
*) want='IVC_INFO: 0 channels' ;;
esac
if echo "$line" | grep -q "$want"; then pass "no channel: $want"; else fail "no channel: want '$want' in dmesg"; fi
[ ! -e /dev/hivc0 ] || fail "/dev/hivc0 without a channel"
rmmod hvisor_sim

if dmesg | grep -E 'BUG|WARNING|Oops|general protection|Call Trace'; then
	fail "kernel warnings"
fi
if [ $FAILED = 0 ]; then log "PASS"; else log "FAILED"; fi
exit $FAILED
