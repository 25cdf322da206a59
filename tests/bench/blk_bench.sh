#!/bin/sh
# arch: x86_64
# timeout: 900
#
# make bench (tests/bench/run.sh): fio on the sim zone's virtio disk served
# by hvisor.ko and on a loop device over the SAME image file, in one boot.
# Prints "BENCH ..." lines on the console (the host shows them as a table).
#
# randread-4k-2x16 is two jobs of QD 16 (multi-queue uses both CPUs).
#
# A TCG VM on a shared host is noisy: one short run of each side says
# little.  Every test runs BENCH_ROUNDS rounds, virtio and loop
# alternating, and the table shows each side's median round; the ratio is
# the median of the per-round ratios.  The last columns say what one
# request cost the virtio side in traps: kicks (QueueNotify), interrupts
# injected and blocking MMIO round trips (InterruptStatus/ACK reads and
# writes) per completed request.
set -u
exec >/dev/console 2>&1
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
[ -x /usr/bin/fio ] || { echo "SKIP: no fio in this VM"; exit 77; }
LOOP= HOSTLOOP=
# shellcheck disable=SC2317  # run by the EXIT trap
bench_cleanup() {
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	vblk_cleanup	# the zone lets go of the image
	umount "$W/host" 2>/dev/null
	[ -n "$HOSTLOOP" ] && losetup -d "$HOSTLOOP" 2>/dev/null
	rm -rf "$W"
}
trap bench_cleanup EXIT
RT=${BENCH_RUNTIME:-3}
ROUNDS=${BENCH_ROUNDS:-5}
LAT=/sys/kernel/debug/hvisor_sim/mmio_latency

# BENCH_TESTS: the tests to run, comma separated (default all).
# BENCH_IMGFS=ext4: the image on ext4 (over a loop device on tmpfs), which
# takes O_DIRECT, so hvisor.ko's io_path (direct on zone RAM in the linear
# map, buffered on no-map RAM: run.sh --zone-ram) decides how it is read;
# default tmpfs (no O_DIRECT: every path goes through the page cache).
# BENCH_POOL=zone0: the sim's guest keeps its buffers in zone 0's linear
# RAM (hvisor_sim dma_pool_in_zone0), so hvisor.ko may take its direct
# path there; default zone RAM (no-map in the default VM: buffered).
IMGFS=${BENCH_IMGFS:-tmpfs}
TESTS=",${BENCH_TESTS:-randread-4k-qd1,randread-4k-qd16,randread-4k-2x16,seqread-128k,seqwrite-128k},"

