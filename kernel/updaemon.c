// SPDX-License-Identifier: GPL-2.0
/*
 * Upstream hvisor-tool's user ABI on /dev/hvisor, for its daemon; see
 * updaemon.h.
 *
 * hvisor.ko plays hvisor on the daemon's shadow page: it queues requests
 * (req_list, req_rear), raises the daemon's eventfd when the daemon said
 * it sleeps (need_wakeup, with the StoreLoad barrier hvisor lacks), waits
 * for cfg_flags[cpu] to move for a blocking access, and drains res_list in
 * FINISH_REQ.  The daemon answers a blocking access by writing cfg_values
 * and cfg_flags in its page, without a system call, so a timer looks for
 * the answers while any is owed: first HV_UPD_POLL_MIN_NS after the
 * access, then twice as long each time up to HV_UPD_POLL_MAX_NS, never
 * when nothing is owed.  An answer owed longer than answer_timeout_ms is
 * given as 0 (one line in dmesg): a hung daemon must not hold a vCPU
 * forever.
 *
 * Which accesses it gets: those of the devices declared for it (a device
 * of hvisor.ko whose take op forwards, kernel/virtio/forward.c) and those
 * in the windows it announced itself (mmio_addrs[] once mmio_avail is set,
 * HV_UPD_WINDOW bytes each, as upstream's daemon does after it created its
 * devices).  Any other access is answered here as for an absent device:
 * upstream's daemon answers an address it does not serve with a cfg
 * completion even for a posted access, which would move cfg_flags for an
 * access that owes none.
 *
 * cfg_flags[cpu] counts the daemon's answers for that cpu, in the order
 * of that cpu's blocking accesses on the ring (one at a time per cpu, as
 * hvisor's vCPU waits).  Each is given a sequence number, and it is
 * answered when cfg_flags reaches it: a late answer to an access that
 * timed out cannot release the next one early.
 *
 * What the daemon writes is not trusted: ring indices are masked, slots
 * copied once, responses only for the zones whose accesses it was given.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/capability.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/virtio_mmio.h>
#include <linux/workqueue.h>

#include "../common/virtio_limits.h"
#include "arch.h"
#include "bridge.h"
#include "bridge_ring.h"
#include "compat.h"
#include "phys_range.h"
#include "seam_internal.h"
#include "updaemon.h"
#include "vdev.h"
#include "zone_internal.h"

static unsigned int answer_timeout_ms = 5000;
module_param(answer_timeout_ms, uint, 0644);
MODULE_PARM_DESC(answer_timeout_ms,
		 "upstream's daemon: a blocking access it has not answered after this long is answered 0 (ms, >= 10)");

/* Upstream's ioctl numbers (upstream-hvisor-tool.md 1.2). */
#define HV_UP_INIT_VIRTIO	_IO(HVISOR_UP_IOCTL_TYPE, 0)
#define HV_UP_GET_TASK		_IO(HVISOR_UP_IOCTL_TYPE, 1)
#define HV_UP_FINISH_REQ	_IO(HVISOR_UP_IOCTL_TYPE, 2)
#define HV_UP_ZONE_START	_IOW(HVISOR_UP_IOCTL_TYPE, 3, void *)
#define HV_UP_ZONE_SHUTDOWN	_IOW(HVISOR_UP_IOCTL_TYPE, 4, __u64)
#define HV_UP_ZONE_LIST		_IOR(HVISOR_UP_IOCTL_TYPE, 5, void *)
#define HV_UP_CONFIG_CHECK	_IOR(HVISOR_UP_IOCTL_TYPE, 6, __u64 *)
#define HV_UP_SET_EVENTFD	_IOW(HVISOR_UP_IOCTL_TYPE, 7, int)
#define HV_UP_DEASSERT_IRQ	_IOW(HVISOR_UP_IOCTL_TYPE, 11, __u64)

/* ZONE_LIST's argument and records, as upstream's tool lays them out. */
struct hv_up_zone_list {
	__u64 cnt;
	__u64 zones;		/* user pointer to struct hv_up_zone_info[cnt] */
};

/* its records are hvisor's struct hv_zone_info, 56 bytes each */
static_assert(sizeof(struct hv_up_zone_list) == 16);

