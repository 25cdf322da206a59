/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio device core shared by blk, net and console: feature
 * negotiation, the status state machine, queue setup, the interrupt line
 * and reset.  The virtio-mmio register file (mmio.h) drives it.
 *
 * Contexts: register accesses come one at a time, from the bridge's fast
 * path in atomic context (irqs off), or from the device's deferred work
 * for the writes that sleep (mmio.h); device workers call
 * hv_virtio_raise() and hv_virtio_queue_broken().  What a register access
 * calls must not sleep unless said otherwise below.
 */
#ifndef _HVISOR_VIRTIO_DEVICE_H
#define _HVISOR_VIRTIO_DEVICE_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "../../include/hvisor/seam.h"
#include "../vdev.h"
#include "guest_mem.h"
#include "vq.h"
#include "vtype.h"

#define HV_VIRTIO_MAX_QUEUES	16

/*
 * Re-injection while InterruptStatus stays pending: first after
 * HV_VIRTIO_REINJECT_MS without an acknowledgment, then with the delay
 * doubling up to HV_VIRTIO_REINJECT_MAX_MS; an acknowledgment starts
 * again from the first delay.  See hv_virtio_raise().
 */
#define HV_VIRTIO_REINJECT_MS		4
#define HV_VIRTIO_REINJECT_MAX_MS	16

struct hv_virtio_dev;

/* What a device type (blk, net, console) plugs into the core. */
struct hv_virtio_ops {
	const char *name;
	u32 type;			/* VIRTIO_ID_* */
	u16 num_queues;			/* <= HV_VIRTIO_MAX_QUEUES */
	u16 queue_max;			/* power of two <= HV_VQ_MAX_SIZE */
	/*
	 * Device-specific feature bits offered.  The core adds VERSION_1,
	 * RING_INDIRECT_DESC and RING_EVENT_IDX itself.  Read through
	 * dev->device_features, which the device may narrow at creation.
	 */
	u64 features;
	/*
	 * Fill @len bytes of config space at @offset (bounds checked).
	 * Must not sleep, as config_write, notify and status_changed (but
	 * for status_sleeps).
	 */
	void (*config_read)(struct hv_virtio_dev *dev, u32 offset, u8 *buf,
			    u32 len);
	/* Optional; bounds checked; writes are ignored without it. */
	void (*config_write)(struct hv_virtio_dev *dev, u32 offset,
			     const u8 *buf, u32 len);
	/* The guest kicked ready queue @index.  Must not sleep. */
	void (*notify)(struct hv_virtio_dev *dev, u16 index);
	/*
	 * Quiesce: on return no request is in flight and nothing touches any
	 * queue until the next notify.  May sleep.  None for a device
	 * served elsewhere (hv_virtio_remote_init()).
	 */
	void (*reset)(struct hv_virtio_dev *dev);
	/*
	 * Optional: quiesce queue @index alone (QueueReady = 0), as reset
	 * does for every queue; the others keep running.  Without it, a
	 * QueueReady = 0 quiesces the whole device through reset.  May sleep.
	 */
	void (*reset_queue)(struct hv_virtio_dev *dev, u16 index);
	/*
	 * Optional: the device is being detached while the guest may still
	 * drive it.  Stop taking new work, wait for what is in flight, and
	 * fail everything held or posted so the driver sees errors instead
	 * of waiting forever.  Registers keep working until unregistration.
	 * May sleep.
	 */
	void (*kill)(struct hv_virtio_dev *dev);
	/*
	 * Optional: the driver changed Status from @old to @new (not 0).
	 * May sleep only when @new adds a bit of status_sleeps: such a
	 * write is deferred to process context (mmio.h).
	 */
	void (*status_changed)(struct hv_virtio_dev *dev, u32 old, u32 new);
	u32 status_sleeps;		/* VIRTIO_CONFIG_S_* bits */
	/* Free a device that is no longer registered (attach.c). */
	void (*destroy)(struct hv_virtio_dev *dev);
};

/* Guest-visible state of one queue as programmed through the registers. */
struct hv_virtio_queue_regs {
	u32 num;
	u64 desc;
	u64 avail;
	u64 used;
	bool ready;
};

struct hvisor_zone;
struct hv_gmem_share;

/* A value of the type's table (vtype.h), as a file of its directory. */
struct hv_vattr_file {
	struct kobj_attribute ka;
	const struct hv_vattr *a;
};

/*
 * The device as attached (attach.c's, which sets it after the type's
 * create and protects its list with its lock): its sysfs object, its zone
 * and memory, its type.  Unused by devices that are not attached (KUnit).
 */
