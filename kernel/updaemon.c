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
 * What the daemon writes is not trusted: ring indices are masked, slots
 * copied once, responses for zone 0 or beyond HVISOR_MAX_ZONES dropped,
 * and a cfg_flags change counts only for a cpu it owes an answer to.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/capability.h>
#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "bridge.h"
#include "bridge_ring.h"
#include "compat.h"
#include "phys_range.h"
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

/* ZONE_LIST's argument and records, as upstream's tool lays them out. */
struct hv_up_zone_list {
	__u64 cnt;
	__u64 zones;		/* user pointer to struct hv_up_zone_info[cnt] */
};

struct hv_up_zone_info {
	__u32 zone_id;
	__u32 __pad;
	__u64 cpus;
	__u8 name[HVISOR_NAME_MAXLEN];
	__u8 is_err;
	__u8 __pad2[7];
};

static_assert(sizeof(struct hv_up_zone_list) == 16);
static_assert(sizeof(struct hv_up_zone_info) == 56);

#define HV_UPD_POLL_MIN_NS	(2 * NSEC_PER_USEC)
#define HV_UPD_POLL_MAX_NS	(200 * NSEC_PER_USEC)
/*
 * Accesses waiting for room in the shadow's req_list (31 slots): one
 * blocking access per cpu, and as many posted ones; a posted access
 * beyond that is dropped and counted, as vdev.c drops them.
 */
#define HV_UPD_POSTED_MAX	32
#define HV_UPD_BACKLOG		(HV_BRIDGE_MAX_CPUS + HV_UPD_POSTED_MAX)

/* A blocking access the daemon owes an answer to. */
struct hv_upd_owed {
	struct hv_device_req req;
	u64 flags;		/* the daemon's cfg_flags[cpu] when queued */
	unsigned long deadline;	/* jiffies */
	bool owed;
};

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
	unsigned int nr_owed;
	struct hv_device_req backlog[HV_UPD_BACKLOG];
	unsigned int backlog_head, backlog_count, backlog_posted;
	struct hrtimer timer;		/* looks for answers while owed */
	u64 poll_ns;			/* its next period */
	u64 forwarded, answered, timed_out, dropped;
} hv_upd = {
	.attach_lock = __MUTEX_INITIALIZER(hv_upd.attach_lock),
	.lock = __SPIN_LOCK_UNLOCKED(hv_upd.lock),
};

