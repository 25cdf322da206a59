// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio bridge: the page shared with the hypervisor, its consumer
 * kthread "hvisor-bridge" and the wake-up irq, and the response path that
 * injects interrupts into zones.
 *
 * Consumer loop: drain the request ring (bounded per round), answering every
 * blocking access (need_interrupt == 0) through the cfg handshake, whatever
 * the device said, because the guest vCPU spins in the hypervisor until it
 * is answered.  When the ring is empty, busy-poll for poll_us, then set
 * need_wakeup and sleep until the wake-up irq, or at most safety_poll_ms:
 * hvisor has no StoreLoad barrier between publishing a request and reading
 * need_wakeup, so a wake-up can be lost and only the timeout recovers it.
 * That is why the timeout can be shortened but never switched off.
 * Where hvisor never raises the wake-up irq (LoongArch: the seam's
 * wakeup_irq says -EOPNOTSUPP), need_wakeup is never set and the consumer
 * polls the ring every nowake_poll_us instead of sleeping.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <linux/string.h>

#include "bridge.h"
#include "bridge_ring.h"
#include "hvisor.h"
#include "hvisor_trace.h"
#include "seam_internal.h"
#include "vdev.h"

static unsigned int poll_us = 50;
module_param(poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us,
		 "busy-poll the request ring this long before sleeping (us, 0 = never)");

static unsigned int safety_poll_ms = 100;
module_param(safety_poll_ms, uint, 0644);
MODULE_PARM_DESC(safety_poll_ms,
		 "look at the request ring at least this often while asleep (ms, 1..1000; hvisor can lose a wake-up, so never irq only)");

/* hvisor can lose a wake-up: the consumer never sleeps without a timeout. */
#define HV_BRIDGE_SAFETY_POLL_MAX_MS	1000

static unsigned int nowake_poll_us = 100;
module_param(nowake_poll_us, uint, 0644);
MODULE_PARM_DESC(nowake_poll_us,
		 "where hvisor never wakes zone 0 (LoongArch): look at the request ring this often (us, >= 10)");

/* Requests handled per round before the consumer yields the cpu. */
#define HV_BRIDGE_BUDGET	(4 * HV_BRIDGE_MAX_REQ)

/* How long inject waits for room in a full response ring. */
#define HV_BRIDGE_RES_WAIT_MS	100

static struct {
	/* start/stop; taken before res_lock */
	struct mutex lock;
	/*
	 * res_lock: there is one writer of res_rear/res_list at a time, and
	 * each push is followed by its FINISH_REQ before the next producer
	 * runs; it also orders inject against stop (running).
	 */
	struct mutex res_lock;
	struct hv_virtio_bridge *page;
	struct task_struct *task;
	int irq;		/* > 0 when requested */
	bool polled;		/* the hypervisor never wakes the consumer */
	bool running;
} hv_bridge = {
	.lock = __MUTEX_INITIALIZER(hv_bridge.lock),
	.res_lock = __MUTEX_INITIALIZER(hv_bridge.res_lock),
};

static irqreturn_t hv_bridge_irq(int irq, void *data)
{
	struct task_struct *task = data;

	wake_up_process(task);
	return IRQ_HANDLED;
}

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
	value = hvisor_vdev_dispatch(req);
	trace_hvisor_bridge_answer(req, value, t0 ? ktime_get_ns() - t0 : 0);
	if (!req->need_interrupt)
		hvisor_ring_complete_cfg(b, req->src_cpu, value);
}

/*
 * Busy-poll the empty ring for up to poll_us; true if a request came.
 * Never while another task waits for this CPU (as vhost and KVM's halt
 * polling do): the poll is a bet that the CPU is idle anyway.  Measured
 * in the 2-CPU TCG test VM (make bench), a 1 ms poll makes 4k QD1 reads
 * 10% faster and QD16 15% slower, where the guest's threads want both
 * CPUs; 50 us is the compromise, and zone 0 CPUs set aside for the
 * backend want more.
 */
static bool hv_bridge_poll(struct hv_virtio_bridge *b)
{
	unsigned int us = READ_ONCE(poll_us);
	ktime_t end;

	if (!us)
		return false;
	end = ktime_add_us(ktime_get(), us);
	while (hvisor_ring_req_empty(b)) {
		if (need_resched() || !single_task_running() ||
		    kthread_should_stop() || ktime_after(ktime_get(), end))
			return false;
		cpu_relax();
	}
	return true;
}

