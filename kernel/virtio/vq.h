/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Split virtqueues living in a guest's memory, served from zone 0.
 *
 * Everything the guest writes is hostile input (design.md section 7).  The
 * rules enforced here:
 *   - queue size a power of two, 1..max (max <= 32768); the three ring areas
 *     aligned (desc 16, avail 2, used 4) and translated for their full size,
 *     event fields included when EVENT_IDX is negotiated;
 *   - avail->idx may run ahead of us by at most num entries;
 *   - head and next indexes are below the size of the table they index;
 *   - each descriptor is copied once to a local and only the copy is used;
 *   - a chain holds at most num descriptors: more in the ring is a loop;
 *   - an indirect table is 8-byte aligned, a non-zero multiple of 16 bytes
 *     and holds at most num entries (so a chain, indirect entries included,
 *     never exceeds the queue size, as the spec requires of drivers); an
 *     indirect descriptor must not also carry NEXT, and no descriptor inside
 *     an indirect table may be indirect;
 *   - readable descriptors must all come before writable ones;
 *   - every buffer (addr, len) lies inside one guest memory region, and the
 *     readable and writable totals each fit in 32 bits;
 *   - zero-length data descriptors are legal but carry nothing: they count
 *     towards the chain length and produce no segment.
 * A violation marks the queue broken: it is never touched again until the
 * device is reset, and the caller raises NEEDS_RESET.
 *
 * Concurrency: a queue is driven by one thread at a time (the device's
 * worker); setup and reset happen while the worker is quiesced.
 */
#ifndef _HVISOR_VIRTIO_VQ_H
#define _HVISOR_VIRTIO_VQ_H

#include <linux/types.h>
#include <asm/barrier.h>

#include "guest_mem.h"

/* Largest queue size we ever accept (virtio-mmio allows up to 32768). */
#define HV_VQ_MAX_SIZE		32768

/* The ring layouts (virtio 1.x: always little endian). */
struct hv_vring_desc {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

struct hv_vring_avail {
	__le16 flags;
	__le16 idx;
	__le16 ring[];		/* then __le16 used_event with EVENT_IDX */
};

struct hv_vring_used_elem {
	__le32 id;
	__le32 len;
};

struct hv_vring_used {
	__le16 flags;
	__le16 idx;
	struct hv_vring_used_elem ring[];	/* then __le16 avail_event */
};

/* One translated guest buffer. */
struct hv_vq_seg {
	void *addr;
	u32 len;
};

/*
 * A popped chain: segs[0 .. nout) are readable (driver -> device),
 * segs[nout .. nout + nin) are writable (device -> driver).
 */
struct hv_vq_chain {
	u16 head;
	u16 nout;
	u16 nin;
	u32 out_len;		/* sum of readable lengths */
	u32 in_len;		/* sum of writable lengths */
	u64 pop_ns;		/* ktime_get_ns() at pop, for tracing */
	u32 max_segs;		/* capacity of segs, set by the caller */
	struct hv_vq_seg *segs;
};

struct hv_vq {
	/* configuration, fixed while the queue is ready */
	const struct hv_guest_mem *mem;
	u16 num;
	bool event_idx;
	struct hv_vring_desc *desc;
	struct hv_vring_avail *avail;
	struct hv_vring_used *used;

