// SPDX-License-Identifier: GPL-2.0
/*
 * Zone 0's wake-up irq, delivered the way hvisor delivers it on a board.
 * References are hvisor 6a3fb78 (hv:).
 *
 * 1. The event.  When a trapping vCPU finds need_wakeup == 1 it sends
 *    event IPI_EVENT_WAKEUP_VIRTIO_DEVICE to get_target_cpu(
 *    IRQ_WAKEUP_VIRTIO_DEVICE, 0), zone 0's first cpu
 *    (hv:src/device/virtio_trampoline.rs:143-154, hv:src/arch/aarch64/
 *    cpu.rs:273-280; x86: the IOAPIC route of irq 6).  That cpu's EL2
 *    takes the SGI and injects the irq into its own virtual interface
 *    with inject_irq(IRQ_WAKEUP_VIRTIO_DEVICE, false)
 *    (hv:src/event.rs:102-105): a purely virtual interrupt, which zone
 *    0's Linux takes like any other, in hard irq context.  The trapping
 *    vCPU is another physical cpu, never one of zone 0's.
 *
 *    Here every cpu of the VM is zone 0's, and the trapping vCPU is a
 *    task on one of them.  The event goes to the first online cpu, or
 *    to the next online one when the trapping task runs there (a vCPU
 *    never shares a cpu with zone 0 on a board), by IPI
 *    (smp_call_function_single_async()), whose callback runs the wake-up
 *    line's Linux handler in hard irq context with irqs off.  With one
 *    cpu online it is an irq_work on this cpu: taken as an interrupt when
 *    the trapping context next has irqs on, never as a nested call.
 *
 * 2. What the injection drops.  The wake-up line has one state, as its
 *    list register on zone 0's first cpu has: idle, pending (event sent,
 *    handler not started: the IAR read) or active (handler running,
 *    until its EOI, which Linux writes after the handler returns).
 *    - GIC (arm64, or irqchip=gic): inject_irq returns without writing
 *      when the vINTID is in a list register as pending or active
 *      (hv:src/device/irqchip/gicv3/mod.rs:288-301; gicv2/gic.rs:111-122).
 *      A wake-up while pending or active is dropped.  One while active
 *      is lost: the handler may have read the ring already.  The
 *      consumer must look at the ring again after its handler (or
 *      poll); hvisor never sends that wake-up again.
 *    - repend (x86_64 and riscv64, or irqchip=repend): x86 hvisor queues
 *      a vector not already queued (allow_repeat = false,
 *      hv:src/device/irqchip/pic/mod.rs:54-62,128-130) and injects the
 *      next one only after the EOI of the last (has_eoi, :64-89); the
 *      vPLIC likewise (hv:src/device/irqchip/plic/vplic.rs:96,292-311).
 *      A wake-up while pending is merged (counted as dropped); one while
 *      active is delivered again after the handler returns.
 *    Pending and active are decided when the event is sent, not when
 *    the target cpu handles it as on a board: the sim's IPI is the
 *    board's IPI plus its EL2 handler.
 *
 * Ordering: the request is in the ring (req_rear stored) before the
 * state is read (smp_mb(), as the board's IPI orders it), and the
 * handler's pending -> active switch is a full barrier before it reads
 * the ring: a wake-up dropped while pending is always seen by the
 * handler that is about to start.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/smp.h>

#include "sim.h"

#define SIM_WAKE_PENDING	BIT(0)
#define SIM_WAKE_ACTIVE		BIT(1)
#define SIM_WAKE_HOLD_MAX_US	10000

static unsigned int wakeup_active_us;
module_param(wakeup_active_us, uint, 0644);
MODULE_PARM_DESC(wakeup_active_us,
		 "keep the wake-up irq active this long after its handler returns, as a slower handler would (us, 0..10000; fault injection for tests)");

/* Wake-up handler runs per cpu: where the event was delivered. */
static DEFINE_PER_CPU(u64, sim_wakeup_on_cpu);

