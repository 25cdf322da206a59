/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake guest memory for the virtio KUnit suites: one "RAM" region backed by
 * kunit_kzalloc() at guest physical HVT_RAM, plus a huge region whose
 * mapping is never dereferenced (for length overflow cases).
 */
#ifndef _HVISOR_VIRTIO_TEST_UTIL_H
#define _HVISOR_VIRTIO_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/string.h>
#include <linux/virtio_ring.h>

#include "../../kernel/virtio/guest_mem.h"
#include "../../kernel/virtio/vq.h"

#define HVT_RAM		0x40000000ULL
#define HVT_RAM_SIZE	(16 * PAGE_SIZE)
#define HVT_HUGE	0x100000000ULL		/* 8 GiB, never touched */
#define HVT_HUGE_SIZE	0x200000000ULL

/* Default queue layout inside the fake RAM. */
#define HVT_DESC	(HVT_RAM + 0x0000)
#define HVT_AVAIL	(HVT_RAM + 0x1000)
#define HVT_USED	(HVT_RAM + 0x2000)
#define HVT_INDIRECT	(HVT_RAM + 0x3000)
#define HVT_BUF		(HVT_RAM + 0x8000)

struct hvt_mem {
	struct hv_guest_mem gm;
	u8 *ram;
};

static inline struct hvt_mem *hvt_mem_new(struct kunit *test)
{
	struct hvt_mem *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->ram = kunit_kzalloc(test, HVT_RAM_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->ram);
	m->gm.nr = 2;
	m->gm.r[0].zone0_ipa = 0x80000000ULL;
	m->gm.r[0].zonex_ipa = HVT_RAM;
	m->gm.r[0].size = HVT_RAM_SIZE;
	m->gm.r[0].hva = m->ram;
	/* Only address arithmetic is ever done on this mapping. */
	m->gm.r[1].zone0_ipa = 0x200000000ULL;
	m->gm.r[1].zonex_ipa = HVT_HUGE;
	m->gm.r[1].size = HVT_HUGE_SIZE;
	m->gm.r[1].hva = (void *)0x1000;
	return m;
}

static inline void *hvt_ptr(struct hvt_mem *m, u64 gpa)
{
	return m->ram + (gpa - HVT_RAM);
}

static inline void hvt_desc(struct hvt_mem *m, u64 table, u16 i, u64 addr,
			    u32 len, u16 flags, u16 next)
{
	struct hv_vring_desc *d = hvt_ptr(m, table);

	d[i].addr = cpu_to_le64(addr);
	d[i].len = cpu_to_le32(len);
	d[i].flags = cpu_to_le16(flags);
	d[i].next = cpu_to_le16(next);
}

/* Put @head in the avail ring slot for @idx and set avail->idx = idx + 1. */
static inline void hvt_avail(struct hvt_mem *m, u16 num, u16 idx, u16 head)
{
	struct hv_vring_avail *a = hvt_ptr(m, HVT_AVAIL);

	a->ring[idx & (num - 1)] = cpu_to_le16(head);
	a->idx = cpu_to_le16(idx + 1);
}

static inline void hvt_set_avail_idx(struct hvt_mem *m, u16 idx)
{
	struct hv_vring_avail *a = hvt_ptr(m, HVT_AVAIL);

	a->idx = cpu_to_le16(idx);
}

/* Append a segment to @c: readable (driver -> device) or writable (@in). */
static inline void hvt_chain_add(struct hv_vq_chain *c, void *addr, u32 len,
				 bool in)
{
	struct hv_vq_seg *s = &c->segs[c->nout + c->nin];

	s->addr = addr;
	s->len = len;
	if (in) {
		c->nin++;
		c->in_len += len;
	} else {
		c->nout++;
		c->out_len += len;
	}
}

/*
 * The driver's kick rule for @vq (ring areas at HVT_USED), moving
 * avail->idx from @old to @new (virtqueue_kick_prepare_split()): with
 * EVENT_IDX vring_need_event(avail_event, new, old), else
 * !(used->flags & NO_NOTIFY).
 */
static inline bool hvt_driver_kicks(struct hvt_mem *m, const struct hv_vq *vq,
				    u16 old, u16 new)
{
	struct hv_vring_used *u = hvt_ptr(m, HVT_USED);

	if (vq->event_idx)
		return vring_need_event(le16_to_cpu(*(__le16 *)&u->ring[vq->num]),
					new, old);
	return !(le16_to_cpu(u->flags) & VRING_USED_F_NO_NOTIFY);
}

#endif /* _HVISOR_VIRTIO_TEST_UTIL_H */
