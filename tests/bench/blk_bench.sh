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
# writes) per completed request; virt_cpu_us and loop_cpu_us what one
# request cost zone 0 in CPU time (see cpu_snap).
#
# A second table sets the costs against their floors: the sim's MMIO
# round trip p50/p99 against a cache line bounced between the two CPUs
# (cl_pingpong, the physical floor of any handshake), and zone 0's CPU
# use while idle with a blk, a net and a console device attached and
# their drivers bound, against the same VM before the attach.
set -u
exec >/dev/console 2>&1
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
[ -x /usr/bin/fio ] || { echo "SKIP: no fio in this VM"; exit 77; }
LOOP= HOSTLOOP=
BIN=/usr/libexec/hvisor-tests
IDLE_TAP=hvbench0
# shellcheck disable=SC2317  # run by the EXIT trap
bench_cleanup() {
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	/usr/sbin/ip link del $IDLE_TAP 2>/dev/null
	vblk_cleanup	# the zone lets go of the image
	umount "$W/host" 2>/dev/null
	[ -n "$HOSTLOOP" ] && losetup -d "$HOSTLOOP" 2>/dev/null
	rm -rf "$W"
}
trap bench_cleanup EXIT
RT=${BENCH_RUNTIME:-3}
IDLE=${BENCH_IDLE:-10}	# seconds of each idle measurement; 0: none
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
TESTS=",${BENCH_TESTS:-randread-4k-qd1,randread-4k-qd1-poll,randread-4k-qd16,randread-4k-qd16-poll,randread-4k-2x16,seqread-128k,seqwrite-128k},"
# the *-poll rows: the same test with hvisor.ko's workers polling their
# rings this long before they sleep (worker_poll_us); the others with 0
POLL_US=${BENCH_POLL_US:-300}
POLL_PARAM=/sys/module/hvisor/parameters/worker_poll_us

if [ "${BENCH_POOL:-}" = zone0 ]; then
	modprobe hvisor || die "modprobe hvisor"
	modprobe hvisor_sim dma_pool_in_zone0=1 || die "modprobe hvisor_sim"
	pool=$(cat /sys/module/hvisor_sim/parameters/dma_pool_in_zone0)
	VBLK_MEM=${pool%+*}:${pool%+*}:${pool#*+}
fi
# cpu_snap FILE: /proc/stat's cpu line (USER_HZ ticks), then "pid kind
# ns" for the kernel threads the bench accounts, ns from schedstat:
# kind hv = hvisor.ko's threads (hvisor-*), kw = workqueue workers (loop
# does its I/O there; the sim defers its guest's kicks there).  The
# kernel has no IRQ_TIME_ACCOUNTING: irq and softirq time are the ticks
# that landed in them (10 ms each), and a thread's runtime includes the
# interrupts it took.
cpu_snap() {
	head -n 1 /proc/stat >"$1"
	for p in /proc/[0-9]*; do
		read -r c 2>/dev/null <"$p/comm" || continue
		case $c in
		hvisor-*) k=hv ;;
		kworker*) k=kw ;;
		*) continue ;;
		esac
		read -r ns _ 2>/dev/null <"$p/schedstat" && echo "${p#/proc/} $k $ns"
	done >>"$1"
}

# cpu_diff A B: "hv_ns kw_ns irq_ns busy_ns all_ns" from snapshot A to
# B; irq = irq + softirq, busy = all but idle and iowait (idle=poll
# polls in the idle task: idle)
cpu_diff() {
	awk -v a="$1" 'FNR == 1 {
		irq = $7 + $8; busy = $2 + $3 + $4 + $7 + $8 + $9
		all = busy + $5 + $6
		if (FILENAME == a) { i0 = irq; b0 = busy; a0 = all }
		else { i1 = irq; b1 = busy; a1 = all }
		next
	}
	FILENAME == a { s[$1] = $3; next }
	{ d = $3 - s[$1]; if (d > 0) n[$2] += d }
	END { printf "%.0f %.0f %.0f %.0f %.0f\n", n["hv"], n["kw"],
		(i1 - i0) * 1e7, (b1 - b0) * 1e7, (a1 - a0) * 1e7 }' "$1" "$2"
}