static struct {
	/* The line's list register state, SIM_WAKE_*: idle is 0. */
	atomic_t state;
	/* The event to another cpu (IPI); free again once it runs there. */
	call_single_data_t csd;
	/*
	 * The event as an interrupt of this cpu: with one cpu online, again
	 * after the handler (repend), or from an IPI taken outside hard irq.
	 */
	struct irq_work work;
	/* cpu of the vCPU whose wake-up is pending; written before queueing */
	int trap_cpu;
	atomic64_t dropped;		/* not injected: pending or (GIC) active */
	atomic64_t dropped_active;	/* of those, while active: lost */
	atomic64_t repended;		/* while active: injected after it */
	atomic64_t delivered;		/* handler runs */
	atomic64_t local;		/* on the trapping cpu (one cpu online) */
	atomic64_t not_hardirq;		/* not in hard irq context, irqs off */
	/*
	 * Where a round trip's time goes, from the event sent (sent_ns, set
	 * before the IPI): to the IPI's callback on the target cpu, to the
	 * handler's start (after the irq_work when the callback ran in the
	 * idle task), and the handler's own run (hvisor.ko answers there).
	 */
	u64 sent_ns;
	struct sim_latency to_ipi, to_irq, run;
} sim_wake;

/*
 * Zone 0's first cpu, or the next when the trapping vCPU runs there; this
 * cpu when it is the only one online.  Preemption disabled: no cpu goes
 * offline before the work is queued.
 */
static int sim_wakeup_target(int self)
{
	int cpu = cpumask_first(cpu_online_mask);

	if (cpu == self)
		cpu = cpumask_next(self, cpu_online_mask);
	return cpu < nr_cpu_ids ? cpu : self;
}

static void sim_wakeup_queue(void)
{
	int self, cpu;

	preempt_disable();
	self = smp_processor_id();
	cpu = sim_wakeup_target(self);
	WRITE_ONCE(sim_wake.trap_cpu, self);
	WRITE_ONCE(sim_wake.sent_ns, ktime_get_ns());
	/* the csd is free: it was taken only while pending, and is not */
	if (cpu == self ||
	    WARN_ON_ONCE(smp_call_function_single_async(cpu, &sim_wake.csd)))
		irq_work_queue(&sim_wake.work);
	preempt_enable();
}

/*
 * hvisor sends the wake-up event: the trapping vCPU's request is in the
 * ring.  Any context; never waits.
 */
void sim_wakeup_send(void)
{
	bool gic = sim_vgic_is_gic();
	int old, new;

	atomic64_inc(&sim.wakeups);
	/* the request before the state: pairs with the handler's xchg */
	smp_mb();
	old = atomic_read(&sim_wake.state);
	do {
		if (old & SIM_WAKE_PENDING ||
		    (gic && (old & SIM_WAKE_ACTIVE))) {
			atomic64_inc(&sim_wake.dropped);
			if (old & SIM_WAKE_ACTIVE && !(old & SIM_WAKE_PENDING))
				atomic64_inc(&sim_wake.dropped_active);
			return;
		}
		new = old | SIM_WAKE_PENDING;
	} while (!atomic_try_cmpxchg(&sim_wake.state, &old, new));

	if (new & SIM_WAKE_ACTIVE) {
		/* repend: the handler's end delivers it again */
		WRITE_ONCE(sim_wake.trap_cpu, raw_smp_processor_id());
		WRITE_ONCE(sim_wake.sent_ns, ktime_get_ns());
		atomic64_inc(&sim_wake.repended);
		return;
	}
	sim_wakeup_queue();
}

