// SPDX-License-Identifier: GPL-2.0
/*
 * The trap path of a sim guest vCPU: what hvisor does when a guest touches
 * a virtio region (mmio_virtio_handler), done in software.
 *
 *   old = cfg_flags[cpu]                    (READ_ONCE + smp_rmb)
 *   push device_req under req_lock         (slot stores, release req_rear)
 *   if need_wakeup == 1: send zone 0's wake-up event, once
 *   unless posted: wait for cfg_flags[cpu] != old, smp_rmb, cfg_values[cpu]
 *
 * Like hvisor, there is no StoreLoad barrier between the req_rear store
 * and the need_wakeup load (mmio_virtio_handler,
 * hv:src/device/virtio_trampoline.rs:65-140; upstream-hvisor.md 2.3,
 * 2.6), and the sim takes the freedom that gives the hardware: it loads
 * need_wakeup before its req_rear store is seen, so zone 0 can arm
 * need_wakeup, find the ring empty and sleep while the request is on its
 * way, with no wake-up (counted in wakeups_lost).  stale_wakeup_every
 * forces that outcome for tests of the consumer's recovery.  The wake-up
 * is checked once per access (the re-check in hvisor's wait loop is
 * commented out), and never on LoongArch, where
 * hvisor compiles it out (virtio_trampoline.rs:23-28,106-110).  The
 * event reaches another cpu than this one by IPI, where one is online,
 * and may be dropped there as hvisor's injection drops it (sim_wakeup.c).
 * Unlike hvisor, every wait is bounded and loud.  Under hvisor the
 * answering CPU is another physical CPU; here the answer may need this
 * one (the consumer the wake-up made runnable, or with one cpu online
 * the wake-up irq itself), so waits run with irqs on and yield.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/rt.h>

#include "sim.h"

#define SIM_SPIN_NS		(20 * NSEC_PER_USEC)	/* busy-poll first */
#define SIM_YIELD_NS		(20 * NSEC_PER_MSEC)	/* then yield */
#define SIM_ANSWER_TIMEOUT_NS	(2 * NSEC_PER_SEC)	/* then sleep, up to */
#define SIM_RING_TIMEOUT_NS	(1 * NSEC_PER_SEC)	/* ring-full bound */

static unsigned int stale_wakeup_every;
module_param(stale_wakeup_every, uint, 0644);
MODULE_PARM_DESC(stale_wakeup_every,
		 "read need_wakeup as a stale 0 every Nth time it is 1 (0 = never): forces lost wake-ups");
static atomic_t sim_wakeup_reads;

enum sim_push_err {
	SIM_PUSH_OK,
	SIM_PUSH_NO_BRIDGE,
	SIM_PUSH_FULL,
};

/*
 * Wait a little, as a function of how long we have waited already: spin,
 * then yield, then sleep.  The answer may come from another CPU (the
 * wake-up irq's handler there, or a consumer running there), which the
 * spin sees at once; or it may have to be produced on this very CPU (by
 * hvisor.ko's consumer, which the wake-up irq just made runnable here),
 * so we must let it run.  With one CPU online the wake-up irq itself is
 * taken here: it interrupts any stage of this wait, which always runs
 * with irqs on (callers may sleep).  yield() is the one primitive
 * that does exactly that and nothing more; measured in the TCG test VM,
 * the median round trip is < 64 us with it, 128-256 us with
 * usleep_range(1, 5) and 8-16 ms with schedule() or cond_resched().  It
 * is bounded by SIM_YIELD_NS, after which we sleep.
 *
 * yield() from a real-time task gives the CPU only to other real-time
 * tasks, never to the SCHED_NORMAL consumer: such a caller would spin
 * for the whole SIM_YIELD_NS.  It sleeps briefly instead.
 */
static void sim_backoff(u64 waited_ns)
{
	if (waited_ns < SIM_SPIN_NS)
		cpu_relax();
	else if (waited_ns < SIM_YIELD_NS && !rt_task(current))
		yield();
	else
		usleep_range(10, 50);
}

/*
 * Append @req to req_list.  A full ring is retried with backoff for
 * SIM_RING_TIMEOUT_NS when @may_wait (the caller may sleep), else
 * reported at once.  Never sleeps without @may_wait.
 */
