/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device worker core: the one place that creates device worker
 * threads (blk, net, console), as drivers/vhost/vhost.c owns the worker of
 * a vhost device and the devices hand it handle_kick functions.
 *
 * A worker is a kthread with up to HV_WORKER_MAX_WORK work bits, one
 * handler each.  hv_worker_kick() sets a bit and wakes the thread (any
 * context); the thread takes the bits set, runs their handlers under
 * w->lock, one bounded run each (struct hv_vq_run, vhost's rule: every
 * iteration and every byte charged), and requeues the bits whose handler
 * says work is left behind everything else the scheduler has:
 * cond_resched() between runs, never a loop inside one.
 *
 * Lifecycle, shared by every device:
 *   - paused: set by a reset (hv_worker_quiesce()), cleared by the next
 *     guest kick (hv_worker_resume()); handlers leave the rings alone
 *     while it is set;
 *   - dying: set by the device's kill under w->lock (hv_worker_kill());
 *     handlers then only complete what the driver posts, never start
 *     work;
 *   - stopped: hv_worker_stop() at destroy; no kick may follow it.
 */
#ifndef _HVISOR_VIRTIO_WORKER_H
#define _HVISOR_VIRTIO_WORKER_H

#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/timer.h>
#include <linux/types.h>

struct hv_virtio_dev;
struct hv_vq;
struct hv_worker;
struct task_struct;

#define HV_WORKER_MAX_WORK	4

/* worker_poll_us, the time a worker polls before it sleeps, at most: */
#define HV_WORKER_POLL_MAX_US	1000U
#if IS_ENABLED(CONFIG_KUNIT)
extern unsigned int hv_worker_poll_us;	/* the parameter, for the suite */
#endif

/*
 * One bounded run of the work behind one bit, under w->lock.  Returns
 * true when its budget cut the run (work is left): the bit is set again
 * and the handler runs after the other bits and after cond_resched().
 */
typedef bool (*hv_work_fn)(struct hv_worker *w);

/*
 * Polling instead of sleeping (vhost's busyloop_timeout): after a run
 * that left nothing behind, a worker with a poll function spins for up
 * to worker_poll_us on the rings it names, with the driver's kicks
 * suppressed meanwhile, so a request the driver posts then costs it no
 * trapped QueueNotify and us no wake-up.  The function says, under
 * w->lock, which ring the work of @bit serves, if it is worth watching
 * now (ready, not waiting for anything else); NULL if none.
 */
typedef struct hv_vq *(*hv_worker_poll_fn)(struct hv_worker *w,
					   unsigned int bit);

struct hv_worker {
	struct hv_virtio_dev *dev;
	struct task_struct *task;	/* referenced until hv_worker_stop() */
	const hv_work_fn *handlers;
	unsigned int nr_handlers;
	unsigned long work;		/* bits to run, atomic bit ops */
	unsigned long later;		/* bits the timer sets, atomic ops */
	struct timer_list timer;	/* hv_worker_kick_later() */
	bool paused;			/* reset: rings off limits */
	/*
	 * Held by the thread for a run of the handlers; protects dying and
	 * whatever state the device's handlers keep between runs (pending
	 * used counts, scratch chains, request pools).  Reset and kill take
	 * it to exclude the thread.
	 */
	struct mutex lock;
	bool dying;			/* killed: complete, never start */
	hv_worker_poll_fn poll;		/* NULL: never polls */
	/* what polling cost and found, under lock */
	u64 polls;			/* spins begun */
	u64 polls_found;		/* of which found work before the end */
	u64 polled_ns;			/* time spent spinning */
};

/*
 * Create the thread of @w for @dev, named "hvisor-<what>/<zone>[.<index>]"
 * (@index < 0: no index), with handlers @handlers[0..@nr) for bits 0..@nr.
 * The worker starts paused; the thread runs at once.  0 or -errno.
 */
int hv_worker_start(struct hv_worker *w, struct hv_virtio_dev *dev,
		    const hv_work_fn *handlers, unsigned int nr,
		    const char *what, int index);

/*
 * Let @w poll the rings @poll names before it sleeps (hv_worker_poll_fn).
 * After hv_worker_start(), before the device can be kicked.
 */
static inline void hv_worker_set_poll(struct hv_worker *w,
				      hv_worker_poll_fn poll)
{
	w->poll = poll;
}

/*
 * Stop the thread of @w, for good: at destroy, once nothing outside the
 * thread kicks any more.  A run in progress finishes first.  May sleep.
 */
void hv_worker_stop(struct hv_worker *w);

/* Queue the work of @bit and wake the thread.  Any context. */
void hv_worker_kick(struct hv_worker *w, unsigned int bit);

/* Queue the work of @bit in @delay jiffies (a retry).  Any context. */
void hv_worker_kick_later(struct hv_worker *w, unsigned int bit,
			  unsigned long delay);

/* The guest kicked: leave the paused state, queue @bit. */
void hv_worker_resume(struct hv_worker *w, unsigned int bit);

/*
 * Pause @w without waiting: handlers stop at their next check.  For a
 * device with several workers, pause all before quiescing any.
 */
static inline void hv_worker_pause(struct hv_worker *w)
{
	WRITE_ONCE(w->paused, true);
}

/*
 * Pause @w and wait for a run in progress: on return w->lock is held and
 * no handler runs until hv_worker_unlock().  May sleep.
 */
void hv_worker_quiesce(struct hv_worker *w);

/*
 * Mark @w dying and take w->lock (waiting for a run in progress): the
 * device's kill then completes what it holds, and hv_worker_unlock().
 * May sleep.
 */
void hv_worker_kill(struct hv_worker *w);

static inline void hv_worker_unlock(struct hv_worker *w)
{
	mutex_unlock(&w->lock);
}

static inline bool hv_worker_paused(const struct hv_worker *w)
{
	return READ_ONCE(w->paused);
}

/* Under w->lock (handlers, kill): is the device being detached? */
static inline bool hv_worker_dying(struct hv_worker *w)
{
	lockdep_assert_held(&w->lock);
	return w->dying;
}

/*
 * Publish the @*pending used entries of queue @index of @dev and raise
 * VIRTIO_MMIO_INT_VRING if the driver wants it (used_event, NO_INTERRUPT);
 * zero @*pending.  Under the lock of the worker that owns the queue.
 */
void hv_worker_publish(struct hv_virtio_dev *dev, u16 index, u32 *pending);

/*
 * The guest broke queue @index of @dev: mark it broken for @why (NULL:
 * vq.c already did), publish what was completed, set NEEDS_RESET.
 */
void hv_worker_break(struct hv_virtio_dev *dev, u16 index, const char *why,
		     u32 *pending);

#endif /* _HVISOR_VIRTIO_WORKER_H */
