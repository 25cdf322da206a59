// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueue parsing for rings that live in a guest's memory.  See
 * vq.h for the rules.  Pure logic: guest memory comes translated through
 * hv_gmem_translate(), so KUnit runs this on UML.
 */
#include <linux/align.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/virtio_ring.h>
#include <asm/barrier.h>

#include "vq.h"
#include "../hvisor_trace.h"

/* A descriptor copied out of guest memory, in CPU byte order. */
struct hv_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

size_t hv_vq_desc_size(u16 num)
{
	return sizeof(struct hv_vring_desc) * (size_t)num;
}

size_t hv_vq_avail_size(u16 num, bool event_idx)
{
	return sizeof(struct hv_vring_avail) + sizeof(__le16) * (size_t)num +
	       (event_idx ? sizeof(__le16) : 0);
}

size_t hv_vq_used_size(u16 num, bool event_idx)
{
	return sizeof(struct hv_vring_used) +
	       sizeof(struct hv_vring_used_elem) * (size_t)num +
	       (event_idx ? sizeof(__le16) : 0);
}

bool hv_vq_break(struct hv_vq *vq, const char *why)
{
	if (vq->broken)
		return false;
	vq->broken = true;
	vq->why = why;
	return true;
}

static int hv_vq_fail(struct hv_vq *vq, int err, const char *why)
{
	if (hv_vq_break(vq, why))
		pr_warn_ratelimited("hvisor: virtqueue broken by the guest: %s\n",
				    why);
	return err;
}

void hv_vq_reset(struct hv_vq *vq)
{
	memset(vq, 0, sizeof(*vq));
}

/* Do [a, a + alen) and [b, b + blen) share a byte?  Overflow-safe. */
static bool hv_vq_areas_overlap(u64 a, size_t alen, u64 b, size_t blen)
{
	u64 a_end, b_end;

	/* An area that wraps the address space fails translation anyway. */
	if (check_add_overflow(a, (u64)alen, &a_end) ||
	    check_add_overflow(b, (u64)blen, &b_end))
		return true;
	return a < b_end && b < a_end;
}

/*
 * The device writes the used area (and avail_event); a guest that overlaps
 * it with what the device reads would have the device rewrite avail->idx
 * or descriptors under itself (a re-check that never settles: the class of
 * CVE-2019-3900).  The areas must be disjoint.
 */
static const char *hv_vq_layout_error(u16 num, u64 desc, u64 avail, u64 used,
				      bool event_idx)
{
	size_t ds = hv_vq_desc_size(num);
	size_t as = hv_vq_avail_size(num, event_idx);
	size_t us = hv_vq_used_size(num, event_idx);

	if (hv_vq_areas_overlap(desc, ds, avail, as))
		return "descriptor and avail areas overlap";
	if (hv_vq_areas_overlap(desc, ds, used, us))
		return "descriptor and used areas overlap";
	if (hv_vq_areas_overlap(avail, as, used, us))
		return "avail and used areas overlap";
	return NULL;
}

int hv_vq_setup(struct hv_vq *vq, const struct hv_guest_mem *mem, u32 num,
		u32 max, u64 desc, u64 avail, u64 used, bool event_idx)
{
	const char *why;
	void *d, *a, *u;

	hv_vq_reset(vq);
	if (max > HV_VQ_MAX_SIZE || !num || num > max || !is_power_of_2(num)) {
		vq->why = "bad queue size";
		return -EINVAL;
	}
	if (!IS_ALIGNED(desc, 16) || !IS_ALIGNED(avail, 2) ||
	    !IS_ALIGNED(used, 4)) {
		vq->why = "misaligned ring area";
		return -EINVAL;
	}
	why = hv_vq_layout_error(num, desc, avail, used, event_idx);
	if (why) {
		vq->why = why;
		return -EINVAL;
	}

	d = hv_gmem_translate(mem, desc, hv_vq_desc_size(num));
	a = hv_gmem_translate(mem, avail, hv_vq_avail_size(num, event_idx));
	u = hv_gmem_translate(mem, used, hv_vq_used_size(num, event_idx));
	if (!d || !a || !u) {
		vq->why = "ring area outside guest memory";
		return -EFAULT;
	}

	vq->mem = mem;
	vq->num = num;
	vq->event_idx = event_idx;
	vq->avail = a;
	vq->used = u;
	/* The device's indexes start at 0 after a reset (spec 2.7). */
	/* desc last, released: hv_vq_ready() keys on it. */
	smp_store_release(&vq->desc, d);
	return 0;
}

