#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64 arm64
# timeout: 240
#
# A device left for upstream's daemon (issue 16 item 3), with no daemon
# attached.  "hvisor virtio attach" of a config with a blk and a gpu
# attaches the gpu as served by a daemon (HVISOR_VIRTIO_F_DAEMON) and says
# so; --daemon-config writes upstream's config for it.  hvisor.ko holds
# its window: sysfs zone1/gpu@<addr>/ (backend "daemon (none attached)",
# no register file, the forwarded and unserved counters), a "virtio list"
# line, and a device over it is refused.  The guest's accesses to it
# (through the sim's trap path) answer 0, each counted unserved, while
# the blk beside it answers its magic.  Detach removes it.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
# vblk_start, log, die, $W, $VBLK_*
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
# rd, wr, $STATUS, vmmio_cleanup
. /usr/share/hvisor/tests/e2e/lib/vmmio.sh
FAILED=0

fail() { log "FAIL: $*"; FAILED=1; }

trap vmmio_cleanup EXIT

# the gpu in the zone's second virtio slot, its irq one the arch takes
GPU=$(printf '%#x' $((VBLK_ADDR + 0x200)))
GPU_IRQ=$((VBLK_IRQ + 1))
SYS=/sys/class/hvisor/zone1/gpu@${GPU#0x}
CFG=$W/daemon-window.json
DCFG=$W/daemon-gpu.json

# cfg FILE TYPE2 EXTRA2: a blk at $VBLK_ADDR and a TYPE2 device at $GPU
cfg() {
	m=${VBLK_MEM#*:}
	cat >"$1" <<EOC
{ "zones": [ { "id": 1, "memory_region": [ { "zone0_ipa": "${VBLK_MEM%%:*}",
  "zonex_ipa": "${m%:*}", "size": "${m#*:}" } ],
  "devices": [
  { "type": "blk", "status": "enable", "addr": "$VBLK_ADDR", "len": "0x200",
    "irq": $VBLK_IRQ, "img": "$W/disk.img" },
  { "type": "$2", "status": "enable", "addr": "$GPU", "len": "0x200",
    "irq": $GPU_IRQ $3 } ] } ] }
EOC
}

vblk_start
dd if=/dev/zero of="$W/disk.img" bs=1M count=4 2>/dev/null

cfg "$CFG" gpu ', "width": 1280, "height": 800'
rm -f "$DCFG"
out=$(hvisor virtio attach "$CFG" --daemon-config "$DCFG") ||
	die "virtio attach: $out"
echo "$out"
echo "$out" | grep -qx "zone 1: gpu@$GPU irq $GPU_IRQ -> daemon (none attached)" ||
	fail "attach does not show the gpu left for a daemon"
echo "$out" | grep -q "^1 device left for a daemon, written to $DCFG" ||
	fail "attach does not say what is left for a daemon"
if ! grep -q '"type":[[:space:]]*"gpu"' "$DCFG" || grep -q '"blk"' "$DCFG"
then
	fail "$DCFG: not the gpu alone: $(cat "$DCFG" 2>&1)"
fi

# sysfs: what the window is, no register file of ours
[ -d "$SYS" ] || die "no $SYS"
[ "$(cat "$SYS/type")" = gpu ] || fail "type: $(cat "$SYS/type")"
[ "$(cat "$SYS/irq")" = "$GPU_IRQ" ] || fail "irq: $(cat "$SYS/irq")"
[ "$(cat "$SYS/backend")" = "daemon (none attached)" ] ||
	fail "backend: $(cat "$SYS/backend")"
[ "$(cat "$SYS/state")" = serving ] || fail "state: $(cat "$SYS/state")"
[ -e "$SYS/status" ] && fail "a status file: the daemon holds the status"
[ "$(cat "$SYS/forwarded") $(cat "$SYS/unserved")" = "0 0" ] ||
	fail "counters before any access: $(cat "$SYS/forwarded") $(cat "$SYS/unserved")"

# list: the gpu, backend the daemon's
line=$(hvisor virtio list | grep "^1  *gpu  *$GPU ")
echo "$line"
echo "$line" | grep -q ' -  *-  *daemon (none attached)' ||
	fail "virtio list: ${line:-no gpu line}"

# the guest's accesses: the blk answers, the gpu's window reads 0
[ "$(VMMIO_ADDR=$VBLK_ADDR rd 0)" = $((0x74726976)) ] ||
	fail "blk magic: $(VMMIO_ADDR=$VBLK_ADDR rd 0)"
export VMMIO_ADDR="$GPU"
v=$(rd 0)
[ "$v" = 0 ] || fail "gpu magic read $v, want 0 (no daemon)"
v=$(rd 0x8)
[ "$v" = 0 ] || fail "gpu device id read $v, want 0 (no daemon)"
wr "$STATUS" 1
[ "$(cat "$SYS/forwarded") $(cat "$SYS/unserved")" = "0 3" ] ||
	fail "counters after 3 accesses: forwarded $(cat "$SYS/forwarded"), unserved $(cat "$SYS/unserved")"
unset VMMIO_ADDR

# the window is held: a console over it is refused, nothing left behind
cfg "$W/over.json" console ''
if hvisor virtio attach --zone 1 "$W/over.json" >/dev/null 2>&1; then
	fail "a device over the gpu's window was attached"
fi
dmesg | grep -q "overlaps a device of zone 1" ||
	fail "no dmesg line for the overlap"
n=$(hvisor virtio list | grep -c '^1 ')
[ "$n" = 2 ] || fail "$n devices of zone 1 after the refused attach, want 2"

# detach the gpu alone
hvisor virtio detach --zone 1 --addr "$GPU" >/dev/null || fail "detach"
[ -e "$SYS" ] && fail "$SYS still there after detach"
hvisor virtio list | grep -q "^1  *gpu " && fail "gpu still listed"
hvisor virtio detach --zone 1 >/dev/null || fail "detach the blk"

[ $FAILED = 0 ] || exit 1
log "PASS"