static enum sim_push_err sim_push(struct hv_device_req *req, bool may_wait)
{
	struct hv_virtio_bridge *b;
	u64 start = 0, now;
	unsigned int every;
	unsigned long flags;
	u32 rear, front;
	bool wake;

	for (;;) {
		spin_lock_irqsave(&sim.req_lock, flags);
		b = sim.bridge;
		if (!b) {
			spin_unlock_irqrestore(&sim.req_lock, flags);
			return SIM_PUSH_NO_BRIDGE;
		}
		rear = READ_ONCE(b->req_rear);
		/* acquire: zone 0 has finished reading the slots it freed */
		front = smp_load_acquire(&b->req_front);
		if (((rear + 1) & (HV_BRIDGE_MAX_REQ - 1)) != front)
			break;
		spin_unlock_irqrestore(&sim.req_lock, flags);

		now = ktime_get_ns();
		if (!start)
			start = now;
		if (!may_wait || now - start > SIM_RING_TIMEOUT_NS)
			return SIM_PUSH_FULL;
		sim_backoff(now - start);
	}

	b->req_list[rear % HV_BRIDGE_MAX_REQ] = *req;
	/*
	 * hvisor's need_wakeup load may complete before its req_rear store
	 * is visible (no StoreLoad fence): do it first.
	 */
	wake = READ_ONCE(b->need_wakeup) == 1;
	every = READ_ONCE(stale_wakeup_every);
	if (wake && every && !(atomic_inc_return(&sim_wakeup_reads) % every))
		wake = false;	/* as if read before zone 0 armed it */
	/* release: the slot is written before zone 0 can see it in the ring */
	smp_store_release(&b->req_rear, (rear + 1) & (HV_BRIDGE_MAX_REQ - 1));
	spin_unlock_irqrestore(&sim.req_lock, flags);

	if (sim.arch == HVISOR_ARCH_LOONGARCH64)
		return SIM_PUSH_OK;	/* hvisor never wakes zone 0 there */
	if (wake) {
		/* hvisor's event to zone 0's first cpu (sim_wakeup.c) */
		sim_wakeup_send();
		return SIM_PUSH_OK;
	}
	/*
	 * Not hvisor: an observer, to count what the stale read cost.  Zone 0
	 * armed need_wakeup since, so it may sleep without having seen this
	 * request: only its safety poll will find it.
	 */
	smp_mb();
	if (READ_ONCE(b->need_wakeup) == 1)
		atomic64_inc(&sim.wakeups_lost);
	return SIM_PUSH_OK;
}

/*
 * Take one of the zone's vCPUs, i.e. one cfg_flags slot, for one access:
 * a free one if there is, else wait for the next in turn.
 */
static unsigned int sim_vcpu_get(struct sim_zone *z)
{
	unsigned int i, n = z->nr_vcpus;
	unsigned int first = atomic_inc_return(&z->vcpu_next);

	for (i = 0; i < n; i++) {
		unsigned int s = (first + i) % n;

		if (mutex_trylock(&z->vcpu_lock[s]))
			return s;
	}
	mutex_lock(&z->vcpu_lock[first % n]);
	return first % n;
}

/*
 * Wait, yielding, until zone 0 bumps cfg_flags[cpu]; false after 2 s.
 * Whoever answers (a thread, or an irq handler on any CPU) stores
 * cfg_values, then smp_wmb(), then cfg_flags: each pass reads the flag
 * afresh (READ_ONCE), then the value after smp_rmb().  Called with irqs
 * on, so that an answer which needs an interrupt on this CPU comes.
 */
static bool sim_wait_cfg(struct hv_virtio_bridge *b, u32 cpu, u64 old)
{
	u64 start = ktime_get_ns(), waited;

	lockdep_assert_irqs_enabled();
	for (;;) {
		if (READ_ONCE(b->cfg_flags[cpu]) != old) {
			smp_rmb();	/* pairs with zone 0's value-then-flag wmb */
			return true;
		}
		waited = ktime_get_ns() - start;
		if (waited > SIM_ANSWER_TIMEOUT_NS)
			return false;
		sim_backoff(waited);
	}
}

/*
 * One blocking access.  Returns the value read (0 for writes), or
 * all-ones when no answer came.
 */