static void hv_desc_fetch(const struct hv_vring_desc *src, struct hv_desc *d)
{
	/* One read of each field: the guest may rewrite it under us. */
	d->addr = le64_to_cpu(READ_ONCE(src->addr));
	d->len = le32_to_cpu(READ_ONCE(src->len));
	d->flags = le16_to_cpu(READ_ONCE(src->flags));
	d->next = le16_to_cpu(READ_ONCE(src->next));
}

/* Add one data descriptor to the chain; 0 or -errno (queue not yet broken). */
static int hv_chain_add(struct hv_vq *vq, struct hv_vq_chain *c,
			const struct hv_desc *d, const char **why)
{
	bool writable = d->flags & VRING_DESC_F_WRITE;
	struct hv_vq_seg *seg;
	void *p;

	if (!writable && c->nin) {
		*why = "readable descriptor after a writable one";
		return -EINVAL;
	}
	if (writable ? check_add_overflow(c->in_len, d->len, &c->in_len) :
		       check_add_overflow(c->out_len, d->len, &c->out_len)) {
		*why = "chain longer than 4 GiB";
		return -EINVAL;
	}
	if (!d->len)
		return 0;
	p = hv_gmem_translate(vq->mem, d->addr, d->len);
	if (!p) {
		*why = "buffer outside guest memory";
		return -EFAULT;
	}
	if (c->nout + c->nin >= c->max_segs) {
		*why = "more segments than the device accepts";
		return -E2BIG;
	}
	seg = &c->segs[c->nout + c->nin];
	seg->addr = p;
	seg->len = d->len;
	if (writable)
		c->nin++;
	else
		c->nout++;
	return 0;
}

int hv_vq_pop(struct hv_vq *vq, struct hv_vq_chain *c)
{
	const struct hv_vring_desc *table;
	const char *why = NULL;
	struct hv_desc d;
	u32 table_num, seen, limit;
	bool indirect = false;
	u16 avail_idx, head, i;
	int err;

	if (!vq->desc)
		return -ENODEV;
	if (vq->broken)
		return -EIO;

	if (vq->last_avail_idx == vq->avail_idx) {
		avail_idx = le16_to_cpu(READ_ONCE(vq->avail->idx));
		if ((u16)(avail_idx - vq->last_avail_idx) > vq->num)
			return hv_vq_fail(vq, -EINVAL,
					  "avail index moved by more than the queue size");
		vq->avail_idx = avail_idx;
		if (avail_idx == vq->last_avail_idx)
			return 0;
		/* Read the ring entries only after the index covering them. */
		smp_rmb();
	}

	head = le16_to_cpu(READ_ONCE(vq->avail->ring[vq->last_avail_idx &
						      (vq->num - 1)]));
	if (head >= vq->num)
		return hv_vq_fail(vq, -EINVAL, "head index out of range");

	c->head = head;
	c->nout = 0;
	c->nin = 0;
	c->out_len = 0;
	c->in_len = 0;

	table = vq->desc;
	table_num = vq->num;
	limit = vq->num;	/* descriptors we may visit in this table */
	seen = 0;
	i = head;
	for (;;) {
		if (++seen > limit)
			return hv_vq_fail(vq, -ELOOP,
					  "descriptor chain longer than the queue (loop)");
		hv_desc_fetch(&table[i], &d);

		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (indirect)
				return hv_vq_fail(vq, -EINVAL,
						  "nested indirect descriptor");
			if (d.flags & VRING_DESC_F_NEXT)
				return hv_vq_fail(vq, -EINVAL,
						  "indirect descriptor with NEXT");
			if (!d.len || d.len % sizeof(struct hv_vring_desc) ||
			    d.len / sizeof(struct hv_vring_desc) > vq->num ||
			    !IS_ALIGNED(d.addr, 8))
				return hv_vq_fail(vq, -EINVAL,
						  "bad indirect table size or alignment");
			table = hv_gmem_translate(vq->mem, d.addr, d.len);
			if (!table)
				return hv_vq_fail(vq, -EFAULT,
						  "indirect table outside guest memory");
			indirect = true;
			table_num = d.len / sizeof(struct hv_vring_desc);
			/*
			 * Direct descriptors already used count against the
			 * chain limit (queue size) too.
			 */
			limit = min_t(u32, table_num, vq->num - (seen - 1));
			seen = 0;
			i = 0;
			if (!limit)
				return hv_vq_fail(vq, -ELOOP,
						  "descriptor chain longer than the queue");
			continue;
		}

		err = hv_chain_add(vq, c, &d, &why);
		if (err)
			return hv_vq_fail(vq, err, why);

		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= table_num)
			return hv_vq_fail(vq, -EINVAL, "next index out of range");
		i = d.next;
	}

	vq->last_avail_idx++;
	/* the clock only when someone traces completions (hvisor_trace.h) */
	c->pop_ns = trace_hvisor_chain_done_enabled() ? ktime_get_ns() : 0;
	return 1;
}

