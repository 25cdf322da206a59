// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: virtio-console buffering.  The rings must never lose or reorder a
 * byte: a full ring refuses bytes and the producer keeps them; a reader
 * that comes late gets everything up to the ring size, and the rest once
 * the held producer resumes.  Window size changes coalesce.
 */
#include "../../kernel/virtio/console_buf.h"

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/string.h>

/* 6.1's KUnit has no KUNIT_EXPECT_MEMEQ. */
#define HVT_EXPECT_MEMEQ(test, a, b, len) \
	KUNIT_EXPECT_EQ(test, memcmp(a, b, len), 0)

/* Byte i of the test streams: a pattern that shows loss and reordering. */
static u8 hvt_byte(u32 i)
{
	return (u8)(i * 7 + (i >> 8) * 13 + 1);
}

static void hvt_fill(u8 *p, u32 start, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = hvt_byte(start + i);
}

static struct hv_con_ring *hvt_ring(struct kunit *test, u32 size)
{
	struct hv_con_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, hv_con_ring_init(r, buf, size), 0);
	return r;
}

static void hv_con_ring_init_test(struct kunit *test)
{
	struct hv_con_ring r;
	u8 buf[16];

	KUNIT_EXPECT_EQ(test, hv_con_ring_init(&r, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_con_ring_init(&r, buf, 12), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_con_ring_init(&r, buf, 16), 0);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(&r), 0U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_space(&r), 16U);
}

static void hv_con_ring_empty_full_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, 16);
	u8 in[20], out[20];
	const u8 *p;

	hvt_fill(in, 0, sizeof(in));
	KUNIT_EXPECT_EQ(test, hv_con_ring_peek(r, &p), 0U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out, sizeof(out)), 0U);

	/* Partial put: only what fits is taken, and said so. */
	KUNIT_EXPECT_EQ(test, hv_con_ring_put(r, in, 20), 16U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_space(r), 0U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_put(r, in + 16, 4), 0U);

	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out, 20), 16U);
	HVT_EXPECT_MEMEQ(test, out, in, 16);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 0U);

	/* The refused bytes go in once there is room, in order. */
	KUNIT_EXPECT_EQ(test, hv_con_ring_put(r, in + 16, 4), 4U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out, 20), 4U);
	HVT_EXPECT_MEMEQ(test, out, in + 16, 4);
}

static void hv_con_ring_wrap_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, 8);
	u8 in[16], out[16];
	const u8 *p;

	hvt_fill(in, 100, sizeof(in));
	KUNIT_EXPECT_EQ(test, hv_con_ring_put(r, in, 6), 6U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out, 4), 4U);
	/* 5 bytes: 2 at the end of the buffer, 3 at its start. */
	KUNIT_EXPECT_EQ(test, hv_con_ring_put(r, in + 6, 5), 5U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 7U);

	/* peek gives the contiguous run up to the end of the buffer. */
	KUNIT_EXPECT_EQ(test, hv_con_ring_peek(r, &p), 4U);
	HVT_EXPECT_MEMEQ(test, p, in + 4, 4);
	hv_con_ring_consume(r, 4);
	KUNIT_EXPECT_EQ(test, hv_con_ring_peek(r, &p), 3U);
	HVT_EXPECT_MEMEQ(test, p, in + 8, 3);

	/* consume never goes past what is there. */
	hv_con_ring_consume(r, 100);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 0U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_space(r), 8U);
}

/* The free-running indexes overflow u32 without harm. */
static void hv_con_ring_index_wrap_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, 8);
	u8 in[8], out[8];

	r->head = 0xfffffffdU;
	r->tail = 0xfffffffdU;
	hvt_fill(in, 7, sizeof(in));
	KUNIT_EXPECT_EQ(test, hv_con_ring_put(r, in, 8), 8U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 8U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_put(r, in, 1), 0U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out, 8), 8U);
	HVT_EXPECT_MEMEQ(test, out, in, 8);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 0U);
}

static void hv_con_ring_clear_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, 8);
	u8 in[8];

	hvt_fill(in, 0, sizeof(in));
	hv_con_ring_put(r, in, 5);
	hv_con_ring_clear(r);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 0U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_space(r), 8U);
}

