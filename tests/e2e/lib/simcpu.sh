# SPDX-License-Identifier: GPL-2.0
# Sourced, not run.  Give the simulator's "guest" a CPU of its own.
#
# Under hvisor a zone's vCPUs are physical CPUs of their own: a zone driver
# that spins with interrupts off waiting for its device (virtio_console's
# __send_to_port does) stalls only its zone.  In the sim the "guest" drivers
# run on zone 0's CPUs, so if two guest contexts spin on both CPUs, nothing
# is left to run hvisor.ko and the VM freezes.  sim_pin_cpus puts the
# guest's side (khvcd, the sim's virtio irq threads, commands run with
# `guest`) on the last CPU and zone 0's side (the caller, unbound
# workqueues, the bridge consumer, the console's worker) on CPU 0, as on
# hvisor.  sim_unpin_cpus
# undoes what can be undone (the workqueue mask).

SIM_WQMASK=/sys/devices/virtual/workqueue/cpumask
SIM_WQMASK0=$(cat $SIM_WQMASK 2>/dev/null)
SIM_GCPU=$(($(nproc) - 1))
SIM_GMASK=$(printf '%x' $((1 << SIM_GCPU)))

sim_pin_cpus() {
	taskset -p 1 $$ >/dev/null
	[ -n "$SIM_WQMASK0" ] && echo 1 >$SIM_WQMASK
	for d in /proc/[0-9]*; do
		c=$(cat "$d/comm" 2>/dev/null) || continue
		case $c in
		khvcd | irq/*-virtio*) taskset -p "$SIM_GMASK" "${d#/proc/}" >/dev/null 2>&1 ;;
		# the console's worker (worker.c) must take guest output
		# while the guest's CPU spins waiting for it
		hvisor-con/*) taskset -p 1 "${d#/proc/}" >/dev/null 2>&1 ;;
		esac
	done
}

sim_unpin_cpus() {
	[ -n "$SIM_WQMASK0" ] && echo "$SIM_WQMASK0" >$SIM_WQMASK 2>/dev/null
	return 0
}

# guest CMD...: run on the guest's CPU; zone0 CMD...: on zone 0's.
guest() { taskset "$SIM_GMASK" "$@"; }
zone0() { taskset 1 "$@"; }
