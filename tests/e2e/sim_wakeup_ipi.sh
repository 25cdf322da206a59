#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64 arm64
# timeout: 300
#
# hvisor_sim delivers zone 0's wake-up irq as hvisor does on a board
# (tests/sim/sim_wakeup.c): by IPI to a zone-0 CPU other than the
# trapping vCPU's, where the handler runs in hard irq context, and with
# the injection rule of hvisor's interrupt controller: a wake-up while the
# line is pending is dropped; one while its handler runs is dropped on a
# GIC and delivered again after the handler with repend (x86 LAPIC, vPLIC).
# For each rule (irqchip=gic, irqchip=repend), with this script as the
# zone's driver reading the blk device's MagicValue through the trap path
# (debugfs zone1/mmio) from one pinned CPU, and hvisor.ko's consumer
# (its wake-up irq handler, need_wakeup always armed):
#   - every wake-up from CPU C runs its handler on the other CPU, in hard
#     irq context, never on C;
#   - with the handler held active 5 ms (wakeup_active_us), the wake-ups
#     meanwhile are dropped and counted (gic) or delivered after (repend);
#   - with one CPU online (CPU 1 offlined, if it can be), the wake-up runs
#     on the trapping CPU, after the trapping context, in hard irq context;
#   - every read is answered with the magic and the sim counts no timeout;
#     sent wake-ups = delivered + dropped.
#
# exit 0 pass, 77 skip, anything else fail.

set -u
# vblk_start, vblk_cfg, log, die, $W, $VBLK_*, simirq_stat
. /usr/share/hvisor/tests/e2e/lib/vblk.sh
# $VMMIO, vmmio_cleanup
. /usr/share/hvisor/tests/e2e/lib/vmmio.sh
FAILED=0
fail() { log "FAIL: $*"; FAILED=1; }

CPU1=/sys/devices/system/cpu/cpu1/online
HVP=/sys/module/hvisor/parameters
SIMP=/sys/module/hvisor_sim/parameters
MAGIC=0x74726976
ADDR=$(printf '%#x' $((VBLK_ADDR)))

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	[ -w "$CPU1" ] && echo 1 >"$CPU1" 2>/dev/null
	vmmio_cleanup
}
trap cleanup EXIT

[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }

# reads CPU N: N reads of MagicValue from CPU, then check the last value
reads() {
	taskset -c "$1" sh -c "i=0; while [ \$i -lt $2 ]; do
		echo 'r $ADDR' >$VMMIO || exit 1; i=\$((i + 1)); done" ||
		fail "register read from cpu $1"
	v=$(cat "$VMMIO")
	[ $((v)) = $((MAGIC)) ] || fail "MagicValue read $v from cpu $1"
}

st() { simirq_stat "$1"; }

# model RULE: one load of the sim with irqchip=RULE, all checks
model() {
	# shellcheck disable=SC2034  # read by vblk_start
	VBLK_SIM_ARGS=irqchip=$1
	vblk_start
	[ "$(st model)" = "$1" ] || fail "model $(st model), want $1"
	# the zone's first probe is done, nothing bound: only our reads trap
	echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan
	truncate -s 1M "$W/disk.img"
	vblk_cfg "$W/disk.img"
	hvisor virtio attach "$VBLK_CFG" >/dev/null || die "virtio attach"
	# a safety poll that finds dropped wake-ups soon
	echo 10 >$HVP/safety_poll_ms

	# delivery on the other CPU
	for c in 0 1; do
		o=$((1 - c))
		c0=$(st wakeup_cpu$c) o0=$(st wakeup_cpu$o) w0=$(st wakeups)
		reads $c 40
		dc=$(($(st wakeup_cpu$c) - c0)) do=$(($(st wakeup_cpu$o) - o0))
		dw=$(($(st wakeups) - w0))
		log "$1: 40 reads from cpu $c: $dw wake-ups, handled $do on cpu $o, $dc on cpu $c"
		[ "$dw" -gt 0 ] || fail "$1: no wake-up from 40 reads (cpu $c)"
		[ "$do" -gt 0 ] || fail "$1: no wake-up handled on cpu $o"
		[ "$dc" = 0 ] || fail "$1: $dc wake-ups handled on the trapping cpu $c"
	done
	[ "$(st wakeups_local)" = 0 ] ||
		fail "$1: $(st wakeups_local) wake-ups on the trapping cpu"

	# the handler held active: what comes meanwhile
	a0=$(st wakeups_dropped_active) r0=$(st wakeups_repended)
	echo 5000 >$SIMP/wakeup_active_us
	reads 0 40
	echo 0 >$SIMP/wakeup_active_us
	da=$(($(st wakeups_dropped_active) - a0)) dr=$(($(st wakeups_repended) - r0))
	log "$1: handler held 5 ms: $da wake-ups dropped while active, $dr delivered after it"
	if [ "$1" = gic ]; then
		[ "$da" -gt 0 ] || fail "gic: no wake-up dropped while active"
		[ "$dr" = 0 ] || fail "gic: $dr wake-ups delivered again"
	else
		[ "$dr" -gt 0 ] || fail "repend: no wake-up delivered after the handler"
		[ "$da" = 0 ] || fail "repend: $da wake-ups dropped while active"
	fi

	# one CPU online: after the trapping context, on its CPU
	if [ "$1" = gic ] && [ -w $CPU1 ] && echo 0 >$CPU1 2>/dev/null; then
		l0=$(st wakeups_local) w0=$(st wakeups)
		reads 0 20
		echo 1 >$CPU1 || fail "cpu 1 back online"
		dl=$(($(st wakeups_local) - l0)) dw=$(($(st wakeups) - w0))
		log "$1: one cpu online: $dw wake-ups, $dl handled on the trapping cpu"
		[ "$dl" -gt 0 ] || fail "one cpu: no wake-up handled"
	elif [ "$1" = gic ]; then
		log "cpu 1 cannot go offline: one-cpu delivery not tested"
	fi

	[ "$(st wakeups_not_hardirq)" = 0 ] ||
		fail "$1: $(st wakeups_not_hardirq) handlers outside hard irq context"
	t=$(sed -n 's/^timeouts: //p' /sys/kernel/debug/hvisor_sim/bridge)
	[ "$t" = 0 ] || fail "$1: $t accesses unanswered"
	sleep 0.1	# the last handler returns
	w=$(st wakeups) dl=$(st wakeups_delivered) dr=$(st wakeups_dropped)
	log "$1: $w wake-ups: $dl delivered, $dr dropped"
	[ "$w" = $((dl + dr)) ] || fail "$1: $w wake-ups != $dl delivered + $dr dropped"
	simirq_report >/dev/null || fail "$1: $(simirq_report)"
	vmmio_cleanup
}

model gic
model repend
exit $FAILED
