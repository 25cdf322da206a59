// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: split virtqueue parsing against hostile descriptors and rings
 * (design.md section 7, one case per rule and boundary).
 */
#include "../../kernel/virtio/vq.h"

#include <kunit/test.h>
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

#include "virtio_test_util.h"

#define F_NEXT	VRING_DESC_F_NEXT
#define F_WRITE	VRING_DESC_F_WRITE
#define F_IND	VRING_DESC_F_INDIRECT

struct hvt_vq {
	struct hvt_mem *m;
	struct hv_vq vq;
	struct hv_vq_chain c;
	struct hv_vq_seg segs[64];
};

static struct hvt_vq *hvt_vq_new(struct kunit *test, u16 num, bool event_idx)
{
	struct hvt_vq *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->m = hvt_mem_new(test);
	KUNIT_ASSERT_EQ(test, hv_vq_setup(&t->vq, &t->m->gm, num, 256,
					  HVT_DESC, HVT_AVAIL, HVT_USED,
					  event_idx), 0);
	t->c.segs = t->segs;
	t->c.max_segs = ARRAY_SIZE(t->segs);
	return t;
}

static int hvt_pop(struct hvt_vq *t)
{
	return hv_vq_pop(&t->vq, &t->c);
}

/* The queue is broken, and stays so. */
static void hvt_expect_broken(struct kunit *test, struct hvt_vq *t, int err)
{
	KUNIT_EXPECT_EQ(test, hvt_pop(t), err);
	KUNIT_EXPECT_TRUE(test, t->vq.broken);
	KUNIT_EXPECT_NOT_NULL(test, t->vq.why);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), -EIO);
	KUNIT_EXPECT_FALSE(test, hv_vq_has_avail(&t->vq));
}

static void vq_simple_chain(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 3, HVT_BUF, 16, F_NEXT, 5);
	hvt_desc(t->m, HVT_DESC, 5, HVT_BUF + 0x100, 512, F_NEXT | F_WRITE, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_BUF + 0x400, 1, F_WRITE, 0);
	hvt_avail(t->m, 8, 0, 3);

	KUNIT_ASSERT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->c.head, 3);
	KUNIT_EXPECT_EQ(test, t->c.nout, 1);
	KUNIT_EXPECT_EQ(test, t->c.nin, 2);
	KUNIT_EXPECT_EQ(test, t->c.out_len, 16U);
	KUNIT_EXPECT_EQ(test, t->c.in_len, 513U);
	KUNIT_EXPECT_PTR_EQ(test, t->segs[0].addr, hvt_ptr(t->m, HVT_BUF));
	KUNIT_EXPECT_PTR_EQ(test, t->segs[1].addr,
			    hvt_ptr(t->m, HVT_BUF + 0x100));
	KUNIT_EXPECT_EQ(test, t->segs[2].len, 1U);
	/* ring now empty */
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 0);
	KUNIT_EXPECT_FALSE(test, t->vq.broken);
}

static void vq_empty(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	KUNIT_EXPECT_EQ(test, hvt_pop(t), 0);
	KUNIT_EXPECT_FALSE(test, hv_vq_has_avail(&t->vq));
}

static void vq_avail_jump_num_ok(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);
	int i;

	for (i = 0; i < 4; i++) {
		hvt_desc(t->m, HVT_DESC, i, HVT_BUF, 8, 0, 0);
		hvt_avail(t->m, 4, i, i);
	}
	/* avail->idx == last_avail + num exactly: four chains */
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 0);
}

static void vq_avail_jump_num_plus_one(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 8, 0, 0);
	hvt_set_avail_idx(t->m, 5);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_avail_jump_backwards(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);

	/* 0xffff is "65535 ahead", far more than num */
	hvt_set_avail_idx(t->m, 0xffff);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_avail_wraps_u16(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);

	/* the free-running index wraps at 65536: legal */
	t->vq.last_avail_idx = 0xffff;
	t->vq.avail_idx = 0xffff;
	hvt_desc(t->m, HVT_DESC, 2, HVT_BUF, 8, 0, 0);
	hvt_avail(t->m, 4, 0xffff, 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(((struct hv_vring_avail *)
			hvt_ptr(t->m, HVT_AVAIL))->idx), 0);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->c.head, 2);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 0);
}

