#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# hvisor never wakes zone 0 on LoongArch (need_wakeup is compiled out
# there); hvisor_sim wakeup=0 plays that hvisor.  hvisor.ko must say that
# it polls, never arm need_wakeup (the sim counts every wake-up it would
# raise), and serve a disk all the same: 8 MiB written and read back.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
# vblk_attach, vblk_detach, vblk_cleanup, $W, $DEV, log, die
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
trap vblk_cleanup EXIT

BRIDGE=/sys/kernel/debug/hvisor_sim/bridge

# modules, debugfs, the guest's irq map and zone 1, the sim never waking
VBLK_SIM_ARGS=wakeup=0
vblk_start
dmesg | grep -q 'bridge: the hypervisor raises no wake-up irq: polling every' ||
	{ dmesg | tail -5; die "hvisor.ko did not switch to polling"; }
dd if=/dev/zero of=$W/disk.img bs=1M count=16 2>/dev/null
dd if=/dev/urandom of=$W/data bs=1M count=8 2>/dev/null

vblk_attach $W/disk.img
dd if=$W/data of="/dev/$DEV" bs=1M oflag=direct 2>/dev/null ||
	die "write to /dev/$DEV"
dd if="/dev/$DEV" bs=1M count=8 iflag=direct 2>/dev/null | cmp -s - $W/data ||
	die "/dev/$DEV reads back other data"
log "8 MiB written and read back through the polling consumer"

grep -qx 'need_wakeup: 0' $BRIDGE ||
	{ cat $BRIDGE; die "need_wakeup armed without a wake-up irq"; }
grep -qx 'wakeups: 0' $BRIDGE ||
	{ cat $BRIDGE; die "the consumer asked for wake-ups"; }
vblk_detach || die "detach"
log "PASS"