struct hv_virtio_attached {
	struct list_head node;		/* in attach.c's list */
	/* zone<N>/<type>@<addr>; its release completes kobj_released */
	struct kobject kobj;
	struct completion kobj_released;	/* then the device may go */
	struct hvisor_zone *zone;	/* a reference */
	struct hv_gmem_share *share;	/* the memory it uses, a reference */
	const struct hv_vtype *type;
	u32 id;				/* HVISOR_VIRTIO_*, virtio device id */
	char name[HV_VTYPE_NAME_MAX];	/* of the type, for that id */
	char backend[64];
	/* the type's sysfs values, generated from type->attrs */
	struct hv_vattr_file *files;
	struct attribute **attr_list;
	struct attribute_group group;
};

struct hv_virtio_dev {
	struct hv_vdev vdev;		/* registry entry: zone, base, len */
	const struct hv_virtio_ops *ops;
	void *priv;			/* the device type's state */
	const struct hv_guest_mem *mem;
	u32 irq;
	u64 device_features;		/* offered, transport bits included */
	u32 config_size;		/* bytes of config space */
	/*
	 * Queues the device has, fixed before registration: ops->num_queues,
	 * or more through hv_virtio_dev_set_queues().  Queues from
	 * ops->num_queues on exist for the driver only once it accepted
	 * mq_feature (0: no such queues).
	 */
	u16 num_queues;
	u64 mq_feature;
	/* Raise the guest's interrupt line; process context; 0 or -errno. */
	int (*inject)(struct hv_virtio_dev *dev);
	/*
	 * Optional: the line saw @ev (enum hvisor_irq_event), for the
	 * hypervisors that leave it asserted until zone 0 clears it; true
	 * if it was cleared.  Called from register accesses, in atomic
	 * context.
	 */
	bool (*line_event)(struct hv_virtio_dev *dev, enum hvisor_irq_event ev);

	/*
	 * The register file: selectors, driver features, queue registers,
	 * queue setup and reset.  Touched only by register accesses, which
	 * vdev.c serialises (vdev.lock in the fast path, else the deferred
	 * work alone); device workers never touch it.
	 */
	u32 dev_features_sel;
	u32 drv_features_sel;
	u32 drv_features[2];
	u64 features;			/* accepted at FEATURES_OK */
	u32 queue_sel;
	struct hv_virtio_queue_regs qregs[HV_VIRTIO_MAX_QUEUES];

	/* The queues; touched by the worker, set up and reset under lock. */
	struct hv_vq vqs[HV_VIRTIO_MAX_QUEUES];

	/*
	 * Protects status, int_status and the re-injection state below;
	 * taken by workers, registers and the re-injection work.
	 */
	spinlock_t state_lock;
	u32 status;
	u32 int_status;
	/* Re-injects while int_status stays set; see hv_virtio_raise(). */
	struct delayed_work reinject;
	unsigned long reinject_base;	/* first delay, jiffies */
	unsigned long reinject_delay;	/* next delay, jiffies */
	bool irq_stopped;		/* hv_virtio_irq_stop() ran */
	bool zone_stopped;		/* hv_virtio_zone_stop(): no injection */

	atomic_t config_generation;

	/* statistics for sysfs */
	atomic64_t notifies;
	atomic64_t injects;
	atomic64_t reinjects;		/* of which by the re-injection work */
	atomic64_t inject_errors;
	atomic64_t bad_accesses;
	atomic64_t yields;		/* worker runs cut by their budget */

	struct hv_virtio_attached attached;
};

/* Where and how a device appears to its zone (from the attach request). */
struct hv_virtio_dev_info {
	u32 zone_id;
	u64 base;			/* guest physical MMIO window */
	u64 len;
	u32 irq;
	const struct hv_guest_mem *mem;
	int (*inject)(struct hv_virtio_dev *dev);
	bool (*line_event)(struct hv_virtio_dev *dev, enum hvisor_irq_event ev);
};

/* Place an initialised @dev where @info says, with backend data @priv. */
void hv_virtio_dev_bind(struct hv_virtio_dev *dev,
			const struct hv_virtio_dev_info *info, void *priv);

/*
 * Give @dev @num queues instead of ops->num_queues, before registration.
 * Queues past ops->num_queues exist for the driver only after it accepted
 * feature bit @mq_bit (a VIRTIO_*_F_MQ), which is then offered.  Returns
 * -EINVAL unless ops->num_queues <= @num <= HV_VIRTIO_MAX_QUEUES and
 * @mq_bit < 64.
 */
int hv_virtio_dev_set_queues(struct hv_virtio_dev *dev, u16 num,
			     unsigned int mq_bit);

/*
 * A notify decision: set interrupt status @bits (VIRTIO_MMIO_INT_*) and
 * inject, whether or not the bits were pending already; then re-inject
 * while InterruptStatus stays set (hvisor may drop any injection).
 */
void hv_virtio_raise(struct hv_virtio_dev *dev, u32 bits);

/*
 * One run of the re-injection work: inject again if InterruptStatus is
 * still set, and say whether to look again (true) or stop.  Exposed for
 * tests; the work calls it.
 */
bool hv_virtio_reinject_tick(struct hv_virtio_dev *dev);

