#!/bin/sh
# arch: x86_64 arm64
# timeout: 420
#
# Interrupts that survive hvisor's delivery rules (tests/sim/sim_vgic.c).
# fio --verify at QD 16 on the sim zone's two-queue disk under the GIC
# rule: an injection while the irq is pending or active in the guest (its
# whole handler) is dropped.  That is the default on arm64; x86_64 asks for
# it with irqchip=gic (its own IOAPIC rule merges instead of dropping, so
# it would prove less).  Every block must verify, and the sim must have
# dropped injections, or the run proved nothing: hvisor.ko's injection on
# every notify decision and its re-injection while InterruptStatus stays
# set are what kept the queues going.  Then the same with lost wake-ups
# forced (hvisor_sim stale_wakeup_every: the sim reads need_wakeup as a
# stale 0, what hvisor's missing StoreLoad barrier allows): the bridge
# consumer must still serve every request.  Prints the sim's counters.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
[ -x /usr/bin/fio ] || { echo "SKIP: no fio in this VM"; exit 77; }
trap vblk_cleanup EXIT

# shellcheck disable=SC2034  # read by vblk_start and vblk_cfg
VBLK_SIM_ARGS=irqchip=gic
# shellcheck disable=SC2034
VBLK_QUEUES=2
vblk_start
truncate -s 64M $W/disk.img
vblk_attach $W/disk.img
SYS=/sys/class/hvisor/zone1/blk@${VBLK_ADDR#0x}
[ "$(simirq_stat model)" = gic ] || fail "sim model $(simirq_stat model), want gic"

# verify NAME SIZE JOBS: random 4k writes at QD 16, SIZE per job, crc32c
verify() {
	fio --name="$1" --filename="/dev/$DEV" --rw=randwrite --bs=4k \
		--size="$2" --offset_increment="$2" --numjobs="$3" \
		--cpus_allowed=0-1 --cpus_allowed_policy=split --iodepth=16 \
		--ioengine=libaio --direct=1 --verify=crc32c --verify_fatal=1 \
		--do_verify=1 --output="$W/$1.out" >"$W/$1.err" 2>&1 ||
		{ cat "$W/$1.out" "$W/$1.err"; fail "$1: fio failed"; return; }
	grep -q 'verify: bad\|crc32c: verify failed' "$W/$1.out" &&
		fail "$1: fio verify mismatches"
	[ "$(grep -c 'err= 0' "$W/$1.out")" = "$3" ] ||
		{ cat "$W/$1.out"; fail "$1: fio reported errors"; }
	log "$1: $(grep -o 'IOPS=[^,]*' "$W/$1.out" | tr '\n' ' ')verified"
}

d0=$(simirq_stat dropped)
r0=$(cat $SYS/reinjects)
verify soak 16M 2
dropped=$(($(simirq_stat dropped) - d0))
reinj=$(($(cat $SYS/reinjects) - r0))
log "soak: $dropped injections dropped by the sim, $reinj re-injections by hvisor.ko, $(cat $SYS/injects) injections, $(cat $SYS/inject_errors) failed"
[ "$dropped" -gt 0 ] || fail "no injection was dropped: the soak proved nothing"

# Lost wake-ups happen by themselves under the sim's ordering (above,
# wakeups_lost), rarely; force them: one need_wakeup read in 16 is stale.
log "lost wake-ups: every 16th need_wakeup read returns a stale 0"
echo 16 >/sys/module/hvisor_sim/parameters/stale_wakeup_every ||
	fail "cannot set stale_wakeup_every"
l0=$(simirq_stat wakeups_lost)
verify race 1M 1
echo 0 >/sys/module/hvisor_sim/parameters/stale_wakeup_every
lost=$(($(simirq_stat wakeups_lost) - l0))
log "race: $lost wake-ups lost, every request served"
[ "$lost" -gt 0 ] || fail "no wake-up was lost: the race run proved nothing"

dmesg | grep -q 'hvisor_sim: .*no answer' && fail "a guest access went unanswered"
rep=$(simirq_report) || fail "sim irq counters"
log "$rep"
exit $FAILED