# idle_cpu: zone 0 idle for $IDLE s -> "busy_pct hv_ms"
idle_cpu() {
	cpu_snap /tmp/c0
	sleep "$IDLE"
	cpu_snap /tmp/c1
	cpu_diff /tmp/c0 /tmp/c1 | awk '{
		printf "%.2f %.1f\n", $5 ? 100 * $4 / $5 : 0, $1 / 1e6 }'
}

# idle_attach: a net (over tap $IDLE_TAP) and a console device next to
# the blk one, in zone 1's other two slots, their drivers bound
idle_attach() {
	case $VBLK_ARCH in
	x86_64) na=0x7f00000200 ni=11 ca=0x7f00000400 ci=14 ;;
	*) na=0x0b000200 ni=76 ca=0x0b000400 ci=78 ;;
	esac
	IDLE_ADDRS="$na $ca"
	m=${VBLK_MEM#*:}
	cat >"$W/idle.json" <<EOC
{ "zones": [ { "id": 1, "memory_region": [ { "zone0_ipa": "${VBLK_MEM%%:*}",
    "zonex_ipa": "${m%:*}", "size": "${m#*:}" } ],
  "devices": [
    { "type": "net", "status": "enable", "addr": "$na", "len": "0x200",
      "irq": $ni, "tap": "$IDLE_TAP",
      "mac": ["0x00", "0x16", "0x3e", "0x10", "0x10", "0x20"] },
    { "type": "console", "status": "enable", "addr": "$ca", "len": "0x200",
      "irq": $ci } ] } ] }
EOC
	for mod in tun virtio_net virtio_console; do
		modprobe $mod || die "modprobe $mod"
	done
	simirq_map 1 $na $ni && simirq_map 1 $ca $ci || die "sim irq map"
	hvisor virtio attach "$W/idle.json" >/dev/null || die "virtio attach net+console"
	echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q 'id 1 ' /sys/kernel/debug/hvisor_sim/zone1/devices &&
			grep -q 'id 3 ' /sys/kernel/debug/hvisor_sim/zone1/devices &&
			break
		sleep 0.5
	done
	# the NIC and the tap up, as a zone would have them
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address")" = 00:16:3e:10:10:20 ] &&
			/usr/sbin/ip link set "${d##*/}" up
	done
	/usr/sbin/ip link set $IDLE_TAP up
	sleep 1
}

idle_detach() {
	for a in $IDLE_ADDRS; do
		hvisor virtio detach --zone 1 --addr "$a" >/dev/null ||
			die "virtio detach $a"
	done
	echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
}

vblk_start
if [ "$IDLE" -gt 0 ]; then
	sleep 1
	idle0=$(idle_cpu)
fi
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
if [ "$IDLE" -gt 0 ]; then
	idle_attach
	idle1=$(idle_cpu)
	echo "BENCH # idle ${IDLE}s, devices $(sed 's/.* id \([0-9]*\) .*/\1/' \
		/sys/kernel/debug/hvisor_sim/zone1/devices | tr '\n' ' ')bound: busy% hvisor-*_ms $idle1; before the attach: $idle0"
	idle_detach
fi
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

# fio NAME DEV RW BS QD JOBS -> "iops p50 p99 ios" (clat, usec; all
# jobs; ios = requests completed), then "hv kw irq busy all" (cpu_diff)
# over the run
run() {
	cpu_snap /tmp/s0
	fio --name="$1" --filename="$2" --rw="$3" --bs="$4" --iodepth="$5" \
		--numjobs="$6" --group_reporting --ioengine=libaio --direct=1 \
		--size=128M --runtime="$RT" --time_based --output-format=terse \
		--terse-version=3 2>/dev/null |
		awk -F';' -v w="$3" '{
			if (w ~ /write/) { i = $49; t = $50; a = $65; b = $71 }
			else { i = $8; t = $9; a = $24; b = $30 }
			sub(/.*=/, "", a); sub(/.*=/, "", b)
			printf "%d %d %d %.0f\n", i, a, b, i * t / 1000 }'
	cpu_snap /tmp/s1
	cpu_diff /tmp/s0 /tmp/s1
}