/* A chain larger than the free space is taken in steps, resumably. */
static void hv_con_ring_put_segs_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, 8);
	u8 a[3], b[5], c[7], out[15], want[15];
	struct hv_vq_seg segs[4] = {
		{ a, sizeof(a) }, { NULL, 0 }, { b, sizeof(b) }, { c, sizeof(c) },
	};
	u32 off = 0, n;

	hvt_fill(want, 0, sizeof(want));
	memcpy(a, want, 3);
	memcpy(b, want + 3, 5);
	memcpy(c, want + 8, 7);

	n = hv_con_ring_put_segs(r, segs, 4, off);
	KUNIT_EXPECT_EQ(test, n, 8U);
	off += n;
	KUNIT_EXPECT_EQ(test, hv_con_ring_put_segs(r, segs, 4, off), 0U);

	/* Reader takes 5: the producer resumes in the middle of c. */
	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out, 5), 5U);
	n = hv_con_ring_put_segs(r, segs, 4, off);
	KUNIT_EXPECT_EQ(test, n, 5U);
	off += n;
	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out + 5, 8), 8U);
	n = hv_con_ring_put_segs(r, segs, 4, off);
	KUNIT_EXPECT_EQ(test, n, 2U);
	off += n;
	KUNIT_EXPECT_EQ(test, off, 15U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get(r, out + 13, 8), 2U);
	HVT_EXPECT_MEMEQ(test, out, want, 15);

	/* Nothing left past the end of the chain. */
	KUNIT_EXPECT_EQ(test, hv_con_ring_put_segs(r, segs, 4, off), 0U);
}

/* Input is spread over the guest's receive buffers, the rest kept. */
static void hv_con_ring_get_segs_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, 16);
	u8 in[10], a[4], b[4], c[8];
	struct hv_vq_seg segs[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct hv_vq_seg more[1] = { { c, sizeof(c) } };

	hvt_fill(in, 3, sizeof(in));
	hv_con_ring_put(r, in, 10);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get_segs(r, segs, 2), 8U);
	HVT_EXPECT_MEMEQ(test, a, in, 4);
	HVT_EXPECT_MEMEQ(test, b, in + 4, 4);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 2U);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get_segs(r, more, 1), 2U);
	HVT_EXPECT_MEMEQ(test, c, in + 8, 2);
	KUNIT_EXPECT_EQ(test, hv_con_ring_get_segs(r, more, 1), 0U);
}

/*
 * The guest writes a long stream in chains of varying size while nobody
 * reads: the ring takes exactly its size, the producer is held.  A late
 * reader then gets the first bytes, and reading in odd chunks while the
 * producer resumes yields the whole stream, in order, without a loss.
 */
#define HVT_STREAM	(3 * 4096 + 123)
#define HVT_LIMIT	4096

static void hv_con_late_reader_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, HVT_LIMIT);
	u8 *src = kunit_kzalloc(test, HVT_STREAM, GFP_KERNEL);
	u8 *dst = kunit_kzalloc(test, HVT_STREAM, GFP_KERNEL);
	u32 chain_start = 0, chain_len = 0, off = 0, got = 0, n;
	static const u32 chain_sizes[] = { 1, 100, 4097, 17, 2048, 3000 };
	static const u32 read_sizes[] = { 1, 13, 700, 4096, 255 };
	unsigned int ci = 0, ri = 0, rounds = 0;
	struct hv_vq_seg seg;

	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	hvt_fill(src, 0, HVT_STREAM);

	/* Producer only: stops at the limit with a chain half taken. */
	for (;;) {
		if (off == chain_len) {
			chain_start += chain_len;
			if (chain_start == HVT_STREAM)
				break;
			chain_len = min_t(u32, chain_sizes[ci++ % 6],
					  HVT_STREAM - chain_start);
			off = 0;
		}
		seg.addr = src + chain_start;
		seg.len = chain_len;
		n = hv_con_ring_put_segs(r, &seg, 1, off);
		if (!n)
			break;	/* held */
		off += n;
	}
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), (u32)HVT_LIMIT);
	KUNIT_EXPECT_LT(test, chain_start + off, (u32)HVT_STREAM);

	/* The late reader: first everything up to the limit. */
	got = hv_con_ring_get(r, dst, HVT_STREAM);
	KUNIT_EXPECT_EQ(test, got, (u32)HVT_LIMIT);
	HVT_EXPECT_MEMEQ(test, dst, src, HVT_LIMIT);

	/* Then producer and reader alternate until the stream is through. */
	while (got < HVT_STREAM && rounds++ < 100000) {
		if (off == chain_len && chain_start + chain_len < HVT_STREAM) {
			chain_start += chain_len;
			chain_len = min_t(u32, chain_sizes[ci++ % 6],
					  HVT_STREAM - chain_start);
			off = 0;
		}
		seg.addr = src + chain_start;
		seg.len = chain_len;
		off += hv_con_ring_put_segs(r, &seg, 1, off);
		got += hv_con_ring_get(r, dst + got,
				       min_t(u32, read_sizes[ri++ % 5],
					     HVT_STREAM - got));
	}
	KUNIT_EXPECT_EQ(test, got, (u32)HVT_STREAM);
	KUNIT_EXPECT_EQ(test, hv_con_ring_len(r), 0U);
	HVT_EXPECT_MEMEQ(test, dst, src, HVT_STREAM);
}

