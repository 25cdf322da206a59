#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64 arm64
# timeout: 120
#
# hvisor.ko without any hypervisor (no hvisor, no simulator): it loads,
# creates /dev/hvisor and /sys/class/hvisor, refuses every zone ioctl with
# ENODEV and says why once in dmesg, rejects malformed ioctls, and unloads
# cleanly.  Runs as root inside the test VM.  Exit 0 pass, 77 skip, else
# fail.

KO=${HVISOR_KO:-/lib/modules/$(uname -r)/extra/hvisor.ko}
PROBE=${IOCTL_PROBE:-/usr/libexec/hvisor-tests/ioctl_probe}

fails=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -f "$KO" ] || { echo "SKIP: no $KO"; exit 77; }
[ -x "$PROBE" ] || { echo "SKIP: no $PROBE"; exit 77; }
if grep -q '^hvisor ' /proc/modules; then
	echo "SKIP: hvisor.ko is already loaded"
	exit 77
fi
if grep -q '^hvisor_sim ' /proc/modules; then
	echo "SKIP: the simulator is loaded"
	exit 77
fi

dmesg -c >/dev/null 2>&1

if insmod "$KO"; then pass "insmod hvisor.ko"; else fail "insmod hvisor.ko"; exit 1; fi

# devtmpfs creates the node; give udev-less systems a moment
i=0
while [ ! -c /dev/hvisor ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
if [ -c /dev/hvisor ]; then pass "/dev/hvisor is a char device"; else fail "/dev/hvisor missing"; fi
if [ -d /sys/class/hvisor ]; then pass "/sys/class/hvisor exists"; else fail "/sys/class/hvisor missing"; fi
if [ -z "$(ls /sys/class/hvisor)" ]; then pass "no zone objects without a hypervisor"; else fail "unexpected zone objects: $(ls /sys/class/hvisor)"; fi

# probe EXPECTED: run one ioctl, compare its "<probe>: <result>" line
expect() {
	out=$("$PROBE" "$1" 2>&1 | tail -n 1)
	if [ "$out" = "$1: $2" ]; then pass "$1 -> $2"; else fail "$1: expected $2, got '$out'"; fi
}

expect get_info ENODEV
expect zone_start ENODEV
expect zone_shutdown ENODEV
expect zone_list ENODEV
expect unknown ENOTTY
expect short_size EINVAL
expect start_flags EINVAL
expect big_tail E2BIG
# a newer tool's grown struct (another ioctl number) reaches the handler
expect grown_info ENODEV
expect grown_info_tail E2BIG

n=$(dmesg | grep -c 'hvisor: no hypervisor: ')
if [ "$n" -eq 1 ]; then
	pass "dmesg says once why: $(dmesg | grep 'hvisor: no hypervisor: ' | sed 's/^\[[ 0-9.]*\] //')"
else
	fail "expected exactly one 'hvisor: no hypervisor:' line in dmesg, found $n"
fi

if rmmod hvisor; then pass "rmmod hvisor"; else fail "rmmod hvisor"; fi
if [ ! -e /dev/hvisor ] && [ ! -e /sys/class/hvisor ]; then
	pass "/dev/hvisor and /sys/class/hvisor gone"
else
	fail "/dev/hvisor or /sys/class/hvisor still there after rmmod"
fi

# a second load/unload cycle must work too
if insmod "$KO" && rmmod hvisor; then pass "second insmod/rmmod"; else fail "second insmod/rmmod"; fi

if dmesg | grep -E 'BUG|WARNING|Oops|general protection|invalid opcode|Call Trace'; then
	fail "kernel complained (above)"
else
	pass "no BUG/WARNING/Oops in dmesg"
fi

echo "module_basic: $fails failure(s)"
[ $fails -eq 0 ]
