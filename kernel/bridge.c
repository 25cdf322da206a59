// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio bridge: the page shared with the hypervisor, the consumer of
 * its request ring, and the response path that injects interrupts into
 * zones.
 *
 * The consumer never waits and has no thread.  need_wakeup is set once,
 * before the page is given to hvisor, and never changes, so hvisor raises
 * the wake-up irq for every request it queues, and its missing StoreLoad
 * barrier before reading need_wakeup (upstream-hvisor.md 2.6) cannot make
 * it read a stale 0.  The irq handler drains the ring and answers every
 * access at once through the registry (vdev.c), which defers to the
 * device's own work only the accesses that sleep.
 *
 * What hvisor still drops: it does not inject the wake-up irq again while
 * it is pending or active in zone 0's list registers (upstream-hvisor.md
 * 2.3 step 5), i.e. during our handler.  A request queued after the
 * handler's last look at the ring would wait for the next one.  So the
 * handler queues an irq_work on its cpu, which runs after the irq is
 * deactivated and looks at the ring once more.  A timer looks at it every
 * safety_poll_ms in case anything else is lost.  Where hvisor never raises
 * the wake-up irq (LoongArch: the seam's wakeup_irq says -EOPNOTSUPP),
 * need_wakeup stays 0 and the timer looks every nowake_poll_us.
 *
 * Every path here runs in atomic context (hardirq, irq_work, hrtimer):
 * the ring is consumed under req_lock, responses are produced under
 * res_lock, both spinlocks.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "bridge.h"
#include "bridge_ring.h"
#include "hvisor.h"
#include "hvisor_trace.h"
#include "seam_internal.h"
#include "vdev.h"

static unsigned int safety_poll_ms = 100;
module_param(safety_poll_ms, uint, 0644);
MODULE_PARM_DESC(safety_poll_ms,
		 "look at the request ring at least this often besides the wake-up irq (ms, 1..1000; hvisor can drop a wake-up, so never irq only)");

/* hvisor can drop a wake-up: the ring is never left without a timer. */
#define HV_BRIDGE_SAFETY_POLL_MAX_MS	1000

static unsigned int nowake_poll_us = 100;
module_param(nowake_poll_us, uint, 0644);
MODULE_PARM_DESC(nowake_poll_us,
		 "where hvisor never wakes zone 0 (LoongArch): look at the request ring this often (us, >= 10)");

/*
 * Requests handled per look at the ring; the rest is left to the timer,
 * HV_BRIDGE_MORE_NS later, so that a flood of accesses cannot keep a
 * zone-0 cpu in interrupt context.
 */
#define HV_BRIDGE_BUDGET	HV_BRIDGE_MAX_REQ
#define HV_BRIDGE_MORE_NS	(20 * NSEC_PER_USEC)

static struct {
	/* start/stop */
	struct mutex lock;
	/* the consumer side of req_list (req_front): one drain at a time */
	spinlock_t req_lock;
	/*
	 * res_list/res_rear: one producer at a time, each push followed by
	 * its FINISH_REQ before the next; it also orders inject against stop
	 * (running).
	 */
	spinlock_t res_lock;
	struct hv_virtio_bridge *page;
	int irq;		/* > 0 when requested */
	bool polled;		/* the hypervisor never wakes the consumer */
	bool running;
	struct irq_work recheck;	/* after the wake-up irq */
	/*
	 * Orders the starts of timer against its callback's restart: a
	 * timer started again while its callback runs on another cpu must
	 * not be forwarded by that callback.
	 */
	raw_spinlock_t timer_lock;
	struct hrtimer timer;		/* safety / polled mode / budget */
} hv_bridge = {
	.lock = __MUTEX_INITIALIZER(hv_bridge.lock),
	.req_lock = __SPIN_LOCK_UNLOCKED(hv_bridge.req_lock),
	.res_lock = __SPIN_LOCK_UNLOCKED(hv_bridge.res_lock),
	.timer_lock = __RAW_SPIN_LOCK_UNLOCKED(hv_bridge.timer_lock),
};

static void hv_bridge_handle(struct hv_virtio_bridge *b,
			     const struct hv_device_req *req)
{
	u64 value, t0;

	/* a blocking access that cannot be answered must not be performed */
	if (!req->need_interrupt && req->src_cpu >= HV_BRIDGE_MAX_CPUS) {
		pr_err_ratelimited("bridge: zone %u: request with src_cpu %llu dropped (addr 0x%llx)\n",
				   req->src_zone, req->src_cpu, req->address);
		return;
	}
	trace_hvisor_bridge_req(req);
	t0 = trace_hvisor_bridge_answer_enabled() ? ktime_get_ns() : 0;
	if (!hvisor_vdev_dispatch(req, &value))
		return;		/* deferred: answered when performed */
	trace_hvisor_bridge_answer(req, value, t0 ? ktime_get_ns() - t0 : 0);
	if (!req->need_interrupt)
		hvisor_ring_complete_cfg(b, req->src_cpu, value);
}

/* A deferred access was performed (vdev.c, process context). */
static void hv_bridge_answer(const struct hv_device_req *req, u64 value)
{
	trace_hvisor_bridge_answer(req, value, 0);
	hvisor_ring_complete_cfg(hv_bridge.page, req->src_cpu, value);
}

/*
 * Handle what the ring holds, HV_BRIDGE_BUDGET requests at most.  True if
 * requests are left.  Any context.
 */
static bool hv_bridge_drain(void)
{
	struct hv_virtio_bridge *b = hv_bridge.page;
	struct hv_device_req req;
	unsigned int budget;
	unsigned long flags;
	bool more;

	spin_lock_irqsave(&hv_bridge.req_lock, flags);
	for (budget = HV_BRIDGE_BUDGET; budget; budget--) {
		if (!hvisor_ring_pop_req(b, &req))
			break;
		hv_bridge_handle(b, &req);
	}
	more = !budget && !hvisor_ring_req_empty(b);
	spin_unlock_irqrestore(&hv_bridge.req_lock, flags);
	return more;
}

/* Requests are left over: the timer takes them, soon. */
static void hv_bridge_more(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hv_bridge.timer_lock, flags);
	hrtimer_start(&hv_bridge.timer, ns_to_ktime(HV_BRIDGE_MORE_NS),
		      HRTIMER_MODE_REL_HARD);
	raw_spin_unlock_irqrestore(&hv_bridge.timer_lock, flags);
}