/* The daemon said it sleeps: raise its eventfd.  Under lock. */
static void hv_upd_wake_locked(void)
{
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
	unsigned int cpu;
	u64 value;

	for (cpu = 0; hv_upd.nr_owed && cpu < HV_BRIDGE_MAX_CPUS; cpu++) {
		o = &hv_upd.owed[cpu];
		if (!o->owed)
			continue;
		if (READ_ONCE(hv_upd.page->cfg_flags[cpu]) != o->flags) {
			/* its "value; barrier; flags++" */
			smp_rmb();
			value = READ_ONCE(hv_upd.page->cfg_values[cpu]);
			hv_upd.answered++;
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
	/* a new access: look soon again, whatever the period had grown to */
	hv_upd.poll_ns = HV_UPD_POLL_MIN_NS;
	hrtimer_start(&hv_upd.timer, ns_to_ktime(hv_upd.poll_ns),
		      HRTIMER_MODE_REL_HARD);
}

static enum hrtimer_restart hv_upd_timer(struct hrtimer *t)
{
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	unsigned long flags;

	spin_lock_irqsave(&hv_upd.lock, flags);
	if (hv_upd.page) {
		hv_upd_flush_backlog_locked();
		hv_upd_collect_locked();
	}
	if (hv_upd.page && (hv_upd.nr_owed || hv_upd.backlog_count)) {
		hv_upd.poll_ns = min_t(u64, hv_upd.poll_ns * 2,
				       HV_UPD_POLL_MAX_NS);
		hrtimer_forward_now(t, ns_to_ktime(hv_upd.poll_ns));
		ret = HRTIMER_RESTART;
	}
	spin_unlock_irqrestore(&hv_upd.lock, flags);
	return ret;
}

bool hvisor_updaemon_forward(const struct hv_device_req *req)
{
	bool blocking = !req->need_interrupt;
	struct hv_upd_owed *o;
	unsigned int tail;
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&hv_upd.lock, flags);
	if (!hv_upd.page || !hv_upd.running)
		goto out_unlock;
	/* the bridge drops a blocking access from a cpu it cannot answer */
	if (blocking && WARN_ON_ONCE(req->src_cpu >= HV_BRIDGE_MAX_CPUS))
		goto out_unlock;
	if (blocking && hv_upd.owed[req->src_cpu].owed) {
		/* hvisor's vCPU waits for one answer before it traps again */
		pr_warn_ratelimited("upstream daemon: zone %u cpu %llu: second blocking access while one is owed: answered 0\n",
				    req->src_zone, req->src_cpu);
		goto out_unlock;
	}
	if (!blocking && hv_upd.backlog_count &&
	    hv_upd.backlog_posted == HV_UPD_POSTED_MAX) {
		hv_upd.dropped++;
		pr_warn_ratelimited("upstream daemon: zone %u: its request ring is full: notify %#llx dropped\n",
				    req->src_zone, req->address);
		taken = true;
		goto out_unlock;
	}
	if (blocking) {
		o = &hv_upd.owed[req->src_cpu];
		/* before the daemon can see the request, so before it answers */
		o->flags = READ_ONCE(hv_upd.page->cfg_flags[req->src_cpu]);
		o->req = *req;
		o->deadline = jiffies +
			msecs_to_jiffies(max(READ_ONCE(answer_timeout_ms), 10U));
		o->owed = true;
		hv_upd.nr_owed++;
	}
	/* behind what waits already: the daemon sees them in order */
	if (hv_upd.backlog_count || hvisor_ring_push_req(hv_upd.page, req)) {
		tail = (hv_upd.backlog_head + hv_upd.backlog_count) %
		       HV_UPD_BACKLOG;
		hv_upd.backlog[tail] = *req;
		hv_upd.backlog_count++;
		if (!blocking)
			hv_upd.backlog_posted++;
	} else {
		hv_upd_wake_locked();
	}
	hv_upd.forwarded++;
	hv_upd_arm_locked();
	taken = true;
out_unlock:
	spin_unlock_irqrestore(&hv_upd.lock, flags);
	return taken;
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
		pr_err("upstream daemon: INIT_VIRTIO: another daemon is attached\n");
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!READ_ONCE(hv_upd.running)) {
		pr_err("upstream daemon: INIT_VIRTIO: no hypervisor, no virtio bridge\n");
		ret = -ENODEV;
		goto out_unlock;
	}
	page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!page) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	spin_lock_irq(&hv_upd.lock);
	hv_upd.owner = file;
	hv_upd.page = page;
	hv_upd.forwarded = 0;
	hv_upd.answered = 0;
	hv_upd.timed_out = 0;
	hv_upd.dropped = 0;
	spin_unlock_irq(&hv_upd.lock);
	pr_info("upstream daemon: attached (pid %d): accesses to no device of hvisor.ko go to it\n",
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
		pr_err("upstream daemon: SET_EVENTFD before INIT_VIRTIO\n");
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

/* Inject what the daemon's res_list holds, for zones that can be served. */
static long hv_upd_finish_req(struct file *file)
{
	struct hv_device_res res[HV_BRIDGE_MAX_REQ];
	unsigned int n = 0, i;
	long ret;

	spin_lock_irq(&hv_upd.lock);
	if (hv_upd.owner != file) {
		spin_unlock_irq(&hv_upd.lock);
		pr_err_ratelimited("upstream daemon: FINISH_REQ before INIT_VIRTIO\n");
		return -EINVAL;
	}
	while (n < ARRAY_SIZE(res) && hvisor_ring_pop_res(hv_upd.page, &res[n]))
		n++;
	/* it answers on its page just before it injects: look now */
	hv_upd_collect_locked();
	spin_unlock_irq(&hv_upd.lock);

	for (i = 0; i < n; i++) {
		if (!res[i].target_zone ||
		    res[i].target_zone >= HVISOR_MAX_ZONES) {
			pr_warn_ratelimited("upstream daemon: interrupt %u for zone %u refused: not a zone it can serve\n",
					    res[i].irq_id, res[i].target_zone);
			continue;
		}
		ret = hvisor_bridge_inject(res[i].target_zone, res[i].irq_id);
		if (ret)
			return ret;
	}
	return 0;
}

static long hv_upd_zone_list(void __user *uarg)
{
	struct hv_up_zone_info *out;
	struct hv_up_zone_list args;
	struct hv_zone_info *list;
	unsigned int i, cnt;
	long n;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	n = hvisor_zone_list(&list);
	if (n < 0)
		return n;
	cnt = min_t(u64, args.cnt, n);
	out = kcalloc(max(cnt, 1U), sizeof(*out), GFP_KERNEL);
	if (!out) {
		kfree(list);
		return -ENOMEM;
	}
	for (i = 0; i < cnt; i++) {
		out[i].zone_id = list[i].zone_id;
		out[i].cpus = list[i].cpus;
		memcpy(out[i].name, list[i].name, sizeof(out[i].name));
		out[i].is_err = list[i].is_err;
	}
	kfree(list);
	if (cnt && copy_to_user(u64_to_user_ptr(args.zones), out,
				array_size(cnt, sizeof(*out))))
		n = -EFAULT;
	else
		n = cnt;	/* upstream returns the count */
	kfree(out);
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
		return hvisor_zone_shutdown(arg <= U32_MAX ? arg : U32_MAX);
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
		 * GET_ECAM_BASE, DEASSERT_IRQ and the SCMI server are not
		 * implemented here.
		 */
		pr_err_ratelimited("upstream ioctl %#x (nr %u) is not served by this hvisor.ko: start zones with its own hvisor tool\n",
				   cmd, _IOC_NR(cmd));
		return -EOPNOTSUPP;
	}
	return -ENOTTY;
}

/* ---- mmap ------------------------------------------------------------- */

/* Is [@pa, @pa + @len) inside the RAM of one zone started through us? */
static bool hv_upd_zone_ram(u64 pa, u64 len)
{
	u32 id;

	for (id = 1; id < HVISOR_MAX_ZONES; id++)
		if (hvisor_zone_holds(id, pa, len) == 1)
			return true;
	return false;
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
	if (!hv_upd_zone_ram(pa, len)) {
		pr_warn_ratelimited("upstream daemon: mmap of %lu bytes at %#llx refused: not inside the RAM of a zone started through hvisor.ko\n",
				    len, pa);
		return -EACCES;
	}
	hv_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
			VM_DONTDUMP);
	return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, len,
			       vma->vm_page_prot);
}

/* ---- the bridge comes and goes ---------------------------------------- */

void hvisor_updaemon_start(void)
{
	hrtimer_init(&hv_upd.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	hv_upd.timer.function = hv_upd_timer;
	spin_lock_irq(&hv_upd.lock);
	hv_upd.running = true;
	spin_unlock_irq(&hv_upd.lock);
	hvisor_vdev_set_unclaimed(hvisor_updaemon_forward);
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
}

