// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio device core shared by blk, net and console: feature
 * negotiation, the status state machine, queue setup, the interrupt line
 * and reset.  See device.h; the register file that drives it is mmio.c.
 *
 * Every value written by the guest is hostile: selectors are bounded,
 * queue registers are validated as a whole when the driver sets
 * QueueReady, features are validated at FEATURES_OK.
 */
#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>

#include "../hvisor_trace.h"
#include "device.h"
#include "vlog.h"

#define HV_VIRTIO_TRANSPORT_FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) | \
					 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) | \
					 BIT_ULL(VIRTIO_RING_F_EVENT_IDX))

static void hv_virtio_reinject_work(struct work_struct *work);

/* What every device has: its interrupt line and zone state, counters. */
static void hv_virtio_lifecycle_init(struct hv_virtio_dev *dev,
				     const struct hv_virtio_ops *ops)
{
	dev->ops = ops;
	spin_lock_init(&dev->state_lock);
	atomic_set(&dev->config_generation, 0);
	atomic64_set(&dev->notifies, 0);
	atomic64_set(&dev->injects, 0);
	atomic64_set(&dev->reinjects, 0);
	atomic64_set(&dev->inject_errors, 0);
	INIT_DELAYED_WORK(&dev->reinject, hv_virtio_reinject_work);
	dev->reinject_base = max(msecs_to_jiffies(HV_VIRTIO_REINJECT_MS), 1UL);
	dev->reinject_delay = dev->reinject_base;
	dev->irq_stopped = false;
	dev->zone_stopped = false;
	atomic64_set(&dev->bad_accesses, 0);
}

int hv_virtio_core_init(struct hv_virtio_dev *dev,
			const struct hv_virtio_ops *ops,
			const struct hv_guest_mem *mem, u32 config_size)
{
	if (!ops->num_queues || ops->num_queues > HV_VIRTIO_MAX_QUEUES ||
	    !is_power_of_2(ops->queue_max) ||
	    ops->queue_max > HV_VQ_MAX_SIZE || !ops->config_read ||
	    !ops->notify || !ops->reset)
		return -EINVAL;

	hv_virtio_lifecycle_init(dev, ops);
	dev->mem = mem;
	dev->config_size = config_size;
	dev->device_features = ops->features | HV_VIRTIO_TRANSPORT_FEATURES;
	dev->num_queues = ops->num_queues;
	dev->mq_feature = 0;
	return 0;
}

int hv_virtio_remote_init(struct hv_virtio_dev *dev,
			  const struct hv_virtio_ops *ops,
			  const struct hv_vdev_mmio_ops *mmio)
{
	if (!mmio->take || !ops->destroy || ops->num_queues || ops->reset)
		return -EINVAL;
	hv_virtio_lifecycle_init(dev, ops);
	dev->vdev.mmio = mmio;
	dev->mem = NULL;
	dev->config_size = 0;
	dev->device_features = 0;
	dev->num_queues = 0;
	dev->mq_feature = 0;
	return 0;
}

void hv_virtio_dev_bind(struct hv_virtio_dev *dev,
			const struct hv_virtio_dev_info *info, void *priv)
{
	dev->vdev.zone_id = info->zone_id;
	dev->vdev.base = info->base;
	dev->vdev.len = info->len;
	dev->irq = info->irq;
	dev->inject = info->inject;
	dev->line_event = info->line_event;
	dev->priv = priv;
}

int hv_virtio_dev_set_queues(struct hv_virtio_dev *dev, u16 num,
			     unsigned int mq_bit)
{
	if (num < dev->ops->num_queues || num > HV_VIRTIO_MAX_QUEUES ||
	    mq_bit >= 64)
		return -EINVAL;
	dev->num_queues = num;
	dev->mq_feature = 0;
	dev->device_features &= ~BIT_ULL(mq_bit);
	if (num > dev->ops->num_queues) {
		dev->mq_feature = BIT_ULL(mq_bit);
		dev->device_features |= dev->mq_feature;
	}
	return 0;
}