#define HV_UPD_POLL_MIN_NS	(2 * NSEC_PER_USEC)
#define HV_UPD_POLL_MAX_NS	(200 * NSEC_PER_USEC)
/* with only posted accesses waiting for room: nobody spins on them */
#define HV_UPD_IDLE_POLL_NS	(100 * NSEC_PER_MSEC)
/* a window upstream's daemon announces: its virtio-mmio devices' size */
#define HV_UPD_WINDOW		0x200
/* host physical ranges declared for the daemon's mmap (forward.c) */
#define HV_UPD_MAX_MEM		64
/*
 * hvisor drops an injection while the irq is pending or active in the
 * guest (GIC: hv:src/device/irqchip/gicv3/mod.rs:288-301), and upstream's
 * daemon injects once until the guest's InterruptACK ("line" model): a
 * drop would stall that queue for good.  So an irq the daemon injected is
 * injected again every HV_UPD_REINJECT_MS, HV_UPD_REINJECT_TRIES times at
 * most, until a write to InterruptACK of that zone reaches the daemon.
 */
#define HV_UPD_REINJECT_MS	10
#define HV_UPD_REINJECT_TRIES	5
#define HV_UPD_MAX_LINES	32
/*
 * Accesses waiting for room in the shadow's req_list (31 slots): one
 * blocking access per cpu, and as many posted ones.  Beyond that (a
 * daemon that takes nothing any more), a posted access is dropped and a
 * blocking one answered 0, both counted.
 */
#define HV_UPD_POSTED_MAX	32
#define HV_UPD_BACKLOG		(HV_BRIDGE_MAX_CPUS + HV_UPD_POSTED_MAX)

/* A blocking access the daemon owes an answer to. */
struct hv_upd_owed {
	struct hv_device_req req;
	u64 seq;		/* answered when cfg_flags[cpu] reaches it */
	unsigned long deadline;	/* jiffies */
	bool owed;
};

static void hv_upd_reinject(struct work_struct *work);

static struct {
	/*
	 * Attach (INIT_VIRTIO, SET_EVENTFD) and detach (release) of the
	 * daemon: process context, one at a time.
	 */
	struct mutex attach_lock;
	/*
	 * Everything below.  Taken in the bridge's fast path (hardirq), by
	 * the timer and by the daemon's ioctls.
	 */
	spinlock_t lock;
	struct file *owner;		/* the daemon's /dev/hvisor; NULL: none */
	struct hv_virtio_bridge *page;	/* its shadow bridge page */
	struct eventfd_ctx *efd;	/* SET_EVENTFD; NULL: not yet */
	bool running;			/* the bridge runs: forward */
	struct hv_upd_owed owed[HV_BRIDGE_MAX_CPUS];
	u64 sent[HV_BRIDGE_MAX_CPUS];	/* blocking accesses given, per cpu */
	unsigned int nr_owed;
	u32 zones;			/* bit z: zone z's accesses were given */
	/*
	 * Per zone, the irqs it injected that no device attached to the zone
	 * has (its devices not declared): with the attached ones, at most
	 * HV_VIRTIO_MAX_ZONE_IRQS, as attach counts them (hvisor panics on
	 * more distinct pending irqs).
	 */
	u32 extra_irqs[HVISOR_MAX_ZONES][HV_VIRTIO_MAX_ZONE_IRQS];
	u8 nr_extra[HVISOR_MAX_ZONES];
	hv_upd_irq_ok_fn irq_ok;	/* the virtio layer's count */
	/* InterruptACK writes forwarded, per zone */
	u32 acks[HVISOR_MAX_ZONES];
	/* irqs injected and not acknowledged since: injected again */
	struct hv_upd_line {
		u32 zone_id, irq;
		u32 acks;		/* acks[zone_id] when injected */
		u8 tries;		/* 0: free */
	} lines[HV_UPD_MAX_LINES];
	struct delayed_work reinject;	/* while a line has tries */
	struct hv_device_req backlog[HV_UPD_BACKLOG];
	unsigned int backlog_head, backlog_count, backlog_posted;
	struct hrtimer timer;		/* looks for answers while owed */
	u64 poll_ns;			/* its next period */
	u64 forwarded, answered, timed_out, dropped;
	/* declared with hvisor_updaemon_mem_add(): its mmap may map them */
	struct hv_upd_mem {
		u64 start, size;
		u32 zone_id;
		unsigned int refs;	/* devices that declared it; 0: free */
	} mem[HV_UPD_MAX_MEM];
} hv_upd = {
	.attach_lock = __MUTEX_INITIALIZER(hv_upd.attach_lock),
	.lock = __SPIN_LOCK_UNLOCKED(hv_upd.lock),
	.reinject = __DELAYED_WORK_INITIALIZER(hv_upd.reinject,
					       hv_upd_reinject, 0),
};

/* The daemon said it sleeps: raise its eventfd.  Under lock. */
static void hv_upd_wake_locked(void)
{
	lockdep_assert_held(&hv_upd.lock);
	/* our req_rear store before its need_wakeup (its side: seq_cst) */
	smp_mb();
	if (hv_upd.efd && READ_ONCE(hv_upd.page->need_wakeup))
		hv_eventfd_signal(hv_upd.efd);
}

