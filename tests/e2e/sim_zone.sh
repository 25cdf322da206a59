#!/bin/sh
# arch: x86_64 arm64
#
# Zones through the whole stack on the simulator: hvisor.ko + hvisor_sim.ko
# + the hvisor tool.  A zone starts, is listed with its cpus and name, its
# kernel image provably arrived in zone RAM (the sim's crc32 of the bytes at
# kernel_load_paddr equals the file's), and shutdown removes it.  Refused
# configs (same id twice, magic mismatch, overlapping regions, image larger
# than its RAM region) fail with a message and leave nothing behind.
#
# exit 0 pass, 77 skip, anything else fail.

set -u

case ${HVTEST_ARCH:-$(uname -m)} in
# zone RAM of the example: physical start, guest start, size
x86_64) ARCH=x86_64; RAM=0x30200000 VRAM=0x30200000 RAMSZ=0xfc00000 ;;
aarch64 | arm64) ARCH=arm64; RAM=0x70000000 VRAM=0x50000000 RAMSZ=0x10000000 ;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac

EXAMPLE=/usr/share/hvisor/examples/sim/zone1-$ARCH.json
DBG=/sys/kernel/debug/hvisor_sim
W=/tmp/hvisor-sim
FAILED=0

log() { echo "sim_zone: $*"; }
fail() { log "FAIL: $*"; FAILED=1; }

cleanup() {
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
}

[ -x /usr/bin/hvisor ] || { log "SKIP: no /usr/bin/hvisor"; exit 77; }
[ -f "$EXAMPLE" ] || { log "SKIP: no $EXAMPLE"; exit 77; }
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug

load() {
	modprobe hvisor || { log "FAIL: modprobe hvisor"; exit 1; }
	modprobe hvisor_sim "$@" || { log "FAIL: modprobe hvisor_sim $*"; rmmod hvisor; exit 1; }
}

# Number of listed zones whose line names sim-linux.
listed() {
	hvisor zone list 2>&1 | grep -c 'sim-linux'
}

# Nothing of zone 1 may remain: not listed, no sim state, no sysfs zone.
nothing_left() {
	what=$1
	[ "$(listed)" = 0 ] || fail "$what: zone 1 still listed"
	[ ! -e $DBG/zone1 ] || fail "$what: the sim still has zone 1"
	[ ! -e /sys/class/hvisor/zone1 ] || fail "$what: /sys/class/hvisor/zone1 left behind"
}

# Start $1 and expect a refusal whose message matches $2 (ERE).
expect_refused() {
	cfg=$1 pattern=$2 what=$3
	if hvisor zone start "$cfg" >$W/out 2>&1; then
		fail "$what: accepted"
		hvisor zone shutdown -id 1 >/dev/null 2>&1
		return
	fi
	log "$what: refused: $(tr '\n' ' ' <$W/out)"
	[ -s $W/out ] || fail "$what: no message"
	grep -Eqi "$pattern" $W/out || fail "$what: message does not match /$pattern/"
}

mkdir -p $W
dd if=/dev/urandom of=$W/kernel.bin bs=1M count=3 2>/dev/null
dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=8 2>/dev/null
load

# --- start, list, checksums, shutdown ------------------------------------
if ! hvisor zone start "$EXAMPLE" >$W/out 2>&1; then
	cat $W/out
	fail "zone start $EXAMPLE"
else
	line=$(hvisor zone list | grep 'sim-linux')
	log "listed: $line"
	echo "$line" | grep -Eq '(^|[^0-9])1([^0-9]|$)' || fail "zone 1 not listed with id 1"
	echo "$line" | grep -Eq '2[^0-9]+3' || fail "zone 1 not listed with cpus 2,3"
	hvisor zone list | grep -Eq 'root-linux' || fail "zone 0 not listed"

	want=$(busybox crc32 $W/kernel.bin | cut -d' ' -f1)
	got=$(cat $DBG/zone1/kernel_sum)
	log "kernel crc32: file $want, zone RAM $got"
	[ "$want" = "$got" ] || fail "kernel image did not arrive intact"
	got=$(cat $DBG/zone1/dtb_sum)
	if [ "$got" != none ]; then
		want=$(busybox crc32 $W/zone1.dtb | cut -d' ' -f1)
		log "dtb crc32: file $want, zone RAM $got"
		[ "$want" = "$got" ] || fail "dtb did not arrive intact"
	fi
	grep -q 'name: sim-linux' $DBG/zone1/config || fail "sim config dump lacks the name"

	# The same id again: refused, the first one untouched.
	expect_refused "$EXAMPLE" 'exist|already|busy|in use|invalid' "same zone id twice"
	[ "$(listed)" = 1 ] || fail "duplicate start changed the zone list"

	hvisor zone shutdown -id 1 || fail "zone shutdown"
	nothing_left "shutdown"
fi

# --- refused configs -------------------------------------------------------
# A second RAM region inside the first.
sed "s/\"memory_regions\": \[/&{\"type\": \"ram\", \"physical_start\": \"$(printf 0x%x $((RAM + 0x8000000)))\", \"virtual_start\": \"$(printf 0x%x $((VRAM + 0x8000000)))\", \"size\": \"0x100000\"},/" \
	"$EXAMPLE" >$W/overlap.json
expect_refused $W/overlap.json 'overlap' "overlapping regions"
nothing_left "overlapping regions"

# RAM of 3 MiB: the 3 MiB kernel at RAM + 2 MiB does not fit.
sed "s/\"size\": \"$RAMSZ\"/\"size\": \"0x300000\"/" "$EXAMPLE" >$W/small.json
expect_refused $W/small.json 'image|kernel|outside|region|large|fit' "image larger than its RAM region"
nothing_left "image too large"

# A hypervisor of another config version: the tool names both versions.
rmmod hvisor_sim && rmmod hvisor
load magic=5
expect_refused "$EXAMPLE" 'magic|version' "magic mismatch"
grep -Eq '(0x)?0*5([^0-9]|$)' $W/out && grep -Eq '(0x)?0*6([^0-9]|$)' $W/out ||
	fail "magic mismatch: message does not name both versions"
nothing_left "magic mismatch"

cleanup
if [ $FAILED = 0 ]; then
	log "PASS"
	exit 0
fi
dmesg | grep -E 'hvisor' | tail -30
exit 1