static int hv_bridge_thread(void *data)
{
	struct hv_virtio_bridge *b = data;
	struct hv_device_req req;
	unsigned int budget;
	unsigned int ms, us;

	hvisor_ring_disarm_wakeup(b);
	while (!kthread_should_stop()) {
		for (budget = HV_BRIDGE_BUDGET; budget; budget--) {
			if (!hvisor_ring_pop_req(b, &req))
				break;
			hv_bridge_handle(b, &req);
		}
		if (!budget || hv_bridge_poll(b)) {
			cond_resched();
			continue;
		}
		if (READ_ONCE(hv_bridge.polled)) {
			/* no wake-up will come: look again soon, unarmed */
			us = max(READ_ONCE(nowake_poll_us), 10U);
			usleep_range(us, 2 * us);
			continue;
		}

		/* a wake_up_process() after this point is not lost */
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop() || !hvisor_ring_arm_wakeup(b)) {
			__set_current_state(TASK_RUNNING);
			continue;
		}
		ms = clamp(READ_ONCE(safety_poll_ms), 1U,
			   HV_BRIDGE_SAFETY_POLL_MAX_MS);
		schedule_timeout(msecs_to_jiffies(ms));
		hvisor_ring_disarm_wakeup(b);
	}
	hvisor_ring_disarm_wakeup(b);
	return 0;
}

int hvisor_bridge_start(void)
{
	struct task_struct *task;
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

	/* everything that can fail comes before hvisor learns the page */
	task = kthread_create(hv_bridge_thread, hv_bridge.page, "hvisor-bridge");
	if (IS_ERR(task)) {
		ret = PTR_ERR(task);
		goto err_free_page;
	}

	ret = hvisor_hv_call(HV_HC_INIT_VIRTIO, virt_to_phys(hv_bridge.page), 0);
	if (ret < 0) {
		pr_err("bridge: hypercall INIT_VIRTIO failed: %ld\n", ret);
		kthread_stop(task);
		goto err_free_page;
	}
	hv_bridge.task = task;

	irq = hvisor_hv_wakeup_irq();
	hv_bridge.polled = irq == -EOPNOTSUPP;
	if (irq > 0)
		ret = request_irq(irq, hv_bridge_irq, IRQF_SHARED,
				  "hvisor-bridge", task);
	else
		ret = irq;
	if (hv_bridge.polled) {
		pr_info("bridge: the hypervisor raises no wake-up irq: polling every %u us\n",
			max(nowake_poll_us, 10U));
		irq = 0;
	} else if (ret) {
		/* degraded, not broken: the safety poll still serves requests */
		pr_warn("bridge: no wake-up irq (%ld): polling every %u ms\n",
			ret, safety_poll_ms);
		irq = 0;
	}
	hv_bridge.irq = irq;

	mutex_lock(&hv_bridge.res_lock);
	hv_bridge.running = true;
	mutex_unlock(&hv_bridge.res_lock);
	wake_up_process(task);
	ret = 0;
	goto out_unlock;

err_free_page:
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

	mutex_lock(&hv_bridge.res_lock);
	hv_bridge.running = false;
	mutex_unlock(&hv_bridge.res_lock);

	if (hv_bridge.irq > 0)
		free_irq(hv_bridge.irq, hv_bridge.task);
	hv_bridge.irq = 0;
	kthread_stop(hv_bridge.task);
	hv_bridge.task = NULL;

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
	unsigned long deadline;
	long ret;

	mutex_lock(&hv_bridge.res_lock);
	if (!hv_bridge.running) {
		ret = -ENODEV;
		goto out_unlock;
	}
	deadline = jiffies + msecs_to_jiffies(HV_BRIDGE_RES_WAIT_MS);
	while (hvisor_ring_push_res(hv_bridge.page, zone, irq)) {
		if (time_after(jiffies, deadline)) {
			pr_warn_ratelimited("bridge: response ring full for %d ms: irq %u for zone %u dropped\n",
					    HV_BRIDGE_RES_WAIT_MS, irq, zone);
			ret = -EBUSY;
			goto out_unlock;
		}
		usleep_range(50, 200);
	}
	ret = hvisor_hv_call(HV_HC_FINISH_REQ, 0, 0);
	if (ret > 0)
		ret = 0;
out_unlock:
	mutex_unlock(&hv_bridge.res_lock);
	return ret;
}