/* Move what waits for room onto the shadow's ring.  Under lock. */
static void hv_upd_flush_backlog_locked(void)
{
	struct hv_device_req *req;
	bool pushed = false;

	lockdep_assert_held(&hv_upd.lock);
	while (hv_upd.backlog_count) {
		req = &hv_upd.backlog[hv_upd.backlog_head];
		if (hvisor_ring_push_req(hv_upd.page, req))
			break;
		if (req->need_interrupt)
			hv_upd.backlog_posted--;
		hv_upd.backlog_head = (hv_upd.backlog_head + 1) % HV_UPD_BACKLOG;
		hv_upd.backlog_count--;
		pushed = true;
	}
	if (pushed)
		hv_upd_wake_locked();
}

/*
 * Look for the answers the daemon owes; answer those it gave, or gave
 * too late.  Under lock.
 */
static void hv_upd_collect_locked(void)
{
	struct hv_upd_owed *o;
	u64 value, flags;
	unsigned int cpu;

	lockdep_assert_held(&hv_upd.lock);
	for (cpu = 0; hv_upd.nr_owed && cpu < HV_BRIDGE_MAX_CPUS; cpu++) {
		o = &hv_upd.owed[cpu];
		if (!o->owed)
			continue;
		flags = READ_ONCE(hv_upd.page->cfg_flags[cpu]);
		if ((s64)(flags - o->seq) >= 0) {
			/* its "value; barrier; flags++" */
			smp_rmb();
			value = READ_ONCE(hv_upd.page->cfg_values[cpu]);
			hv_upd.answered++;
			/* ahead: it answered what owed none; count from here */
			hv_upd.sent[cpu] = flags;
		} else if (time_after(jiffies, o->deadline)) {
			pr_warn_ratelimited("upstream daemon: zone %u cpu %u: no answer for %s at %#llx in %u ms: answered 0\n",
					    o->req.src_zone, cpu,
					    o->req.is_write ? "write" : "read",
					    o->req.address, answer_timeout_ms);
			value = 0;
			hv_upd.timed_out++;
		} else {
			continue;
		}
		o->owed = false;
		hv_upd.nr_owed--;
		hvisor_vdev_answer(&o->req, value);
	}
}

static void hv_upd_arm_locked(void)
{
	if (!hv_upd.nr_owed && !hv_upd.backlog_count)
		return;
	/*
	 * A new access: look soon again, whatever the period had grown to.
	 * Every start is under lock, so the callback, under it too, sees
	 * whether it was started again meanwhile (and then leaves it).
	 */
	hv_upd.poll_ns = HV_UPD_POLL_MIN_NS;
	hrtimer_start(&hv_upd.timer, ns_to_ktime(hv_upd.poll_ns),
		      HRTIMER_MODE_REL_SOFT);
}

static enum hrtimer_restart hv_upd_timer(struct hrtimer *t)
{
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;

	spin_lock_irqsave(&hv_upd.lock, flags);
	if (hrtimer_is_queued(t))
		goto out_unlock;	/* started again by a new access */
	if (hv_upd.page) {
		hv_upd_flush_backlog_locked();
		hv_upd_collect_locked();
	}
	if (hv_upd.page && (hv_upd.nr_owed || hv_upd.backlog_count)) {
		hv_upd.poll_ns = min_t(u64, hv_upd.poll_ns * 2,
				       hv_upd.nr_owed ? HV_UPD_POLL_MAX_NS :
				       HV_UPD_IDLE_POLL_NS);
		/*
		 * An answer is owed and the daemon did not take it for a
		 * while: in case it went to sleep without telling, wake it.
		 */
		if (hv_upd.poll_ns == HV_UPD_POLL_MAX_NS && hv_upd.efd &&
		    !hvisor_ring_req_empty(hv_upd.page))
			hv_eventfd_signal(hv_upd.efd);
		hrtimer_forward_now(t, ns_to_ktime(hv_upd.poll_ns));
		ret = HRTIMER_RESTART;
	}
out_unlock:
	spin_unlock_irqrestore(&hv_upd.lock, flags);
	return ret;
}

