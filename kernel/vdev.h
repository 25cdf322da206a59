/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry of emulated MMIO devices, keyed by (zone, guest physical
 * range), and the dispatch of trapped accesses to them.
 *
 * The bridge dispatches every access at once, in its fast path (the wake-up
 * irq, or a timer: atomic context).  An access that would sleep (a reset
 * waiting for I/O, a tap reconfiguration) is deferred to the device's own
 * work item, and so is every later access to that device until the
 * deferred ones are done: a device sees its accesses in the order hvisor
 * queued them, while every other device keeps being answered at once.
 * A deferred blocking access is answered when it is performed.
 */
#ifndef _HVISOR_VDEV_H
#define _HVISOR_VDEV_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "../include/hvisor/hypervisor.h"

struct hv_vdev;

/*
 * Deferred accesses a device holds at most: one blocking access per hvisor
 * cpu (a vCPU waits for its answer before it traps again), plus
 * HV_VDEV_DEFER_POSTED posted ones (QueueNotify).  A posted access beyond
 * that, or one equal to the last one held, is dropped and counted.
 */
#define HV_VDEV_DEFER_POSTED	32
#define HV_VDEV_DEFER_MAX	(HV_BRIDGE_MAX_CPUS + HV_VDEV_DEFER_POSTED)

struct hv_vdev_mmio_ops {
	/*
	 * @offset is relative to vdev->base; @size is 1, 2, 4 or 8.  Never
	 * sleeps: called in atomic context (irqs off) or from the deferred
	 * work.
	 */
	u64 (*read)(struct hv_vdev *vdev, u64 offset, u32 size);
	/*
	 * Without @may_sleep (atomic context), a write that would sleep
	 * returns -EWOULDBLOCK before it changes anything; it is then called
	 * again with @may_sleep from the device's deferred work.  Returns 0
	 * otherwise.
	 */
	int (*write)(struct hv_vdev *vdev, u64 offset, u64 value, u32 size,
		     bool may_sleep);
	/*
	 * Instead of read and write: a device served elsewhere (by a daemon
	 * in zone 0's userspace) takes the whole access and answers it
	 * later, a blocking one through hvisor_vdev_answer().  Returns
	 * false if it could not take it: answered as an absent device.
	 * Atomic context.
	 */
	bool (*take)(struct hv_vdev *vdev, const struct hv_device_req *req);
};

struct hv_vdev {
	u32 zone_id;
	u64 base;		/* guest physical address of the MMIO window */
	u64 len;
	const struct hv_vdev_mmio_ops *mmio;
	struct list_head node;	/* in the registry: RCU readers */

	/*
	 * Protects the deferred accesses below; held by the fast path
	 * across each access it performs, so that while nothing is
	 * deferred it also serialises the device's register file.  While
	 * defer_count > 0 the register file belongs to defer_work alone.
	 */
	spinlock_t lock;
	struct hv_device_req deferred[HV_VDEV_DEFER_MAX];
	unsigned int defer_head;	/* oldest, performed by defer_work */
	unsigned int defer_count;
	unsigned int defer_posted;	/* of which posted (need_interrupt) */
	struct work_struct defer_work;	/* queued while defer_count > 0 */
	/*
	 * Its zone stopped (hvisor_vdev_stop()): writes are ignored, reads
	 * answered as a reset device would.  Written under lock, read with
	 * READ_ONCE() by the accesses.
	 */
	bool stopped;

	atomic64_t deferrals;		/* accesses deferred */
	atomic64_t defer_dropped;	/* posted accesses dropped */
};

/*
 * How a deferred blocking access @req is answered with @value.  Set by the
 * bridge while it runs (NULL: not running).
 */
typedef void (*hv_vdev_answer_fn)(const struct hv_device_req *req,
				  u64 value);
void hvisor_vdev_set_answer(hv_vdev_answer_fn answer);

/*
 * Answer the blocking access @req, taken earlier, with @value through the
 * bridge; nothing if the bridge is not running.  Any context.
 */
void hvisor_vdev_answer(const struct hv_device_req *req, u64 value);

/*
 * Where an access to no registered device goes: @take, if set, may take
 * it as a device's take op does (upstream's daemon serves it, updaemon.c);
 * otherwise, or if it returns false, it is answered as an absent device.
 * NULL: none.  A fast path may still call the previous one for a while:
 * it must stay callable (and decide itself whether it still takes).
 */
typedef bool (*hv_vdev_take_fn)(const struct hv_device_req *req);
void hvisor_vdev_set_unclaimed(hv_vdev_take_fn take);

/*
 * Add @vdev; -EEXIST if its window overlaps a device of the same zone,
 * -EINVAL without read and write or take, or if the window is empty or
 * wraps.
 */
int hvisor_vdev_register(struct hv_vdev *vdev);

/*
 * Remove @vdev.  On return no access to it is running, deferred or will
 * start (the deferred ones were performed and answered), so the caller
 * may free it.  May sleep.
 */
void hvisor_vdev_unregister(struct hv_vdev *vdev);

/*
 * The zone of @vdev stopped: from now on its writes are ignored (counted
 * nowhere: a stopped zone cannot write), and on return no access held
 * before is still being performed.  May sleep.
 */
void hvisor_vdev_stop(struct hv_vdev *vdev);

/* The zone of @vdev runs again: its accesses are performed again. */
void hvisor_vdev_restart(struct hv_vdev *vdev);

static inline bool hvisor_vdev_stopped(const struct hv_vdev *vdev)
{
	return READ_ONCE(vdev->stopped);
}

/*
 * Perform one trapped access, from the bridge's fast path (atomic
 * context).  Returns true with the value to complete a read with in
 * @*value (0 for writes, for unknown addresses and for bad sizes: an
 * absent device reads as zeros, as on upstream).  Returns false if the
 * access was deferred (or, posted, dropped) or taken: a blocking one is
 * answered through the answer function when it is performed.
 */
bool hvisor_vdev_dispatch(const struct hv_device_req *req, u64 *value);

#endif /* _HVISOR_VDEV_H */