static irqreturn_t hv_bridge_irq(int irq, void *data)
{
	if (hv_bridge_drain())
		hv_bridge_more();
	/* look again once this irq can be raised again */
	irq_work_queue(&hv_bridge.recheck);
	return IRQ_HANDLED;
}

static void hv_bridge_recheck(struct irq_work *work)
{
	if (READ_ONCE(hv_bridge.running) && hv_bridge_drain())
		hv_bridge_more();
}

static ktime_t hv_bridge_period(void)
{
	if (READ_ONCE(hv_bridge.polled))
		return ns_to_ktime(max(READ_ONCE(nowake_poll_us), 10U) *
				   NSEC_PER_USEC);
	return ms_to_ktime(clamp(READ_ONCE(safety_poll_ms), 1U,
				 HV_BRIDGE_SAFETY_POLL_MAX_MS));
}

static enum hrtimer_restart hv_bridge_timer(struct hrtimer *t)
{
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;
	bool more;

	if (!READ_ONCE(hv_bridge.running))
		return ret;
	more = hv_bridge_drain();
	raw_spin_lock_irqsave(&hv_bridge.timer_lock, flags);
	/* hv_bridge_more() started it again meanwhile: it is armed */
	if (!hrtimer_is_queued(t)) {
		hrtimer_forward_now(t, more ? ns_to_ktime(HV_BRIDGE_MORE_NS) :
				    hv_bridge_period());
		ret = HRTIMER_RESTART;
	}
	raw_spin_unlock_irqrestore(&hv_bridge.timer_lock, flags);
	return ret;
}