/* The target cpu takes the interrupt: hard irq context, irqs off. */
static void sim_wakeup_handle(void)
{
	unsigned int hold = min(READ_ONCE(wakeup_active_us),
				SIM_WAKE_HOLD_MAX_US);
	/* before the switch to active: a repend then stores a later one */
	u64 sent = READ_ONCE(sim_wake.sent_ns);
	u64 start = ktime_get_ns();
	int old, new;

	/* the IAR read: pending -> active, a full barrier before the ring */
	atomic_xchg(&sim_wake.state, SIM_WAKE_ACTIVE);
	sim_hist_record(&sim_wake.to_irq, start - sent);
	atomic64_inc(&sim_wake.delivered);
	this_cpu_inc(sim_wakeup_on_cpu);
	if (smp_processor_id() == READ_ONCE(sim_wake.trap_cpu))
		atomic64_inc(&sim_wake.local);
	if (!in_hardirq() || !irqs_disabled())
		atomic64_inc(&sim_wake.not_hardirq);

	generic_handle_irq(sim.wakeup_virq);
	sim_hist_record(&sim_wake.run, ktime_get_ns() - start);
	if (hold)
		udelay(hold);

	/* the EOI: idle, or (repend) pending again and delivered here */
	old = atomic_read(&sim_wake.state);
	do {
		new = old & SIM_WAKE_PENDING;
	} while (!atomic_try_cmpxchg(&sim_wake.state, &old, new));
	if (new)
		irq_work_queue(&sim_wake.work);
}

/*
 * The IPI on the target cpu.  A cpu that polls in its idle loop
 * (TIF_POLLING_NRFLAG, e.g. idle=poll) is not interrupted: its idle task
 * runs this callback, irqs off but in task context.  A board's cpu takes
 * a real interrupt, so do as Linux would then: raise one here.
 */
static void sim_wakeup_ipi(void *info)
{
	sim_hist_record(&sim_wake.to_ipi,
			ktime_get_ns() - READ_ONCE(sim_wake.sent_ns));
	if (in_hardirq())
		sim_wakeup_handle();
	else
		irq_work_queue(&sim_wake.work);
}

static void sim_wakeup_work(struct irq_work *work)
{
	sim_wakeup_handle();
}

void sim_wakeup_init(void)
{
	atomic_set(&sim_wake.state, 0);
	INIT_CSD(&sim_wake.csd, sim_wakeup_ipi, NULL);
	sim_wake.work = IRQ_WORK_INIT_HARD(sim_wakeup_work);
}

/*
 * After the last sim_wakeup_send(): no handler runs past this.  A
 * pending or active line becomes idle when its handler ends; the IPI
 * callback runs with irqs off, an RCU read-side section, so after
 * synchronize_rcu() it has returned too.
 */
void sim_wakeup_exit(void)
{
	while (atomic_read(&sim_wake.state))
		usleep_range(100, 1000);
	synchronize_rcu();
	irq_work_sync(&sim_wake.work);
}

void sim_wakeup_stats_show(struct seq_file *m)
{
	unsigned int cpu;

	seq_printf(m, "wakeups_dropped: %lld\n",
		   atomic64_read(&sim_wake.dropped));
	seq_printf(m, "wakeups_dropped_active: %lld\n",
		   atomic64_read(&sim_wake.dropped_active));
	seq_printf(m, "wakeups_repended: %lld\n",
		   atomic64_read(&sim_wake.repended));
	seq_printf(m, "wakeups_delivered: %lld\n",
		   atomic64_read(&sim_wake.delivered));
	seq_printf(m, "wakeups_local: %lld\n", atomic64_read(&sim_wake.local));
	seq_printf(m, "wakeups_not_hardirq: %lld\n",
		   atomic64_read(&sim_wake.not_hardirq));
	for_each_possible_cpu(cpu)
		seq_printf(m, "wakeup_cpu%u: %llu\n", cpu,
			   READ_ONCE(per_cpu(sim_wakeup_on_cpu, cpu)));
	sim_hist_show(m, "wakeup_to_ipi_", &sim_wake.to_ipi, false);
	sim_hist_show(m, "wakeup_to_irq_", &sim_wake.to_irq, false);
	sim_hist_show(m, "wakeup_run_", &sim_wake.run, false);
}

void sim_wakeup_latency_reset(void)
{
	sim_hist_reset(&sim_wake.to_ipi);
	sim_hist_reset(&sim_wake.to_irq);
	sim_hist_reset(&sim_wake.run);
}