/* Queues the driver may use: the extra ones only with mq_feature accepted. */
u16 hv_virtio_live_queues(const struct hv_virtio_dev *dev)
{
	if (dev->mq_feature && !(dev->features & dev->mq_feature))
		return dev->ops->num_queues;
	return dev->num_queues;
}

u32 hv_virtio_status(struct hv_virtio_dev *dev)
{
	unsigned long flags;
	u32 status;

	spin_lock_irqsave(&dev->state_lock, flags);
	status = dev->status;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	return status;
}

/*
 * Wait up to @ms milliseconds for the driver to acknowledge every bit of
 * @bits it has pending in InterruptStatus.  True if it did.  May sleep.
 */
static bool hv_virtio_wait_acked(struct hv_virtio_dev *dev, u32 bits,
				 unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	unsigned long flags;
	u32 pending;

	might_sleep();
	for (;;) {
		spin_lock_irqsave(&dev->state_lock, flags);
		pending = dev->int_status & bits;
		spin_unlock_irqrestore(&dev->state_lock, flags);
		if (!pending)
			return true;
		if (time_after(jiffies, end))
			return false;
		usleep_range(500, 1000);
	}
}

void hv_virtio_kill_wait(struct hv_virtio_dev *dev)
{
	unsigned long end = jiffies + 2 * HZ;
	s64 kicks;

	might_sleep();
	/*
	 * The driver may post more before it notices (an application sees
	 * the first errors while it still submits); the dying worker
	 * completes those too.  Stay until the driver has acknowledged
	 * everything and been quiet for 100 ms, 2 s at most.
	 */
	do {
		kicks = atomic64_read(&dev->notifies);
		if (!hv_virtio_wait_acked(dev, VIRTIO_MMIO_INT_VRING, 2000))
			break;
		msleep(100);
	} while (kicks != atomic64_read(&dev->notifies) &&
		 time_before(jiffies, end));
	if (!hv_virtio_wait_acked(dev, VIRTIO_MMIO_INT_VRING, 0))
		pr_warn("hvisor: zone %u: %s@%#llx: detached without the driver acknowledging its last completions\n",
			dev->vdev.zone_id, dev->ops->name, dev->vdev.base);
}

/* Ask hvisor for one injection; counts it, and its failure. */
static void hv_virtio_inject(struct hv_virtio_dev *dev)
{
	atomic64_inc(&dev->injects);
	if (dev->inject(dev))
		atomic64_inc(&dev->inject_errors);
}

/*
 * Why every notify decision injects, and why a pending InterruptStatus is
 * injected again: hvisor's inject_irq on GIC drops an injection while the
 * same vINTID is pending or active in a list register, and active lasts
 * for the guest's whole handler (hv:src/device/irqchip/gicv3/mod.rs:288-301,
 * gicv2/gic.rs:111-122; zone-config-abi.md 10.4).  A completion published
 * after the handler read the used ring, injected while the handler still
 * runs, is lost, and no later event may come: a line-level rule (inject
 * on InterruptStatus 0 -> 1 only) then leaves the bit set and the queue
 * stalled for good.  So: inject on every decision, and while the guest has
 * not acknowledged, again after reinject_delay, doubling up to
 * HV_VIRTIO_REINJECT_MAX_MS; every acknowledgment (the guest's handler is
 * running, and may have had an injection dropped) starts again from the
 * first delay.  Repeats of one irq never add to hvisor's
 * per-cpu pending list (it merges them, hv:src/hypercall/mod.rs:157-161),
 * so they cannot bring a zone nearer its 7-irq limit.  A failed injection
 * (no bridge, response ring full) leaves the bits set: the work retries.
 */