/* Queue @req behind what waits for room.  Under lock.  False if full. */
static bool hv_upd_queue_locked(const struct hv_device_req *req)
{
	struct hv_device_req *last;
	unsigned int tail;

	lockdep_assert_held(&hv_upd.lock);
	if (!hv_upd.backlog_count) {
		if (!hvisor_ring_push_req(hv_upd.page, req)) {
			hv_upd_wake_locked();
			return true;
		}
	} else if (req->need_interrupt) {
		/* a notify equal to the last one waiting adds nothing */
		last = &hv_upd.backlog[(hv_upd.backlog_head +
					hv_upd.backlog_count - 1) %
				       HV_UPD_BACKLOG];
		if (last->need_interrupt && last->src_zone == req->src_zone &&
		    last->address == req->address && last->value == req->value)
			return true;
	}
	if (hv_upd.backlog_count == HV_UPD_BACKLOG ||
	    (req->need_interrupt && hv_upd.backlog_posted == HV_UPD_POSTED_MAX))
		return false;
	tail = (hv_upd.backlog_head + hv_upd.backlog_count) % HV_UPD_BACKLOG;
	hv_upd.backlog[tail] = *req;
	hv_upd.backlog_count++;
	if (req->need_interrupt)
		hv_upd.backlog_posted++;
	return true;
}

bool hvisor_updaemon_forward(const struct hv_device_req *req, u64 base)
{
	bool blocking = !req->need_interrupt;
	struct hv_upd_owed *o;
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&hv_upd.lock, flags);
	if (!hv_upd.page || !hv_upd.running)
		goto out_unlock;
	if (blocking) {
		/* the bridge drops a blocking access it cannot answer */
		if (WARN_ON_ONCE(req->src_cpu >= HV_BRIDGE_MAX_CPUS))
			goto out_unlock;
		o = &hv_upd.owed[req->src_cpu];
		if (o->owed) {
			/*
			 * hvisor's vCPU waits for its answer before it traps
			 * again: answering this one too would complete twice.
			 */
			WARN_ONCE(1, "hvisor: upstream daemon: zone %u cpu %llu: second blocking access while one is owed\n",
				  req->src_zone, req->src_cpu);
			taken = true;
			goto out_unlock;
		}
	}
	if (!hv_upd_queue_locked(req)) {
		hv_upd.dropped++;
		pr_warn_ratelimited("upstream daemon: zone %u: it takes no requests: %s %#llx %s\n",
				    req->src_zone, blocking ? "access" : "notify",
				    req->address,
				    blocking ? "answered 0" : "dropped");
		taken = !blocking;
		goto out_unlock;
	}
	if (blocking) {
		o->req = *req;
		o->seq = ++hv_upd.sent[req->src_cpu];
		o->deadline = jiffies +
			msecs_to_jiffies(max(READ_ONCE(answer_timeout_ms), 10U));
		o->owed = true;
		hv_upd.nr_owed++;
	}
	if (req->src_zone < HVISOR_MAX_ZONES) {
		hv_upd.zones |= BIT(req->src_zone);
		if (req->is_write &&
		    req->address - base == VIRTIO_MMIO_INTERRUPT_ACK)
			hv_upd.acks[req->src_zone]++;
	}
	hv_upd.forwarded++;
	hv_upd_arm_locked();
	taken = true;
out_unlock:
	spin_unlock_irqrestore(&hv_upd.lock, flags);
	return taken;
}

/* Did the daemon announce a window that holds @req?  Under lock. */
static bool hv_upd_announced_locked(const struct hv_device_req *req,
				    u64 *window)
{
	unsigned int i;
	u64 base;

	lockdep_assert_held(&hv_upd.lock);
	if (!READ_ONCE(hv_upd.page->mmio_avail))
		return false;
	/* its "addresses; barrier; mmio_avail = 1" */
	smp_rmb();
	for (i = 0; i < HV_BRIDGE_MAX_DEVS; i++) {
		base = READ_ONCE(hv_upd.page->mmio_addrs[i]);
		if (base && req->address >= base &&
		    req->address - base < HV_UPD_WINDOW) {
			*window = base;
			return true;
		}
	}
	return false;
}

/* An access no device of hvisor.ko takes (the registry's fallback). */
static bool hv_upd_unclaimed(const struct hv_device_req *req)
{
	unsigned long flags;
	u64 base = 0;
	bool ours;

	spin_lock_irqsave(&hv_upd.lock, flags);
	ours = hv_upd.page && hv_upd_announced_locked(req, &base);
	spin_unlock_irqrestore(&hv_upd.lock, flags);
	return ours && hvisor_updaemon_forward(req, base);
}

bool hvisor_updaemon_present(void)
{
	return READ_ONCE(hv_upd.page);
}

/* ---- attach and detach of the daemon ------------------------------------ */