static void vq_head_out_of_range(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_avail(t->m, 8, 0, 8);	/* head == num */
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_head_last_ok(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 7, HVT_BUF, 8, 0, 0);
	hvt_avail(t->m, 8, 0, 7);	/* head == num - 1 */
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
}

static void vq_next_out_of_range(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 8, F_NEXT, 8);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_loop_of_two(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 8, F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_BUF, 8, F_NEXT, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -ELOOP);
}

static void vq_self_loop(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 4, HVT_BUF, 8, F_NEXT, 4);
	hvt_avail(t->m, 8, 0, 4);
	hvt_expect_broken(test, t, -ELOOP);
}

static void vq_chain_of_queue_size(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);
	int i;

	/* 8 descriptors chained in a queue of 8: the longest legal chain */
	for (i = 0; i < 8; i++)
		hvt_desc(t->m, HVT_DESC, i, HVT_BUF + i * 16, 16,
			 i < 7 ? F_NEXT : 0, i + 1);
	hvt_avail(t->m, 8, 0, 0);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->c.nout, 8);
	KUNIT_EXPECT_EQ(test, t->c.out_len, 128U);
}

static void vq_chain_of_queue_size_plus_one(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);
	int i;

	/* 9 descriptors: the 9th must revisit one, i.e. a loop */
	for (i = 0; i < 8; i++)
		hvt_desc(t->m, HVT_DESC, i, HVT_BUF, 16, F_NEXT, (i + 1) % 8);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -ELOOP);
}

static void vq_indirect_ok(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_INDIRECT, 0, HVT_BUF, 16, F_NEXT, 2);
	hvt_desc(t->m, HVT_INDIRECT, 2, HVT_BUF + 0x200, 4096, F_NEXT, 1);
	hvt_desc(t->m, HVT_INDIRECT, 1, HVT_BUF + 0x1200, 1,
		 F_WRITE, 0);
	hvt_desc(t->m, HVT_DESC, 6, HVT_INDIRECT, 3 * 16, F_IND, 0);
	hvt_avail(t->m, 8, 0, 6);
	KUNIT_ASSERT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->c.head, 6);
	KUNIT_EXPECT_EQ(test, t->c.nout, 2);
	KUNIT_EXPECT_EQ(test, t->c.nin, 1);
	KUNIT_EXPECT_EQ(test, t->c.out_len, 16U + 4096U);
	KUNIT_EXPECT_PTR_EQ(test, t->segs[2].addr,
			    hvt_ptr(t->m, HVT_BUF + 0x1200));
}

