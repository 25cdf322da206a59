#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# A hostile frontend (issue 13, item 7): instead of Linux's virtio_blk,
# this script is the zone's driver.  It lays out rings and descriptors in
# zone 1's RAM itself (busybox devmem, before the attach maps that RAM)
# and drives the device register by register through the sim's trap path
# (debugfs zone1/mmio): a descriptor loop, a buffer outside the zone, an
# avail index jump, a nested and a malformed indirect table, a head index
# out of range.  Each kick must end with the device in NEEDS_RESET and one
# "virtqueue broken" line, whatever the guest repeats; a reset brings it
# back.  Then Linux's own driver is served by the same device, detach,
# zone shutdown and rmmod return, and dmesg has no soft lockup, hung task,
# WARN or BUG.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
# vblk_start, vblk_cfg, vblk_wait_disk, log, die, $W, $VBLK_*
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
# wr, rd, register offsets, $VMMIO, vmmio_cleanup
. /usr/share/hvisor/tests/e2e/lib/vmmio.sh
FAILED=0

fail() { log "FAIL: $*"; FAILED=1; }

trap vmmio_cleanup EXIT

command -v devmem >/dev/null || { echo "SKIP: no devmem"; exit 77; }

# virtq descriptor flags
F_NEXT=1 F_WRITE=2 F_INDIRECT=4
INDIRECT_DESC=0x10000000	# feature bit 28, in the first word

# zone 1's RAM: zone0_ipa:zonex_ipa:size; the cases live 8 MiB in, past
# the images zone start wrote
Z0=${VBLK_MEM%%:*}
zm=${VBLK_MEM#*:}
ZX=${zm%%:*}
BASE=$((ZX + 0x800000))

# guest memory writes, at guest addresses (32-bit words)
w32() { devmem "$(printf '%#x' $(($1 - ZX + Z0)))" 32 "$(($2))" || fail "devmem $1"; }
# desc GPA ADDR LEN FLAGS NEXT: one 16-byte descriptor
desc() {
	w32 "$1" $(($2 & 0xffffffff))
	w32 $(($1 + 4)) $(($2 >> 32))
	w32 $(($1 + 8)) "$3"
	w32 $(($1 + 12)) $(($4 | ($5 << 16)))
}
# avail GPA IDX HEAD: flags 0, idx, ring[0] = HEAD
avail() {
	w32 "$1" $(($2 << 16))
	w32 $(($1 + 4)) "$3"
}

# case N: its own 64 KiB, desc table at +0, avail at +0x1000, used at
# +0x2000, the request header at +0x3000, data at +0x4000, status at
# +0x5000, an indirect table at +0x6000
c() { echo $((BASE + $1 * 0x10000)); }
HDR=0x3000 DATA=0x4000 ST=0x5000 IND=0x6000

# 1. descriptor loop: 0 -> 1 -> 0, both readable (no other fault)
b=$(c 1)
desc "$b" $((b + HDR)) 16 $F_NEXT 1
desc $((b + 16)) $((b + DATA)) 512 $F_NEXT 0
avail $((b + 0x1000)) 1 0
# 2. a buffer outside the zone (guest address 0x1000)
b=$(c 2)
desc "$b" 0x1000 16 $F_NEXT 1
desc $((b + 16)) $((b + ST)) 1 $F_WRITE 0
avail $((b + 0x1000)) 1 0
# 3. avail index jump: 0x8000 new heads in a 16-entry ring
b=$(c 3)
desc "$b" $((b + HDR)) 16 $F_NEXT 1
desc $((b + 16)) $((b + ST)) 1 $F_WRITE 0
avail $((b + 0x1000)) 0x8000 0
# 4. nested indirect: the table's first entry is indirect again
b=$(c 4)
desc "$b" $((b + IND)) 32 $F_INDIRECT 0
desc $((b + IND)) $((b + IND)) 32 $F_INDIRECT 0
desc $((b + IND + 16)) $((b + ST)) 1 $F_WRITE 0
avail $((b + 0x1000)) 1 0
# 5. malformed indirect: a table of 20 bytes
b=$(c 5)
desc "$b" $((b + IND)) 20 $F_INDIRECT 0
desc $((b + IND)) $((b + HDR)) 16 $F_NEXT 1
desc $((b + IND + 16)) $((b + ST)) 1 $F_WRITE 0
avail $((b + 0x1000)) 1 0
# 6. head index out of range
b=$(c 6)
avail $((b + 0x1000)) 1 200
NCASES=6

vblk_start
[ -e $VMMIO ] || die "no $VMMIO (hvisor_sim without raw register access)"
DMESG0=$(dmesg | wc -l)
dd if=/dev/zero of="$W/disk.img" bs=1M count=8 2>/dev/null
vblk_cfg "$W/disk.img"
hvisor virtio attach "$VBLK_CFG" >/dev/null || die "virtio attach"

# run_case N FEATURES: handshake, queue 0 on case N's rings, kick
run_case() {
	b=$(c "$1")
	wr $STATUS 0
	wr $STATUS 1
	wr $STATUS 3
	wr $DRV_FEAT_SEL 1
	wr $DRV_FEAT 1			# VIRTIO_F_VERSION_1
	wr $DRV_FEAT_SEL 0
	wr $DRV_FEAT "$2"
	wr $STATUS 0xb
	vmmio_queue0 "$b" $((b + 0x1000)) $((b + 0x2000))
	wr $STATUS 0xf
	[ "$(rd $QREADY)" = 1 ] || fail "case $1: queue not ready"
	wr $QNOTIFY 0
}

# wait_reset N: NEEDS_RESET within 5 s
wait_reset() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ $(($(rd $STATUS) & 0x40)) = 64 ] && return 0
		sleep 0.5
	done
	fail "case $1: no NEEDS_RESET, status $(rd $STATUS)"
}