static long hv_upd_init_virtio(struct file *file)
{
	struct hv_virtio_bridge *page;
	long ret = 0;

	mutex_lock(&hv_upd.attach_lock);
	if (hv_upd.owner == file)
		goto out_unlock;	/* again: the same page, as it is */
	if (hv_upd.owner) {
		pr_err_ratelimited("upstream daemon: INIT_VIRTIO: another daemon is attached\n");
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!READ_ONCE(hv_upd.running)) {
		pr_err_ratelimited("upstream daemon: INIT_VIRTIO: no hypervisor, no virtio bridge\n");
		ret = -ENODEV;
		goto out_unlock;
	}
	page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!page) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	/*
	 * Upstream's daemon sets need_wakeup only just before it first
	 * sleeps, and does not look at its ring after that: what came
	 * while it started would wait for the timeout.  Start it at 1, so
	 * that the first access raises the eventfd.
	 */
	page->need_wakeup = 1;
	spin_lock_irq(&hv_upd.lock);
	hv_upd.owner = file;
	hv_upd.page = page;
	memset(hv_upd.sent, 0, sizeof(hv_upd.sent));
	memset(hv_upd.nr_extra, 0, sizeof(hv_upd.nr_extra));
	hv_upd.zones = 0;
	hv_upd.forwarded = 0;
	hv_upd.answered = 0;
	hv_upd.timed_out = 0;
	hv_upd.dropped = 0;
	spin_unlock_irq(&hv_upd.lock);
	pr_info("upstream daemon: attached (pid %d)\n",
		task_tgid_nr(current));
out_unlock:
	mutex_unlock(&hv_upd.attach_lock);
	return ret;
}

static long hv_upd_set_eventfd(struct file *file, int fd)
{
	struct eventfd_ctx *ctx, *old;
	long ret = 0;

	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	mutex_lock(&hv_upd.attach_lock);
	if (hv_upd.owner != file) {
		pr_err_ratelimited("upstream daemon: SET_EVENTFD before INIT_VIRTIO\n");
		ret = -EINVAL;
		old = ctx;
		goto out_unlock;
	}
	spin_lock_irq(&hv_upd.lock);
	old = hv_upd.efd;
	hv_upd.efd = ctx;
	/* what it may have missed before it had an eventfd */
	if (hv_upd.page && !hvisor_ring_req_empty(hv_upd.page))
		hv_upd_wake_locked();
	spin_unlock_irq(&hv_upd.lock);
out_unlock:
	mutex_unlock(&hv_upd.attach_lock);
	if (old)
		eventfd_ctx_put(old);
	return ret;
}

/*
 * Detach the daemon: it owes nothing any more (its blocking accesses are
 * answered 0, as for an absent device), nothing is forwarded to it.
 */
static void hv_upd_detach(void)
{
	struct hv_virtio_bridge *page;
	struct eventfd_ctx *efd;
	unsigned int cpu, n;

	spin_lock_irq(&hv_upd.lock);
	page = hv_upd.page;
	efd = hv_upd.efd;
	hv_upd.owner = NULL;
	hv_upd.page = NULL;
	hv_upd.efd = NULL;
	memset(hv_upd.nr_extra, 0, sizeof(hv_upd.nr_extra));
	memset(hv_upd.lines, 0, sizeof(hv_upd.lines));
	n = hv_upd.nr_owed;
	for (cpu = 0; cpu < HV_BRIDGE_MAX_CPUS; cpu++) {
		if (!hv_upd.owed[cpu].owed)
			continue;
		hv_upd.owed[cpu].owed = false;
		hvisor_vdev_answer(&hv_upd.owed[cpu].req, 0);
	}
	hv_upd.nr_owed = 0;
	hv_upd.backlog_count = 0;
	hv_upd.backlog_posted = 0;
	spin_unlock_irq(&hv_upd.lock);
	hrtimer_cancel(&hv_upd.timer);
	if (efd)
		eventfd_ctx_put(efd);
	free_page((unsigned long)page);
	pr_info("upstream daemon: detached; %u accesses it owed answered 0\n",
		n);
}

void hvisor_updaemon_release(struct file *file)
{
	mutex_lock(&hv_upd.attach_lock);
	if (hv_upd.owner == file)
		hv_upd_detach();
	mutex_unlock(&hv_upd.attach_lock);
}

/* ---- the daemon's other calls ------------------------------------------ */

/* The daemon injected @irq into zone @zone_id: inject it again until acked. */
static void hv_upd_line_asserted(u32 zone_id, u32 irq)
{
	struct hv_upd_line *l, *free = NULL;

	spin_lock_irq(&hv_upd.lock);
	for (l = hv_upd.lines; l < hv_upd.lines + HV_UPD_MAX_LINES; l++) {
		if (l->tries && l->zone_id == zone_id && l->irq == irq)
			break;
		if (!l->tries && !free)
			free = l;
	}
	if (l == hv_upd.lines + HV_UPD_MAX_LINES)
		l = free;
	if (l && hv_upd.page) {
		*l = (struct hv_upd_line){ .zone_id = zone_id, .irq = irq,
					   .acks = hv_upd.acks[zone_id],
					   .tries = HV_UPD_REINJECT_TRIES };
		mod_delayed_work(system_wq, &hv_upd.reinject,
				 msecs_to_jiffies(HV_UPD_REINJECT_MS));
	}
	spin_unlock_irq(&hv_upd.lock);
}