static void vq_indirect_table_15_bytes(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 15, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_indirect_table_24_bytes(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 24, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_indirect_table_empty(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 0, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_indirect_table_too_big(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	/* num + 1 entries: over the chain limit (queue size) */
	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 9 * 16, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_indirect_table_unaligned(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT + 4, 16, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_indirect_table_outside(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	/* table's last entry one byte past the end of RAM */
	hvt_desc(t->m, HVT_DESC, 0, HVT_RAM + HVT_RAM_SIZE - 16 - 8, 32,
		 F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EFAULT);
}

static void vq_indirect_nested(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_INDIRECT, 0, HVT_INDIRECT + 0x100, 16, F_IND, 0);
	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 16, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_indirect_with_next(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_INDIRECT, 0, HVT_BUF, 16, 0, 0);
	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 16, F_IND | F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_indirect_loop(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_INDIRECT, 0, HVT_BUF, 16, F_NEXT, 1);
	hvt_desc(t->m, HVT_INDIRECT, 1, HVT_BUF, 16, F_NEXT, 0);
	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 32, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -ELOOP);
}

static void vq_indirect_next_out_of_table(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	/* next == 2 is inside the queue but outside the 2-entry table */
	hvt_desc(t->m, HVT_INDIRECT, 0, HVT_BUF, 16, F_NEXT, 2);
	hvt_desc(t->m, HVT_DESC, 0, HVT_INDIRECT, 32, F_IND, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_direct_then_indirect_over_budget(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);
	int i;

	/* 2 direct + a 4-entry table = 6 data descriptors > 4 */
	for (i = 0; i < 4; i++)
		hvt_desc(t->m, HVT_INDIRECT, i, HVT_BUF, 16, i < 3 ? F_NEXT : 0,
			 i + 1);
	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_BUF, 16, F_NEXT, 2);
	hvt_desc(t->m, HVT_DESC, 2, HVT_INDIRECT, 64, F_IND, 0);
	hvt_avail(t->m, 4, 0, 0);
	hvt_expect_broken(test, t, -ELOOP);
}

static void vq_write_before_read(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, F_NEXT | F_WRITE, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_buffer_outside_memory(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, 0x1000, 16, 0, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EFAULT);
}

static void vq_buffer_region_edge(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);
	u64 end = HVT_RAM + HVT_RAM_SIZE;

	/* last byte inside: OK */
	hvt_desc(t->m, HVT_DESC, 0, end - 16, 16, 0, 0);
	hvt_avail(t->m, 8, 0, 0);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	/* one byte past: broken */
	hvt_desc(t->m, HVT_DESC, 1, end - 16, 17, 0, 0);
	hvt_avail(t->m, 8, 1, 1);
	hvt_expect_broken(test, t, -EFAULT);
}

static void vq_buffer_addr_len_wraps(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	/* addr + len wraps u64 back into the RAM region */
	hvt_desc(t->m, HVT_DESC, 0, 0xffffffffffffff00ULL, 0x40000200, 0, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EFAULT);
}

static void vq_total_len_overflow(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	/* each buffer is valid (huge region), their sum is not a u32 */
	hvt_desc(t->m, HVT_DESC, 0, HVT_HUGE, 0xffffffff, F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_HUGE, 1, 0, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -EINVAL);
}

static void vq_total_len_max_ok(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 0, HVT_HUGE, 0xfffffffe, F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_HUGE, 1, F_NEXT, 2);
	/* the writable total is counted separately */
	hvt_desc(t->m, HVT_DESC, 2, HVT_HUGE, 0xffffffff, F_WRITE, 0);
	hvt_avail(t->m, 8, 0, 0);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->c.out_len, 0xffffffffU);
	KUNIT_EXPECT_EQ(test, t->c.in_len, 0xffffffffU);
}

static void vq_zero_length_desc(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	/* a zero-length buffer, even at a bogus address, carries nothing */
	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, 0xdead0000, 0, F_NEXT, 2);
	hvt_desc(t->m, HVT_DESC, 2, HVT_BUF, 1, F_WRITE, 0);
	hvt_avail(t->m, 8, 0, 0);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->c.nout, 1);
	KUNIT_EXPECT_EQ(test, t->c.nin, 1);
}

static void vq_too_many_segments(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	t->c.max_segs = 2;
	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_BUF, 16, F_NEXT, 2);
	hvt_desc(t->m, HVT_DESC, 2, HVT_BUF, 1, F_WRITE, 0);
	hvt_avail(t->m, 8, 0, 0);
	hvt_expect_broken(test, t, -E2BIG);
}

static void vq_double_fetch(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	/*
	 * The chain is parsed from one copy of each descriptor: the result
	 * only depends on what was there at pop time.
	 */
	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 8, 0, 0);
	KUNIT_ASSERT_EQ(test, hvt_pop(t), 1);
	hvt_desc(t->m, HVT_DESC, 0, 0, 0xffffffff, F_NEXT, 7);
	KUNIT_EXPECT_EQ(test, t->segs[0].len, 16U);
	KUNIT_EXPECT_PTR_EQ(test, t->segs[0].addr, hvt_ptr(t->m, HVT_BUF));
}

static void vq_unpop(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);

	hvt_desc(t->m, HVT_DESC, 2, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 8, 0, 2);
	KUNIT_ASSERT_EQ(test, hvt_pop(t), 1);
	hv_vq_unpop(&t->vq);
	KUNIT_ASSERT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, t->c.head, 2);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 0);
}

static void vq_used_ring(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);
	struct hv_vring_used *u = hvt_ptr(t->m, HVT_USED);
	int i;

	for (i = 0; i < 5; i++)
		hv_vq_add_used(&t->vq, i, 100 + i);
	/* nothing visible before publishing */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->idx), 0);
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->idx), 5);
	/* the fifth element wrapped to slot 0 */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[0].id), 4U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[0].len), 104U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[3].id), 3U);
}