void hv_vq_unpop(struct hv_vq *vq)
{
	vq->last_avail_idx--;
}

void hv_vq_add_used(struct hv_vq *vq, u16 head, u32 len)
{
	struct hv_vring_used_elem *e;

	e = &vq->used->ring[vq->used_idx & (vq->num - 1)];
	WRITE_ONCE(e->id, cpu_to_le32(head));
	WRITE_ONCE(e->len, cpu_to_le32(len));
	vq->used_idx++;
}

void hv_vq_publish_used(struct hv_vq *vq)
{
	/* The elements must be visible before the index that covers them. */
	smp_wmb();
	WRITE_ONCE(vq->used->idx, cpu_to_le16(vq->used_idx));
}

bool hv_vq_need_notify(struct hv_vq *vq)
{
	u16 old, new, event;
	bool valid;

	/* Order the used->idx store before reading the guest's wishes. */
	smp_mb();

	if (!vq->event_idx)
		return !(le16_to_cpu(READ_ONCE(vq->avail->flags)) &
			 VRING_AVAIL_F_NO_INTERRUPT);

	old = vq->signalled_used;
	valid = vq->signalled_valid;
	new = vq->used_idx;
	vq->signalled_used = new;
	vq->signalled_valid = true;
	if (unlikely(!valid))
		return true;
	event = le16_to_cpu(READ_ONCE(vq->avail->ring[vq->num]));
	return vring_need_event(event, new, old);
}

static __le16 *hv_vq_avail_event(struct hv_vq *vq)
{
	return (__le16 *)&vq->used->ring[vq->num];
}

void hv_vq_disable_notify(struct hv_vq *vq)
{
	u16 flags;

	/* With EVENT_IDX, a stale avail_event already suppresses kicks. */
	if (vq->event_idx)
		return;
	flags = le16_to_cpu(READ_ONCE(vq->used->flags));
	WRITE_ONCE(vq->used->flags,
		   cpu_to_le16(flags | VRING_USED_F_NO_NOTIFY));
}

void hv_vq_suppress_notify(struct hv_vq *vq)
{
	/*
	 * The driver kicks when its new avail->idx passes avail_event
	 * (vring_need_event()): one behind what we have read, it is already
	 * passed, and stays so until the index wraps 65535 entries later.
	 */
	if (vq->event_idx)
		WRITE_ONCE(*hv_vq_avail_event(vq),
			   cpu_to_le16((u16)(vq->last_avail_idx - 1)));
	else
		hv_vq_disable_notify(vq);
}