static void hv_upd_reinject(struct work_struct *work)
{
	struct hv_upd_line now[HV_UPD_MAX_LINES];
	unsigned int n = 0, i;
	struct hv_upd_line *l;
	bool more = false;

	spin_lock_irq(&hv_upd.lock);
	for (l = hv_upd.lines; l < hv_upd.lines + HV_UPD_MAX_LINES; l++) {
		if (!l->tries)
			continue;
		if (!hv_upd.page || hv_upd.acks[l->zone_id] != l->acks) {
			l->tries = 0;	/* acknowledged (or no daemon) */
			continue;
		}
		now[n++] = *l;
		more |= --l->tries;
	}
	if (more)
		mod_delayed_work(system_wq, &hv_upd.reinject,
				 msecs_to_jiffies(HV_UPD_REINJECT_MS));
	spin_unlock_irq(&hv_upd.lock);
	for (i = 0; i < n; i++)
		hvisor_bridge_inject(now[i].zone_id, now[i].irq);
}

/*
 * Inject what the daemon's res_list holds, for the zones whose accesses it
 * was given.  Every entry is injected (other threads of the daemon may
 * have pushed some); the first error is returned.
 */
static long hv_upd_finish_req(struct file *file)
{
	struct hv_device_res res[HV_BRIDGE_MAX_REQ];
	unsigned int n = 0, i;
	long ret = 0, err;
	u32 zones, irq_min, irq_max;

	spin_lock_irq(&hv_upd.lock);
	if (hv_upd.owner != file) {
		spin_unlock_irq(&hv_upd.lock);
		pr_err_ratelimited("upstream daemon: FINISH_REQ before INIT_VIRTIO\n");
		return -EINVAL;
	}
	while (n < ARRAY_SIZE(res) && hvisor_ring_pop_res(hv_upd.page, &res[n]))
		n++;
	zones = hv_upd.zones;
	/* it answers on its page just before it injects: look now */
	hv_upd_collect_locked();
	hv_upd_flush_backlog_locked();
	spin_unlock_irq(&hv_upd.lock);

	/* what hvisor can inject; beyond, it drops, or panics (x86) */
	if (!hv_virtio_irq_range(hvisor_arch_id(), &irq_min, &irq_max))
		return -ENODEV;
	for (i = 0; i < n; i++) {
		if (res[i].target_zone >= HVISOR_MAX_ZONES ||
		    !(zones & BIT(res[i].target_zone))) {
			pr_warn_ratelimited("upstream daemon: interrupt %u for zone %u refused: it was given no access of that zone\n",
					    res[i].irq_id, res[i].target_zone);
			continue;
		}
		if (res[i].irq_id < irq_min || res[i].irq_id > irq_max) {
			pr_warn_ratelimited("upstream daemon: interrupt %u for zone %u refused: hvisor injects %u to %u here\n",
					    res[i].irq_id, res[i].target_zone,
					    irq_min, irq_max);
			if (!ret)
				ret = -ERANGE;
			continue;
		}
		if (!hv_upd.irq_ok(res[i].target_zone, res[i].irq_id)) {
			pr_warn_ratelimited("upstream daemon: interrupt %u for zone %u refused: it would be distinct virtio irq %u of the zone, hvisor takes at most %u\n",
					    res[i].irq_id, res[i].target_zone,
					    HV_VIRTIO_MAX_ZONE_IRQS + 1,
					    HV_VIRTIO_MAX_ZONE_IRQS);
			if (!ret)
				ret = -ENOSPC;
			continue;
		}
		err = hvisor_bridge_inject(res[i].target_zone, res[i].irq_id);
		if (err && !ret)
			ret = err;
		if (!err)
			hv_upd_line_asserted(res[i].target_zone, res[i].irq_id);
	}
	return ret;
}

/* Add @irq to the @n distinct ones in @set; false if that is one too many. */
static bool hv_upd_irq_add(u32 *set, unsigned int *n, u32 irq)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (set[i] == irq)
			return true;
	if (*n == HV_VIRTIO_MAX_ZONE_IRQS)
		return false;
	set[(*n)++] = irq;
	return true;
}