static u64 sim_trap_blocking(struct sim_zone *z, u64 addr, u32 size, u64 value,
			     bool is_write)
{
	struct hv_device_req req = {};
	struct hv_virtio_bridge *b;
	enum sim_push_err err;
	unsigned int slot;
	u64 old, t0, ret;
	u32 cpu;

	/* Config accesses may sleep (virtio_config.h), as may we. */
	might_sleep();
	if (READ_ONCE(z->halted))
		return 0;	/* a dead zone's vCPUs trap no more */
	slot = sim_vcpu_get(z);
	cpu = z->vcpu[slot];

	b = READ_ONCE(sim.bridge);
	if (!b) {
		err = SIM_PUSH_NO_BRIDGE;
		goto fail;
	}
	old = READ_ONCE(b->cfg_flags[cpu]);
	smp_rmb();	/* hvisor's fence(Acquire) after reading the flag */

	req.src_cpu = cpu;
	req.address = addr;
	req.size = size;
	req.value = is_write ? value : 0;
	req.src_zone = z->id;
	req.is_write = is_write;
	req.need_interrupt = 0;
	t0 = ktime_get_ns();
	err = sim_push(&req, true);
	if (err != SIM_PUSH_OK)
		goto fail;

	if (!sim_wait_cfg(b, cpu, old)) {
		pr_err("hvisor_sim: zone %u cpu %u: no answer to %s %#llx (size %u) after 2 s; zone marked in error\n",
		       z->id, cpu, is_write ? "write" : "read", addr, size);
		atomic64_inc(&sim.timeouts);
		sim_zone_mark_err(z);
		mutex_unlock(&z->vcpu_lock[slot]);
		return ~0ULL;
	}
	ret = READ_ONCE(b->cfg_values[cpu]);
	sim_latency_record(ktime_get_ns() - t0);
	mutex_unlock(&z->vcpu_lock[slot]);
	return ret;

fail:
	if (err == SIM_PUSH_NO_BRIDGE)
		pr_err_ratelimited("hvisor_sim: zone %u: access at %#llx with no virtio bridge (hvisor would panic)\n",
				   z->id, addr);
	else
		pr_err("hvisor_sim: zone %u: request ring full for 1 s, dropping %s %#llx\n",
		       z->id, is_write ? "write" : "read", addr);
	sim_zone_mark_err(z);
	mutex_unlock(&z->vcpu_lock[slot]);
	return ~0ULL;
}

static u64 sim_mask(u32 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

u64 sim_trap_read(struct sim_zone *z, u64 addr, u64 region_start, u32 size)
{
	return sim_trap_blocking(z, addr, size, 0, false) & sim_mask(size);
}

/*
 * A write.  hvisor posts (does not wait for) exactly the accesses at
 * offset 0x50 of their memory region; those go through sim_trap_post()
 * by the caller when it cannot sleep.
 */
void sim_trap_write(struct sim_zone *z, u64 addr, u64 region_start, u32 size,
		    u64 value)
{
	if (addr - region_start == HV_MMIO_QUEUE_NOTIFY) {
		if (sim_trap_post(z, addr, size, value, true) == -EAGAIN)
			pr_err("hvisor_sim: zone %u: request ring full for 1 s, dropping notify %#llx\n",
			       z->id, addr);
		return;
	}
	sim_trap_blocking(z, addr, size, value & sim_mask(size), true);
}

/*
 * A posted access (QueueNotify at region offset 0x50).  With @may_wait
 * (the caller may sleep) a full ring is retried for up to 1 s; without,
 * it never waits (atomic callers defer).  -EAGAIN if the ring stayed full, -ENODEV without a
 * bridge.
 */
int sim_trap_post(struct sim_zone *z, u64 addr, u32 size, u64 value,
		  bool may_wait)
{
	struct hv_device_req req = {
		.src_cpu = z->vcpu[0],
		.address = addr,
		.size = size,
		.value = value,
		.src_zone = z->id,
		.is_write = 1,
		.need_interrupt = 1,
	};

	if (READ_ONCE(z->halted))
		return 0;	/* a dead zone's vCPUs trap no more */
	switch (sim_push(&req, may_wait)) {
	case SIM_PUSH_OK:
		return 0;
	case SIM_PUSH_FULL:
		return -EAGAIN;
	default:
		pr_err_ratelimited("hvisor_sim: zone %u: notify at %#llx with no virtio bridge\n",
				   z->id, addr);
		sim_zone_mark_err(z);
		return -ENODEV;
	}
}
