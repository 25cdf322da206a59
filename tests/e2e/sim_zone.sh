#!/bin/sh
# arch: x86_64 arm64
#
# timeout: 400
#
# Zones through the whole stack on the simulator: hvisor.ko + hvisor_sim.ko
# + the hvisor tool.  A zone starts, is listed with its cpus and name, its
# kernel image provably arrived in zone RAM (the sim's crc32 of the bytes at
# kernel_load_paddr equals the file's), and shutdown removes it.  All of
# that twice: with the sim playing hvisor v0.4 (config_abi=5, magic 0x05,
# the 0x05 layout) and a hypervisor of magic 0x06, whatever this VM tier's
# default is.  The sim reads the config in its own layout (its debugfs dump
# says which, and the GIC/PCI fields it read), so a tool that packed the
# wrong one shows.  Refused configs (same id twice, unknown magic, a magic
# the tool did not pack, overlapping regions, image larger than its RAM
# region) fail with a message and leave nothing behind.
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
PROBE=${IOCTL_PROBE:-/usr/libexec/hvisor-tests/ioctl_probe}
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
[ -x "$PROBE" ] || { log "SKIP: no $PROBE"; exit 77; }
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

# What modprobe gives the sim without options (this VM tier's default).
grep -q . /sys/module/hvisor_sim/parameters/config_abi &&
	log "this VM's default: config_abi $(cat /sys/module/hvisor_sim/parameters/config_abi)"
rmmod hvisor_sim && rmmod hvisor