bool hvisor_updaemon_extra_irq(u32 zone_id, u32 irq, const u32 *attached,
			       unsigned int nr_attached)
{
	u32 set[HV_VIRTIO_MAX_ZONE_IRQS];
	unsigned int n = 0, i;
	bool ok = true;

	if (zone_id >= HVISOR_MAX_ZONES)
		return false;
	spin_lock_irq(&hv_upd.lock);
	for (i = 0; ok && i < nr_attached; i++)
		ok = hv_upd_irq_add(set, &n, attached[i]);
	for (i = 0; ok && i < hv_upd.nr_extra[zone_id]; i++)
		ok = hv_upd_irq_add(set, &n, hv_upd.extra_irqs[zone_id][i]);
	ok = ok && hv_upd_irq_add(set, &n, irq);
	if (ok) {
		n = hv_upd.nr_extra[zone_id];
		/* room: the union above holds this zone's extras and irq */
		hv_upd_irq_add(hv_upd.extra_irqs[zone_id], &n, irq);
		hv_upd.nr_extra[zone_id] = n;
	}
	spin_unlock_irq(&hv_upd.lock);
	return ok;
}

unsigned int hvisor_updaemon_extra_irqs(u32 zone_id, u32 *irqs)
{
	unsigned int n;

	if (zone_id >= HVISOR_MAX_ZONES)
		return 0;
	spin_lock_irq(&hv_upd.lock);
	n = hv_upd.nr_extra[zone_id];
	memcpy(irqs, hv_upd.extra_irqs[zone_id], n * sizeof(*irqs));
	spin_unlock_irq(&hv_upd.lock);
	return n;
}

/* DEASSERT_IRQ: the guest acknowledged @irq (a level-like line, LoongArch). */
static long hv_upd_deassert(void __user *uarg)
{
	struct {
		__u32 zone_id;
		__u32 irq_id;
	} args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!args.zone_id || args.zone_id >= HVISOR_MAX_ZONES ||
	    !(READ_ONCE(hv_upd.zones) & BIT(args.zone_id)))
		return -EINVAL;
	hvisor_hv_irq_event(args.zone_id, args.irq_id, HVISOR_IRQ_ACKED);
	return 0;
}

static long hv_upd_zone_list(void __user *uarg)
{
	struct hv_up_zone_list args;
	struct hv_zone_info *list;
	unsigned int cnt;
	long n;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	n = hvisor_zone_list(&list);
	if (n < 0)
		return n;
	cnt = min_t(u64, args.cnt, n);
	if (cnt && copy_to_user(u64_to_user_ptr(args.zones), list,
				array_size(cnt, sizeof(*list))))
		n = -EFAULT;
	else
		n = cnt;	/* upstream returns the count */
	kfree(list);
	return n;
}

static long hv_upd_config_check(void __user *uarg)
{
	u64 magic;
	long ret = hvisor_zone_config_magic(&magic);

	if (ret)
		return ret;
	return put_user(magic, (u64 __user *)uarg);
}

long hvisor_updaemon_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (cmd) {
	case HV_UP_INIT_VIRTIO:
		return hv_upd_init_virtio(file);
	case HV_UP_FINISH_REQ:
		return hv_upd_finish_req(file);
	case HV_UP_SET_EVENTFD:
		return hv_upd_set_eventfd(file, (int)arg);
	case HV_UP_ZONE_SHUTDOWN:
		if (arg >= HVISOR_MAX_ZONES)
			return -EINVAL;
		return hvisor_zone_shutdown(arg);
	case HV_UP_DEASSERT_IRQ:
		return hv_upd_deassert((void __user *)arg);
	case HV_UP_ZONE_LIST:
		return hv_upd_zone_list((void __user *)arg);
	case HV_UP_CONFIG_CHECK:
		return hv_upd_config_check((void __user *)arg);
	case HV_UP_GET_TASK:
		return -EINVAL;		/* upstream never implemented it */
	default:
		break;
	}
	if (_IOC_TYPE(cmd) == HVISOR_UP_IOCTL_TYPE && _IOC_NR(cmd) <= 34) {
		/*
		 * ZONE_START after LOAD_IMAGE writes images wherever the tool
		 * says before any zone owns the memory; SET_BOOT_MODE,
		 * GET_ECAM_BASE and the SCMI server are not implemented
		 * here.
		 */
		pr_err_ratelimited("upstream ioctl %#x (nr %u) is not served by this hvisor.ko: start zones with its own hvisor tool\n",
				   cmd, _IOC_NR(cmd));
		return -EOPNOTSUPP;
	}
	return -ENOTTY;
}

/* ---- mmap ------------------------------------------------------------- */

int hvisor_updaemon_mem_add(u32 zone_id, u64 start, u64 size)
{
	struct hv_upd_mem *m, *free = NULL;
	int ret = 0;

	spin_lock_irq(&hv_upd.lock);
	for (m = hv_upd.mem; m < hv_upd.mem + HV_UPD_MAX_MEM; m++) {
		if (!m->refs) {
			free = free ?: m;
		} else if (m->zone_id == zone_id && m->start == start &&
			   m->size == size) {
			m->refs++;
			goto out_unlock;
		}
	}
	if (!free) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	*free = (struct hv_upd_mem){ .start = start, .size = size,
				     .zone_id = zone_id, .refs = 1 };
out_unlock:
	spin_unlock_irq(&hv_upd.lock);
	return ret;
}

