# SPDX-License-Identifier: GPL-2.0
# Shared by the e2e scripts (sourced, not run): the sim guest's interrupt
# description and hvisor_sim's delivery counters (tests/sim/sim_vgic.c).
#
#   simirq_map ZONE ADDR IRQ   the guest device at ADDR has IRQ (what a
#                              zone's device tree says); before the sim
#                              probes the device (ZONE_START or rescan)
#   simirq_stat NAME [ZONE]    one counter of irq_stats (zone<ZONE>/)
#   simirq_report              one line: delivered, dropped, merged; wake-ups
#                              sent, dropped, lost; returns 1 if an injection had no
#                              owner or a pending list overflowed

SIMIRQ_D=/sys/kernel/debug/hvisor_sim

simirq_map() {
	echo "$1 $2 $3" >$SIMIRQ_D/virtio_irqs
}

simirq_stat() {
	f=$SIMIRQ_D/irq_stats
	[ -n "${2:-}" ] && f=$SIMIRQ_D/zone$2/irq_stats
	sed -n "s/^$1: //p" "$f"
}

simirq_report() {
	echo "sim irqs ($(simirq_stat model)): $(simirq_stat requests) requested, $(simirq_stat delivered) delivered, $(simirq_stat dropped) dropped, $(simirq_stat merged) merged; wake-ups $(simirq_stat wakeups), dropped $(simirq_stat wakeups_dropped), lost $(simirq_stat wakeups_lost)"
	[ "$(simirq_stat unowned)" = 0 ] ||
		{ echo "FAIL: $(simirq_stat unowned) injections for an irq no guest device has"; return 1; }
	[ "$(simirq_stat overflow)" = 0 ] ||
		{ echo "FAIL: $(simirq_stat overflow) times 8 distinct irqs pending for one cpu (hvisor asserts)"; return 1; }
	return 0
}