if [ "${BENCH_POOL:-}" = zone0 ]; then
	modprobe hvisor || die "modprobe hvisor"
	modprobe hvisor_sim dma_pool_in_zone0=1 || die "modprobe hvisor_sim"
	pool=$(cat /sys/module/hvisor_sim/parameters/dma_pool_in_zone0)
	VBLK_MEM=${pool%+*}:${pool%+*}:${pool#*+}
fi
vblk_start
VBLK_QUEUES=2	# the 2x16 row runs a job per queue
modprobe loop || die "modprobe loop"
if [ "$IMGFS" = ext4 ]; then
	modprobe ext4 || die "modprobe ext4"
	truncate -s 192M "$W/host.img"
	/usr/sbin/mkfs.ext4 -q -F "$W/host.img" || die "mkfs.ext4"
	HOSTLOOP=$(losetup -f) || die "no free loop device"
	losetup "$HOSTLOOP" "$W/host.img" || die "losetup"
	mkdir -p "$W/host"
	mount -t ext4 "$HOSTLOOP" "$W/host" || die "mount ext4"
	IMG=$W/host/disk.img
else
	IMG=$W/disk.img
fi
dd if=/dev/urandom of="$IMG" bs=1M count=128 2>/dev/null
vblk_attach "$IMG"
SYS=$(ls -d /sys/class/hvisor/zone1/blk@* | head -n 1)
LOOP=$(losetup -f) || die "no free loop device"
# util-linux knows --direct-io; busybox's losetup does not (buffered loop)
losetup --direct-io=on "$LOOP" "$IMG" 2>/dev/null ||
	losetup "$LOOP" "$IMG" || die "losetup"
if [ "$IMGFS" = ext4 ]; then
	echo "BENCH # image $IMG on ext4 over $HOSTLOOP (tmpfs file)"
else
	echo "BENCH # image $IMG on tmpfs (no O_DIRECT: both sides go through the page cache)"
fi
echo "BENCH # zone RAM ${HVTEST_ZONE_RAM:-?}, guest pool ${BENCH_POOL:-zone RAM}, virtio io_path $(cat "$SYS/io_path")"
echo "BENCH # loop $LOOP direct-io=$(cat "/sys/block/${LOOP#/dev/}/loop/dio" 2>/dev/null)"
echo "BENCH # $ROUNDS rounds of ${RT}s per side and test, alternating; medians"

# fio NAME DEV RW BS QD JOBS -> "iops p50 p99" (clat, usec; all jobs)
run() {
	fio --name="$1" --filename="$2" --rw="$3" --bs="$4" --iodepth="$5" \
		--numjobs="$6" --group_reporting --ioengine=libaio --direct=1 \
		--size=128M --runtime="$RT" --time_based --output-format=terse \
		--terse-version=3 2>/dev/null |
		awk -F';' -v w="$3" '{
			if (w ~ /write/) { i = $49; a = $65; b = $71 }
			else { i = $8; a = $24; b = $30 }
			sub(/.*=/, "", a); sub(/.*=/, "", b)
			printf "%d %d %d\n", i, a, b }'
}

# the median line of stdin by its first field
median() { sort -n | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }

# "count sum_us" of the sim's round trips so far
rt_sum() {
	awk '/^count:/ { c = $2 } /^avg_ns:/ { a = $2 }
		END { printf "%d %d\n", c, c * a / 1000 }' "$LAT" 2>/dev/null
}

echo >"$LAT" 2>/dev/null
echo "BENCH $(printf '%-17s %8s %7s %7s %8s %7s %7s %6s %5s %5s %5s %6s' \
	test virt_iops p50_us p99_us loop_iops p50_us p99_us ratio kick irq mmio rt_us)"
for t in "randread-4k-qd1 randread 4k 1 1" "randread-4k-qd16 randread 4k 16 1" \
	"randread-4k-2x16 randread 4k 16 2" \
	"seqread-128k read 128k 16 1" "seqwrite-128k write 128k 16 1"; do
	# shellcheck disable=SC2086  # split on purpose
	set -- $t
	case $TESTS in *",$1,"*) ;; *) continue ;; esac
	: >/tmp/v; : >/tmp/l; : >/tmp/r
	r0=$(cat "$SYS/requests") n0=$(cat "$SYS/notifies")
	i0=$(cat "$SYS/injects") m0=$(rt_sum)
	k=0
	while [ $k -lt "$ROUNDS" ]; do
		v=$(run "$1" "/dev/$DEV" "$2" "$3" "$4" "$5")
		l=$(run "$1" "$LOOP" "$2" "$3" "$4" "$5")
		echo "$v" >>/tmp/v
		echo "$l" >>/tmp/l
		echo "$v $l" | awk '{ if ($4) printf "%.3f\n", $1 / $4 }' >>/tmp/r
		k=$((k + 1))
	done
	r=$(($(cat "$SYS/requests") - r0))
	per=$(echo "$m0 $(rt_sum)" | awk -v r="$r" \
		-v n=$(($(cat "$SYS/notifies") - n0)) \
		-v i=$(($(cat "$SYS/injects") - i0)) '{
			m = $3 - $1; us = m ? ($4 - $2) / m : 0
			if (r) printf "%5.2f %5.2f %5.2f %6d", n / r, i / r, m / r, us }')
	# shellcheck disable=SC2046  # split on purpose
	echo "BENCH $(printf '%-17s %8s %7s %7s %8s %7s %7s %6.2f %s' "$1" \
		$(median </tmp/v) $(median </tmp/l) "$(median </tmp/r)" "$per")"
done
echo "BENCH # ratio = median over rounds of virtio IOPS / loop IOPS"
echo "BENCH # kick, irq, mmio = QueueNotify writes, interrupts injected and"
echo "BENCH #   blocking MMIO round trips per virtio request; rt_us = the"
echo "BENCH #   mean sim round trip during the test (a guest vCPU waits that long)"
echo "BENCH # sim MMIO round-trip histogram ($LAT):"
sed 's/^/BENCH #   /' "$LAT"
exit 0