# per_req FILE: from lines of run's 9 fields, "hv kw irq" in us per request
per_req() {
	awk '{ n += $4; hv += $5; kw += $6; irq += $7 }
		END { if (n) printf "%.1f %.1f %.1f\n", hv / n / 1e3,
			kw / n / 1e3, irq / n / 1e3; else print "0 0 0" }' "$1"
}

# the median line of stdin by its first field
median() { sort -n | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }

# "count sum_us" of the sim's round trips so far
rt_sum() {
	awk '/^count:/ { c = $2 } /^avg_ns:/ { a = $2 }
		END { printf "%d %d\n", c, c * a / 1000 }' "$LAT" 2>/dev/null
}

echo >"$LAT" 2>/dev/null
CPU_NOTES=
echo "BENCH $(printf '%-17s %8s %7s %7s %8s %7s %7s %6s %5s %5s %5s %6s %11s %11s' \
	test virt_iops p50_us p99_us loop_iops p50_us p99_us ratio kick irq mmio rt_us \
	virt_cpu_us loop_cpu_us)"
for t in "randread-4k-qd1 randread 4k 1 1" "randread-4k-qd1-poll randread 4k 1 1" \
	"randread-4k-qd16 randread 4k 16 1" "randread-4k-qd16-poll randread 4k 16 1" \
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
		# run's two lines as one of 9 fields
		case $1 in *-poll) echo "$POLL_US" >$POLL_PARAM ;; esac
		v=$(run "$1" "/dev/$DEV" "$2" "$3" "$4" "$5" | tr '\n' ' ')
		echo 0 >$POLL_PARAM
		l=$(run "$1" "$LOOP" "$2" "$3" "$4" "$5" | tr '\n' ' ')
		echo "$v" >>/tmp/v
		echo "$l" >>/tmp/l
		echo "$v $l" | awk '{ if ($10) printf "%.3f\n", $1 / $10 }' >>/tmp/r
		k=$((k + 1))
	done
	r=$(($(cat "$SYS/requests") - r0))
	per=$(echo "$m0 $(rt_sum)" | awk -v r="$r" \
		-v n=$(($(cat "$SYS/notifies") - n0)) \
		-v i=$(($(cat "$SYS/injects") - i0)) '{
			m = $3 - $1; us = m ? ($4 - $2) / m : 0
			if (r) printf "%5.2f %5.2f %5.2f %6d", n / r, i / r, m / r, us
			else printf "%5s %5s %5s %6s", "-", "-", "-", "-" }')
	# zone 0's CPU per request: virtio = hvisor.ko's threads + irqs,
	# loop = the workers loop does its I/O in + irqs
	# shellcheck disable=SC2046  # split on purpose
	set -- "$1" $(per_req /tmp/v) $(per_req /tmp/l)
	vcpu=$(echo "$2 $4" | awk '{ printf "%.1f", $1 + $2 }')
	lcpu=$(echo "$6 $7" | awk '{ printf "%.1f", $1 + $2 }')
	# shellcheck disable=SC2046  # split on purpose
	echo "BENCH $(printf '%-17s %8s %7s %7s %8s %7s %7s %6.2f %s %11s %11s' "$1" \
		$(median </tmp/v | cut -d' ' -f1-3) $(median </tmp/l | cut -d' ' -f1-3) \
		"$(median </tmp/r)" "$per" "$vcpu" "$lcpu")"
	CPU_NOTES="$CPU_NOTES