bool hv_vq_enable_notify(struct hv_vq *vq)
{
	u16 flags;

	if (vq->event_idx) {
		WRITE_ONCE(*hv_vq_avail_event(vq),
			   cpu_to_le16(vq->last_avail_idx));
	} else {
		flags = le16_to_cpu(READ_ONCE(vq->used->flags));
		WRITE_ONCE(vq->used->flags,
			   cpu_to_le16(flags & ~VRING_USED_F_NO_NOTIFY));
	}
	/* Publish the wish before looking for buffers added meanwhile. */
	smp_mb();
	return hv_vq_has_avail(vq);
}

bool hv_vq_enable_notify_new(struct hv_vq *vq)
{
	hv_vq_enable_notify(vq);
	if (vq->event_idx)
		WRITE_ONCE(*hv_vq_avail_event(vq), cpu_to_le16(vq->avail_idx));
	/* Publish the wish before looking at avail->idx again. */
	smp_mb();
	return le16_to_cpu(READ_ONCE(vq->avail->idx)) != vq->avail_idx;
}

unsigned int hv_vq_complete_posted(struct hv_vq *vq, struct hv_vq_chain *c,
				   unsigned int max)
{
	struct hv_vq_run run;
	unsigned int n = 0;
	int ret;

	hv_vq_run_init(&run, max, SIZE_MAX);
	for (;;) {
		hv_vq_disable_notify(vq);
		for (;;) {
			ret = hv_vq_pop(vq, c);
			if (ret < 0)
				return n;	/* broken */
			if (!ret)
				break;
			hv_vq_add_used(vq, c->head, 0);
			n++;
			if (hv_vq_run_charge(&run, 0)) {
				/* Kicks on: the caller does not come back. */
				hv_vq_enable_notify(vq);
				return n;
			}
		}
		/* Kicks on; more came meanwhile: another charged turn. */
		if (!hv_vq_enable_notify(vq) || hv_vq_run_charge(&run, 0))
			return n;
	}
}

void hv_vq_run_init(struct hv_vq_run *run, unsigned int iters, size_t bytes)
{
	run->iters = iters;
	run->bytes = bytes;
	run->cut = false;
}

void hv_vq_run_add_bytes(struct hv_vq_run *run, size_t bytes)
{
	run->bytes -= min(bytes, run->bytes);
}

bool hv_vq_run_charge(struct hv_vq_run *run, size_t bytes)
{
	hv_vq_run_add_bytes(run, bytes);
	if (run->iters)
		run->iters--;
	if (!run->iters || !run->bytes)
		run->cut = true;
	return run->cut;
}

bool hv_vq_has_avail(struct hv_vq *vq)
{
	if (!hv_vq_ready(vq))
		return false;
	if (vq->last_avail_idx != vq->avail_idx)
		return true;
	return le16_to_cpu(READ_ONCE(vq->avail->idx)) != vq->last_avail_idx;
}

size_t hv_segs_copy_from(const struct hv_vq_seg *segs, unsigned int n,
			 size_t skip, void *buf, size_t len)
{
	size_t done = 0, chunk;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		if (skip >= segs[i].len) {
			skip -= segs[i].len;
			continue;
		}
		chunk = min_t(size_t, segs[i].len - skip, len - done);
		memcpy((u8 *)buf + done, (u8 *)segs[i].addr + skip, chunk);
		done += chunk;
		skip = 0;
	}
	return done;
}

size_t hv_segs_copy_to(const struct hv_vq_seg *segs, unsigned int n,
		       size_t skip, const void *buf, size_t len)
{
	size_t done = 0, chunk;
	unsigned int i;

	for (i = 0; i < n && done < len; i++) {
		if (skip >= segs[i].len) {
			skip -= segs[i].len;
			continue;
		}
		chunk = min_t(size_t, segs[i].len - skip, len - done);
		memcpy((u8 *)segs[i].addr + skip, (const u8 *)buf + done, chunk);
		done += chunk;
		skip = 0;
	}
	return done;
}
