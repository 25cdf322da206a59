/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-console buffering, as pure logic that KUnit runs on UML:
 *
 *  - struct hv_con_ring, a bounded byte ring.  It never overwrites: a put
 *    takes what fits and says how much, so the producer keeps the rest
 *    where it was (a guest's transmitq chain, a tty writer's buffer) and
 *    nothing is lost when the consumer stops;
 *  - copying between a ring and the segments of a popped virtqueue chain,
 *    resumable at any byte offset (a chain larger than the free space is
 *    taken in several steps);
 *  - struct hv_con_winsz, the window size with event coalescing: several
 *    resizes before the worker runs give one config change interrupt, with
 *    the last size.
 *
 * Nothing here locks: the caller serialises each object.
 */
#ifndef _HVISOR_VIRTIO_CONSOLE_BUF_H
#define _HVISOR_VIRTIO_CONSOLE_BUF_H

#include <linux/types.h>

#include "vq.h"

struct hv_con_ring {
	u8 *buf;
	u32 size;		/* a power of two, at most 1 << 30 */
	u32 head;		/* free running: next byte written at head % size */
	u32 tail;		/* free running: next byte read at tail % size */
};

/* @size must be a power of two; returns -EINVAL otherwise. */
int hv_con_ring_init(struct hv_con_ring *r, u8 *buf, u32 size);

static inline u32 hv_con_ring_len(const struct hv_con_ring *r)
{
	return r->head - r->tail;
}

static inline u32 hv_con_ring_space(const struct hv_con_ring *r)
{
	return r->size - hv_con_ring_len(r);
}

/* Forget the contents. */
void hv_con_ring_clear(struct hv_con_ring *r);

/* Append up to @len bytes; returns how many fitted (0 when full). */
u32 hv_con_ring_put(struct hv_con_ring *r, const void *src, u32 len);

/* Remove up to @len bytes into @dst; returns how many. */
u32 hv_con_ring_get(struct hv_con_ring *r, void *dst, u32 len);

/*
 * The oldest bytes as one contiguous run: *@p points at them, the return
 * value is their number (0 when empty).  Follow with hv_con_ring_consume().
 */
u32 hv_con_ring_peek(const struct hv_con_ring *r, const u8 **p);

/* Drop the @n oldest bytes (@n <= length). */
void hv_con_ring_consume(struct hv_con_ring *r, u32 n);

/*
 * Append bytes of the segments @segs[0..@n), starting @skip bytes into
 * them, as many as fit.  Returns the number appended: the caller adds it
 * to its skip and calls again once space appears.
 */
u32 hv_con_ring_put_segs(struct hv_con_ring *r, const struct hv_vq_seg *segs,
			 unsigned int n, u32 skip);

/* Move as many bytes as fit into the segments @segs[0..@n). */
u32 hv_con_ring_get_segs(struct hv_con_ring *r, const struct hv_vq_seg *segs,
			 unsigned int n);

struct hv_con_winsz {
	u16 cols;
	u16 rows;
	bool pending;		/* a change not yet announced to the guest */
};

/* Record a new size; returns true if it differs (an event is pending). */
bool hv_con_winsz_set(struct hv_con_winsz *w, u16 cols, u16 rows);

/* Ask for an announcement of the current size even if unchanged. */
void hv_con_winsz_repeat(struct hv_con_winsz *w);

/*
 * Take the pending event, if any: returns true and the size to announce,
 * and clears it, so that many changes give one event.
 */
bool hv_con_winsz_take(struct hv_con_winsz *w, u16 *cols, u16 *rows);

#endif /* _HVISOR_VIRTIO_CONSOLE_BUF_H */