void hv_virtio_raise(struct hv_virtio_dev *dev, u32 bits)
{
	unsigned long flags;
	bool arm;

	spin_lock_irqsave(&dev->state_lock, flags);
	trace_hvisor_irq_inject(dev, bits, dev->int_status | bits, false);
	dev->int_status |= bits;
	dev->reinject_delay = dev->reinject_base;
	arm = !dev->irq_stopped && !dev->zone_stopped && dev->inject;
	/* Under state_lock: ordered against hv_virtio_irq_stop(). */
	if (arm)
		mod_delayed_work(system_wq, &dev->reinject,
				 dev->reinject_delay);
	spin_unlock_irqrestore(&dev->state_lock, flags);

	if (dev->inject && !READ_ONCE(dev->zone_stopped))
		hv_virtio_inject(dev);
}

bool hv_virtio_reinject_tick(struct hv_virtio_dev *dev)
{
	unsigned long flags;
	u32 pending;

	spin_lock_irqsave(&dev->state_lock, flags);
	pending = dev->zone_stopped ? 0 : dev->int_status;
	if (!pending)
		dev->reinject_delay = dev->reinject_base;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (!pending || !dev->inject)
		return false;
	atomic64_inc(&dev->reinjects);
	trace_hvisor_irq_inject(dev, 0, pending, true);
	hv_virtio_inject(dev);
	return true;
}

static void hv_virtio_reinject_work(struct work_struct *work)
{
	struct hv_virtio_dev *dev = container_of(to_delayed_work(work),
						 struct hv_virtio_dev,
						 reinject);
	unsigned long flags, max;

	if (!hv_virtio_reinject_tick(dev))
		return;
	max = msecs_to_jiffies(HV_VIRTIO_REINJECT_MAX_MS);
	spin_lock_irqsave(&dev->state_lock, flags);
	dev->reinject_delay = min(dev->reinject_delay * 2, max);
	/* a raise meanwhile re-armed it with the short delay: keep that */
	if (!dev->irq_stopped && !dev->zone_stopped &&
	    !delayed_work_pending(&dev->reinject))
		queue_delayed_work(system_wq, &dev->reinject,
				   dev->reinject_delay);
	spin_unlock_irqrestore(&dev->state_lock, flags);
}

void hv_virtio_irq_stop(struct hv_virtio_dev *dev)
{
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&dev->state_lock, flags);
	dev->irq_stopped = true;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	cancel_delayed_work_sync(&dev->reinject);
}

/*
 * The line saw @ev: tell whoever clears it.  A clear after an ACK or a
 * reset may follow a fresh raise, whose interrupt it would swallow: if it
 * cleared the line, inject again when bits are pending by now.  (A status
 * read clears before it reads: what is raised after is seen or injected.)
 */
void hv_virtio_line_event(struct hv_virtio_dev *dev, enum hvisor_irq_event ev)
{
	unsigned long flags;
	u32 pending;

	if (!dev->line_event || !dev->line_event(dev, ev) ||
	    ev == HVISOR_IRQ_STATUS_READ)
		return;
	spin_lock_irqsave(&dev->state_lock, flags);
	pending = dev->zone_stopped ? 0 : dev->int_status;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (pending && dev->inject)
		hv_virtio_inject(dev);
}