static void vq_no_interrupt_flag(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);
	struct hv_vring_avail *a = hvt_ptr(t->m, HVT_AVAIL);

	hv_vq_add_used(&t->vq, 0, 1);
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_TRUE(test, hv_vq_need_notify(&t->vq));
	a->flags = cpu_to_le16(VRING_AVAIL_F_NO_INTERRUPT);
	KUNIT_EXPECT_FALSE(test, hv_vq_need_notify(&t->vq));
}

static void vq_event_idx_notify(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, true);
	struct hv_vring_avail *a = hvt_ptr(t->m, HVT_AVAIL);
	__le16 *used_event = &a->ring[4];

	/* first notification always goes out */
	hv_vq_add_used(&t->vq, 0, 1);
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_TRUE(test, hv_vq_need_notify(&t->vq));
	/* guest wants an interrupt once entry 3 is used (idx passes 3) */
	*used_event = cpu_to_le16(3);
	hv_vq_add_used(&t->vq, 1, 1);		/* idx 1 -> 2 */
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_FALSE(test, hv_vq_need_notify(&t->vq));
	hv_vq_add_used(&t->vq, 2, 1);		/* idx 2 -> 3 */
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_FALSE(test, hv_vq_need_notify(&t->vq));
	hv_vq_add_used(&t->vq, 3, 1);		/* idx 3 -> 4: crosses 3 */
	hv_vq_add_used(&t->vq, 0, 1);		/* idx 4 -> 5 */
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_TRUE(test, hv_vq_need_notify(&t->vq));
	/* nothing new used: no interrupt */
	KUNIT_EXPECT_FALSE(test, hv_vq_need_notify(&t->vq));
	/* NO_INTERRUPT is ignored with EVENT_IDX */
	a->flags = cpu_to_le16(VRING_AVAIL_F_NO_INTERRUPT);
	*used_event = cpu_to_le16(5);
	hv_vq_add_used(&t->vq, 1, 1);
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_TRUE(test, hv_vq_need_notify(&t->vq));
}

static void vq_notify_suppression(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);
	struct hv_vring_used *u = hvt_ptr(t->m, HVT_USED);

	hv_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->flags), VRING_USED_F_NO_NOTIFY);
	KUNIT_EXPECT_FALSE(test, hv_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->flags), 0);
	/* buffers added while notifications were off are reported */
	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 4, 0, 0);
	KUNIT_EXPECT_TRUE(test, hv_vq_enable_notify(&t->vq));
}

static void vq_event_idx_avail_event(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, true);
	struct hv_vring_used *u = hvt_ptr(t->m, HVT_USED);
	__le16 *avail_event = (__le16 *)&u->ring[4];

	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 4, 0, 0);
	hvt_avail(t->m, 4, 1, 0);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
	hv_vq_disable_notify(&t->vq);	/* no-op with EVENT_IDX */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->flags), 0);
	KUNIT_EXPECT_FALSE(test, hv_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, le16_to_cpu(*avail_event), 2);
}

/*
 * A polling worker suppresses kicks, EVENT_IDX included (a fresh
 * avail_event would not), until hv_vq_enable_notify().
 */
static void vq_suppress_notify(struct kunit *test)
{
	bool ev;

	for (ev = false; ; ev = true) {
		struct hvt_vq *t = hvt_vq_new(test, 4, ev);
		u16 i;

		hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, 0, 0);
		for (i = 0; i < 3; i++) {
			hvt_avail(t->m, 4, i, 0);
			KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
		}
		KUNIT_EXPECT_FALSE(test, hv_vq_enable_notify(&t->vq));
		KUNIT_EXPECT_TRUE(test, hvt_driver_kicks(t->m, &t->vq, 3, 4));
		hv_vq_suppress_notify(&t->vq);
		KUNIT_EXPECT_FALSE(test, hvt_driver_kicks(t->m, &t->vq, 3, 4));
		KUNIT_EXPECT_FALSE(test, hvt_driver_kicks(t->m, &t->vq, 3, 7));
		/* seen by polling, not by a kick */
		hvt_avail(t->m, 4, 3, 0);
		KUNIT_EXPECT_TRUE(test, hv_vq_has_avail(&t->vq));
		KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);
		/* kicks back on: the next buffer kicks */
		KUNIT_EXPECT_FALSE(test, hv_vq_enable_notify(&t->vq));
		KUNIT_EXPECT_TRUE(test, hvt_driver_kicks(t->m, &t->vq, 4, 5));
		if (ev)
			break;
	}
}

