// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of emulated MMIO devices, keyed by (zone, guest physical
 * window), and the dispatch of trapped accesses to them.  See vdev.h.
 *
 * The registry is an RCU list: the bridge's fast path looks devices up
 * without a lock, hvisor_vdev_unregister() waits for it with
 * synchronize_rcu().  There is no lock across devices: a device whose
 * access sleeps holds up its own accesses only.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/errno.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/rculist.h>
#include <linux/sched.h>

#include "vdev.h"

static LIST_HEAD(hv_vdevs);
/* Serialises writers of hv_vdevs (readers use RCU). */
static DEFINE_MUTEX(hv_vdev_lock);
static hv_vdev_answer_fn hv_vdev_answer;
static hv_vdev_take_fn hv_vdev_unclaimed;

void hvisor_vdev_set_answer(hv_vdev_answer_fn answer)
{
	WRITE_ONCE(hv_vdev_answer, answer);
}

void hvisor_vdev_answer(const struct hv_device_req *req, u64 value)
{
	hv_vdev_answer_fn answer = READ_ONCE(hv_vdev_answer);

	if (answer)
		answer(req, value);
}

void hvisor_vdev_set_unclaimed(hv_vdev_take_fn take)
{
	WRITE_ONCE(hv_vdev_unclaimed, take);
}

/* Last byte of a window; false if it is empty or wraps around. */
static bool hv_vdev_last(u64 base, u64 len, u64 *last)
{
	return len && !check_add_overflow(base, len - 1, last);
}

static void hv_vdev_defer_work(struct work_struct *work);

int hvisor_vdev_register(struct hv_vdev *vdev)
{
	struct hv_vdev *other;
	u64 last, olast;
	int ret = 0;

	if (!vdev->mmio ||
	    (!vdev->mmio->take && (!vdev->mmio->read || !vdev->mmio->write)) ||
	    !hv_vdev_last(vdev->base, vdev->len, &last))
		return -EINVAL;

	spin_lock_init(&vdev->lock);
	vdev->defer_head = 0;
	vdev->defer_count = 0;
	vdev->defer_posted = 0;
	INIT_WORK(&vdev->defer_work, hv_vdev_defer_work);
	atomic64_set(&vdev->deferrals, 0);
	atomic64_set(&vdev->defer_dropped, 0);
	vdev->stopped = false;

	mutex_lock(&hv_vdev_lock);
	list_for_each_entry(other, &hv_vdevs, node) {
		if (other->zone_id != vdev->zone_id)
			continue;
		olast = other->base + other->len - 1;	/* checked when added */
		if (vdev->base <= olast && other->base <= last) {
			ret = -EEXIST;
			goto out_unlock;
		}
	}
	list_add_tail_rcu(&vdev->node, &hv_vdevs);
out_unlock:
	mutex_unlock(&hv_vdev_lock);
	return ret;
}

void hvisor_vdev_unregister(struct hv_vdev *vdev)
{
	mutex_lock(&hv_vdev_lock);
	list_del_rcu(&vdev->node);
	mutex_unlock(&hv_vdev_lock);
	/* No fast path sees it any more, so nothing is deferred after this. */
	synchronize_rcu();
	/* defer_work stays queued until it has performed every deferral. */
	flush_work(&vdev->defer_work);
}

void hvisor_vdev_stop(struct hv_vdev *vdev)
{
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&vdev->lock, flags);
	WRITE_ONCE(vdev->stopped, true);
	spin_unlock_irqrestore(&vdev->lock, flags);
	/* what was held is performed, writes ignored, and answered */
	flush_work(&vdev->defer_work);
}

void hvisor_vdev_restart(struct hv_vdev *vdev)
{
	unsigned long flags;

	spin_lock_irqsave(&vdev->lock, flags);
	WRITE_ONCE(vdev->stopped, false);
	spin_unlock_irqrestore(&vdev->lock, flags);
}

static struct hv_vdev *hv_vdev_find_rcu(u32 zone, u64 addr, u64 size)
{
	struct hv_vdev *vdev;

	list_for_each_entry_rcu(vdev, &hv_vdevs, node) {
		if (vdev->zone_id != zone || addr < vdev->base)
			continue;
		/* [addr, addr + size) inside [base, base + len), no overflow */
		if (size <= vdev->len && addr - vdev->base <= vdev->len - size)
			return vdev;
	}
	return NULL;
}

