#!/bin/sh
# arch: x86_64 arm64
# timeout: 180
#
# The sim routes guest interrupts by irq number (tests/sim/sim_vgic.c), as
# hvisor does: here the guest's device description gives the disk irq
# VBLK_IRQ - 1 while hvisor.ko was told VBLK_IRQ.  Every injection is then dropped, counted
# (unowned) and WARNed, which fails whatever test caused it; the guest's
# first read hangs.  Once the description is corrected, hvisor.ko's
# re-injection of the still pending InterruptStatus reaches the guest and
# the read completes: no interrupt is needed beyond the ones it sends.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
trap vblk_cleanup EXIT
WRONG=$((VBLK_IRQ - 1))

vblk_start
truncate -s 8M $W/disk.img
vblk_cfg $W/disk.img
hvisor virtio attach "$VBLK_CFG" >/dev/null || die "virtio attach"
simirq_map 1 $VBLK_ADDR $WRONG || die "sim irq map"
# the driver's probe reads the partition table: it waits for an interrupt
echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan &
RESCAN=$!
i=0
while [ "$(simirq_stat unowned)" = 0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
n=$(simirq_stat unowned)
[ "$n" -gt 0 ] || fail "no injection counted as unowned"
dmesg | grep -q "WARNING:.*\\|irq $VBLK_IRQ injected but no guest device has it" ||
	fail "no WARNING for the unowned irq"
kill -0 $RESCAN 2>/dev/null || fail "the probe did not wait for its interrupt"
[ "$(simirq_stat delivered)" = 0 ] || fail "$(simirq_stat delivered) delivered to a wrong irq"
log "irq $VBLK_IRQ with the guest's description saying $WRONG: $n injections dropped as unowned"

simirq_map 1 $VBLK_ADDR $VBLK_IRQ || die "sim irq map"
i=0
while kill -0 $RESCAN 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $RESCAN 2>/dev/null && fail "probe still waiting 10 s after the fix"
wait $RESCAN
[ -e /sys/block/vda ] || fail "no disk after the fix"
dd if=/dev/vda of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null ||
	fail "read after the fix"
log "after the fix: $(cat /sys/class/hvisor/zone1/blk@${VBLK_ADDR#0x}/reinjects) re-injections, $(simirq_stat delivered) delivered"
# the WARNING was this test's subject, not a failure of the next one
dmesg -c >/dev/null
exit $FAILED