void hv_virtio_queue_broken(struct hv_virtio_dev *dev, u16 index)
{
	unsigned long flags;
	bool first, driver_ok;

	spin_lock_irqsave(&dev->state_lock, flags);
	first = !(dev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	dev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	driver_ok = dev->status & VIRTIO_CONFIG_S_DRIVER_OK;
	spin_unlock_irqrestore(&dev->state_lock, flags);

	trace_hvisor_queue_broken(dev, index);
	if (!first)
		return;
	hv_vdev_warn(dev, "queue %u broken (%s), device needs reset\n", index,
		     index < HV_VIRTIO_MAX_QUEUES && dev->vqs[index].why ?
		     dev->vqs[index].why : "setup");
	/* Spec 2.1.2: with DRIVER_OK set, tell the driver. */
	if (driver_ok)
		hv_virtio_raise(dev, VIRTIO_MMIO_INT_CONFIG);
}

bool hv_virtio_run_end(struct hv_virtio_dev *dev, const struct hv_vq_run *run)
{
	if (run->cut)
		atomic64_inc(&dev->yields);
	return run->cut;
}

void hv_virtio_config_changed(struct hv_virtio_dev *dev)
{
	atomic_inc(&dev->config_generation);
	if (hv_virtio_status(dev) & VIRTIO_CONFIG_S_DRIVER_OK)
		hv_virtio_raise(dev, VIRTIO_MMIO_INT_CONFIG);
}

/* Status = 0: quiesce the device, then forget everything the driver set. */
static void hv_virtio_reset(struct hv_virtio_dev *dev)
{
	unsigned long flags;
	u16 i;

	might_sleep();	/* deferred by the register file (mmio.c) */
	if (dev->ops->reset)	/* none: served elsewhere, no queue here */
		dev->ops->reset(dev);

	for (i = 0; i < dev->num_queues; i++) {
		hv_vq_reset(&dev->vqs[i]);
		memset(&dev->qregs[i], 0, sizeof(dev->qregs[i]));
	}
	dev->dev_features_sel = 0;
	dev->drv_features_sel = 0;
	dev->drv_features[0] = 0;
	dev->drv_features[1] = 0;
	dev->features = 0;
	dev->queue_sel = 0;

	spin_lock_irqsave(&dev->state_lock, flags);
	dev->status = 0;
	dev->int_status = 0;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	hv_virtio_line_event(dev, HVISOR_IRQ_RESET);
}

void hv_virtio_zone_stop(struct hv_virtio_dev *dev)
{
	unsigned long flags;

	might_sleep();
	/* no register access is performed past this, but reads */
	hvisor_vdev_stop(&dev->vdev);
	spin_lock_irqsave(&dev->state_lock, flags);
	dev->zone_stopped = true;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	/* a re-injection running now sees zone_stopped on its next tick */
	cancel_delayed_work_sync(&dev->reinject);
	hv_virtio_reset(dev);
}

void hv_virtio_zone_restart(struct hv_virtio_dev *dev)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->state_lock, flags);
	dev->zone_stopped = false;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	hvisor_vdev_restart(&dev->vdev);
}

bool hv_virtio_zone_stopped(struct hv_virtio_dev *dev)
{
	unsigned long flags;
	bool stopped;

	spin_lock_irqsave(&dev->state_lock, flags);
	stopped = dev->zone_stopped;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	return stopped;
}

static bool hv_virtio_features_ok(struct hv_virtio_dev *dev, u64 drv)
{
	if (drv & ~dev->device_features) {
		hv_vdev_warn(dev, "driver accepted unoffered features %#llx\n",
			     drv & ~dev->device_features);
		return false;
	}
	if (!(drv & BIT_ULL(VIRTIO_F_VERSION_1))) {
		hv_vdev_warn(dev, "driver did not accept VIRTIO_F_VERSION_1\n");
		return false;
	}
	return true;
}

void hv_virtio_write_status(struct hv_virtio_dev *dev, u32 value)
{
	u32 old, drv_old, new, added;
	unsigned long flags;
	u64 drv;

	if (!value) {
		hv_virtio_reset(dev);
		return;
	}

	old = hv_virtio_status(dev);
	/* NEEDS_RESET belongs to the device: the driver cannot set or clear it. */
	drv_old = old & ~VIRTIO_CONFIG_S_NEEDS_RESET;
	new = value & 0xff & ~VIRTIO_CONFIG_S_NEEDS_RESET;
	if (drv_old & ~new) {
		hv_vdev_warn(dev, "status %#x -> %#x clears bits, ignored\n",
			     old, value);
		return;
	}
	added = new & ~drv_old;

	if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
		drv = (u64)dev->drv_features[1] << 32 | dev->drv_features[0];
		if (!(new & VIRTIO_CONFIG_S_DRIVER) ||
		    !hv_virtio_features_ok(dev, drv))
			new &= ~VIRTIO_CONFIG_S_FEATURES_OK;
		else
			dev->features = drv;
	}
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(new & VIRTIO_CONFIG_S_FEATURES_OK)) {
		hv_vdev_warn(dev, "DRIVER_OK without FEATURES_OK, ignored\n");
		new &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	}

	spin_lock_irqsave(&dev->state_lock, flags);
	dev->status = new | (dev->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	new = dev->status;
	spin_unlock_irqrestore(&dev->state_lock, flags);

	if (dev->ops->status_changed && new != old)
		dev->ops->status_changed(dev, old, new);
}

