// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console buffering.  See console_buf.h.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "console_buf.h"

int hv_con_ring_init(struct hv_con_ring *r, u8 *buf, u32 size)
{
	if (!is_power_of_2(size) || size > (1U << 30))
		return -EINVAL;
	r->buf = buf;
	r->size = size;
	r->head = 0;
	r->tail = 0;
	return 0;
}

void hv_con_ring_clear(struct hv_con_ring *r)
{
	r->tail = r->head;
}

u32 hv_con_ring_put(struct hv_con_ring *r, const void *src, u32 len)
{
	u32 off = r->head & (r->size - 1);
	u32 first;

	len = min(len, hv_con_ring_space(r));
	first = min(len, r->size - off);
	memcpy(r->buf + off, src, first);
	memcpy(r->buf, (const u8 *)src + first, len - first);
	r->head += len;
	return len;
}

u32 hv_con_ring_peek(const struct hv_con_ring *r, const u8 **p)
{
	u32 off = r->tail & (r->size - 1);

	*p = r->buf + off;
	return min(hv_con_ring_len(r), r->size - off);
}

void hv_con_ring_consume(struct hv_con_ring *r, u32 n)
{
	r->tail += min(n, hv_con_ring_len(r));
}

u32 hv_con_ring_get(struct hv_con_ring *r, void *dst, u32 len)
{
	u32 done = 0, n;
	const u8 *p;

	while (done < len) {
		n = min(hv_con_ring_peek(r, &p), len - done);
		if (!n)
			break;
		memcpy((u8 *)dst + done, p, n);
		hv_con_ring_consume(r, n);
		done += n;
	}
	return done;
}

u32 hv_con_ring_put_segs(struct hv_con_ring *r, const struct hv_vq_seg *segs,
			 unsigned int n, u32 skip)
{
	u32 done = 0, chunk, put;
	unsigned int i;

	for (i = 0; i < n && hv_con_ring_space(r); i++) {
		if (skip >= segs[i].len) {
			skip -= segs[i].len;
			continue;
		}
		chunk = segs[i].len - skip;
		put = hv_con_ring_put(r, (const u8 *)segs[i].addr + skip, chunk);
		done += put;
		if (put < chunk)
			break;
		skip = 0;
	}
	return done;
}

u32 hv_con_ring_get_segs(struct hv_con_ring *r, const struct hv_vq_seg *segs,
			 unsigned int n)
{
	u32 done = 0, got;
	unsigned int i;

	for (i = 0; i < n && hv_con_ring_len(r); i++) {
		got = hv_con_ring_get(r, segs[i].addr, segs[i].len);
		done += got;
	}
	return done;
}

bool hv_con_winsz_set(struct hv_con_winsz *w, u16 cols, u16 rows)
{
	if (w->cols == cols && w->rows == rows)
		return false;
	w->cols = cols;
	w->rows = rows;
	w->pending = true;
	return true;
}

void hv_con_winsz_repeat(struct hv_con_winsz *w)
{
	w->pending = true;
}

bool hv_con_winsz_take(struct hv_con_winsz *w, u16 *cols, u16 *rows)
{
	if (!w->pending)
		return false;
	w->pending = false;
	*cols = w->cols;
	*rows = w->rows;
	return true;
}
