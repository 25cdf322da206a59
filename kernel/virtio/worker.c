// SPDX-License-Identifier: GPL-2.0
/*
 * The device worker core: every device worker thread is created here.
 * See worker.h.
 */
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/virtio_mmio.h>

#include "mmio.h"
#include "worker.h"

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
		/* Over its budget: requeue, and let others run first. */
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
