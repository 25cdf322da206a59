#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64 arm64
# timeout: 120
#
# Versions say what they are, against the real module: hvisor.ko's
# MODULE_VERSION (/sys/module/hvisor/version, modinfo) is the tool's
# version (both come from VERSION), and `hvisor version` reports the
# module, its UAPI and the hypervisor's zone config magic: none without a
# hypervisor, 0x05 and 0x06 with the simulator playing each; without the
# module it says so.  Always exit 0 for `hvisor version`.
# exit 0 pass, 77 skip, anything else fail.
set -u
PROBE=${IOCTL_PROBE:-/usr/libexec/hvisor-tests/ioctl_probe}
FAILED=0
log() { echo "tool_version: $*"; }
pass() { log "PASS: $*"; }
fail() { log "FAIL: $*"; FAILED=1; }

[ -x /usr/bin/hvisor ] || { log "SKIP: no /usr/bin/hvisor"; exit 77; }
if grep -qE '^hvisor(_sim)? ' /proc/modules; then
	log "SKIP: hvisor.ko or the simulator is already loaded"
	exit 77
fi
cleanup() {
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
}
trap cleanup EXIT

TOOLVER=$(hvisor version | sed -n 's/^tool: *hvisor //p')
[ -n "$TOOLVER" ] || { fail "hvisor version prints no tool version"; exit 1; }

# version OUT-FILE: run it, exit status must be 0
version() {
	hvisor version >"$1" 2>&1
	rc=$?
	[ $rc -eq 0 ] || fail "hvisor version exited $rc: $(cat "$1")"
}

version /tmp/tv.0
if grep -qx "module:      not loaded (no /sys/module/hvisor/version)" /tmp/tv.0; then
	pass "no module: says so"
else
	fail "no module: $(cat /tmp/tv.0)"
fi

modprobe hvisor || { fail "modprobe hvisor"; exit 1; }
MODVER=$(cat /sys/module/hvisor/version 2>/dev/null)
if [ "$MODVER" = "$TOOLVER" ] &&
   [ "$(modinfo -F version hvisor 2>/dev/null)" = "$TOOLVER" ]; then
	pass "MODULE_VERSION $MODVER is the tool's version"
else
	fail "module version '$MODVER' (modinfo '$(modinfo -F version hvisor 2>&1)'), tool $TOOLVER"
fi
version /tmp/tv.1
if grep -qx "module:      hvisor.ko $TOOLVER" /tmp/tv.1 &&
   grep -qx "hypervisor:  unknown (/dev/hvisor: HVISOR_GET_INFO: no hypervisor: this Linux is not zone 0 of hvisor)" /tmp/tv.1; then
	pass "module without a hypervisor: module named, hypervisor unknown"
else
	fail "module without a hypervisor: $(cat /tmp/tv.1)"
fi

for abi in 5 6; do
	case $abi in
	5) name="hvisor v0.4" ;;
	6) name="hvisor after v0.4" ;;
	esac
	modprobe hvisor_sim config_abi=$abi || { fail "modprobe hvisor_sim config_abi=$abi"; break; }
	version /tmp/tv.$abi
	if grep -qx "module uapi: 1" /tmp/tv.$abi &&
	   grep -qx "hypervisor:  hvisor-sim, zone config magic 0x0$abi ($name)" /tmp/tv.$abi; then
		pass "sim config_abi=$abi: UAPI 1, magic 0x0$abi"
	else
		fail "sim config_abi=$abi: $(cat /tmp/tv.$abi)"
	fi
	# ABI growth: a newer tool's bigger GET_INFO (another ioctl number)
	# gets the common part; a tail this module does not know is refused
	if [ $abi = 6 ] && [ -x "$PROBE" ]; then
		out=$("$PROBE" grown_info | tail -n 2 | tr '\n' ' ')
		if [ "$out" = "abi 1 magic 0x6 backend \"hvisor-sim\" grown_info: OK " ]; then
			pass "a newer tool's grown GET_INFO: the common part answered"
		else
			fail "a newer tool's grown GET_INFO: got '$out'"
		fi
		out=$("$PROBE" grown_info_tail | tail -n 1)
		[ "$out" = "grown_info_tail: E2BIG" ] && pass "an unknown non-zero tail: E2BIG" ||
			fail "an unknown non-zero tail: got '$out'"
	fi
	rmmod hvisor_sim || fail "rmmod hvisor_sim"
done
rmmod hvisor || fail "rmmod hvisor"
rm -f /tmp/tv.*
[ $FAILED -eq 0 ]
