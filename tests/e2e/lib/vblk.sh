# SPDX-License-Identifier: GPL-2.0
# Shared by tests/e2e/virtio_blk_*.sh (sourced, not run): start the sim
# zone 1, attach one virtio-blk with "hvisor virtio attach" and find the
# disk Linux's own virtio_blk made of it.  The caller sets up its EXIT trap
# to call vblk_cleanup.

W=/tmp/hvisor-sim
. /usr/share/hvisor/tests/e2e/lib/simirq.sh
case ${HVTEST_ARCH:-$(uname -m)} in
# zone 1's RAM as zone0_ipa:zonex_ipa:size (examples/sim); irq: what hvisor
# can inject there (common/virtio_limits.h)
x86_64) VBLK_ARCH=x86_64 VBLK_ADDR=0x7f00000000 VBLK_MEM=0x30200000:0x30200000:0xfc00000 VBLK_IRQ=10 ;;
aarch64 | arm64) VBLK_ARCH=arm64 VBLK_ADDR=0xb000000 VBLK_MEM=0x70000000:0x50000000:0x10000000 VBLK_IRQ=75 ;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac
VBLK_CFG=$W/virtio.json
DEV=

log() { echo "${0##*/}: $*"; }
die() { log "FAIL: $*"; exit 1; }

# vblk_cfg IMAGE [readonly]: write $VBLK_CFG with one blk device, with
# "queues": $VBLK_QUEUES if that is set
vblk_cfg() {
	ro=
	[ "${2:-}" = readonly ] && ro='"readonly": true,'
	[ -n "${VBLK_QUEUES:-}" ] && ro="$ro \"queues\": $VBLK_QUEUES,"
	# zone 1's RAM: the sim's guest keeps rings and buffers there
	m=${VBLK_MEM#*:}
	mem="\"memory_region\": [ { \"zone0_ipa\": \"${VBLK_MEM%%:*}\",
	  \"zonex_ipa\": \"${m%:*}\", \"size\": \"${m#*:}\" } ]"
	cat >"$VBLK_CFG" <<EOC
{ "zones": [ { "id": 1, $mem,
  "devices": [ { "type": "blk", "status": "enable", "addr": "$VBLK_ADDR",
    "len": "0x200", "irq": $VBLK_IRQ, $ro "img": "$1" } ] } ] }
EOC
}

# vblk_start: modules (hvisor_sim with $VBLK_SIM_ARGS), debugfs, zone 1
vblk_start() {
	[ -x /usr/bin/hvisor ] || { echo "SKIP: no /usr/bin/hvisor"; exit 77; }
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	mkdir -p $W
	dd if=/dev/urandom of=$W/kernel.bin bs=1M count=3 2>/dev/null
	dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=8 2>/dev/null
	for m in virtio_blk hvisor; do
		modprobe $m || die "modprobe $m"
	done
	# shellcheck disable=SC2086  # VBLK_SIM_ARGS: module parameters
	modprobe hvisor_sim ${VBLK_SIM_ARGS:-} || die "modprobe hvisor_sim"
	# the guest's device tree: the disk has irq 75, as vblk_cfg says
	simirq_map 1 $VBLK_ADDR $VBLK_IRQ || die "sim irq map"
	hvisor zone start \
		"/usr/share/hvisor/examples/sim/zone1-$VBLK_ARCH.json" >/dev/null ||
		die "zone start"
}

# vblk_attach IMAGE [readonly]: attach, rescan, wait for the disk -> $DEV
vblk_attach() {
	vblk_cfg "$@"
	hvisor virtio attach "$VBLK_CFG" >/dev/null || die "virtio attach"
	echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
	vblk_wait_disk ||
		die "no virtio disk appeared (${DEV:-no /sys/block/vd*}, /dev/${DEV:-?} not a block device)"
}

# vblk_wait_disk: wait up to 10 s for the zone's disk and its node -> $DEV
vblk_wait_disk() {
	DEV=
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		for d in /sys/block/vd*; do
			[ -e "$d" ] && DEV=${d##*/} && break
		done
		# devtmpfs makes the node after sysfs shows the disk: wait for
		# it, or fio would create a regular file of that name
		[ -n "$DEV" ] && [ -b "/dev/$DEV" ] && return 0
		sleep 0.5
	done
	return 1
}

# vblk_detach: detach the device, wait for the disk to go
vblk_detach() {
	hvisor virtio detach --zone 1 || return 1
	echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -e "/sys/block/$DEV" ] || return 0
		sleep 0.5
	done
	return 1
}

# vblk_queue_requests I: requests the backend took from its queue I
vblk_queue_requests() {
	cut -d' ' -f$(($1 + 1)) \
		"/sys/class/hvisor/zone1/blk@${VBLK_ADDR#0x}/queue_requests"
}

# vblk_check_mq N: $DEV has N hardware queues, the device accepted
# VIRTIO_BLK_F_MQ and set up N queues; then, from the first CPU of each
# hardware queue's cpu_list, 1 MiB written and read back direct, served
# by the backend's queue of the same number.  Says what failed, returns 1.
vblk_check_mq() {
	n=$(find "/sys/block/$DEV/mq" -mindepth 1 -maxdepth 1 | wc -l)
	[ "$n" = "$1" ] || { log "FAIL: $n hardware queues, want $1"; return 1; }
	sys=/sys/class/hvisor/zone1/blk@${VBLK_ADDR#0x}
	[ $(($(cat "$sys/features") >> 12 & 1)) = 1 ] ||
		{ log "FAIL: features $(cat "$sys/features") without MQ"; return 1; }
	sizes=$(cat "$sys/queue_sizes")
	if [ "$(echo "$sizes" | wc -w)" != "$1" ] || echo "$sizes" | grep -qw 0
	then
		log "FAIL: queue_sizes $sizes"
		return 1
	fi
	i=0
	while [ $i -lt "$1" ]; do
		cpu=$(cut -d, -f1 "/sys/block/$DEV/mq/$i/cpu_list")
		cpu=${cpu%%-*}
		before=$(vblk_queue_requests $i)
		dd if=/dev/urandom of="$W/mq$i" bs=64k count=16 2>/dev/null
		taskset -c "$cpu" dd if="$W/mq$i" of="/dev/$DEV" bs=64k \
			seek=$((i * 16)) oflag=direct 2>/dev/null ||
			{ log "FAIL: write on queue $i (cpu $cpu)"; return 1; }
		taskset -c "$cpu" dd if="/dev/$DEV" bs=64k skip=$((i * 16)) \
			count=16 iflag=direct 2>/dev/null | cmp -s - "$W/mq$i" ||
			{ log "FAIL: queue $i (cpu $cpu) reads back other data"; return 1; }
		after=$(vblk_queue_requests $i)
		[ "$after" -gt "$before" ] ||
			{ log "FAIL: backend queue $i served nothing (cpu $cpu)"; return 1; }
		log "queue $i (cpu $cpu): $((after - before)) requests, data OK"
		rm -f "$W/mq$i"
		i=$((i + 1))
	done
}

# shellcheck disable=SC2317  # run by the caller's EXIT trap
vblk_cleanup() {
	umount /mnt/vblk 2>/dev/null
	# a file some tool created where a disk's node was missing
	for f in /dev/vd*; do
		[ -f "$f" ] && rm -f "$f"
	done
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
	rm -rf $W
}

# blocks IMAGE: 512-byte blocks the image occupies
blocks() { stat -c %b "$1"; }