$1: virtio hvisor-* $2 + irq $4 (kworker $3), loop kworker $6 + irq $7 (hvisor-* $5)"
done
echo "BENCH # ratio = median over rounds of virtio IOPS / loop IOPS"
echo "BENCH # *-poll: hvisor.ko's blk worker polls its ring ${POLL_US} us before it"
echo "BENCH #   sleeps (worker_poll_us; kicks suppressed meanwhile), else 0"
echo "BENCH # kick, irq, mmio = QueueNotify writes, interrupts injected and"
echo "BENCH #   blocking MMIO round trips per virtio request; rt_us = the"
echo "BENCH #   mean sim round trip during the test (a guest vCPU waits that long)"
echo "BENCH # virt_cpu_us, loop_cpu_us = zone 0's CPU time per request, us:"
echo "BENCH #   virtio: hvisor.ko's threads + irq/softirq, loop: workqueue"
echo "BENCH #   workers + irq/softirq (irq time sampled by the 250 Hz tick)"
echo "$CPU_NOTES" | sed '/^$/d; s/^/BENCH #   /'
echo "BENCH # sim MMIO round-trip histogram ($LAT):"
sed 's/^/BENCH #   /' "$LAT"

# sim_pct P: the P-th percentile of the sim's round trips, ns,
# interpolated inside its log2 bucket
sim_pct() {
	awk -v p="$1" 'BEGIN { n = 0 } /^  \[/ { gsub(/[[,)]/, ""); lo[n] = $1; hi[n] = $2
		c[n] = $3; tot += $3; n++ }
	END { want = tot * p / 100
		for (i = 0; i < n; i++) {
			if (seen + c[i] >= want) {
				printf "%.0f\n", lo[i] + (hi[i] - lo[i]) * (want - seen) / c[i]
				exit
			}
			seen += c[i]
		} print 0 }' "$LAT"
}

# the floor: a cache line bounced between CPUs 0 and 1, same VM
cl=$($BIN/cl_pingpong 200000) || die "cl_pingpong: $cl"
echo "BENCH # $cl"
cl50=$(echo "$cl" | sed -n 's/.* p50 \([0-9]*\) p99.*/\1/p')
cl99=$(echo "$cl" | sed -n 's/.* p99 \([0-9]*\) ns.*/\1/p')
# row NAME VIRTIO BASE UNIT
row() {
	printf 'BENCH %-17s %10s %10s %7s %s\n' "$1" "$2" "$3" "$(echo "$2 $3" |
		awk '{ if ($2 > 0) printf "%.1f", $1 / $2; else print "-" }')" "$4"
}
echo "BENCH $(printf '%-17s %10s %10s %7s %s' test virtio base ratio unit)"
row mmio-rt-p50 "$(sim_pct 50)" "$cl50" ns
row mmio-rt-p99 "$(sim_pct 99)" "$cl99" ns
if [ "$IDLE" -gt 0 ]; then
	row idle-busy-pct "${idle1% *}" "${idle0% *}" %
	row idle-hvisor-ms "${idle1#* }" "${idle0#* }" "ms in ${IDLE}s"
fi
# where a round trip's time goes (sim_wakeup.c): the wake-up sent -> its
# IPI's callback on the other CPU -> its handler's start (after an
# irq_work when the callback ran in the idle task) -> the handler's end
STATS=/sys/kernel/debug/hvisor_sim/irq_stats
stage() {
	awk -v s="wakeup_$1_" 'index($1, s) == 1 {
		k = substr($1, length(s) + 1); v[k] = $NF }
		END { printf "count %d avg %d p50 <%d p99 <%d ns", v["count:"],
			v["avg_ns:"], v["p50_ns:"], v["p99_ns:"] }' "$STATS"
}
echo "BENCH # wake-up sent -> IPI callback: $(stage to_ipi)"
echo "BENCH # wake-up sent -> handler start: $(stage to_irq)"
echo "BENCH # handler run (hvisor.ko answers): $(stage run)"
echo "BENCH # mmio-rt: the sim's MMIO round trip over all the tests above (its"
echo "BENCH #   log2 histogram, interpolated) / a cache line ping-pong between"
echo "BENCH #   the two CPUs (cl_pingpong, 64-round-trip batches); lower is better"
echo "BENCH # idle-*: zone 0 idle ${IDLE}s with blk+net+console attached and bound"
echo "BENCH #   / the same VM before the attach: CPU busy % of all CPUs, and"
echo "BENCH #   the hvisor-* threads' runtime"
exit 0
