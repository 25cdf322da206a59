#!/bin/sh
# arch: x86_64 arm64
# timeout: 500
#
# Zone RAM through the block layer (issue 10, item 4).  The disk image
# lives on ext4 over a loop device, so the file takes O_DIRECT and its I/O
# ends in the loop driver, which copies every bio page through the linear
# map (kmap).  On no-map zone RAM (run.sh --zone-ram nomap, the default),
# guest buffers handed down as pages would fault there; hvisor.ko must see
# that the zone's memory is not in the linear map and copy through its own
# mapping instead (io_path "buffered").  The sim's guest keeps its rings
# and buffers in zone RAM (its DMA pool), so every request goes through
# that memory.  Data written through the zone's disk must be in the image
# file and read back the same, and an ext4 on it must survive e2fsck.
# Then hvisor_sim's dma_pool_in_zone0, which puts the guest's memory in
# zone 0's linear RAM: an attach of it must be refused (issue 13).
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
HOST=/mnt/hvhost
LOOP=
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	vblk_cleanup
	umount "$HOST" 2>/dev/null
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	rm -f "$HVTEST_TMP/host.img" "$HVTEST_TMP/data"
}
trap cleanup EXIT

# what hvisor.ko must make of the zone's memory (its attach line)
case ${HVTEST_ZONE_RAM:-} in
nomap) linmsg="no-map (struct pages, not in the linear map)" ;;
hidden) linmsg="no struct pages" ;;
*) echo "SKIP: zone RAM mode unknown (HVTEST_ZONE_RAM=${HVTEST_ZONE_RAM:-})"; exit 77 ;;
esac

# zone 0's file system for the image: ext4 on a (buffered) loop device
modprobe loop || die "modprobe loop"
modprobe ext4 || die "modprobe ext4"
truncate -s 160M "$HVTEST_TMP/host.img"
/usr/sbin/mkfs.ext4 -q -F "$HVTEST_TMP/host.img" || die "mkfs.ext4 host"
LOOP=$(losetup -f) || die "no free loop device"
losetup "$LOOP" "$HVTEST_TMP/host.img" || die "losetup"
mkdir -p $HOST /mnt/vblk
mount -t ext4 "$LOOP" $HOST || die "mount host ext4"
IMG=$HOST/disk.img
dd if=/dev/zero of=$IMG bs=1M count=64 2>/dev/null || die "image"
sync

# 16 MiB of patterned data (24 bytes a line, 4096 lines are 96 KiB)
D=$HVTEST_TMP/data
i=0
while [ $i -lt 4096 ]; do
	printf 'zone ram block %08d\n' $i
	i=$((i + 1))
done >$HVTEST_TMP/line
for _ in $(seq 180); do cat $HVTEST_TMP/line; done | head -c 16777216 >$D
rm $HVTEST_TMP/line
want_sum=$(md5sum <$D)

# attached WANT_PATH WANT_MSG: the disk is up, served the way it must be
attached() {
	SYS=/sys/class/hvisor/zone1/blk@${VBLK_ADDR#0x}
	log "zone RAM $HVTEST_ZONE_RAM, disk $DEV, io_path $(cat "$SYS/io_path")"
	[ "$(cat "$SYS/io_path")" = "$1" ] ||
		fail "io_path $(cat "$SYS/io_path"), want $1"
	dmesg | grep -q "hvisor: guest memory .*: $2" ||
		fail "hvisor.ko did not say the zone's memory has $2"
	dmesg | grep -q 'hvisor_sim: zone 1: guest DMA pool' ||
		fail "the sim's guest has no DMA pool"
}

# check_io: the data through the zone's disk, in the image file, back
check_io() {
	dd if=$D of="/dev/$DEV" bs=4k seek=1024 conv=fsync 2>/dev/null ||
		fail "write through the zone's disk"
	echo 3 >/proc/sys/vm/drop_caches
	got=$(dd if="/dev/$DEV" bs=4k skip=1024 count=4096 2>/dev/null | md5sum)
	[ "$got" = "$want_sum" ] || fail "read back through the zone's disk differs"
	got=$(dd if=$IMG bs=4k skip=1024 count=4096 2>/dev/null | md5sum)
	[ "$got" = "$want_sum" ] ||
		fail "the image file does not hold what the zone wrote"
	[ "$(cat "$SYS/errors")" = 0 ] || fail "$(cat "$SYS/errors") requests failed"
	log "requests $(cat "$SYS/requests"), read $(cat "$SYS/bytes_read") B, written $(cat "$SYS/bytes_written") B"
}

# --- the zone's own RAM, as the VM has it --------------------------------
vblk_start
vblk_attach $IMG
attached buffered "$linmsg"
check_io
# a file system on it, remounted and checked
/usr/sbin/mkfs.ext4 -q -F "/dev/$DEV" || die "mkfs.ext4 on the zone's disk"
mount -t ext4 "/dev/$DEV" /mnt/vblk || die "mount"
cp $D /mnt/vblk/data || fail "copy 16 MiB"
umount /mnt/vblk || die "umount"
echo 3 >/proc/sys/vm/drop_caches
mount -t ext4 "/dev/$DEV" /mnt/vblk || die "remount"
cmp -s $D /mnt/vblk/data || fail "file differs after remount"
umount /mnt/vblk || die "umount"
/usr/sbin/e2fsck -fn "/dev/$DEV" >/dev/null || fail "e2fsck of the zone's disk"
vblk_cleanup

# --- guest memory in zone 0's linear RAM: refused --------------------------
# That is zone 0's own System RAM: no attach may hand it to a zone
# (kernel/phys_range.c), so the direct path has no legitimate memory left.
dmesg -c >/dev/null
modprobe hvisor || die "modprobe hvisor"
modprobe hvisor_sim dma_pool_in_zone0=1 || die "modprobe hvisor_sim dma_pool_in_zone0=1"
pool=$(cat /sys/module/hvisor_sim/parameters/dma_pool_in_zone0)
case $pool in
0x*+0x*) ;;
*) die "dma_pool_in_zone0 reads '$pool'" ;;
esac
# the virtio config maps the pool 1:1 (zone IPA = physical there)
VBLK_MEM=${pool%+*}:${pool%+*}:${pool#*+}
vblk_start
vblk_cfg $IMG
if hvisor virtio attach "$VBLK_CFG" >/dev/null 2>&1; then
	fail "attach of zone 0's own RAM accepted"
fi
dmesg | grep -q "refused at .*zone 0's own System RAM" ||
	fail "no dmesg line saying zone 0's RAM was refused"
exit $FAILED