/* Random interleavings of partial puts and gets never lose a byte. */
static void hv_con_ring_random_test(struct kunit *test)
{
	struct hv_con_ring *r = hvt_ring(test, 64);
	u32 sent = 0, recv = 0, n, want, i;
	u8 buf[100];

	for (i = 0; i < 20000; i++) {
		want = get_random_u32() % 100;
		hvt_fill(buf, sent, want);
		n = hv_con_ring_put(r, buf, want);
		KUNIT_ASSERT_LE(test, n, want);
		sent += n;
		KUNIT_ASSERT_LE(test, hv_con_ring_len(r), 64U);

		want = get_random_u32() % 100;
		n = hv_con_ring_get(r, buf, want);
		for (want = 0; want < n; want++)
			KUNIT_ASSERT_EQ(test, buf[want], hvt_byte(recv + want));
		recv += n;
		KUNIT_ASSERT_EQ(test, sent - recv, hv_con_ring_len(r));
	}
}

static void hv_con_winsz_coalesce_test(struct kunit *test)
{
	struct hv_con_winsz w = { };
	u16 cols = 0, rows = 0;

	KUNIT_EXPECT_FALSE(test, hv_con_winsz_take(&w, &cols, &rows));

	/* Three changes before the worker runs: one event, the last size. */
	KUNIT_EXPECT_TRUE(test, hv_con_winsz_set(&w, 80, 25));
	KUNIT_EXPECT_TRUE(test, hv_con_winsz_set(&w, 132, 43));
	KUNIT_EXPECT_TRUE(test, hv_con_winsz_set(&w, 100, 30));
	KUNIT_EXPECT_TRUE(test, hv_con_winsz_take(&w, &cols, &rows));
	KUNIT_EXPECT_EQ(test, cols, 100);
	KUNIT_EXPECT_EQ(test, rows, 30);
	KUNIT_EXPECT_FALSE(test, hv_con_winsz_take(&w, &cols, &rows));

	/* Setting the same size again is no event. */
	KUNIT_EXPECT_FALSE(test, hv_con_winsz_set(&w, 100, 30));
	KUNIT_EXPECT_FALSE(test, hv_con_winsz_take(&w, &cols, &rows));

	/* A driver that (re)starts is told the current size. */
	hv_con_winsz_repeat(&w);
	cols = 0;
	rows = 0;
	KUNIT_EXPECT_TRUE(test, hv_con_winsz_take(&w, &cols, &rows));
	KUNIT_EXPECT_EQ(test, cols, 100);
	KUNIT_EXPECT_EQ(test, rows, 30);
}

static struct kunit_case hv_con_buf_cases[] = {
	KUNIT_CASE(hv_con_ring_init_test),
	KUNIT_CASE(hv_con_ring_empty_full_test),
	KUNIT_CASE(hv_con_ring_wrap_test),
	KUNIT_CASE(hv_con_ring_index_wrap_test),
	KUNIT_CASE(hv_con_ring_clear_test),
	KUNIT_CASE(hv_con_ring_put_segs_test),
	KUNIT_CASE(hv_con_ring_get_segs_test),
	KUNIT_CASE(hv_con_late_reader_test),
	KUNIT_CASE(hv_con_ring_random_test),
	KUNIT_CASE(hv_con_winsz_coalesce_test),
	{}
};

static struct kunit_suite hv_con_buf_suite = {
	.name = "hvisor_console_buf",
	.test_cases = hv_con_buf_cases,
};

kunit_test_suite(hv_con_buf_suite);

MODULE_LICENSE("GPL");
