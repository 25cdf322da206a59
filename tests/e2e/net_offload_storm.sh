#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64 arm64
# timeout: 300
#
# A guest that renegotiates its net features in a loop (reset, FEATURES_OK
# with and without VIRTIO_NET_F_GUEST_CSUM) drove TUNSETOFFLOAD, which
# takes rtnl_lock and sends netlink events to all of zone 0, at trap rate.
# With this script as the zone's driver (the sim's zone1/mmio, no
# virtio_net bound):
#   - the same features again change nothing (offload_changes stays);
#   - each change is one TUNSETOFFLOAD (offload_changes), and those beyond
#     10 in 5 s are slowed down by 100 ms each (offload_throttled, one
#     dmesg line), in the device's own work item: resets and FEATURES_OK
#     are deferred there (sysfs deferred grows);
#   - zone 0 stays healthy and the module unloads.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
# vnet_start, vnet_cleanup, log, die, $VNET_*, $STATS
. /usr/share/hvisor/tests/e2e/lib/vnet.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
# shellcheck disable=SC2034  # read by vmmio.sh
VMMIO_ADDR=$VNET_ADDR
# wr, rd, register offsets
. /usr/share/hvisor/tests/e2e/lib/vmmio.sh
trap vnet_cleanup EXIT

GUEST_CSUM=2			# 1 << VIRTIO_NET_F_GUEST_CSUM
ROUNDS=16			# over the 10 changes allowed in 5 s

VNET_BIND=0 vnet_start
[ -r "$STATS/offload_changes" ] || die "no statistics/offload_changes"
st() { cat "$STATS/$1"; }
# centiseconds since boot (busybox date has no %N)
now_cs() {
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

# negotiate HEX: reset, ACK, DRIVER, VERSION_1 and features HEX,
# FEATURES_OK; the addresses computed once, so that a round forks nothing
# (wr's printf would make TCG's forks, not the device, set the pace)
reg() { printf '%#x' $((VNET_ADDR + $1)); }
A_STATUS=$(reg $STATUS) A_FSEL=$(reg $DRV_FEAT_SEL) A_FEAT=$(reg $DRV_FEAT)
w() { echo "w $1 $2" >$VMMIO || fail "register write $1 <- $2"; }
negotiate() {
	w "$A_STATUS" 0
	w "$A_STATUS" 1
	w "$A_STATUS" 3
	w "$A_FSEL" 1
	w "$A_FEAT" 1		# VIRTIO_F_VERSION_1
	w "$A_FSEL" 0
	w "$A_FEAT" "$1"
	w "$A_STATUS" b		# FEATURES_OK
}

# attach set the tap's offloads to none: the same again is no change
c0=$(st offload_changes) d0=$(cat "$VNET_DIR/deferred")
negotiate 0
negotiate 0
[ "$(rd $STATUS)" = 11 ] || fail "FEATURES_OK not accepted: $(rd $STATUS)"
[ "$(st offload_changes)" = "$c0" ] ||
	fail "no-offload renegotiation changed the tap: $c0 -> $(st offload_changes)"
[ "$(cat "$VNET_DIR/deferred")" -gt "$d0" ] ||
	fail "resets and FEATURES_OK were not deferred to the device's work"

# a storm: CSUM on, off, on, ...
t0=$(now_cs)
i=0
while [ $i -lt $ROUNDS ]; do
	negotiate $(((i + 1) % 2 * GUEST_CSUM))	# 2, 0, 2, ... (hex)
	i=$((i + 1))
done
ms=$((($(now_cs) - t0) * 10))
[ "$(rd $STATUS)" = 11 ] || fail "FEATURES_OK not accepted: $(rd $STATUS)"
changes=$(($(st offload_changes) - c0)) thr=$(st offload_throttled)
log "$ROUNDS renegotiations in $ms ms: $changes TUNSETOFFLOAD, $thr throttled"
[ "$changes" = $ROUNDS ] || fail "$changes TUNSETOFFLOAD for $ROUNDS changes"
# all in one 5 s window unless TCG was slower than that
if [ "$ms" -lt 4000 ]; then
	[ "$thr" = $((ROUNDS - 10)) ] ||
		fail "$thr of $ROUNDS changes in $ms ms throttled, not $((ROUNDS - 10))"
else
	[ "$thr" -ge 1 ] || fail "none of $ROUNDS changes in $ms ms throttled"
fi
[ "$ms" -ge $((thr * 100)) ] ||
	fail "$thr throttled changes took $ms ms, not 100 ms each"
dmesg | grep -q 'offloads changed .* slowed down' ||
	fail "no dmesg line for the throttle"
wr $STATUS 0
[ "$(rd $STATUS)" = 0 ] || fail "reset: status $(rd $STATUS)"

hvisor virtio detach --zone 1 >/dev/null || fail "detach"
hvisor zone shutdown -id 1 >/dev/null || fail "zone shutdown"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
[ $FAILED = 0 ] && log "PASS"
exit $FAILED