int hvisor_bridge_start(void)
{
	bool new_page = false;
	long ret;
	int irq;

	mutex_lock(&hv_bridge.lock);
	if (WARN_ON(hv_bridge.running)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!hv_bridge.page) {
		hv_bridge.page = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
		if (!hv_bridge.page) {
			ret = -ENOMEM;
			goto out_unlock;
		}
		new_page = true;
	} else {
		/* a page kept from before: hvisor gets it again, empty */
		memset(hv_bridge.page, 0, PAGE_SIZE);
	}
	init_irq_work(&hv_bridge.recheck, hv_bridge_recheck);
	hrtimer_init(&hv_bridge.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	hv_bridge.timer.function = hv_bridge_timer;

	/*
	 * The irq first: hvisor raises it for the first request, and its
	 * handler only needs the page.  need_wakeup is set before hvisor
	 * learns the page and stays as it is.
	 */
	irq = hvisor_hv_wakeup_irq();
	hv_bridge.polled = irq == -EOPNOTSUPP;
	if (irq > 0)
		ret = request_irq(irq, hv_bridge_irq, IRQF_SHARED,
				  "hvisor-bridge", &hv_bridge);
	else
		ret = irq;
	if (hv_bridge.polled) {
		pr_info("bridge: the hypervisor raises no wake-up irq: polling every %u us\n",
			max(nowake_poll_us, 10U));
		irq = 0;
	} else if (ret) {
		/* degraded, not broken: the timer still serves requests */
		pr_warn("bridge: no wake-up irq (%ld): polling every %u ms\n",
			ret, safety_poll_ms);
		irq = 0;
	}
	hv_bridge.irq = irq;
	hvisor_ring_set_wakeup(hv_bridge.page, irq > 0);

	ret = hvisor_hv_call(HV_HC_INIT_VIRTIO, virt_to_phys(hv_bridge.page), 0);
	if (ret < 0) {
		pr_err("bridge: hypercall INIT_VIRTIO failed: %ld\n", ret);
		goto err_free_irq;
	}

	hvisor_vdev_set_answer(hv_bridge_answer);
	spin_lock_irq(&hv_bridge.res_lock);
	WRITE_ONCE(hv_bridge.running, true);
	spin_unlock_irq(&hv_bridge.res_lock);
	hrtimer_start(&hv_bridge.timer, hv_bridge_period(),
		      HRTIMER_MODE_REL_HARD);
	ret = 0;
	goto out_unlock;

err_free_irq:
	if (hv_bridge.irq > 0)
		free_irq(hv_bridge.irq, &hv_bridge);
	hv_bridge.irq = 0;
	irq_work_sync(&hv_bridge.recheck);
	if (new_page) {
		free_page((unsigned long)hv_bridge.page);
		hv_bridge.page = NULL;
	}
out_unlock:
	mutex_unlock(&hv_bridge.lock);
	return ret;
}

void hvisor_bridge_stop(bool hv_gone)
{
	mutex_lock(&hv_bridge.lock);
	if (!hv_bridge.running)
		goto out_unlock;

	spin_lock_irq(&hv_bridge.res_lock);
	WRITE_ONCE(hv_bridge.running, false);
	spin_unlock_irq(&hv_bridge.res_lock);

	/* the irq, then what it queues, then the timer that either arms */
	if (hv_bridge.irq > 0)
		free_irq(hv_bridge.irq, &hv_bridge);
	hv_bridge.irq = 0;
	irq_work_sync(&hv_bridge.recheck);
	hrtimer_cancel(&hv_bridge.timer);
	hvisor_vdev_set_answer(NULL);

	if (hv_gone) {
		free_page((unsigned long)hv_bridge.page);
		hv_bridge.page = NULL;
	}
	/*
	 * else: the page stays, deliberately, even past module unload:
	 * hvisor keeps the pointer from INIT_VIRTIO forever.
	 */
out_unlock:
	mutex_unlock(&hv_bridge.lock);
}

int hvisor_bridge_inject(u32 zone, u32 irq)
{
	unsigned long flags;
	long ret;

	spin_lock_irqsave(&hv_bridge.res_lock, flags);
	if (!hv_bridge.running) {
		ret = -ENODEV;
		goto out_unlock;
	}
	/*
	 * hvisor empties res_list in every FINISH_REQ, and each push here is
	 * followed by one: the ring is full only if hvisor skipped a call.
	 * Let it drain once more rather than wait.
	 */
	if (hvisor_ring_push_res(hv_bridge.page, zone, irq)) {
		hvisor_hv_call(HV_HC_FINISH_REQ, 0, 0);
		if (hvisor_ring_push_res(hv_bridge.page, zone, irq)) {
			pr_warn_ratelimited("bridge: response ring full: irq %u for zone %u dropped\n",
					    irq, zone);
			ret = -EBUSY;
			goto out_unlock;
		}
	}
	ret = hvisor_hv_call(HV_HC_FINISH_REQ, 0, 0);
	if (ret > 0)
		ret = 0;
out_unlock:
	spin_unlock_irqrestore(&hv_bridge.res_lock, flags);
	return ret;
}