/* A dying device completes what is posted, unread, length 0, kicks on. */
static void vq_complete_posted(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, true);
	struct hv_vring_used *u = hvt_ptr(t->m, HVT_USED);
	__le16 *avail_event = (__le16 *)&u->ring[4];
	u8 *buf = hvt_ptr(t->m, HVT_BUF);

	memset(buf, 0xa5, 64);
	hvt_desc(t->m, HVT_DESC, 1, HVT_BUF, 16, F_NEXT, 2);
	hvt_desc(t->m, HVT_DESC, 2, HVT_BUF + 16, 48, F_WRITE, 0);
	hvt_desc(t->m, HVT_DESC, 3, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 4, 0, 1);
	hvt_avail(t->m, 4, 1, 3);
	KUNIT_EXPECT_EQ(test, hv_vq_complete_posted(&t->vq, &t->c, 4), 2U);
	/* added, not published */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->idx), 0);
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->idx), 2);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[0].id), 1U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[0].len), 0U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[1].id), 3U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[1].len), 0U);
	/* the writable buffer was not written */
	KUNIT_EXPECT_EQ(test, buf[16], 0xa5);
	/* the driver is asked to kick for the next one */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(*avail_event), 2);
	KUNIT_EXPECT_EQ(test, hv_vq_complete_posted(&t->vq, &t->c, 4), 0U);
	KUNIT_EXPECT_FALSE(test, t->vq.broken);
}

/* At most @max per call: the rest stays posted for the next call. */
static void vq_complete_posted_max(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);
	struct hv_vring_used *u = hvt_ptr(t->m, HVT_USED);
	int i;

	for (i = 0; i < 3; i++) {
		hvt_desc(t->m, HVT_DESC, i, HVT_BUF, 16, 0, 0);
		hvt_avail(t->m, 4, i, i);
	}
	KUNIT_EXPECT_EQ(test, hv_vq_complete_posted(&t->vq, &t->c, 2), 2U);
	KUNIT_EXPECT_EQ(test, hv_vq_complete_posted(&t->vq, &t->c, 2), 1U);
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->idx), 3);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[2].id), 2U);
	/* kicks are enabled again */
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->flags), 0);
}

/* A broken chain stops the walk and breaks the queue; the others count. */
static void vq_complete_posted_broken(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 4, false);
	struct hv_vring_used *u = hvt_ptr(t->m, HVT_USED);

	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, 0, 0);
	hvt_avail(t->m, 4, 0, 0);
	hvt_avail(t->m, 4, 1, 4);	/* head == num */
	hvt_avail(t->m, 4, 2, 0);
	KUNIT_EXPECT_EQ(test, hv_vq_complete_posted(&t->vq, &t->c, 4), 1U);
	KUNIT_EXPECT_TRUE(test, t->vq.broken);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&t->vq));
	hv_vq_publish_used(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(u->idx), 1);
}

static void vq_setup_rejects(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);
	struct hv_vq vq;
	u64 end = HVT_RAM + HVT_RAM_SIZE;

	/* queue size */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 0, 256, HVT_DESC,
					  HVT_AVAIL, HVT_USED, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 3, 256, HVT_DESC,
					  HVT_AVAIL, HVT_USED, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 96, 256, HVT_DESC,
					  HVT_AVAIL, HVT_USED, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 512, 256, HVT_DESC,
					  HVT_AVAIL, HVT_USED, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 65536, 65536, HVT_DESC,
					  HVT_AVAIL, HVT_USED, false), -EINVAL);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&vq));
	/* alignment */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC + 8,
					  HVT_AVAIL, HVT_USED, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL + 1, HVT_USED, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, HVT_USED + 2, false), -EINVAL);
	/* outside guest memory */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, 0x1000,
					  HVT_AVAIL, HVT_USED, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  0x1000, HVT_USED, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, 0x1000, false), -EFAULT);
	/* desc table's last byte one past the end of RAM */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, end - 112,
					  HVT_AVAIL, HVT_USED, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, end - 128,
					  HVT_AVAIL, HVT_USED, false), 0);
	KUNIT_EXPECT_TRUE(test, hv_vq_ready(&vq));
	/* avail ring fits (4 + 2*8 = 20 bytes) but not its used_event */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  end - 20, HVT_USED, false), 0);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  end - 20, HVT_USED, true), -EFAULT);
	/* used ring fits (4 + 8*8 = 68 bytes) but not its avail_event */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, end - 68, false), 0);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, end - 68, true), -EFAULT);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&vq));
	/* a ring just below another region */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_HUGE - 64,
					  HVT_AVAIL, HVT_USED, false), -EFAULT);
}

