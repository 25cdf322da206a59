#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# hvisor.ko's tracepoints (kernel/hvisor_trace.h) under events/hvisor/ in
# tracefs: with all of them enabled, 1 MiB written and read back direct on
# a virtio-blk of the sim zone must show every data-path event, with zone
# 1 and the disk's address in its fields: bridge requests and answers, the
# kick of queue 0, chains popped and completed (with a pop-to-complete
# latency), interrupts injected with the disk's irq.  A queue cannot be
# broken by Linux's own driver: for hvisor_queue_broken only its format
# (zone, dev, queue, reason) is checked.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
T=/sys/kernel/tracing
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	[ -d $T/events/hvisor ] && echo 0 >$T/events/hvisor/enable
	vblk_cleanup
}
trap cleanup EXIT

grep -q " $T tracefs " /proc/mounts || mount -t tracefs tracefs $T ||
	{ echo "SKIP: no tracefs"; exit 77; }
vblk_start
[ -d $T/events/hvisor ] || die "no events/hvisor in tracefs after loading hvisor"
for e in bridge_req bridge_answer kick chain_pop chain_done irq_inject \
	queue_broken; do
	[ -d $T/events/hvisor/hvisor_$e ] || fail "event hvisor_$e missing"
done
for f in zone dev queue why; do
	grep -q "field:.* $f\[*[0-9]*\]*;" $T/events/hvisor/hvisor_queue_broken/format ||
		fail "hvisor_queue_broken has no field $f"
done
IMG=$W/disk.img
truncate -s 16M $IMG
vblk_attach $IMG
log "disk $DEV"

echo 0 >$T/tracing_on
echo >$T/trace
echo 4096 >$T/buffer_size_kb
echo 1 >$T/events/hvisor/enable
echo 1 >$T/tracing_on
dd if=/dev/urandom of=$W/data bs=64k count=16 2>/dev/null
dd if=$W/data of="/dev/$DEV" bs=64k oflag=direct 2>/dev/null || fail "write"
dd if="/dev/$DEV" bs=64k count=16 iflag=direct 2>/dev/null | cmp -s - $W/data ||
	fail "read back differs"
echo 0 >$T/tracing_on
echo 0 >$T/events/hvisor/enable
cp $T/trace $W/trace
log "$(grep -c 'hvisor_' $W/trace) events traced"

# ADDR: the disk's window as printed (%#llx)
ADDR=$(printf '%#x' $VBLK_ADDR)
# seen EVENT REGEX: lines of EVENT matching REGEX; says how many
seen() {
	n=$(grep " $1: " $W/trace | grep -cE "$2")
	log "$1: $n matching /$2/"
	[ "$n" -gt 0 ] || { fail "no $1 event matching /$2/"; grep " $1: " $W/trace | head -n 3; }
}
# the driver's accesses on the data path: QueueNotify (0x50) of queue 0,
# posted; InterruptStatus (0x60) read as 1 (used buffer); InterruptACK
# (0x64) of that bit
a() { printf '%#x' $((VBLK_ADDR + $1)); }
seen hvisor_bridge_req "zone=1 cpu=[0-9]+ addr=$(a 0x50) size=4 write value=0x0 posted$"
seen hvisor_bridge_req "zone=1 cpu=[0-9]+ addr=$(a 0x60) size=4 read value=0x0$"
seen hvisor_bridge_req "zone=1 cpu=[0-9]+ addr=$(a 0x64) size=4 write value=0x1$"
seen hvisor_bridge_answer "zone=1 cpu=[0-9]+ addr=$(a 0x60) value=0x1 ns=[1-9][0-9]*$"
seen hvisor_kick "zone=1 dev=$ADDR queue=0"
seen hvisor_chain_pop "zone=1 dev=$ADDR queue=0 head=[0-9]+ out=[1-9][0-9]{2,} in=1$"
seen hvisor_chain_pop "zone=1 dev=$ADDR queue=0 head=[0-9]+ out=16 in=[1-9][0-9]{2,}$"
seen hvisor_chain_done "zone=1 dev=$ADDR queue=0 head=[0-9]+ len=1 latency_ns=[1-9]"
seen hvisor_chain_done "zone=1 dev=$ADDR queue=0 head=[0-9]+ len=[1-9][0-9]{2,} latency_ns=[1-9]"
seen hvisor_irq_inject "zone=1 dev=$ADDR irq=$VBLK_IRQ bits=0x1"
# every popped chain was completed, and nothing else
p=$(grep -c " hvisor_chain_pop: zone=1 dev=$ADDR" $W/trace)
d=$(grep -c " hvisor_chain_done: zone=1 dev=$ADDR" $W/trace)
[ "$p" = "$d" ] || fail "$p chains popped, $d completed"
grep -q ' hvisor_queue_broken: ' $W/trace && fail "a queue broke during plain I/O"
# a latency the clock can have measured: under 60 s
awk '/ hvisor_chain_done: / { sub(/.*latency_ns=/, ""); if ($1 + 0 > 6e10) bad++ }
	END { exit bad > 0 }' $W/trace || fail "a chain latency above 60 s"
vblk_detach || fail "detach"
exit $FAILED
