#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# A hostile guest's ring layout, written register by register through the
# sim's trap path (debugfs zone1/mmio; no driver bound): the used ring 2
# bytes after the avail ring, no EVENT_IDX (the CVE-2019-3900 class: the
# device's own used->flags writes would flip avail->idx and its worker
# would spin).  QueueReady must refuse it: the queue stays not ready, the
# device needs a reset, and dmesg says why in one line however often the
# guest insists.  Same for a used ring inside the descriptor table.  Then
# QueueSel and QueueNum out of range (refused) and a reset/feature storm
# (survived).  After a reset the device serves Linux's own virtio_blk
# again; detach, zone shutdown and rmmod return; no soft lockup, hung
# task, WARN or BUG.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
# vblk_start, vblk_cfg, vblk_detach, log, die, $W, $VBLK_*
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
# wr, rd, register offsets, $VMMIO, vmmio_cleanup
. /usr/share/hvisor/tests/e2e/lib/vmmio.sh
SYS=/sys/class/hvisor/zone1/blk@${VBLK_ADDR#0x}
FAILED=0

fail() { log "FAIL: $*"; FAILED=1; }

trap vmmio_cleanup EXIT

# handshake up to FEATURES_OK: VIRTIO_F_VERSION_1 only (no EVENT_IDX)
features_ok() {
	wr $STATUS 0
	wr $STATUS 1
	wr $STATUS 3
	wr $DRV_FEAT_SEL 1
	wr $DRV_FEAT 1
	wr $DRV_FEAT_SEL 0
	wr $DRV_FEAT 0
	wr $STATUS 0xb
	[ "$(rd $STATUS)" = 11 ] || fail "FEATURES_OK not accepted: $(rd $STATUS)"
}

# new_dmesg: kernel log lines since the test started
new_dmesg() { dmesg | tail -n +$((DMESG0 + 1)); }

vblk_start
[ -e $VMMIO ] || die "no $VMMIO (hvisor_sim without raw register access)"
DMESG0=$(dmesg | wc -l)
dd if=/dev/zero of=$W/disk.img bs=1M count=8 2>/dev/null
vblk_cfg $W/disk.img
hvisor virtio attach "$VBLK_CFG" >/dev/null || die "virtio attach"
[ "$(cat "$SYS/status")" = 0x00 ] || fail "status before: $(cat "$SYS/status")"

# Ring areas in zone 1's RAM, at its guest addresses (VBLK_MEM is
# zone0:zonex:size): refused before they are ever touched, and in zone RAM,
# not zone 0's own memory, should a regression accept them.
zm=${VBLK_MEM#*:}
X=$((${zm%%:*} + 0x100000))

# 1. used 2 bytes after avail: used->flags would be avail->idx
features_ok
vmmio_queue0 $((X + 0x1000)) $((X + 2)) $((X + 4))
[ "$(rd $QREADY)" = 0 ] || fail "overlapping avail/used accepted"
[ $(($(rd $STATUS) & 0x40)) = 64 ] || fail "no NEEDS_RESET: $(rd $STATUS)"
# the guest insists, and kicks: still refused, and dmesg stays at one line
for _ in 1 2 3 4 5; do
	wr $QREADY 1
	wr $QNOTIFY 0
done
[ "$(rd $QREADY)" = 0 ] || fail "overlap accepted on a retry"
n=$(new_dmesg | grep -c 'avail and used areas overlap')
[ "$n" = 1 ] || fail "$n dmesg lines for the overlap (want 1)"
log "overlap refused: status $(cat "$SYS/status")"

# 2. used ring inside the descriptor table, after a reset
features_ok
vmmio_queue0 "$X" $((X + 0x1000)) $((X + 0x40))
[ "$(rd $QREADY)" = 0 ] || fail "used ring inside the descriptor table accepted"
[ $(($(rd $STATUS) & 0x40)) = 64 ] || fail "no NEEDS_RESET: $(rd $STATUS)"
new_dmesg | grep -q 'descriptor and used areas overlap' ||
	fail "no dmesg line for the descriptor/used overlap"
wr $STATUS 0
[ "$(rd $STATUS)" = 0 ] || fail "reset: status $(rd $STATUS)"

# 3a. QueueSel out of range: no queue there, nothing to make ready
wr $QSEL 99
[ "$(rd $QNUM_MAX)" = 0 ] || fail "QueueNumMax of queue 99: $(rd $QNUM_MAX)"
wr $QNUM 16
wr $QREADY 1
[ "$(rd $QREADY)" = 0 ] || fail "queue 99 became ready"
wr $QNOTIFY 99
wr $QSEL 0
# 3b. QueueNum out of range (above QueueNumMax, not a power of 2, 0)
for n in $(($(rd $QNUM_MAX) * 2)) 15 0; do
	features_ok
	vmmio_queue0 $((X + 0x1000)) $((X + 0x2000)) $((X + 0x3000)) "$n"
	[ "$(rd $QREADY)" = 0 ] || fail "QueueNum $n accepted"
	wr $STATUS 0
done
# 3c. a reset and feature storm: the device answers and stays sane
i=0
while [ $i -lt 40 ]; do
	wr $STATUS 1
	wr $STATUS 3
	wr $DRV_FEAT_SEL $((i & 1))
	wr $DRV_FEAT 0xffffffff
	wr $STATUS 0xb
	wr $STATUS 0
	i=$((i + 1))
done
[ "$(rd $STATUS)" = 0 ] || fail "status after the storm: $(rd $STATUS)"
log "QueueSel/QueueNum out of range refused, $i reset rounds"

# 3. after the reset a real driver is served (it lays the rings out itself)
echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
vblk_wait_disk || die "no virtio disk after the reset"
dd if="/dev/$DEV" of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null ||
	fail "reads after the reset"
[ "$(cat "$SYS/status")" = 0x0f ] || fail "status: $(cat "$SYS/status")"
y=$(cat "$SYS/yields") || fail "no yields attribute"
log "yields after 4 MiB of reads: $y"

# 4. everything returns
vblk_detach || fail "detach"
hvisor zone shutdown -id 1 || fail "zone shutdown"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
if new_dmesg | grep -E 'soft lockup|hung_task|blocked for more than|WARNING:|BUG:'; then
	fail "kernel complained (above)"
fi

[ $FAILED = 0 ] && log "PASS"
exit $FAILED