/* QueueReady's rule: the three areas may touch but never overlap. */
static void vq_setup_rejects_overlap(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);
	size_t as = hv_vq_avail_size(8, false), us = hv_vq_used_size(8, false);
	struct hv_vq vq;

	/* CVE-2019-3900 class: used 2 bytes after avail (used->flags = idx) */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL + 2, HVT_AVAIL + 4, false),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, vq.why, "avail and used areas overlap");
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&vq));
	/* used ring inside the descriptor table, and the other way round */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, HVT_DESC + 64, false),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, vq.why, "descriptor and used areas overlap");
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_USED,
					  HVT_AVAIL, HVT_USED - 16, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_DESC + 126, HVT_USED, false),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, vq.why, "descriptor and avail areas overlap");
	/* all three at one address */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_DESC, HVT_DESC, false), -EINVAL);
	/* touching is fine: used right after avail */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, ALIGN(HVT_AVAIL + as, 4),
					  false), 0);
	KUNIT_EXPECT_TRUE(test, hv_vq_ready(&vq));
	/* ... but not once EVENT_IDX adds used_event to avail */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, HVT_AVAIL + as, true),
			-EINVAL);
	/* avail right after used, with and without avail_event */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_USED + us, HVT_USED, false), 0);
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_USED + us, HVT_USED, true),
			-EINVAL);
	/* an area that wraps the address space */
	KUNIT_EXPECT_EQ(test, hv_vq_setup(&vq, &m->gm, 8, 256, HVT_DESC,
					  HVT_AVAIL, U64_MAX - 3, false),
			-EINVAL);
}

static void vq_run_budget(struct kunit *test)
{
	struct hv_vq_run run;
	int i;

	hv_vq_run_init(&run, 4, 1000);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_FALSE(test, hv_vq_run_charge(&run, 0));
	KUNIT_EXPECT_FALSE(test, run.cut);
	KUNIT_EXPECT_TRUE(test, hv_vq_run_charge(&run, 0));
	KUNIT_EXPECT_TRUE(test, run.cut);
	KUNIT_EXPECT_TRUE(test, hv_vq_run_charge(&run, 0));	/* stays cut */

	/* bytes: a charge that spends them ends the run at once */
	hv_vq_run_init(&run, 100, 1000);
	KUNIT_EXPECT_FALSE(test, hv_vq_run_charge(&run, 999));
	KUNIT_EXPECT_TRUE(test, hv_vq_run_charge(&run, 1));
	hv_vq_run_init(&run, 100, 1000);
	KUNIT_EXPECT_TRUE(test, hv_vq_run_charge(&run, SIZE_MAX));
	/* bytes added mid-iteration are seen at the next charge */
	hv_vq_run_init(&run, 100, 1000);
	hv_vq_run_add_bytes(&run, 600);
	hv_vq_run_add_bytes(&run, 600);
	KUNIT_EXPECT_FALSE(test, run.cut);
	KUNIT_EXPECT_TRUE(test, hv_vq_run_charge(&run, 0));
}

/*
 * The spin itself: rings laid out as a guest would have before QueueReady
 * refused it (used 2 bytes after avail, no EVENT_IDX).  Each
 * hv_vq_disable_notify() sets bit 0 of used->flags, which is avail->idx,
 * and hv_vq_enable_notify() clears it: pop finds the ring empty and the
 * re-check always says "more".  The walk must still end within its
 * budget, every empty pop and re-check charged.
 */