struct hv_virtio_queue_regs *hv_virtio_sel_queue(struct hv_virtio_dev *dev)
{
	if (dev->queue_sel >= hv_virtio_live_queues(dev))
		return NULL;
	return &dev->qregs[dev->queue_sel];
}

void hv_virtio_queue_ready(struct hv_virtio_dev *dev, u32 value)
{
	struct hv_virtio_queue_regs *q = hv_virtio_sel_queue(dev);
	u16 index = dev->queue_sel;
	int err;

	if (!q)
		return;
	if (!value) {
		if (!q->ready)
			return;
		might_sleep();	/* deferred by the register file (mmio.c) */
		/* Stop the worker before the queue disappears under it. */
		if (dev->ops->reset_queue)
			dev->ops->reset_queue(dev, index);
		else
			dev->ops->reset(dev);
		hv_vq_reset(&dev->vqs[index]);
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	if (!(hv_virtio_status(dev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		hv_vdev_warn(dev, "QueueReady before FEATURES_OK, ignored\n");
		return;
	}
	err = hv_vq_setup(&dev->vqs[index], dev->mem, q->num,
			  dev->ops->queue_max, q->desc, q->avail, q->used,
			  hv_virtio_has_feature(dev, VIRTIO_RING_F_EVENT_IDX));
	if (err) {
		/* Its one dmesg line names vq->why (overlap, outside...). */
		hv_virtio_queue_broken(dev, index);
		return;
	}
	q->ready = true;
}

void hv_virtio_notify(struct hv_virtio_dev *dev, u64 value)
{
	atomic64_inc(&dev->notifies);
	if (value >= hv_virtio_live_queues(dev) || !dev->qregs[value].ready) {
		hv_vdev_warn(dev, "notify of queue %llu that is not ready\n",
			     value);
		return;
	}
	trace_hvisor_kick(dev, value);
	dev->ops->notify(dev, value);
}

u32 hv_virtio_int_status(struct hv_virtio_dev *dev)
{
	unsigned long flags;
	u32 value;

	hv_virtio_line_event(dev, HVISOR_IRQ_STATUS_READ);
	spin_lock_irqsave(&dev->state_lock, flags);
	value = dev->int_status;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	return value;
}

void hv_virtio_int_ack(struct hv_virtio_dev *dev, u32 value)
{
	unsigned long flags;
	bool cleared;

	spin_lock_irqsave(&dev->state_lock, flags);
	cleared = dev->int_status;	/* was the line up? */
	dev->int_status &= ~(value & (VIRTIO_MMIO_INT_VRING |
				      VIRTIO_MMIO_INT_CONFIG));
	cleared = cleared && !dev->int_status;
	/*
	 * The guest's handler runs: what is still or newly pending
	 * may have been injected into it and dropped (GIC active).
	 * Look again soon, not after a backed-off delay.
	 */
	dev->reinject_delay = dev->reinject_base;
	if (dev->int_status && dev->inject && !dev->irq_stopped &&
	    !dev->zone_stopped)
		mod_delayed_work(system_wq, &dev->reinject,
				 dev->reinject_delay);
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (cleared)
		hv_virtio_line_event(dev, HVISOR_IRQ_ACKED);
}
