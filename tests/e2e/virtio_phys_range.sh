#!/bin/sh
# arch: x86_64 arm64
# timeout: 200
#
# The host physical ranges root asks hvisor.ko to hand to a zone (issue
# 13, item 1; kernel/phys_range.c).  Attach regions over zone 0's own RAM,
# mixing RAM and the zone window, running past the window into a hole or
# into RAM, in a hole, over registers a zone 0 driver claimed, beyond the
# physical address width; a region outside the memory the zone
# was started with; ZONE_START with RAM or an io region over zone 0's RAM:
# each refused with its own errno and one dmesg line naming the range and
# the reason, and nothing mapped (no memremap/ioremap WARNING).  The zone
# window itself is accepted.  The mutating ioctls need CAP_SYS_ADMIN, the
# lists do not.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
PROBE=/usr/libexec/hvisor-tests/ioctl_probe
FAILED=0
log() { echo "virtio_phys_range: $*"; }
fail() { log "FAIL: $*"; FAILED=1; }
die() { log "FAIL: $*"; exit 1; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	$PROBE virtio_detach 1 >/dev/null 2>&1
	$PROBE zone_shutdown 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
}
trap cleanup EXIT

# The zone window (tests/README.md "Zone RAM"; the same in both modes) and
# ranges around it.  RAM: zone 0's System RAM; HOLE: nothing registered.
case ${HVTEST_ARCH:-$(uname -m)} in
x86_64)
	WIN=0x30200000 WIN_SIZE=0xfc00000
	RAM=0x10000000 HOLE=0x40000000
	CLAIMED=0xfee00000	# the local APIC's registers
	# RAM follows the window: running past its end mixes the two
	PAST_ERR=EBUSY
	;;
aarch64 | arm64)
	WIN=0x70000000 WIN_SIZE=0x10000000
	RAM=0x48000000 HOLE=0x80000000
	CLAIMED=0x09000000	# the PL011 UART zone 0's console uses
	# the window ends zone 0's 1 GiB: past it is a hole
	PAST_ERR=ENXIO
	;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac
[ -x $PROBE ] || die "no $PROBE"
WIN_END=$((WIN + WIN_SIZE))
hex() { printf '%#x' "$1"; }

modprobe hvisor || die "modprobe hvisor"
modprobe hvisor_sim || die "modprobe hvisor_sim"
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug
log "iomem around the window:"
grep -v '^ ' /proc/iomem | sed 's/^/  /'
DMESG0=$(dmesg | wc -l)
new_dmesg() { dmesg | tail -n +$((DMESG0 + 1)); }

# expect WANT PROBE ARGS...: the probe's errno, and for a refusal exactly
# one new "refused at" dmesg line naming the range's start
expect() {
	want=$1
	shift
	name=$1
	[ "$name" = -u ] && name=$2
	before=$(dmesg | wc -l)
	out=$($PROBE "$@" 2>&1 | tail -n 1)
	if [ "$out" != "$name: $want" ]; then
		fail "$*: expected $want, got '$out'"
		return
	fi
	# a refused capability says nothing in dmesg
	case $want in OK | EPERM) log "$* -> $want"; return ;; esac
	lines=$(dmesg | tail -n +$((before + 1)) | grep -c 'hvisor: .*refused\|hvisor: .*not inside\|hvisor: .*is memory of zone')
	[ "$lines" = 1 ] || fail "$*: $lines dmesg lines for the refusal (want 1)"
	log "$* -> $want: $(dmesg | tail -n +$((before + 1)) | grep 'hvisor: ' | tail -n 1 | sed 's/^\[[^]]*\] //')"
}

MB=0x100000
# --- virtio attach, zone 1 not started (its memory unknown) ---
expect EBUSY virtio_attach "$(hex $RAM)" $MB
expect EBUSY virtio_attach "$(hex $((WIN - MB)))" "$(hex $((2 * MB)))"
expect "$PAST_ERR" virtio_attach "$(hex $((WIN_END - MB)))" "$(hex $((2 * MB)))"
expect ENXIO virtio_attach "$(hex $HOLE)" $MB
expect EADDRINUSE virtio_attach $CLAIMED 0x1000
expect ERANGE virtio_attach 0x1000000000000 $MB
expect ERANGE virtio_attach 0xfffffffffff00000 $MB
# the window: accepted, listed, detached
expect OK virtio_attach "$(hex $WIN)" "$(hex $WIN_SIZE)"
[ "$($PROBE virtio_list | head -n 1)" = "1 devices" ] || fail "list after attach"

# --- capabilities: an unprivileged caller with the node open ---
expect EPERM -u virtio_detach 1
expect EPERM -u virtio_attach "$(hex $WIN)" "$(hex $WIN_SIZE)"
expect EPERM -u zone_shutdown 1
expect EPERM -u zone_start "$(hex $WIN)" 0x4000000
out=$($PROBE -u virtio_list | tail -n 1)
[ "$out" = "virtio_list: OK" ] || fail "unprivileged virtio_list: $out"
out=$($PROBE -u zone_list | tail -n 1)
[ "$out" = "zone_list: OK" ] || fail "unprivileged zone_list: $out"
expect OK virtio_detach 1

# --- a blk file opened with O_APPEND: refused at attach (issue 13, item 3) ---
IMG=/tmp/phys_range_blk.img
truncate -s 1M $IMG
expect EINVAL virtio_attach_blk "$(hex $WIN)" "$(hex $WIN_SIZE)" $IMG append
expect OK virtio_attach_blk "$(hex $WIN)" "$(hex $WIN_SIZE)" $IMG
expect OK virtio_detach 1
rm -f $IMG

# --- zone start: RAM and io regions ---
expect EBUSY zone_start "$(hex $RAM)" 0x4000000
expect EBUSY zone_start_io "$(hex $WIN)" 0x4000000 "$(hex $RAM)" 0x1000
expect ENXIO zone_start "$(hex $HOLE)" 0x4000000
expect EADDRINUSE zone_start_io "$(hex $WIN)" 0x4000000 $CLAIMED 0x1000
# zone 1 with the window's first 64 MiB: attach must stay inside it
expect OK zone_start "$(hex $WIN)" 0x4000000
expect EACCES virtio_attach "$(hex $((WIN + 0x8000000)))" $MB
expect OK virtio_attach "$(hex $WIN)" 0x4000000
expect OK virtio_detach 1
expect OK zone_shutdown 1

# nothing mapped a bad range: no warning from memremap/ioremap or else
if new_dmesg | grep -E 'WARNING:|BUG:|Oops|Unable to handle|memremap attempted'; then
	fail "kernel complained (above)"
fi
rmmod hvisor_sim || fail "rmmod hvisor_sim"
rmmod hvisor || fail "rmmod hvisor"
[ $FAILED = 0 ] && log "PASS"
exit $FAILED
