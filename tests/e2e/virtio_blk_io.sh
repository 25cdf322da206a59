#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# virtio-blk on the sim zone, attached with "hvisor virtio attach":
# mkfs.ext2 + mount + 64 MiB of patterned data + remount + verify;
# DISCARD and WRITE_ZEROES reach the image file (its blocks drop, the
# zeroed range reads as zeros); a "readonly": true device refuses writes.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
trap vblk_cleanup EXIT
IOCTL=/usr/libexec/hvisor-tests/blk_ioctl

vblk_start
mkdir -p /mnt/vblk
IMG=$W/disk.img
truncate -s 128M $IMG
vblk_attach $IMG
log "disk $DEV"
[ "$(cat /sys/block/$DEV/size)" = 262144 ] || fail "capacity"
[ "$(cat /sys/block/$DEV/ro)" = 0 ] || fail "read-write disk is ro"

# 64 MiB of patterned data: each 4 KiB block names itself
i=0
while [ $i -lt 16384 ]; do
	printf 'hvisor-e2e block %08d\n' $i
	i=$((i + 1))
done >$W/line
# 26 bytes per line: 16384 lines is 416 KiB; 160 copies are 65 MiB
for _ in $(seq 160); do cat $W/line; done | head -c 67108864 >$W/data
rm $W/line
/usr/sbin/mkfs.ext2 -q -F "/dev/$DEV" || die "mkfs.ext2"
mount -t ext2 "/dev/$DEV" /mnt/vblk || die "mount"
cp $W/data /mnt/vblk/data || fail "write 64 MiB"
umount /mnt/vblk || die "umount"
mount -t ext2 "/dev/$DEV" /mnt/vblk || die "remount"
cmp $W/data /mnt/vblk/data || fail "64 MiB read back differs"
# the backend counted what went through it
S=$(ls -d /sys/class/hvisor/zone1/blk@* | head -n 1)
log "counters: requests $(cat $S/requests) errors $(cat $S/errors) read $(cat $S/bytes_read) written $(cat $S/bytes_written)"
[ "$(cat $S/bytes_written)" -ge 67108864 ] || fail "bytes_written below the 64 MiB written"
[ "$(cat $S/bytes_read)" -ge 67108864 ] || fail "bytes_read below the 64 MiB read back"
[ "$(cat $S/requests)" -gt 0 ] || fail "no requests counted"
[ "$(cat $S/errors)" = 0 ] || fail "errors counted: $(cat $S/errors)"
rm /mnt/vblk/data $W/data
sync
b0=$(blocks $IMG)
fstrim /mnt/vblk || fail "fstrim"
b1=$(blocks $IMG)
log "image blocks: $b0 before fstrim, $b1 after"
[ "$b1" -lt $((b0 - 65536)) ] || fail "fstrim freed < 32 MiB of the image"
umount /mnt/vblk

# DISCARD and WRITE_ZEROES on the raw disk
dd if=/dev/urandom of="/dev/$DEV" bs=1M count=24 seek=100 oflag=direct 2>/dev/null ||
	fail "dd to the disk"
b0=$(blocks $IMG)
$IOCTL "/dev/$DEV" discard $((100 << 20)) $((8 << 20)) || fail "BLKDISCARD"
b1=$(blocks $IMG)
log "image blocks: $b0 before BLKDISCARD of 8 MiB, $b1 after"
[ "$b1" -le $((b0 - 16384)) ] || fail "BLKDISCARD did not punch the image"
$IOCTL "/dev/$DEV" zeroout $((108 << 20)) $((8 << 20)) || fail "BLKZEROOUT"
n=$(dd if="/dev/$DEV" bs=1M skip=108 count=8 iflag=direct 2>/dev/null |
	tr -d '\000' | wc -c)
[ "$n" = 0 ] || fail "zeroed range holds $n non-zero bytes (disk)"
n=$(dd if=$IMG bs=1M skip=108 count=8 2>/dev/null | tr -d '\000' | wc -c)
[ "$n" = 0 ] || fail "zeroed range holds $n non-zero bytes (image)"
n=$(dd if=$IMG bs=1M skip=116 count=1 2>/dev/null | tr -d '\000' | wc -c)
[ "$n" -gt 0 ] || fail "data past the zeroed range is gone"
vblk_detach || fail "detach"

# read-only
dd if=/dev/urandom of=$IMG bs=1M count=1 conv=notrunc 2>/dev/null
cp $IMG $W/ro.ref
vblk_attach $IMG readonly
[ "$(cat /sys/block/$DEV/ro)" = 1 ] || fail "readonly disk is not ro"
if dd if=/dev/zero of="/dev/$DEV" bs=4k count=1 oflag=direct 2>/dev/null; then
	fail "write to a read-only disk succeeded"
fi
$IOCTL "/dev/$DEV" discard 0 1048576 2>/dev/null && fail "discard on read-only disk"
cmp $IMG $W/ro.ref || fail "read-only image changed"
dd if="/dev/$DEV" bs=1M count=1 iflag=direct 2>/dev/null | cmp - $W/ro.ref -n 1048576 ||
	fail "read-only disk reads wrong data"
vblk_detach || fail "detach (readonly)"

hvisor zone shutdown -id 1 || fail "zone shutdown"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
exit $FAILED
