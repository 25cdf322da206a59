#!/bin/sh
# arch: x86_64 arm64
# timeout: 200
#
# Upstream's order with a daemon (issue 16): "hvisor virtio attach" of a
# blk and a window held for the daemon (declared "gpu": the tool's types
# for it; hvd_rng serves a virtio-rng there, the kernel forwards whatever
# the window gets), then the daemon, whose mmap of the zone's RAM works
# before the zone exists (the held device declared it), then zone start.
# The guest finds both devices when it probes at start, with no rescan:
# Linux's virtio_rng reads the daemon's pattern, the disk is there.
# Zone shutdown with the daemon attached, detach and unload return.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
. /usr/share/hvisor/tests/e2e/lib/vblk.sh	# $W, $VBLK_*, log, die
. /usr/share/hvisor/tests/e2e/lib/hvd.sh	# RNG, RIRQ, hvd_start, pass, fail
SYS=/sys/class/hvisor/zone1/gpu@${RNG#0x}
CFG=$W/order.json
DCFG=$W/order-daemon.json
D=$W/d.log
trap hvd_cleanup EXIT

[ -x /usr/bin/hvisor ] || { echo "SKIP: no /usr/bin/hvisor"; exit 77; }
[ -x $BIN/hvd_rng ] || { echo "SKIP: no $BIN/hvd_rng"; exit 77; }
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug
mkdir -p $W
dd if=/dev/urandom of=$W/kernel.bin bs=1M count=3 2>/dev/null
dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=8 2>/dev/null
dd if=/dev/zero of=$W/disk.img bs=1M count=4 2>/dev/null
for m in virtio_blk virtio_rng hvisor hvisor_sim; do
	modprobe $m || die "modprobe $m"
done

m=${VBLK_MEM#*:}
cat >"$CFG" <<EOC
{ "zones": [ { "id": 1, "memory_region": [ { "zone0_ipa": "${VBLK_MEM%%:*}",
  "zonex_ipa": "${m%:*}", "size": "${m#*:}" } ],
  "devices": [
  { "type": "blk", "status": "enable", "addr": "$VBLK_ADDR", "len": "0x200",
    "irq": $VBLK_IRQ, "img": "$W/disk.img" },
  { "type": "gpu", "status": "enable", "addr": "$RNG", "len": "0x200",
    "irq": $RIRQ, "width": 1280, "height": 800 } ] } ] }
EOC
out=$(hvisor virtio attach "$CFG" --daemon-config "$DCFG") ||
	die "virtio attach: $out"
echo "$out"
[ -s "$DCFG" ] || fail "no $DCFG"

# the daemon first: its mmap of zone 1's RAM, before zone 1 exists
hvd_start $D && pass "the daemon started before the zone" ||
	die "the daemon did not start before the zone"
log "backend: $(cat "$SYS/backend" 2>&1)"

simirq_map 1 $VBLK_ADDR $VBLK_IRQ || die "sim irq map"
simirq_map 1 $RNG $RIRQ || die "sim irq map of the rng"
hvisor zone start "/usr/share/hvisor/examples/sim/zone1-$VBLK_ARCH.json" \
	>/dev/null || die "zone start"
# the guest probes its slots at start: no rescan
vblk_wait_disk && pass "disk $DEV at start" || fail "no disk at start"
hvd_use_rng || die "no virtio_rng at zone start"
pass "virtio_rng at zone start"
timeout 10 dd if=/dev/hwrng of=$W/rng bs=1024 count=1 2>/dev/null
c=$(od -An -tu1 -v $W/rng | awk '
	{ for (i = 1; i <= NF; i++) {
		if (n++ && $i != (p + 1) % 256 && !(p % 64 == 63 && $i % 64 == 0))
			b++
		p = $i } }
	END { printf "%d %d\n", n, b }')
[ "$c" = "1024 0" ] && pass "1 KiB of /dev/hwrng in the daemon's pattern" ||
	fail "/dev/hwrng: bytes and breaks $c, want 1024 0"
f=$(cat "$SYS/forwarded" 2>/dev/null)
log "window held for the daemon: forwarded $f, unserved $(cat "$SYS/unserved" 2>/dev/null)"
[ "${f:-0}" -gt 0 ] || fail "sysfs forwarded: ${f:-none}"

hvisor zone shutdown -id 1 || fail "zone shutdown with the daemon attached"
kill -TERM $DPID
wait $DPID
DPID=
log "daemon: $(grep 'hvd_rng: requests' $D | tail -n 1)"
grep -q 'hvd_rng: requests.* bad 0 ' $D || fail "the daemon saw bad requests"
hvisor virtio detach --zone 1 >/dev/null || fail "detach"
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
exit $FAILED