	/* worker state */
	u16 last_avail_idx;	/* next avail entry we will read */
	u16 avail_idx;		/* last avail->idx value we read */
	u16 used_idx;		/* next used entry we will write */
	u16 signalled_used;	/* used_idx when we last notified */
	bool signalled_valid;
	bool broken;
	const char *why;	/* first reason the queue broke, for sysfs */
};

/* Sizes in bytes of the three areas of a queue of @num entries. */
size_t hv_vq_desc_size(u16 num);
size_t hv_vq_avail_size(u16 num, bool event_idx);
size_t hv_vq_used_size(u16 num, bool event_idx);

/*
 * Check @num against @max, check alignment, that the three areas do not
 * overlap each other, translate them and reset the worker state.  Returns
 * 0 or -EINVAL / -EFAULT; on failure the queue is left unusable (not
 * ready) and vq->why says what was wrong.
 */
int hv_vq_setup(struct hv_vq *vq, const struct hv_guest_mem *mem, u32 num,
		u32 max, u64 desc, u64 avail, u64 used, bool event_idx);

/* Forget everything (device reset). */
void hv_vq_reset(struct hv_vq *vq);

/*
 * Mark @vq broken for a reason found outside vq.c (a device's own layout
 * rules).  Only the first reason is kept; returns whether this call broke
 * the queue.  The caller raises NEEDS_RESET (hv_virtio_queue_broken()).
 */
bool hv_vq_break(struct hv_vq *vq, const char *why);

static inline bool hv_vq_ready(const struct hv_vq *vq)
{
	/* Pairs with the release in hv_vq_setup(): fields before desc. */
	return smp_load_acquire(&vq->desc) && !vq->broken;
}

/*
 * Pop the next available chain into @c.  Returns 1 if a chain was popped,
 * 0 if the ring is empty, or a negative errno when the guest broke the
 * rules: the queue is then marked broken and every later call fails.
 */
int hv_vq_pop(struct hv_vq *vq, struct hv_vq_chain *c);

/*
 * Put back the last popped chain (device ran out of resources): the next
 * pop returns it again.
 */
void hv_vq_unpop(struct hv_vq *vq);

/* Queue a used element (not yet visible to the guest). */
void hv_vq_add_used(struct hv_vq *vq, u16 head, u32 len);

/* Make the used elements added so far visible (smp_wmb, then used->idx). */
void hv_vq_publish_used(struct hv_vq *vq);

/*
 * After hv_vq_publish_used(): does the guest want an interrupt?  Honours
 * used_event with EVENT_IDX, VRING_AVAIL_F_NO_INTERRUPT otherwise.
 */
bool hv_vq_need_notify(struct hv_vq *vq);

/* Ask the guest not to kick us (we are draining anyway). */
void hv_vq_disable_notify(struct hv_vq *vq);

/*
 * Ask the guest not to kick us at all, EVENT_IDX included (its avail_event
 * is moved behind what the guest already posted): for a worker that polls
 * the ring instead.  hv_vq_enable_notify() undoes it.
 */
void hv_vq_suppress_notify(struct hv_vq *vq);

/*
 * Ask the guest to kick us again.  Returns true if buffers became available
 * meanwhile: the caller must then keep draining (no lost kick).
 */
bool hv_vq_enable_notify(struct hv_vq *vq);

/*
 * Like hv_vq_enable_notify(), but asks for a kick on (and reports) buffers
 * added since avail->idx was last read, ignoring chains popped and put
 * back with hv_vq_unpop() (a device waiting for more buffers than posted).
 */
bool hv_vq_enable_notify_new(struct hv_vq *vq);

/*
 * A device going away: complete up to @max posted chains, unread, with used
 * length 0 (added, not published), and leave kicks enabled.  @c is scratch
 * space for the walk: each chain is still checked as hv_vq_pop() does, and
 * a broken one breaks the queue (hv_vq_ready() turns false) and stops the
 * walk.  Every chain and every re-check counts against @max; kicks are
 * left enabled however the walk ends.  Returns how many chains were
 * completed.
 */
unsigned int hv_vq_complete_posted(struct hv_vq *vq, struct hv_vq_chain *c,
				   unsigned int max);

/*
 * The budget of one worker run, vhost's rule (drivers/vhost/vhost.c,
 * vhost_exceeds_weight()): every loop iteration is charged -- a chain
 * popped, an empty pop, a "did buffers arrive meanwhile?" re-check -- and
 * so are the bytes moved.  Once either is spent the run ends and its
 * worker requeues itself behind other work.  Charging only popped chains
 * lets a guest whose rings make the re-check always true pin the worker.
 */
struct hv_vq_run {
	unsigned int iters;	/* iterations left */
	size_t bytes;		/* bytes left */
	bool cut;		/* the budget ran out: the run was cut */
};

void hv_vq_run_init(struct hv_vq_run *run, unsigned int iters, size_t bytes);

/* Charge @bytes without ending an iteration (checked at the next charge). */
void hv_vq_run_add_bytes(struct hv_vq_run *run, size_t bytes);

/*
 * Charge one iteration and @bytes.  Returns true when the budget is spent:
 * the caller stops now (run->cut stays set).
 */
bool hv_vq_run_charge(struct hv_vq_run *run, size_t bytes);

/* Are buffers available?  (Cheap; reads avail->idx.) */
bool hv_vq_has_avail(struct hv_vq *vq);

/*
 * Copy @len bytes between @buf and the chain segments @segs[0..n), starting
 * @skip bytes into them.  Returns the bytes copied: less than @len if the
 * segments end first.
 */
size_t hv_segs_copy_from(const struct hv_vq_seg *segs, unsigned int n,
			 size_t skip, void *buf, size_t len);
size_t hv_segs_copy_to(const struct hv_vq_seg *segs, unsigned int n,
		       size_t skip, const void *buf, size_t len);

#endif /* _HVISOR_VIRTIO_VQ_H */
