#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# virtio-blk on the sim zone under fio, as a two-queue disk ("queues": 2,
# VIRTIO_BLK_F_MQ): two jobs, one per CPU and so one per hardware queue,
# random writes at QD 16 (libaio, direct) verified with crc32c; then
# detach while fio runs: every request
# the backend holds or the guest posted fails with an I/O error, so fio
# exits with errors and the transport goes away cleanly (zone 0 stays
# healthy); reattach, and the disk reads what was written before; zone
# shutdown and module unload with I/O in flight.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
[ -x /usr/bin/fio ] || { echo "SKIP: no fio in this VM"; exit 77; }
trap vblk_cleanup EXIT

# wait_gone PID SECONDS: true if PID ended in time (killed otherwise)
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt "$2" ]; do
		sleep 1
		i=$((i + 1))
	done
	kill -0 "$1" 2>/dev/null || return 0
	kill -9 "$1"
	return 1
}

vblk_start
IMG=$W/disk.img
truncate -s 128M $IMG
# shellcheck disable=SC2034  # read by vblk_cfg
VBLK_QUEUES=2
vblk_attach $IMG
log "disk $DEV"
vblk_check_mq 2 || fail "two queues"

log "verify run: 2 jobs on CPUs 0 and 1, 32 MiB each"
q0=$(vblk_queue_requests 0)
q1=$(vblk_queue_requests 1)
fio --name=verify --filename="/dev/$DEV" --rw=randwrite --bs=4k \
	--size=32M --offset_increment=32M --numjobs=2 --cpus_allowed=0-1 \
	--cpus_allowed_policy=split --iodepth=16 --ioengine=libaio --direct=1 \
	--verify=crc32c --verify_fatal=1 --do_verify=1 \
	--output=$W/fio.out >/dev/null 2>&1 || fail "fio verify run failed"
grep -q 'verify: bad\|crc32c: verify failed' $W/fio.out && fail "fio verify mismatches"
[ "$(grep -c 'err= 0' $W/fio.out)" = 2 ] ||
	{ cat $W/fio.out; fail "fio reported errors"; }
q0=$(($(vblk_queue_requests 0) - q0))
q1=$(($(vblk_queue_requests 1) - q1))
# 8192 writes per job, then as many verify reads
[ $q0 -ge 4096 ] && [ $q1 -ge 4096 ] ||
	fail "fio did not use both queues: $q0 and $q1 requests"
log "fio crc32c verify: $(grep -o 'IOPS=[^,]*' $W/fio.out | head -2 | tr '\n' ' ')0 mismatches; queues served $q0 and $q1 requests"

# detach while fio runs: fio must fail with EIO, not hang
fio --name=busy --filename="/dev/$DEV" --rw=randrw --bs=4k --size=64M \
	--iodepth=16 --ioengine=libaio --direct=1 --time_based --runtime=30 \
	--output=$W/busy.out >$W/busy.err 2>&1 &
FIO=$!
sleep 3
kill -0 $FIO 2>/dev/null || fail "fio ended before the detach"
log "detaching"
hvisor virtio detach --zone 1 >/dev/null || fail "detach during I/O"
log "detached"
wait_gone $FIO 20 || fail "fio still running 20 s after the detach"
wait $FIO && fail "fio saw no error after the detach"
grep -q 'Input/output error' $W/busy.out $W/busy.err ||
	{ cat $W/busy.out $W/busy.err; fail "fio did not report an I/O error"; }
log "fio after detach: $(grep -m1 -o 'err=[^:]*:[^:]*' $W/busy.out)"
log "rescan"
echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
log "rescanned"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -e "/sys/block/$DEV" ] || break
	sleep 1
done
[ -e "/sys/block/$DEV" ] && fail "/dev/$DEV still there after the detach"
hvisor zone list >/dev/null || fail "zone list after the detach"
dmesg | grep -q 'detached without the driver acknowledging' &&
	fail "the guest did not see the errors before the detach completed"

# reattach: the same image, a fresh disk that reads what was written
dd if=$IMG of=$W/head bs=1M count=1 2>/dev/null
vblk_attach $IMG
dd if="/dev/$DEV" bs=1M count=1 iflag=direct 2>/dev/null | cmp - $W/head ||
	fail "reattached disk reads wrong data"
fio --name=again --filename="/dev/$DEV" --rw=randwrite --bs=4k --size=8M \
	--iodepth=16 --ioengine=libaio --direct=1 --verify=crc32c \
	--verify_fatal=1 --output=$W/again.out >/dev/null 2>&1 ||
	fail "fio verify after reattach"

# zone shutdown and unload with the device attached and I/O in flight
fio --name=busy2 --filename="/dev/$DEV" --rw=randrw --bs=4k --size=64M \
	--iodepth=16 --ioengine=libaio --direct=1 --time_based --runtime=30 \
	--output=$W/busy2.out >/dev/null 2>&1 &
FIO=$!
sleep 2
kill -0 $FIO 2>/dev/null || fail "second fio ended before the shutdown"
log "shutdown"
hvisor zone shutdown -id 1 || fail "zone shutdown with I/O in flight"
wait_gone $FIO 20 || fail "fio still running 20 s after the zone shutdown"
[ -e "/sys/block/$DEV" ] && fail "/dev/$DEV still there after the shutdown"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
exit $FAILED