void hvisor_updaemon_mem_del(u32 zone_id, u64 start, u64 size)
{
	struct hv_upd_mem *m;

	spin_lock_irq(&hv_upd.lock);
	for (m = hv_upd.mem; m < hv_upd.mem + HV_UPD_MAX_MEM; m++) {
		if (m->refs && m->zone_id == zone_id && m->start == start &&
		    m->size == size) {
			m->refs--;
			break;
		}
	}
	spin_unlock_irq(&hv_upd.lock);
}

/*
 * May the daemon map [@pa, @pa + @len)?  If it lies inside one region of
 * a zone started through us, or inside memory declared for it.
 */
static bool hv_upd_may_map(u64 pa, u64 len)
{
	struct hv_upd_mem *m;
	bool ok = false;
	u32 id;

	for (id = 1; id < HVISOR_MAX_ZONES; id++)
		if (hvisor_zone_holds(id, pa, len) == 1)
			return true;
	spin_lock_irq(&hv_upd.lock);
	for (m = hv_upd.mem; !ok && m < hv_upd.mem + HV_UPD_MAX_MEM; m++)
		ok = m->refs && pa >= m->start && len <= m->size &&
		     pa - m->start <= m->size - len;
	spin_unlock_irq(&hv_upd.lock);
	return ok;
}

int hvisor_updaemon_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 pa = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct page *page;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!(vma->vm_flags & VM_SHARED)) {
		pr_warn_ratelimited("upstream daemon: mmap refused: MAP_SHARED only\n");
		return -EINVAL;
	}
	if (!vma->vm_pgoff) {
		mutex_lock(&hv_upd.attach_lock);
		page = hv_upd.owner == file ? virt_to_page(hv_upd.page) : NULL;
		if (!page) {
			pr_warn_ratelimited("upstream daemon: mmap of the bridge page refused: no INIT_VIRTIO on this file\n");
			ret = -EINVAL;
		} else if (len != PAGE_SIZE) {
			pr_warn_ratelimited("upstream daemon: mmap of the bridge page refused: %lu bytes, not one page\n",
					    len);
			ret = -EINVAL;
		} else {
			hv_vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND |
					VM_DONTDUMP);
			ret = vm_insert_page(vma, vma->vm_start, page);
		}
		mutex_unlock(&hv_upd.attach_lock);
		return ret;
	}

	ret = hv_phys_check(pa, len, HV_PHYS_MAP,
			    "upstream daemon: mmap of %lu bytes at %#llx",
			    len, pa);
	if (ret)
		return ret;
	if (!hv_upd_may_map(pa, len)) {
		pr_warn_ratelimited("upstream daemon: mmap of %lu bytes at %#llx refused: not inside the memory of a zone started through hvisor.ko or of a device declared for the daemon\n",
				    len, pa);
		return -EACCES;
	}
	/* the daemon maps through the file it called INIT_VIRTIO on */
	if (READ_ONCE(hv_upd.owner) != file) {
		pr_warn_ratelimited("upstream daemon: mmap of %lu bytes at %#llx refused: only the daemon's file (INIT_VIRTIO) maps zone memory\n",
				    len, pa);
		return -EPERM;
	}
	hv_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
			VM_DONTDUMP);
	return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, len,
			       vma->vm_page_prot);
}

/* ---- the bridge comes and goes ---------------------------------------- */

void hvisor_updaemon_start(hv_upd_irq_ok_fn irq_ok)
{
	hv_upd.irq_ok = irq_ok;
	hrtimer_init(&hv_upd.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	hv_upd.timer.function = hv_upd_timer;
	spin_lock_irq(&hv_upd.lock);
	hv_upd.running = true;
	spin_unlock_irq(&hv_upd.lock);
	hvisor_vdev_set_unclaimed(hv_upd_unclaimed);
}

void hvisor_updaemon_stop(void)
{
	hvisor_vdev_set_unclaimed(NULL);
	spin_lock_irq(&hv_upd.lock);
	hv_upd.running = false;
	spin_unlock_irq(&hv_upd.lock);
	/* the owed answers cannot reach hvisor any more: forget them */
	mutex_lock(&hv_upd.attach_lock);
	if (hv_upd.owner)
		hv_upd_detach();
	mutex_unlock(&hv_upd.attach_lock);
	/* no line is left: it injects nothing more, and ends */
	cancel_delayed_work_sync(&hv_upd.reinject);
}

