#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# hvisor asserts (and stops the machine) when one zone has an 8th distinct
# virtio irq pending; hvisor.ko refuses it up front, counting the devices
# already attached to the zone (common/virtio_limits.h).  Four consoles
# attached with the tool, then three disks through the ioctl directly
# make seven irqs; an 8th, by the ioctl or by the tool, is refused and
# leaves nothing behind.  An irq hvisor cannot inject on the arch is
# refused too.
#
# exit 0 pass, 77 skip, anything else fail.

set -u

# irqs hvisor can inject (GIC SPIs; virtual IOAPIC pins 1-23 on x86_64)
case ${HVTEST_ARCH:-$(uname -m)} in
x86_64)
	ARCH=x86_64 MEM="0x30200000 0x30200000 0xfc00000" BASE=0x7f00001000
	CON_IRQS="1 2 3 4" BLK_IRQS="5 7 8" EIGHTH=9 BAD_IRQ=24 ;;
aarch64 | arm64)
	ARCH=arm64 MEM="0x70000000 0x50000000 0x10000000" BASE=0x0b001000
	CON_IRQS="70 71 72 73" BLK_IRQS="74 75 76" EIGHTH=77 BAD_IRQ=31 ;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac
W=/tmp/hvisor-sim
ATTACH=/usr/libexec/hvisor-tests/virtio_attach
FAILED=0

log() { echo "virtio_irq_limit: $*"; }
fail() { log "FAIL: $*"; FAILED=1; }
die() { log "FAIL: $*"; exit 1; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	hvisor virtio detach --zone 1 >/dev/null 2>&1
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
	rm -f "$W"/irq-disk*.img "$W"/irqs-*.json
}
trap cleanup EXIT

[ -x /usr/bin/hvisor ] || { echo "SKIP: no /usr/bin/hvisor"; exit 77; }
[ -x $ATTACH ] || { echo "SKIP: no $ATTACH"; exit 77; }

# addr N: the Nth device window from BASE
addr() { printf '0x%x' $((BASE + $1 * 0x200)); }

# devices attached to zone 1, as "hvisor virtio list" shows them
count() { hvisor virtio list 2>/dev/null | grep -c '^1 '; }

# consoles_cfg FILE FIRST-INDEX IRQ...: one console per irq
consoles_cfg() {
	f=$1 i=$2
	shift 2
	{
		printf '{ "zones": [ { "id": 1, "memory_region": [ { "zone0_ipa": "%s", "zonex_ipa": "%s", "size": "%s" } ], "devices": [' \
			$MEM
		sep=
		for irq in "$@"; do
			printf '%s { "type": "console", "addr": "%s", "len": "0x200", "irq": %s }' \
				"$sep" "$(addr "$i")" "$irq"
			sep=,
			i=$((i + 1))
		done
		printf ' ] } ] }\n'
	} >"$f"
}

mkdir -p $W
dd if=/dev/urandom of=$W/kernel.bin bs=1M count=3 2>/dev/null
dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=8 2>/dev/null
for m in virtio_console hvisor hvisor_sim; do
	modprobe $m || die "modprobe $m"
done
hvisor zone start "/usr/share/hvisor/examples/sim/zone1-$ARCH.json" >/dev/null ||
	die "zone start"

# shellcheck disable=SC2086  # lists of irqs
consoles_cfg $W/irqs-a.json 0 $CON_IRQS
hvisor virtio attach $W/irqs-a.json >/dev/null || die "attach of 4 consoles"
i=4
for irq in $BLK_IRQS; do
	dd if=/dev/zero of=$W/irq-disk$i.img bs=64k count=1 2>/dev/null
	# shellcheck disable=SC2086  # MEM is three words
	$ATTACH 1 $MEM "$(addr $i)" "$irq" $W/irq-disk$i.img ||
		die "disk $i with irq $irq (irq $((i + 1)) of 7) refused"
	i=$((i + 1))
done
[ "$(count)" = 7 ] || die "expected 7 devices attached, virtio list shows $(count)"
log "7 devices with 7 distinct irqs attached"

# the 8th distinct irq, straight to the kernel: ENOSPC and one dmesg line
dd if=/dev/zero of=$W/irq-disk7.img bs=64k count=1 2>/dev/null
dmesg -c >/dev/null
# shellcheck disable=SC2086
if out=$($ATTACH 1 $MEM "$(addr 7)" $EIGHTH $W/irq-disk7.img 2>&1); then
	fail "an 8th distinct irq was attached"
fi
echo "$out" | grep -q 'No space left on device' ||
	fail "8th irq: expected ENOSPC, got: $out"
msg=$(dmesg | grep -c "irq $EIGHTH would be distinct virtio irq 8 of zone 1: hvisor takes at most 7")
[ "$msg" = 1 ] || { dmesg | tail -5; fail "8th irq: expected one dmesg line, found $msg"; }
[ -e "/sys/class/hvisor/zone1/blk@$(addr 7 | sed 's/^0x//')" ] &&
	fail "the refused disk has a sysfs directory"

# an irq already used is no new one
# shellcheck disable=SC2086
$ATTACH 1 $MEM "$(addr 7)" "${BLK_IRQS%% *}" $W/irq-disk7.img ||
	fail "a disk sharing an attached irq was refused"
[ "$(count)" = 8 ] || fail "expected 8 devices, virtio list shows $(count)"

# the tool says it before it asks, naming the file and the device
# shellcheck disable=SC2086
consoles_cfg $W/irqs-b.json 8 ${BLK_IRQS%% *} $EIGHTH
if out=$(hvisor virtio attach $W/irqs-b.json 2>&1); then
	fail "the tool attached an 8th distinct irq"
fi
echo "$out" | grep -qF "$W/irqs-b.json: zones[0].devices[1].irq: $EIGHTH would be distinct virtio interrupt 8 of zone 1" ||
	fail "tool message: $out"
[ "$(count)" = 8 ] || fail "after the refused attach: $(count) devices, expected 8"

# an irq hvisor cannot inject here
dmesg -c >/dev/null
# shellcheck disable=SC2086
$ATTACH 1 $MEM "$(addr 9)" $BAD_IRQ $W/irq-disk7.img 2>/dev/null &&
	fail "irq $BAD_IRQ was attached on $ARCH"
dmesg | grep -q "irq $BAD_IRQ is out of range on" ||
	fail "irq $BAD_IRQ: no dmesg line"
[ "$(count)" = 8 ] || fail "after the bad irq: $(count) devices, expected 8"

# detaching frees the slots: the 8th distinct irq fits once one is gone
hvisor virtio detach --zone 1 --addr "$(addr 0)" >/dev/null ||
	fail "detach of the console with irq ${CON_IRQS%% *}"
# shellcheck disable=SC2086
$ATTACH 1 $MEM "$(addr 10)" $EIGHTH $W/irq-disk7.img ro ||
	fail "irq $EIGHTH refused after a slot was freed"
[ "$(count)" = 8 ] || fail "expected 8 devices at the end, virtio list shows $(count)"

[ $FAILED = 0 ] || exit 1
log "PASS"