static void vq_overlap_spin_bounded(struct kunit *test)
{
	struct hvt_vq *t = hvt_vq_new(test, 8, false);
	u8 *avail = (u8 *)t->vq.avail;
	unsigned int n;

	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, 0, 0);
	t->vq.used = (struct hv_vring_used *)(avail + 2);

	/* the flip is real: the re-check keeps reporting buffers */
	hv_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(t->vq.avail->idx), 1);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 1);	/* head 0 */
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 0);	/* empty */
	KUNIT_EXPECT_TRUE(test, hv_vq_enable_notify(&t->vq));	/* "more" */
	hv_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, hvt_pop(t), 0);	/* and yet empty */
	KUNIT_EXPECT_TRUE(test, hv_vq_enable_notify(&t->vq));	/* "more" */

	/* without the charge per re-check this never returns */
	n = hv_vq_complete_posted(&t->vq, &t->c, 64);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_FALSE(test, t->vq.broken);
}

static void vq_not_set_up(struct kunit *test)
{
	struct hv_vq vq;
	struct hv_vq_chain c = {};

	hv_vq_reset(&vq);
	KUNIT_EXPECT_EQ(test, hv_vq_pop(&vq, &c), -ENODEV);
	KUNIT_EXPECT_FALSE(test, hv_vq_has_avail(&vq));
}

static struct kunit_case hv_vq_cases[] = {
	KUNIT_CASE(vq_simple_chain),
	KUNIT_CASE(vq_empty),
	KUNIT_CASE(vq_avail_jump_num_ok),
	KUNIT_CASE(vq_avail_jump_num_plus_one),
	KUNIT_CASE(vq_avail_jump_backwards),
	KUNIT_CASE(vq_avail_wraps_u16),
	KUNIT_CASE(vq_head_out_of_range),
	KUNIT_CASE(vq_head_last_ok),
	KUNIT_CASE(vq_next_out_of_range),
	KUNIT_CASE(vq_loop_of_two),
	KUNIT_CASE(vq_self_loop),
	KUNIT_CASE(vq_chain_of_queue_size),
	KUNIT_CASE(vq_chain_of_queue_size_plus_one),
	KUNIT_CASE(vq_indirect_ok),
	KUNIT_CASE(vq_indirect_table_15_bytes),
	KUNIT_CASE(vq_indirect_table_24_bytes),
	KUNIT_CASE(vq_indirect_table_empty),
	KUNIT_CASE(vq_indirect_table_too_big),
	KUNIT_CASE(vq_indirect_table_unaligned),
	KUNIT_CASE(vq_indirect_table_outside),
	KUNIT_CASE(vq_indirect_nested),
	KUNIT_CASE(vq_indirect_with_next),
	KUNIT_CASE(vq_indirect_loop),
	KUNIT_CASE(vq_indirect_next_out_of_table),
	KUNIT_CASE(vq_direct_then_indirect_over_budget),
	KUNIT_CASE(vq_write_before_read),
	KUNIT_CASE(vq_buffer_outside_memory),
	KUNIT_CASE(vq_buffer_region_edge),
	KUNIT_CASE(vq_buffer_addr_len_wraps),
	KUNIT_CASE(vq_total_len_overflow),
	KUNIT_CASE(vq_total_len_max_ok),
	KUNIT_CASE(vq_zero_length_desc),
	KUNIT_CASE(vq_too_many_segments),
	KUNIT_CASE(vq_double_fetch),
	KUNIT_CASE(vq_unpop),
	KUNIT_CASE(vq_used_ring),
	KUNIT_CASE(vq_no_interrupt_flag),
	KUNIT_CASE(vq_event_idx_notify),
	KUNIT_CASE(vq_notify_suppression),
	KUNIT_CASE(vq_suppress_notify),
	KUNIT_CASE(vq_event_idx_avail_event),
	KUNIT_CASE(vq_complete_posted),
	KUNIT_CASE(vq_complete_posted_max),
	KUNIT_CASE(vq_complete_posted_broken),
	KUNIT_CASE(vq_setup_rejects),
	KUNIT_CASE(vq_not_set_up),
	KUNIT_CASE(vq_setup_rejects_overlap),
	KUNIT_CASE(vq_run_budget),
	KUNIT_CASE(vq_overlap_spin_bounded),
	{}
};

static struct kunit_suite hv_vq_suite = {
	.name = "hvisor_virtqueue",
	.test_cases = hv_vq_cases,
};

kunit_test_suite(hv_vq_suite);

MODULE_LICENSE("GPL");
