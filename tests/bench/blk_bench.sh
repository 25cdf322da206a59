#!/bin/sh
# arch: x86_64
# timeout: 600
#
# make bench (tests/bench/run.sh): fio on the sim zone's virtio disk served
# by hvisor.ko and on a loop device over the SAME image file, in one boot.
# Prints "BENCH ..." lines on the console (the host shows them as a table).
set -u
exec >/dev/console 2>&1
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
[ -x /usr/bin/fio ] || { echo "SKIP: no fio in this VM (x86_64 only)"; exit 77; }
LOOP=
# shellcheck disable=SC2317  # run by the EXIT trap
bench_cleanup() {
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	vblk_cleanup
}
trap bench_cleanup EXIT
RT=${BENCH_RUNTIME:-4}

vblk_start
IMG=$W/disk.img
dd if=/dev/urandom of="$IMG" bs=1M count=128 2>/dev/null
vblk_attach "$IMG"
modprobe loop || die "modprobe loop"
LOOP=$(losetup -f) || die "no free loop device"
# util-linux knows --direct-io; busybox's losetup does not (buffered loop)
losetup --direct-io=on "$LOOP" "$IMG" 2>/dev/null ||
	losetup "$LOOP" "$IMG" || die "losetup"
echo "BENCH # image $IMG on tmpfs (no O_DIRECT: both sides go through the page cache)"
echo "BENCH # loop $LOOP direct-io=$(cat "/sys/block/${LOOP#/dev/}/loop/dio" 2>/dev/null)"

# run NAME DEV RW BS QD -> "iops p50 p99" (clat, usec)
run() {
	fio --name="$1" --filename="$2" --rw="$3" --bs="$4" --iodepth="$5" \
		--ioengine=libaio --direct=1 --size=128M --runtime="$RT" \
		--time_based --output-format=terse --terse-version=3 2>/dev/null |
		awk -F';' -v w="$3" '{
			if (w ~ /write/) { i = $49; a = $65; b = $71 }
			else { i = $8; a = $24; b = $30 }
			sub(/.*=/, "", a); sub(/.*=/, "", b)
			printf "%d %d %d\n", i, a, b }'
}

echo > /sys/kernel/debug/hvisor_sim/mmio_latency 2>/dev/null
echo "BENCH $(printf '%-17s %9s %8s %8s %9s %8s %8s %6s' test virt_iops p50_us p99_us loop_iops p50_us p99_us ratio)"
for t in "randread-4k-qd1 randread 4k 1" "randread-4k-qd16 randread 4k 16" \
	"seqread-128k read 128k 16" "seqwrite-128k write 128k 16"; do
	# shellcheck disable=SC2086  # split on purpose
	set -- $t
	v=$(run "$1" "/dev/$DEV" "$2" "$3" "$4")
	l=$(run "$1" "$LOOP" "$2" "$3" "$4")
	# shellcheck disable=SC2086
	echo "BENCH $(printf '%-17s %9s %8s %8s %9s %8s %8s' $1 $v $l) $(echo "$v $l" |
		awk '{ if ($4) printf "%6.2f", $1 / $4; else print "   n/a" }')"
done
echo "BENCH # ratio = virtio IOPS / loop IOPS"
echo "BENCH # sim MMIO round-trip histogram (/sys/kernel/debug/hvisor_sim/mmio_latency):"
sed 's/^/BENCH #   /' /sys/kernel/debug/hvisor_sim/mmio_latency
exit 0
