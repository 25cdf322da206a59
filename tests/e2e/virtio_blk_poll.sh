#!/bin/sh
# arch: x86_64 arm64
# timeout: 300
#
# virtio-blk with hvisor.ko's workers polling their rings before they
# sleep (worker_poll_us), against Linux's own virtio_blk and virtio_ring:
# the driver honours the suppressed kicks (EVENT_IDX, negotiated here),
# so at QD 1 most requests need no QueueNotify; fio's crc32c verify finds
# no mismatch at QD 1 and at QD 16 on two queues; a driver reset while a
# worker polls (unbind, bind) and a detach with fio running end as
# without polling: no hang, fio sees EIO, the zone stays healthy.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }
[ -x /usr/bin/fio ] || { echo "SKIP: no fio in this VM"; exit 77; }
POLL=/sys/module/hvisor/parameters/worker_poll_us
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	echo 0 >"$POLL" 2>/dev/null
	vblk_cleanup
}
trap cleanup EXIT

vblk_start
MAXPOLL=1000
echo 300 >"$POLL" || fail "set worker_poll_us"
IMG=$W/disk.img
truncate -s 64M "$IMG"
# shellcheck disable=SC2034  # read by vblk_cfg
VBLK_QUEUES=2
vblk_attach "$IMG"
SYS=/sys/class/hvisor/zone1/blk@${VBLK_ADDR#0x}
log "disk $DEV, features $(cat "$SYS/features")"
[ $(($(cat "$SYS/features") >> 29 & 1)) = 1 ] || fail "EVENT_IDX not negotiated"

# verify FIO_ARGS...: a crc32c-verified fio run, 0 errors
verify() {
	fio --name=poll --filename="/dev/$DEV" --bs=4k --ioengine=libaio \
		--direct=1 --verify=crc32c --verify_fatal=1 --do_verify=1 \
		--output="$W/fio.out" "$@" >/dev/null 2>&1 || {
		cat "$W/fio.out"
		fail "fio $* failed"
		return
	}
	grep -q 'verify: bad\|crc32c: verify failed' "$W/fio.out" &&
		fail "fio $*: verify mismatches"
}

# qd1 POLL_US: a verified QD 1 run with worker_poll_us POLL_US; appends
# "requests QueueNotify" served and trapped during it to $W/qd1
qd1() {
	echo "$1" >"$POLL"
	r0=$(cat "$SYS/requests") n0=$(cat "$SYS/notifies")
	verify --rw=randwrite --size=4M --iodepth=1
	echo "$(($(cat "$SYS/requests") - r0)) $(($(cat "$SYS/notifies") - n0))" >>"$W/qd1"
}
qd1 0
qd1 $MAXPOLL
# shellcheck disable=SC2046  # split on purpose
set -- $(cat "$W/qd1")
log "QD 1: no poll: $1 requests, $2 QueueNotify; polling ${MAXPOLL} us: $3 requests, $4 QueueNotify"
{ [ "$1" -ge 2048 ] && [ "$3" -ge 2048 ]; } || fail "QD 1: too few requests served"
# Without polling every request at QD 1 kicks.  Polling, the driver
# posts the next one while kicks are suppressed, unless the poll gave up
# first: a QD 1 cycle of the TCG guest takes about 0.5 ms on x86_64 (95%
# of the kicks saved, measured) and often more than the poll's 1 ms on
# arm64 (11% saved), so arm64 only has to save some.
[ $(($2 * 20)) -ge $(($1 * 19)) ] || fail "QD 1 without polling: $2 kicks for $1 requests"
[ "$4" -lt "$3" ] || fail "QD 1 polling: $4 kicks for $3 requests: none suppressed"
[ "$(uname -m)" != x86_64 ] || [ $(($4 * 2)) -le "$3" ] ||
	fail "QD 1 polling: $4 kicks for $3 requests: most not suppressed"
echo 300 >"$POLL"

verify --rw=randwrite --size=16M --offset_increment=16M --numjobs=2 \
	--cpus_allowed=0-1 --cpus_allowed_policy=split --iodepth=16
log "QD 16 x 2 queues: verified"

# a driver reset (Status = 0) while the workers poll, then I/O again
drv=/sys/bus/virtio/drivers/virtio_blk
vd=$(basename "$(readlink -f "/sys/block/$DEV/device")")
echo "$vd" >$drv/unbind || fail "unbind $vd"
echo "$vd" >$drv/bind || fail "bind $vd"
vblk_wait_disk || fail "no disk after the rebind"
verify --rw=randrw --size=8M --iodepth=8
log "after a reset while polling: verified"

# detach with fio running: EIO, no hang
fio --name=busy --filename="/dev/$DEV" --rw=randrw --bs=4k --size=32M \
	--iodepth=16 --ioengine=libaio --direct=1 --time_based --runtime=30 \
	--output="$W/busy.out" >"$W/busy.err" 2>&1 &
FIO=$!
sleep 3
kill -0 $FIO 2>/dev/null || fail "fio ended before the detach"
hvisor virtio detach --zone 1 >/dev/null || fail "detach during I/O"
i=0
while kill -0 $FIO 2>/dev/null && [ $i -lt 20 ]; do
	sleep 1
	i=$((i + 1))
done
kill -0 $FIO 2>/dev/null && { kill -9 $FIO; fail "fio still running 20 s after the detach"; }
wait $FIO && fail "fio saw no error after the detach"
hvisor zone list >/dev/null || fail "zone list after the detach"
dmesg | grep -q 'WARNING\|BUG:' && fail "kernel warning"
exit $FAILED