static u64 hv_vdev_mask(u32 size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/*
 * Perform @req on @vdev.  Returns 0 with @*value, or -EWOULDBLOCK
 * (only without @may_sleep) if it must be performed where it can sleep.
 */
static int hv_vdev_perform(struct hv_vdev *vdev, const struct hv_device_req *req,
			   bool may_sleep, u64 *value)
{
	u32 size = req->size;	/* checked by the dispatch */
	u64 offset = req->address - vdev->base;

	*value = 0;
	if (req->is_write && hvisor_vdev_stopped(vdev))
		return 0;	/* its zone stopped: nothing may start */
	if (req->is_write)
		return vdev->mmio->write(vdev, offset,
					 req->value & hv_vdev_mask(size), size,
					 may_sleep);
	*value = vdev->mmio->read(vdev, offset, size) & hv_vdev_mask(size);
	return 0;
}

/*
 * Hold @req behind the accesses already deferred, under vdev->lock.
 * Returns false if it cannot be held: a posted access equal to the last
 * one held (a repeated QueueNotify adds nothing), or beyond the room for
 * posted accesses (dropped and counted), or a blocking access with no
 * room, which hvisor's one-access-per-cpu makes impossible (answered 0).
 */
static bool hv_vdev_defer_locked(struct hv_vdev *vdev,
				 const struct hv_device_req *req)
{
	unsigned int tail = (vdev->defer_head + vdev->defer_count) %
			    HV_VDEV_DEFER_MAX;
	const struct hv_device_req *last;

	lockdep_assert_held(&vdev->lock);
	if (req->need_interrupt) {
		last = &vdev->deferred[(tail + HV_VDEV_DEFER_MAX - 1) %
				       HV_VDEV_DEFER_MAX];
		if (vdev->defer_count && last->need_interrupt &&
		    last->address == req->address && last->value == req->value)
			return false;
		if (vdev->defer_posted == HV_VDEV_DEFER_POSTED) {
			atomic64_inc(&vdev->defer_dropped);
			pr_warn_ratelimited("zone %u: %d posted accesses held behind a slow one at %#llx: notify %#llx dropped\n",
					    vdev->zone_id, HV_VDEV_DEFER_POSTED,
					    vdev->base, req->address);
			return false;
		}
		vdev->defer_posted++;
	} else if (vdev->defer_count - vdev->defer_posted ==
		   HV_BRIDGE_MAX_CPUS) {
		pr_warn_ratelimited("zone %u: cpu %llu: more blocking accesses held than cpus at %#llx: answered 0\n",
				    vdev->zone_id, req->src_cpu, vdev->base);
		return false;
	}
	vdev->deferred[tail] = *req;
	vdev->defer_count++;
	atomic64_inc(&vdev->deferrals);
	if (vdev->defer_count == 1)
		queue_work(system_unbound_wq, &vdev->defer_work);
	return true;
}

/*
 * The device's own context: perform the deferred accesses in order, each
 * where it may sleep, answering the blocking ones.  The oldest stays held
 * while it is performed, so the fast path keeps deferring behind it.
 */
static void hv_vdev_defer_work(struct work_struct *work)
{
	struct hv_vdev *vdev = container_of(work, struct hv_vdev, defer_work);
	struct hv_device_req req;
	unsigned long flags;
	u64 value;

	for (;;) {
		spin_lock_irqsave(&vdev->lock, flags);
		if (!vdev->defer_count) {
			spin_unlock_irqrestore(&vdev->lock, flags);
			return;
		}
		req = vdev->deferred[vdev->defer_head];
		spin_unlock_irqrestore(&vdev->lock, flags);

		hv_vdev_perform(vdev, &req, true, &value);
		if (!req.need_interrupt)
			hvisor_vdev_answer(&req, value);

		spin_lock_irqsave(&vdev->lock, flags);
		vdev->defer_head = (vdev->defer_head + 1) % HV_VDEV_DEFER_MAX;
		vdev->defer_count--;
		if (req.need_interrupt)
			vdev->defer_posted--;
		spin_unlock_irqrestore(&vdev->lock, flags);
		cond_resched();
	}
}

bool hvisor_vdev_dispatch(const struct hv_device_req *req, u64 *value)
{
	hv_vdev_take_fn unclaimed;
	struct hv_vdev *vdev;
	unsigned long flags;
	bool answered = true;

	*value = 0;
	switch (req->size) {
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return true;
	}

	rcu_read_lock();
	vdev = hv_vdev_find_rcu(req->src_zone, req->address, req->size);
	if (!vdev) {
		unclaimed = READ_ONCE(hv_vdev_unclaimed);
		answered = !(unclaimed && unclaimed(req));
		goto out_unlock_rcu;
	}
	if (vdev->mmio->take) {
		/* stopped: as a reset device, it must not reach its server */
		answered = hvisor_vdev_stopped(vdev) ||
			   !vdev->mmio->take(vdev, req);
		goto out_unlock_rcu;
	}
	spin_lock_irqsave(&vdev->lock, flags);
	if (vdev->defer_count ||
	    hv_vdev_perform(vdev, req, false, value) == -EWOULDBLOCK)
		answered = !hv_vdev_defer_locked(vdev, req);
	spin_unlock_irqrestore(&vdev->lock, flags);
out_unlock_rcu:
	rcu_read_unlock();
	return answered;
}