/*
 * Stop re-injecting, for good, and wait for a running re-injection:
 * before the device is destroyed, after it is unregistered.  May sleep.
 */
void hv_virtio_irq_stop(struct hv_virtio_dev *dev);

/*
 * The zone of @dev stopped: quiesce the device at once, waiting for no
 * driver.  Register writes are ignored from now on (vdev.h), the device
 * is reset as by Status = 0 (workers paused, no ring or buffer of the
 * zone touched, net RX left in the tap), and nothing is injected until
 * hv_virtio_zone_restart().  Serialised with register accesses by
 * hvisor_vdev_stop().  May sleep (for I/O in flight on zone 0's side).
 */
void hv_virtio_zone_stop(struct hv_virtio_dev *dev);

/* The zone of @dev was started again: serve it from the reset state. */
void hv_virtio_zone_restart(struct hv_virtio_dev *dev);

/* Did the zone of @dev stop (and not start again)? */
bool hv_virtio_zone_stopped(struct hv_virtio_dev *dev);

/*
 * ops->kill, after it completed what the device held and raised
 * VIRTIO_MMIO_INT_VRING: wait (bounded, 2 s) for the driver to acknowledge
 * the interrupt and to stop kicking for 100 ms.  A driver reads
 * InterruptStatus before the used ring, and after unregistration that
 * read returns 0, so completions it has not acknowledged would be
 * invisible.  Warns if it never did.  May sleep.
 */
void hv_virtio_kill_wait(struct hv_virtio_dev *dev);

/* A queue broke: set NEEDS_RESET and notify the driver (once). */
void hv_virtio_queue_broken(struct hv_virtio_dev *dev, u16 index);

/*
 * A worker run on @dev ended: count a yield if its budget cut it.  Returns
 * run->cut: the worker must requeue itself behind other work.
 */
bool hv_virtio_run_end(struct hv_virtio_dev *dev, const struct hv_vq_run *run);

/* The device changed its config space: bump the generation, notify. */
void hv_virtio_config_changed(struct hv_virtio_dev *dev);

/* Snapshot of Status (for workers and sysfs). */
u32 hv_virtio_status(struct hv_virtio_dev *dev);

/* Was @bit (VIRTIO_F_* / VIRTIO_RING_F_* number) accepted? */
static inline bool hv_virtio_has_feature(const struct hv_virtio_dev *dev,
					 unsigned int bit)
{
	return dev->features & BIT_ULL(bit);
}

static inline struct hv_virtio_dev *to_hv_virtio_dev(struct hv_vdev *vdev)
{
	return container_of(vdev, struct hv_virtio_dev, vdev);
}

/*
 * For the register file (mmio.c) only: the core's side of each register,
 * serialised as register accesses are.
 */

/*
 * The core part of hv_virtio_dev_init() (mmio.h): checks @ops, then sets
 * up @dev; -EINVAL if @ops is inconsistent.
 */
int hv_virtio_core_init(struct hv_virtio_dev *dev,
			const struct hv_virtio_ops *ops,
			const struct hv_guest_mem *mem, u32 config_size);
/*
 * Initialise @dev for a device whose registers are served elsewhere (by
 * a daemon): @mmio takes each whole access (vdev.h), so @dev has no
 * register file, queues, features or config space here.  Of the core it
 * uses the zone's stop and restart, hv_virtio_irq_stop() and
 * ops->destroy; @ops has no queue and no reset.  The caller binds it
 * (hv_virtio_dev_bind()).  -EINVAL if @mmio or @ops do not fit that.
 */
int hv_virtio_remote_init(struct hv_virtio_dev *dev,
			  const struct hv_virtio_ops *ops,
			  const struct hv_vdev_mmio_ops *mmio);
/* Queues the driver may use: the extra ones only with mq_feature accepted. */
u16 hv_virtio_live_queues(const struct hv_virtio_dev *dev);
/* The registers of QueueSel's queue, NULL if it is not a live queue. */
struct hv_virtio_queue_regs *hv_virtio_sel_queue(struct hv_virtio_dev *dev);
/* Status written: Status = 0 resets, otherwise bits are only added. */
void hv_virtio_write_status(struct hv_virtio_dev *dev, u32 value);
/* QueueReady of the selected queue written: set it up, or quiesce it. */
void hv_virtio_queue_ready(struct hv_virtio_dev *dev, u32 value);
/* QueueNotify written with queue index @value. */
void hv_virtio_notify(struct hv_virtio_dev *dev, u64 value);
/* InterruptStatus read (a line event first), InterruptACK written. */
u32 hv_virtio_int_status(struct hv_virtio_dev *dev);
void hv_virtio_int_ack(struct hv_virtio_dev *dev, u32 value);
/* Tell the device's line_event of @ev, re-injecting what is pending. */
void hv_virtio_line_event(struct hv_virtio_dev *dev, enum hvisor_irq_event ev);

#endif /* _HVISOR_VIRTIO_DEVICE_H */
