#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# virtio-blk through the whole stack on the simulator: Linux's own
# virtio_blk binds to the in-kernel backend of hvisor.ko; GET_ID, sysfs,
# mkfs + mount + write + remount + compare, discard (fstrim), direct
# reads; then the same image as a two-queue disk ("queues": 2, through the
# tool): two blk-mq hardware queues, the files still there, each queue
# writing and reading back from its own CPU; zone shutdown and module
# unload with the device attached.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
# vblk_attach, vblk_detach, vblk_check_mq (its log/die are replaced below)
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
W=/tmp/hvisor-sim

# examples/sim: zone 1's RAM (zone0_ipa zonex_ipa size), where the sim's
# guest drivers keep their rings and buffers
case ${HVTEST_ARCH:-$(uname -m)} in
# irq: what hvisor can inject there (common/virtio_limits.h)
x86_64) ARCH=x86_64; MEM="0x30200000 0x30200000 0xfc00000"; ADDR=0x7f00000000; IRQ=10 ;;
aarch64 | arm64) ARCH=arm64; MEM="0x70000000 0x50000000 0x10000000"; ADDR=0xb000000; IRQ=75 ;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac
SYS=/sys/class/hvisor/zone1/blk@${ADDR#0x}
FAILED=0

log() { echo "virtio_blk: $*"; }
fail() { log "FAIL: $*"; FAILED=1; }
die() { log "FAIL: $*"; exit 1; }

# Leave the VM as we found it, also on failure (scripts share one boot).
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	umount /mnt/vblk 2>/dev/null
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
	rm -f "$W/disk.img" "$W/data"
}
trap cleanup EXIT

[ -x /usr/bin/hvisor ] || { echo "SKIP: no /usr/bin/hvisor"; exit 77; }
ATTACH=/usr/libexec/hvisor-tests/virtio_attach
[ -x $ATTACH ] || { echo "SKIP: no $ATTACH"; exit 77; }
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug

mkdir -p $W /mnt/vblk
dd if=/dev/urandom of=$W/kernel.bin bs=1M count=3 2>/dev/null
dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=8 2>/dev/null
dd if=/dev/zero of=$W/disk.img bs=1M count=64 2>/dev/null
for m in virtio_blk ext4 hvisor hvisor_sim; do
	modprobe $m || die "modprobe $m"
done
# the guest's device tree: the disk has irq 75, as the attach below says
simirq_map 1 $ADDR $IRQ || die "sim irq map"
hvisor zone start "/usr/share/hvisor/examples/sim/zone1-$ARCH.json" || die "zone start"

# shellcheck disable=SC2086  # MEM is three words
$ATTACH 1 $MEM $ADDR $IRQ $W/disk.img
rc=$?
if [ $rc = 77 ]; then
	echo "SKIP: hvisor.ko has no HVISOR_VIRTIO_ATTACH yet"
	exit 77
fi
[ $rc = 0 ] || die "attach"

# the device's sysfs attribute $1
val() { cat "$SYS/$1"; }

[ "$(val type)" = blk ] || fail "sysfs type: $(val type)"
[ "$(val status)" = 0x00 ] || fail "status before the driver: $(val status)"

echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
vblk_wait_disk || die "no virtio disk appeared"
B=/sys/block/$DEV
log "disk $DEV, $(cat "$B/size") sectors"
[ "$(cat "$B/size")" = 131072 ] || fail "capacity"
[ "$(cat "$B/serial")" = hvisor-e2e-disk ] || fail "serial: $(cat "$B/serial")"
[ "$(val status)" = 0x0f ] || fail "status: $(val status)"
[ "$(val queue_sizes)" = 256 ] || fail "queue_sizes: $(val queue_sizes)"

/usr/sbin/mkfs.ext4 -q "/dev/$DEV" || die "mkfs.ext4"
mount "/dev/$DEV" /mnt/vblk || die "mount"
dd if=/dev/urandom of=$W/data bs=1M count=8 2>/dev/null
cp $W/data /mnt/vblk/data || fail "write"
sync
umount /mnt/vblk || die "umount"
mount "/dev/$DEV" /mnt/vblk || die "remount"
cmp $W/data /mnt/vblk/data || fail "data read back differs"
fstrim /mnt/vblk || fail "fstrim (discard)"
umount /mnt/vblk
dd if="/dev/$DEV" of=/dev/null bs=4k count=500 iflag=direct 2>/dev/null ||
	fail "direct reads"
[ "$(val bad_accesses)" = 0 ] || fail "bad register accesses: $(val bad_accesses)"
[ "$(val inject_errors)" = 0 ] || fail "failed injections: $(val inject_errors)"
log "notifies $(val notifies), injects $(val injects)"

# the same disk with two queues (VIRTIO_BLK_F_MQ), attached by the tool
vblk_detach || fail "detach"
# shellcheck disable=SC2034  # read by vblk_cfg
VBLK_QUEUES=2
vblk_attach $W/disk.img
log "disk $DEV, $(find "/sys/block/$DEV/mq" -mindepth 1 -maxdepth 1 | wc -l) hardware queues"
mount "/dev/$DEV" /mnt/vblk || die "mount with two queues"
cmp $W/data /mnt/vblk/data || fail "data read back with two queues differs"
umount /mnt/vblk
vblk_check_mq 2 || fail "two queues"

hvisor zone shutdown -id 1 || fail "zone shutdown"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor (device still attached)"
exit $FAILED
