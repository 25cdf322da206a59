#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# Upstream's daemon beside hvisor.ko (issue 16), on the simulator: zone 1
# has a virtio-blk served by hvisor.ko ("hvisor virtio attach") and a
# virtio-rng served by hvd_rng, a test daemon written only against
# upstream hvisor-tool's ABI (INIT_VIRTIO, SET_EVENTFD, FINISH_REQ, mmap
# of the bridge page and of zone RAM).
#   - without a daemon the rng's window reads as no device;
#   - a second INIT_VIRTIO while a daemon is attached: EBUSY; mmap
#     outside a started zone's RAM, or of the bridge page before
#     INIT_VIRTIO, fails; upstream's ZONE_START and LOAD_IMAGE are
#     refused (EOPNOTSUPP);
#   - forwarding: Linux's own virtio_rng binds to the daemon's device,
#     /dev/hwrng gives the daemon's counter pattern (blocking answers,
#     posted notifies, interrupts), while the disk does direct I/O and
#     none of its accesses reaches the daemon; bytes/s and the latency
#     of a forwarded register read against a kernel-served one printed;
#   - SIGKILL of the daemon while the guest reads: the read ends, later
#     accesses to its window are answered 0 at once, the disk still works,
#     a rescan removes the rng device;
#   - a daemon that hangs with a blocking access owed: the access is
#     answered 0 after hvisor.ko's answer_timeout_ms while it lives, and
#     at once when it is killed (never the sim's 2 s timeout);
#   - a third daemon serves again; detach, zone shutdown with it attached,
#     rmmod of the sim and of hvisor all return.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh	# VBLK_*, vblk_start, vblk_attach
. /usr/share/hvisor/tests/e2e/lib/hvd.sh	# RNG, RIRQ, hvd_start, pass, fail
MAGIC=0x74726976
MEM0=${VBLK_MEM%%:*}
MSIZE=${VBLK_MEM##*:}
trap hvd_cleanup EXIT

# Milliseconds since boot (busybox date has no %N).
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# daemon LOG [ARGS...]: start hvd_rng for the rng slot -> $DPID, wait
# until it serves (or hangs)
daemon() {
	hvd_start "$@" || die "hvd_rng did not start"
}

# stats LOG NAME: counter NAME of the last statistics line in LOG
stats() {
	grep 'hvd_rng: requests' "$1" | tail -n 1 |
		sed -n "s/.* $2 \([0-9]*\).*/\1/p"
}

# diag: what the daemon, the sim and the guest's device say
diag() {
	[ -n "$DPID" ] && kill -USR1 "$DPID" && sleep 0.5
	cat "$W"/d*.log
	cat $SIMD/zone1/devices
	simirq_report
	for f in $SIMD/zone1/irq_stats /proc/interrupts; do
		echo "--- $f"
		cat $f
	done
}

# raw_rd ADDR: one 32-bit read of the guest, through the sim's trap path
raw_rd() {
	echo "r $1" >$SIMD/zone1/mmio || return 1
	echo $(($(cat $SIMD/zone1/mmio)))
}

# rng_listed: does the hwrng core list a virtio_rng?
rng_listed() { grep -q virtio_rng $HWRNG/rng_available; }

# wait_rng yes|no: up to 10 s for the virtio_rng to come or go
wait_rng() {
	for _ in $(seq 40); do
		if rng_listed; then [ "$1" = yes ] && return 0
		else [ "$1" = no ] && return 0
		fi
		sleep 0.25
	done
	return 1
}

# counts FILE: PAIRS of consecutive bytes in FILE; SKIPS among them, where
# whole 64-byte buffers of the daemon are missing (the kernel's hwrng
# thread reads the current rng too, 64 bytes now and then, even at quality
# 0: add_hwgenerator_randomness() throttles it); BREAKS, any other byte
# that is not the previous one plus 1 (mod 256), WHERE the first three are
# ("offset: previous -> byte")
counts() {
	c=$(od -An -tu1 -v "$1" | awk '
		{ for (i = 1; i <= NF; i++) {
			if (n && $i != (p + 1) % 256) {
				if (p % 64 == 63 && $i % 64 == 0)
					k++
				else if (b++ < 3)
					w = w sprintf(" %d: %d -> %d", n, p, $i)
			}
			n++
			p = $i } }
		END { printf "%d %d %d%s\n", n - 1, k, b, w }')
	PAIRS=${c%% *} c=${c#* } SKIPS=${c%% *} c=${c#* } BREAKS=${c%% *}
	WHERE=${c#"$BREAKS"}
}

# try TEST [ARGS]: hvd_rng -t, its "TEST: RESULT" without the name
try() { $BIN/hvd_rng -t "$@" | sed 's/^[a-z_]*: //'; }

[ -x $BIN/hvd_rng ] || { echo "SKIP: no $BIN/hvd_rng"; exit 77; }
modprobe virtio_rng || die "modprobe virtio_rng"
vblk_start
simirq_map 1 $RNG $RIRQ || die "sim irq map of the rng"
dd if=/dev/zero of=$W/disk.img bs=1M count=32 2>/dev/null
vblk_attach $W/disk.img
log "disk $DEV served by hvisor.ko at $VBLK_ADDR"

# 1. no daemon: the window is no device; the ABI's refusals
v=$(raw_rd $RNG) || die "raw read of $RNG"
[ "$v" = 0 ] || fail "MagicValue of the rng slot with no daemon: $v, want 0"
r=$(try mmap 0 4096)
[ "$r" = EINVAL ] && pass "mmap of the bridge page before INIT_VIRTIO: $r" ||
	fail "mmap of the bridge page before INIT_VIRTIO: $r, want EINVAL"
end=$(printf %#x $((MEM0 + MSIZE)))
r=$(try mmap "$end" 4096)
[ "$r" != OK ] && pass "mmap of the page after zone 1's RAM: $r" ||
	fail "mmap of $end (after zone 1's RAM) succeeded"
r=$(try mmap "$(printf %#x $((MEM0 + MSIZE - 4096)))" 8192)
[ "$r" != OK ] && pass "mmap across the end of zone 1's RAM: $r" ||
	fail "mmap across the end of zone 1's RAM succeeded"
r=$(try mmap 0x1000000 4096)
[ "$r" != OK ] && pass "mmap of host RAM at 0x1000000: $r" ||
	fail "mmap of host RAM at 0x1000000 succeeded"
r=$(try zone_start)
[ "$r" = EOPNOTSUPP ] && pass "upstream's ZONE_START: $r" ||
	fail "upstream's ZONE_START: $r, want EOPNOTSUPP"
r=$(try load_image)
[ "$r" = EOPNOTSUPP ] && pass "upstream's LOAD_IMAGE: $r" ||
	fail "upstream's LOAD_IMAGE: $r, want EOPNOTSUPP"

# 2. a daemon: forwarding, blocking answers, interrupts.  It injects as
# upstream's does, once until the guest's InterruptACK (no -R): on GIC
# hvisor drops an injection during the guest's handler, and the queue
# would stall but that hvisor.ko injects again until the ack
# (updaemon.c)
D1=$W/d1.log
daemon $D1
r=$(try init)
[ "$r" = EBUSY ] && pass "second INIT_VIRTIO: $r" ||
	fail "second INIT_VIRTIO while a daemon is attached: $r, want EBUSY"
r=$(try mmap "$MEM0" 4096)
[ "$r" = EPERM ] && pass "mmap of zone 1's RAM by another file than the daemon's: $r" ||
	fail "mmap of zone 1's RAM by a file without INIT_VIRTIO: $r, want EPERM"
echo 1 >$SIMD/zone1/rescan
wait_rng yes || die "no virtio_rng in $HWRNG/rng_available ($(cat $HWRNG/rng_available))"
name=$(tr ' ' '\n' <$HWRNG/rng_available | grep virtio_rng | head -n 1)
[ "$(cat $HWRNG/rng_current)" = "$name" ] || echo "$name" >$HWRNG/rng_current
log "hwrng: current $(cat $HWRNG/rng_current), available $(cat $HWRNG/rng_available)"

t0=$(ms)
timeout 10 dd if=/dev/hwrng of=$W/rng bs=4096 count=1 2>/dev/null
t1=$(ms)
n=$(stat -c %s $W/rng)
if [ "$n" != 4096 ]; then
	diag
	die "read $n bytes of /dev/hwrng, want 4096"
fi
log "4096 bytes of /dev/hwrng in $((t1 - t0)) ms"
counts $W/rng
[ "$BREAKS" = 0 ] && pass "4096 bytes of /dev/hwrng, the daemon's counter pattern ($SKIPS buffers read by others)" ||
	fail "/dev/hwrng: $BREAKS of $PAIRS byte pairs break the daemon's pattern (at$WHERE)"

# throughput alone, then with the disk busy beside it (reads of 64 bytes,
# one virtio-rng buffer: what was read is written when the timeout hits)
timeout 3 dd if=/dev/hwrng of=$W/bulk bs=64 2>/dev/null
n=$(stat -c %s $W/bulk)
log "hwrng through the daemon: $((n / 3)) bytes/s"
[ "$n" -gt 0 ] || fail "no bytes from /dev/hwrng in 3 s"
dd if=/dev/urandom of=$W/data bs=64k count=64 2>/dev/null
breq0=$(vblk_queue_requests 0)
timeout 5 dd if=/dev/hwrng of=$W/bulk bs=64 2>/dev/null &
RPID=$!
t0=$(ms)
dd if=$W/data of="/dev/$DEV" bs=64k oflag=direct 2>/dev/null ||
	fail "direct write to /dev/$DEV beside the daemon"
dd if="/dev/$DEV" bs=64k count=64 iflag=direct 2>/dev/null |
	cmp -s - $W/data || fail "the disk reads back other data beside the daemon"
t1=$(ms)
wait $RPID
n=$(stat -c %s $W/bulk)
log "beside the rng: 4 MiB written and read back direct in $((t1 - t0)) ms, $(($(vblk_queue_requests 0) - breq0)) blk requests; hwrng $((n / 5)) bytes/s"
[ "$n" -gt 0 ] || fail "no bytes from /dev/hwrng while the disk was busy"
counts $W/bulk
[ "$BREAKS" = 0 ] ||
	fail "/dev/hwrng beside the disk: $BREAKS of $PAIRS byte pairs break the pattern (at$WHERE)"
log "beside the disk: $PAIRS byte pairs, $SKIPS buffers read by others, $BREAKS breaks"

# latency of a blocking register read: forwarded and kernel-served
for a in $RNG $VBLK_ADDR; do
	out=$($BIN/mmio_lat -d 1000 -e $MAGIC $SIMD/zone1/mmio $a) ||
		fail "mmio_lat $a: $out"
	log "MagicValue reads at $a: $(echo "$out" | grep '^probe:')"
done
out=$($BIN/mmio_lat -d 500 -i 0 -e $MAGIC $SIMD/zone1/mmio $RNG) ||
	fail "mmio_lat -i 0 $RNG: $out"
log "back to back at $RNG: $(echo "$out" | grep '^probe:')"

kill -USR1 $DPID
sleep 0.5
log "daemon: $(grep 'hvd_rng: requests' $D1 | tail -n 1)"
out=$(simirq_report) || fail "$out"
log "$out"
[ "$(stats $D1 injects)" -gt 0 ] 2>/dev/null || fail "the daemon injected nothing"
[ "$(stats $D1 posted)" -gt 0 ] 2>/dev/null || fail "no posted notify reached the daemon"
[ "$(stats $D1 bad)" = 0 ] || fail "the daemon saw $(stats $D1 bad) bad requests"
[ "$(stats $D1 inject_errors)" = 0 ] || fail "FINISH_REQ failed $(stats $D1 inject_errors) times"
blkwin=$(printf %#x $((VBLK_ADDR)))
grep "foreign access" $D1 | grep -q " $blkwin\$" &&
	fail "accesses to the disk at $blkwin reached the daemon"

# 3. SIGKILL while the guest reads
timeout 5 dd if=/dev/hwrng of=$W/r3 bs=64 2>/dev/null &
RPID=$!
sleep 0.5
kill -0 $RPID 2>/dev/null || fail "the reader of /dev/hwrng ended early"
n=$(stat -c %s $W/r3)
[ "$n" -gt 0 ] || fail "the reader got nothing before the daemon's death"
kill -KILL $DPID
wait $DPID 2>/dev/null
DPID=
t0=$(ms)
wait $RPID
log "the reader had $n bytes at the daemon's death, ended $(($(ms) - t0)) ms after it"
t0=$(ms)
v=$(raw_rd $RNG) || fail "raw read of $RNG after the daemon's death"
t1=$(ms)
[ "$v" = 0 ] && pass "after the daemon's death its window reads 0, in $((t1 - t0)) ms" ||
	fail "MagicValue after the daemon's death: $v, want 0"
dd if=/dev/urandom of=$W/data bs=64k count=16 2>/dev/null
dd if=$W/data of="/dev/$DEV" bs=64k oflag=direct 2>/dev/null &&
	dd if="/dev/$DEV" bs=64k count=16 iflag=direct 2>/dev/null |
	cmp -s - $W/data && pass "the disk still works after the daemon's death" ||
	fail "the disk after the daemon's death"
echo 1 >$SIMD/zone1/rescan
wait_rng no && pass "rescan removed the virtio_rng" ||
	fail "virtio_rng still listed after a rescan: $(cat $HWRNG/rng_available)"

# 4. a daemon that hangs: an access it owes is answered 0 after
# hvisor.ko's answer_timeout_ms (set below the sim's 2 s), and at once
# when it dies
TMO=/sys/module/hvisor/parameters/answer_timeout_ms
tmo0=$(sed -n 's/^timeouts: //p' $SIMD/bridge)
D2=$W/d2.log
daemon $D2 -H 0
# owed: read the rng's MagicValue in the background -> $APID
owed_read() {
	echo "r $RNG" >$SIMD/zone1/mmio &
	APID=$!
	sleep 0.3
	grep -q 'hvd_rng: hung' $D2 || fail "the access never reached the hanging daemon"
}
if [ -w $TMO ]; then
	old=$(cat $TMO)
	echo 500 >$TMO
	t0=$(ms)
	owed_read
	wait $APID
	t1=$(ms)
	echo "$old" >$TMO
	v=$(($(cat $SIMD/zone1/mmio)))
	kill -0 $DPID || fail "the hanging daemon died"
	if [ "$v" = 0 ] && [ $((t1 - t0)) -ge 400 ] && [ $((t1 - t0)) -lt 1900 ]; then
		pass "an access a live daemon does not answer: 0 after $((t1 - t0)) ms (answer_timeout_ms 500)"
	else
		fail "unanswered access: value $v after $((t1 - t0)) ms, want 0 after ~500 ms"
	fi
else
	fail "no $TMO"
fi
t0=$(ms)
owed_read
kill -0 $APID 2>/dev/null ||
	fail "the access was answered while the daemon owed it"
t1=$(ms)
kill -KILL $DPID
wait $DPID 2>/dev/null
DPID=
wait $APID
t2=$(ms)
v=$(($(cat $SIMD/zone1/mmio)))
tmo1=$(sed -n 's/^timeouts: //p' $SIMD/bridge)
if [ "$v" = 0 ] && [ "$tmo1" = "$tmo0" ]; then
	pass "an owed access answered 0, $((t2 - t1)) ms after the kill ($((t2 - t0)) ms in all)"
else
	fail "owed access: value $v, sim timeouts $tmo0 -> $tmo1, $((t2 - t1)) ms after the kill"
fi

# 5. a third daemon serves again; teardown with it attached
D3=$W/d3.log
daemon $D3
echo 1 >$SIMD/zone1/rescan
wait_rng yes || fail "no virtio_rng with the third daemon"
name=$(tr ' ' '\n' <$HWRNG/rng_available | grep virtio_rng | head -n 1)
[ "$(cat $HWRNG/rng_current)" = "$name" ] || echo "$name" >$HWRNG/rng_current
timeout 10 dd if=/dev/hwrng of=$W/rng bs=1024 count=1 2>/dev/null
counts $W/rng
[ "$PAIRS" = 1023 ] && [ "$BREAKS" = 0 ] && pass "the third daemon serves /dev/hwrng ($SKIPS buffers read by others)" ||
	fail "third daemon: $PAIRS byte pairs, $BREAKS breaks (at$WHERE)"
t0=$(ms)
vblk_detach || fail "detach of the disk"
log "detach: $(($(ms) - t0)) ms"
t0=$(ms)
hvisor zone shutdown -id 1 || fail "zone shutdown with the daemon attached"
log "zone shutdown: $(($(ms) - t0)) ms"
rng_listed && fail "virtio_rng still listed after the zone's shutdown"
r=$(try mmap "$MEM0" 4096)
[ "$r" = EACCES ] && pass "mmap of a stopped zone's RAM: $r" ||
	fail "mmap of zone 1's RAM after its shutdown: $r, want EACCES"
kill -TERM $DPID
wait $DPID
DPID=
log "daemon: $(grep 'hvd_rng: requests' $D3 | tail -n 1)"
[ "$(stats $D3 bad)" = 0 ] || fail "the third daemon saw bad requests"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
if dmesg | grep -qE 'BUG:|WARNING:|soft lockup|blocked for more|rcu.*stall'; then
	dmesg | grep -m 1 -A 30 -E 'BUG:|WARNING:|soft lockup|blocked for more|rcu.*stall'
	fail "a kernel warning in dmesg"
fi
exit $FAILED
