#!/bin/sh
# arch: x86_64 arm64
# timeout: 200
#
# A daemon speaking upstream's ABI (issue 16) asks for interrupts it has
# no business with: its res_list, then FINISH_REQ, go to hvisor, which
# trusts them.  hvd_rng serves its virtio-rng in the sim's zone 1, then
# posts at once, on SIGUSR2:
#   {1, an irq hvisor cannot inject on this arch}  (x86_64: IOAPIC pin 24,
#        hvisor's unwrap() panics; arm64: INTID 1020, a special INTID
#        written into a list register; common/virtio_limits.h)
#   {0, its irq}    zone 0 is not a guest
#   {99, its irq}   no such zone
#   {1, its irq}    the only legitimate one
# Only the last may reach hvisor: the sim's count of injections grows by
# one, no irq without a guest device is injected (a WARN in the sim), and
# the device still serves /dev/hwrng afterwards.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh	# VBLK_*, vblk_start
. /usr/share/hvisor/tests/e2e/lib/hvd.sh	# RNG, RIRQ, hvd_start, pass, fail
# an irq hvisor cannot inject here
case $VBLK_ARCH in
x86_64) BAD=24 ;;
arm64) BAD=1020 ;;
esac
D=$W/d.log
trap hvd_cleanup EXIT

injected() { sed -n 's/^injected: //p' $SIMD/bridge; }

[ -x $BIN/hvd_rng ] || { echo "SKIP: no $BIN/hvd_rng"; exit 77; }
modprobe virtio_rng || die "modprobe virtio_rng"
vblk_start
simirq_map 1 $RNG $RIRQ || die "sim irq map of the rng"

hvd_start $D -J 1:$BAD -J 0:$RIRQ -J 99:$RIRQ -J 1:$RIRQ ||
	die "hvd_rng did not start"
echo 1 >$SIMD/zone1/rescan
hvd_use_rng || die "no virtio_rng"
timeout 10 dd if=/dev/hwrng of=$W/rng bs=256 count=1 2>/dev/null
[ "$(stat -c %s $W/rng)" = 256 ] || die "no bytes from /dev/hwrng before"

# the device is idle now (nothing read): no injection of its own
sleep 0.5
i0=$(injected) u0=$(simirq_stat unowned)
kill -USR2 $DPID
for _ in $(seq 20); do
	grep -q '^inject:' $D && break
	sleep 0.1
done
sleep 0.5
i1=$(injected) u1=$(simirq_stat unowned)
log "FINISH_REQ of the four: $(sed -n 's/^inject: //p' $D); injections $i0 -> $i1, without a guest device $u0 -> $u1"
[ "$u1" = "$u0" ] ||
	fail "irq $BAD (not injectable on $VBLK_ARCH) reached hvisor"
# its own once, then again every 10 ms until the guest acks, 5 times at
# most (updaemon.c): here the guest has nothing to ack
n=$((i1 - i0))
[ "$n" -ge 1 ] && [ "$n" -le 6 ] &&
	pass "only the daemon's own {1, $RIRQ} was injected ($n times)" ||
	fail "$n injections reached hvisor, want 1 and at most 5 again"
dmesg | grep 'upstream daemon' | grep -i 'refused' | sed 's/^/  /'

timeout 10 dd if=/dev/hwrng of=$W/rng bs=256 count=1 2>/dev/null
[ "$(stat -c %s $W/rng)" = 256 ] && pass "the device still serves /dev/hwrng" ||
	fail "no bytes from /dev/hwrng after"
kill -TERM $DPID
wait $DPID
DPID=
log "daemon: $(grep 'hvd_rng: requests' $D | tail -n 1)"
exit $FAILED