i=1
while [ $i -le $NCASES ]; do
	feat=0
	case $i in 4 | 5) feat=$INDIRECT_DESC ;; esac
	case $i in
	1) why='(loop)' ;;
	2) why='outside guest memory' ;;
	3) why='avail index moved' ;;
	4) why='nested indirect' ;;
	5) why='bad indirect table' ;;
	6) why='head index out of range' ;;
	esac
	before=$(dmesg | wc -l)
	run_case $i $feat
	wait_reset $i
	# the guest insists: still broken, no more lines
	wr $QNOTIFY 0
	wr $QNOTIFY 0
	sleep 0.3
	n=$(dmesg | tail -n +$((before + 1)) | grep -c 'virtqueue broken by the guest')
	[ "$n" = 1 ] || fail "case $i: $n 'virtqueue broken' lines (want 1)"
	dmesg | tail -n +$((before + 1)) | grep 'virtqueue broken' |
		grep -qF "$why" || fail "case $i: not broken for '$why'"
	log "case $i: $(dmesg | tail -n +$((before + 1)) | grep 'virtqueue broken' | sed 's/^\[[^]]*\] //')"
	i=$((i + 1))
done
wr $STATUS 0
[ "$(rd $STATUS)" = 0 ] || fail "reset: status $(rd $STATUS)"

# the same device serves Linux's driver after all that
echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
vblk_wait_disk || die "no virtio disk after the hostile cases"
dd if="/dev/$DEV" of=/dev/null bs=64k count=64 iflag=direct 2>/dev/null ||
	fail "reads after the hostile cases"
dd if=/dev/zero of="/dev/$DEV" bs=64k count=16 oflag=direct 2>/dev/null ||
	fail "writes after the hostile cases"

vblk_detach || fail "detach"
hvisor zone shutdown -id 1 || fail "zone shutdown"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
if dmesg | tail -n +$((DMESG0 + 1)) |
	grep -E 'soft lockup|hung_task|blocked for more than|WARNING:|BUG:'; then
	fail "kernel complained (above)"
fi
[ $FAILED = 0 ] && log "PASS"
exit $FAILED