# --- start, list, checksums, shutdown: once per config magic -------------
for ABI in 5 6; do
	load config_abi=$ABI
	log "--- hypervisor of magic 0x0$ABI"
	got=$(cat /sys/module/hvisor_sim/parameters/config_abi)
	[ "$got" = $ABI ] || fail "config_abi=$ABI: the sim has $got"
	if ! hvisor zone start "$EXAMPLE" >$W/out 2>&1; then
		cat $W/out
		fail "0x0$ABI: zone start $EXAMPLE"
	else
		line=$(hvisor zone list | grep 'sim-linux')
		log "listed: $line"
		echo "$line" | grep -Eq '(^|[^0-9])1([^0-9]|$)' || fail "zone 1 not listed with id 1"
		echo "$line" | grep -Eq '2[^0-9]+3' || fail "zone 1 not listed with cpus 2,3"
		hvisor zone list | grep -Eq 'root-linux' || fail "zone 0 not listed"

		want=$(busybox crc32 $W/kernel.bin | cut -d' ' -f1)
		got=$(cat $DBG/zone1/kernel_sum)
		log "kernel crc32: file $want, zone RAM $got"
		[ "$want" = "$got" ] || fail "0x0$ABI: kernel image did not arrive intact"
		got=$(cat $DBG/zone1/dtb_sum)
		if [ "$got" != none ]; then
			want=$(busybox crc32 $W/zone1.dtb | cut -d' ' -f1)
			log "dtb crc32: file $want, zone RAM $got"
			[ "$want" = "$got" ] || fail "0x0$ABI: dtb did not arrive intact"
		fi
		grep -q 'name: sim-linux' $DBG/zone1/config || fail "sim config dump lacks the name"
		# the sim read the tail of its own layout: our example has no PCI
		sed -n '/config_abi\|gic_version\|^pci/p' $DBG/zone1/config | tr '\n' ' '
		echo
		grep -qx "config_abi: $ABI" $DBG/zone1/config || fail "0x0$ABI: the sim did not read layout $ABI"
		grep -qx 'pci: 0 buses, 0 devices, 0 virtual' $DBG/zone1/config ||
			fail "0x0$ABI: the sim read a PCI tail where there is none"
		if [ $ARCH = arm64 ]; then
			grep -qx 'gic_version: 1' $DBG/zone1/config || fail "0x0$ABI: GIC tag not read as v3"
		fi

		# The same id again: refused, the first one untouched.
		expect_refused "$EXAMPLE" 'exist|already|busy|in use|invalid' "same zone id twice"
		[ "$(listed)" = 1 ] || fail "duplicate start changed the zone list"

		hvisor zone shutdown -id 1 || fail "zone shutdown"
		nothing_left "0x0$ABI: shutdown"
	fi

	# x86: a PCI zone gets the ECAM base a 0x06 hypervisor has for it
	# (hypercall 9, as upstream's tool asks); hvisor v0.4 (0x05) does not
	# know the call, so the config's stays.
	if [ $ARCH = x86_64 ]; then
		sed 's/"pci_config": \[\]/"pci_config": [{"ecam_base": "0xe0000000", "ecam_size": "0x10000000", "io_base": "0x0", "io_size": "0x0", "pci_io_base": "0x0", "mem32_base": "0x0", "mem32_size": "0x0", "pci_mem32_base": "0x0", "mem64_base": "0x0", "mem64_size": "0x0", "pci_mem64_base": "0x0", "bus_range_begin": 0, "bus_range_end": 0, "domain": 0}], "alloc_pci_devs": [{"domain": 0, "bus": 0, "device": 3, "function": 0, "dev_type": 1}]/' \
			"$EXAMPLE" >$W/pci.json
		grep -q ecam_base $W/pci.json || fail "the example has no \"pci_config\": [] to fill"
		want=0xe0000000
		[ $ABI = 6 ] && want=$(printf 0x%x "$(cat /sys/module/hvisor_sim/parameters/ecam_base)")
		if hvisor zone start $W/pci.json >$W/out 2>&1; then
			got=$(sed -n 's/^ecam0: //p' $DBG/zone1/config)
			log "PCI zone: ecam base in the sim $got (config 0xe0000000); $(grep '^pci:' $DBG/zone1/config)"
			[ "$got" = "$want" ] || fail "0x0$ABI: ECAM base $got, expected $want"
			grep -qx 'pci: 1 buses, 1 devices, 1 virtual' $DBG/zone1/config ||
				fail "0x0$ABI: the sim did not read the PCI device in its layout"
			hvisor zone shutdown -id 1 || fail "zone shutdown (PCI zone)"
		else
			cat $W/out
			fail "0x0$ABI: zone start of a PCI zone"
		fi
		nothing_left "0x0$ABI: PCI zone"
	fi

	# hvisor.ko checks the magic itself: a config packed for the other one
	# is refused before the hypervisor sees it, with one line saying so.
	OTHER=$((11 - ABI))
	LINE="config_magic: the tool packed magic 0x0$OTHER, the hypervisor reads 0x0$ABI"
	n0=$(dmesg | grep -c "$LINE")
	out=$($PROBE start_magic $OTHER $RAM $RAMSZ 2>&1 | tail -n 1)
	log "config packed for 0x0$OTHER: $out; dmesg: $(dmesg | grep 'config_magic' | tail -n 1 | sed 's/^\[[ 0-9.]*\] //')"
	[ "$out" = "start_magic: EPROTO" ] || fail "0x0$ABI: a 0x0$OTHER config: $out, expected EPROTO"
	[ $(($(dmesg | grep -c "$LINE") - n0)) = 1 ] ||
		fail "0x0$ABI: no single dmesg line about the tool's magic"
	nothing_left "0x0$ABI: config of the other magic"
	# the ioctl of before config_magic means a 0x06 config
	out=$($PROBE start_v1 $RAM $RAMSZ 2>&1 | tail -n 1)
	log "old 32-byte ZONE_START: $out"
	if [ $ABI = 6 ]; then
		[ "$out" = "start_v1: OK" ] || fail "0x06: the old ZONE_START: $out"
		$PROBE zone_shutdown 1 >/dev/null
	else
		[ "$out" = "start_v1: EPROTO" ] || fail "0x05: the old ZONE_START (0x06): $out"
	fi
	nothing_left "0x0$ABI: old ZONE_START"
	rmmod hvisor_sim && rmmod hvisor
done
load

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

# A hypervisor of a magic no layout here has: the tool names it, and
# hvisor.ko refuses it too (EPROTONOSUPPORT, one dmesg line).
rmmod hvisor_sim && rmmod hvisor
load magic=7
expect_refused "$EXAMPLE" 'magic' "unknown magic"
grep -q '0x7' $W/out || fail "unknown magic: the tool does not name it"
LINE="zone config magic is 0x7; hvisor.ko knows 0x05 and 0x06"
n0=$(dmesg | grep -c "$LINE")
out=$($PROBE start_magic 6 $RAM $RAMSZ 2>&1 | tail -n 1)
log "unknown magic: hvisor.ko: $out"
[ "$out" = "start_magic: EPROTONOSUPPORT" ] || fail "unknown magic: hvisor.ko: $out"
[ $(($(dmesg | grep -c "$LINE") - n0)) = 1 ] ||
	fail "unknown magic: no single dmesg line from hvisor.ko"
nothing_left "unknown magic"

cleanup
if [ $FAILED = 0 ]; then
	log "PASS"
	exit 0
fi
dmesg | grep -E 'hvisor' | tail -30
exit 1
