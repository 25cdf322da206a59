// SPDX-License-Identifier: GPL-2.0
/*
 * The device worker core: every device worker thread is created here.
 * See worker.h.
 */
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/sched/task.h>
#include <linux/virtio_mmio.h>

#include "mmio.h"
#include "vq.h"
#include "worker.h"

VISIBLE_IF_KUNIT unsigned int hv_worker_poll_us;
module_param_named(worker_poll_us, hv_worker_poll_us, uint, 0644);
MODULE_PARM_DESC(worker_poll_us,
		 "after serving its queues, a device worker polls them this long before it sleeps (us, 0 = never, at most 1000)");

/* Nothing asks the thread to stop polling: no kick, reset or reschedule. */
static bool hv_worker_poll_quiet(struct hv_worker *w)
{
	return !READ_ONCE(w->work) && !hv_worker_paused(w) && !need_resched() &&
	       !kthread_should_stop();
}

/*
 * Before sleeping: spin on the rings of @w for up to worker_poll_us, the
 * driver's kicks suppressed, holding w->lock so that the rings stay set
 * up (a reset pauses the worker first, which ends the spin).  Kicks are
 * on again when it returns, after a last look.  Returns the bits whose
 * ring has work.
 *
 * A ring that holds work already is not watched: its handler left it
 * there on purpose (out of requests, waiting for the tap) and will be
 * kicked when that changes.  Watching it would find it at once, run the
 * handler for nothing and start over, for as long as the guest keeps it
 * so.
 */
static unsigned long hv_worker_busyloop(struct hv_worker *w)
{
	u64 us = min(READ_ONCE(hv_worker_poll_us), HV_WORKER_POLL_MAX_US);
	struct hv_vq *vqs[HV_WORKER_MAX_WORK];
	unsigned long polled = 0, found = 0;
	unsigned int bit;
	u64 start, now;

	if (!w->poll || !us)
		return 0;
	mutex_lock(&w->lock);
	if (w->dying || hv_worker_paused(w))
		goto unlock;
	for (bit = 0; bit < w->nr_handlers; bit++) {
		vqs[bit] = w->poll(w, bit);
		if (vqs[bit] && !hv_vq_has_avail(vqs[bit])) {
			hv_vq_suppress_notify(vqs[bit]);
			polled |= BIT(bit);
		}
	}
	if (!polled)
		goto unlock;
	start = ktime_get_ns();
	now = start;
	while (!found && hv_worker_poll_quiet(w) &&
	       now - start < us * NSEC_PER_USEC) {
		for_each_set_bit(bit, &polled, w->nr_handlers)
			if (hv_vq_has_avail(vqs[bit]))
				found |= BIT(bit);
		cpu_relax();
		now = ktime_get_ns();
	}
	w->polls++;
	w->polls_found += !!found;
	w->polled_ns += now - start;
	for_each_set_bit(bit, &polled, w->nr_handlers)
		if (hv_vq_enable_notify(vqs[bit]))
			found |= BIT(bit);
unlock:
	mutex_unlock(&w->lock);
	return found;
}

static int hv_worker_thread(void *data)
{
	struct hv_worker *w = data;
	unsigned long work, more;
	unsigned int bit;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		work = xchg(&w->work, 0);
		if (!work) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);

		more = 0;
		mutex_lock(&w->lock);
		for_each_set_bit(bit, &work, w->nr_handlers)
			if (w->handlers[bit](w))
				more |= BIT(bit);
		mutex_unlock(&w->lock);
		/* Nothing left behind: poll a while before sleeping. */
		if (!more)
			more = hv_worker_busyloop(w);
		/* Over its budget, or polled work: requeue, others first. */
		for_each_set_bit(bit, &more, w->nr_handlers)
			set_bit(bit, &w->work);
		cond_resched();
	}
	return 0;
}

/* Timer context: queue the bits asked for later. */
static void hv_worker_timer(struct timer_list *t)
{
	struct hv_worker *w = from_timer(w, t, timer);
	unsigned long bits = xchg(&w->later, 0);
	unsigned int bit;

	if (!bits)
		return;
	for_each_set_bit(bit, &bits, w->nr_handlers)
		set_bit(bit, &w->work);
	wake_up_process(w->task);
}

int hv_worker_start(struct hv_worker *w, struct hv_virtio_dev *dev,
		    const hv_work_fn *handlers, unsigned int nr,
		    const char *what, int index)
{
	struct task_struct *task;

	if (!nr || nr > HV_WORKER_MAX_WORK)
		return -EINVAL;
	w->dev = dev;
	w->handlers = handlers;
	w->nr_handlers = nr;
	w->work = 0;
	w->later = 0;
	w->paused = true;	/* until the first kick */
	w->dying = false;
	w->poll = NULL;
	w->polls = 0;
	w->polls_found = 0;
	w->polled_ns = 0;
	mutex_init(&w->lock);
	timer_setup(&w->timer, hv_worker_timer, 0);

	if (index < 0)
		task = kthread_create(hv_worker_thread, w, "hvisor-%s/%u", what,
				      dev->vdev.zone_id);
	else
		task = kthread_create(hv_worker_thread, w, "hvisor-%s/%u.%d",
				      what, dev->vdev.zone_id, index);
	if (IS_ERR(task))
		return PTR_ERR(task);
	/* Kept until the timer can no longer wake it (hv_worker_stop()). */
	get_task_struct(task);
	w->task = task;
	wake_up_process(task);
	return 0;
}

void hv_worker_stop(struct hv_worker *w)
{
	might_sleep();
	kthread_stop(w->task);
	/* A timer firing now wakes a dead task: harmless, we hold it. */
	del_timer_sync(&w->timer);
	put_task_struct(w->task);
	w->task = NULL;
}

void hv_worker_kick(struct hv_worker *w, unsigned int bit)
{
	set_bit(bit, &w->work);
	wake_up_process(w->task);
}

void hv_worker_kick_later(struct hv_worker *w, unsigned int bit,
			  unsigned long delay)
{
	set_bit(bit, &w->later);
	if (!timer_pending(&w->timer))
		mod_timer(&w->timer, jiffies + delay);
}

void hv_worker_resume(struct hv_worker *w, unsigned int bit)
{
	WRITE_ONCE(w->paused, false);
	hv_worker_kick(w, bit);
}

void hv_worker_quiesce(struct hv_worker *w)
{
	might_sleep();
	hv_worker_pause(w);
	mutex_lock(&w->lock);
}

void hv_worker_kill(struct hv_worker *w)
{
	might_sleep();
	mutex_lock(&w->lock);
	w->dying = true;
}

void hv_worker_publish(struct hv_virtio_dev *dev, u16 index, u32 *pending)
{
	struct hv_vq *vq = &dev->vqs[index];

	if (!*pending)
		return;
	*pending = 0;
	hv_vq_publish_used(vq);
	if (hv_vq_need_notify(vq))
		hv_virtio_raise(dev, VIRTIO_MMIO_INT_VRING);
}

void hv_worker_break(struct hv_virtio_dev *dev, u16 index, const char *why,
		     u32 *pending)
{
	if (why)
		hv_vq_break(&dev->vqs[index], why);
	hv_worker_publish(dev, index, pending);
	hv_virtio_queue_broken(dev, index);
}
