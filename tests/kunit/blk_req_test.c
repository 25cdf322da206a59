// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: virtio-blk request parsing (header, sector range, framing).
 */
#include "../../kernel/virtio/blk_req.h"

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/virtio_blk.h>

#include "virtio_test_util.h"

struct hvt_blk {
	struct hv_vq_chain c;
	struct hv_vq_seg segs[8];
	u8 hdr[16];
	u8 dwz[16];
	u8 data[2048];
	u8 status;
	struct hv_blk_limits lim;
	struct hv_blk_parsed p;
};

static struct hvt_blk *hvt_blk_new(struct kunit *test)
{
	struct hvt_blk *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->c.segs = t->segs;
	t->c.max_segs = ARRAY_SIZE(t->segs);
	t->lim.capacity = 1000;
	t->lim.discard = true;
	t->lim.write_zeroes = true;
	t->lim.max_discard_sectors = 100;
	t->lim.max_write_zeroes_sectors = 100;
	t->lim.seg_max = 4;
	t->lim.size_max = 1024;
	t->status = 0xee;
	return t;
}

static void hvt_seg(struct hvt_blk *t, void *addr, u32 len, bool in)
{
	hvt_chain_add(&t->c, addr, len, in);
}

static void hvt_hdr(struct hvt_blk *t, u32 type, u64 sector)
{
	__le32 ty = cpu_to_le32(type);
	__le64 se = cpu_to_le64(sector);

	memcpy(t->hdr, &ty, 4);
	memset(t->hdr + 4, 0, 4);
	memcpy(t->hdr + 8, &se, 8);
}

/* header | data (in or out) | status */
static int hvt_rw(struct hvt_blk *t, u32 type, u64 sector, u32 len)
{
	hvt_hdr(t, type, sector);
	hvt_seg(t, t->hdr, 16, false);
	if (len)
		hvt_seg(t, t->data, len, type == VIRTIO_BLK_T_IN);
	hvt_seg(t, &t->status, 1, true);
	return hv_blk_parse(&t->c, &t->lim, &t->p);
}

static void blk_read_ok(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_IN, 10, 1024), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, t->p.type, (u32)VIRTIO_BLK_T_IN);
	KUNIT_EXPECT_EQ(test, t->p.sector, 10ULL);
	KUNIT_EXPECT_EQ(test, t->p.nr_sectors, 2U);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 1024U);
	KUNIT_EXPECT_PTR_EQ(test, t->p.status, &t->status);
}

static void blk_write_ok(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_OUT, 998, 1024), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 1024U);
}

static void blk_last_sector(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* sector capacity - 1, one sector: OK */
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_IN, 999, 512), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
}

static void blk_past_end(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* one sector past the end */
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_IN, 999, 1024), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 0U);
}

static void blk_sector_at_capacity(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_OUT, 1000, 512), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

static void blk_sector_wraps(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* sector + nr wraps u64 to a small value */
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_IN, U64_MAX, 1024), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

static void blk_partial_sector(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_OUT, 0, 513), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

static void blk_write_read_only(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	t->lim.ro = true;
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_OUT, 0, 512), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

static void blk_no_status_byte(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	hvt_hdr(t, VIRTIO_BLK_T_OUT, 0);
	hvt_seg(t, t->hdr, 16, false);
	hvt_seg(t, t->data, 512, false);
	KUNIT_EXPECT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), -EINVAL);
}

static void blk_short_header(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	hvt_seg(t, t->hdr, 15, false);
	hvt_seg(t, &t->status, 1, true);
	KUNIT_ASSERT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

static void blk_header_split(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* the spec does not fix the framing: a header in two pieces */
	hvt_hdr(t, VIRTIO_BLK_T_IN, 7);
	hvt_seg(t, t->hdr, 5, false);
	hvt_seg(t, t->hdr + 5, 11, false);
	hvt_seg(t, t->data, 512, true);
	hvt_seg(t, &t->status, 1, true);
	KUNIT_ASSERT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, t->p.sector, 7ULL);
}

static void blk_status_in_data_segment(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* data and status in one writable buffer: status is its last byte */
	hvt_hdr(t, VIRTIO_BLK_T_IN, 0);
	hvt_seg(t, t->hdr, 16, false);
	hvt_seg(t, t->data, 513, true);
	KUNIT_ASSERT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 512U);
	KUNIT_EXPECT_PTR_EQ(test, t->p.status, &t->data[512]);
}

static void blk_read_with_extra_out(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	hvt_hdr(t, VIRTIO_BLK_T_IN, 0);
	hvt_seg(t, t->hdr, 16, false);
	hvt_seg(t, t->dwz, 16, false);
	hvt_seg(t, t->data, 512, true);
	hvt_seg(t, &t->status, 1, true);
	KUNIT_ASSERT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

static void blk_unsupported_types(struct kunit *test)
{
	static const u32 types[] = { VIRTIO_BLK_T_SCSI_CMD,
		VIRTIO_BLK_T_SECURE_ERASE, VIRTIO_BLK_T_BARRIER, 3, 0xffffffff };
	struct hvt_blk *t;
	int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		t = hvt_blk_new(test);
		KUNIT_ASSERT_EQ(test, hvt_rw(t, types[i], 0, 0), 0);
		KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_UNSUPP);
	}
}

static void blk_flush_and_get_id(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_FLUSH, 12345, 0), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	t = hvt_blk_new(test);
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_GET_ID, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 0U);
	t = hvt_blk_new(test);
	hvt_hdr(t, VIRTIO_BLK_T_GET_ID, 0);
	hvt_seg(t, t->hdr, 16, false);
	hvt_seg(t, t->data, 64, true);
	hvt_seg(t, &t->status, 1, true);
	KUNIT_ASSERT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 20U);
}

static int hvt_dwz(struct hvt_blk *t, u32 type, u64 sector, u32 nr,
		   u32 flags)
{
	__le64 se = cpu_to_le64(sector);
	__le32 n = cpu_to_le32(nr), f = cpu_to_le32(flags);

	memcpy(t->dwz, &se, 8);
	memcpy(t->dwz + 8, &n, 4);
	memcpy(t->dwz + 12, &f, 4);
	hvt_hdr(t, type, 0);
	hvt_seg(t, t->hdr, 16, false);
	hvt_seg(t, t->dwz, 16, false);
	hvt_seg(t, &t->status, 1, true);
	return hv_blk_parse(&t->c, &t->lim, &t->p);
}

static void blk_discard(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	KUNIT_ASSERT_EQ(test, hvt_dwz(t, VIRTIO_BLK_T_DISCARD, 900, 100, 0), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, t->p.sector, 900ULL);
	KUNIT_EXPECT_EQ(test, t->p.nr_sectors, 100U);
	/* past the end, over the max, zero, flags, not offered, read-only */
	t = hvt_blk_new(test);
	hvt_dwz(t, VIRTIO_BLK_T_DISCARD, 901, 100, 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	t = hvt_blk_new(test);
	hvt_dwz(t, VIRTIO_BLK_T_DISCARD, 0, 101, 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	t = hvt_blk_new(test);
	hvt_dwz(t, VIRTIO_BLK_T_DISCARD, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	t = hvt_blk_new(test);
	hvt_dwz(t, VIRTIO_BLK_T_DISCARD, 0, 1, 1);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_UNSUPP);
	t = hvt_blk_new(test);
	t->lim.discard = false;
	hvt_dwz(t, VIRTIO_BLK_T_DISCARD, 0, 1, 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_UNSUPP);
	t = hvt_blk_new(test);
	t->lim.ro = true;
	hvt_dwz(t, VIRTIO_BLK_T_DISCARD, 0, 1, 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	t = hvt_blk_new(test);
	hvt_dwz(t, VIRTIO_BLK_T_DISCARD, U64_MAX - 10, 20, 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

static void blk_write_zeroes(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	KUNIT_ASSERT_EQ(test, hvt_dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 5, 10,
				      VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_TRUE(test, t->p.unmap);
	t = hvt_blk_new(test);
	hvt_dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 5, 10, 2);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_UNSUPP);
	/* two segments (we advertise one) */
	t = hvt_blk_new(test);
	hvt_seg(t, t->data, 16, false);
	hvt_dwz(t, VIRTIO_BLK_T_WRITE_ZEROES, 5, 10, 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
}

/* header | @nr data segments of @len bytes | status */
static int hvt_rw_segs(struct hvt_blk *t, u32 type, unsigned int nr, u32 len)
{
	unsigned int i;

	hvt_hdr(t, type, 0);
	hvt_seg(t, t->hdr, 16, false);
	for (i = 0; i < nr; i++)
		hvt_seg(t, t->data + i * 256, len, type == VIRTIO_BLK_T_IN);
	hvt_seg(t, &t->status, 1, true);
	return hv_blk_parse(&t->c, &t->lim, &t->p);
}

static void blk_seg_max(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* seg_max (4) data segments: OK; one more: refused, both ways */
	KUNIT_ASSERT_EQ(test, hvt_rw_segs(t, VIRTIO_BLK_T_IN, 4, 512), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_FALSE(test, t->p.over_limits);

	t = hvt_blk_new(test);
	KUNIT_ASSERT_EQ(test, hvt_rw_segs(t, VIRTIO_BLK_T_IN, 5, 512), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_TRUE(test, t->p.over_limits);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 0U);

	t = hvt_blk_new(test);
	KUNIT_ASSERT_EQ(test, hvt_rw_segs(t, VIRTIO_BLK_T_OUT, 5, 512), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_TRUE(test, t->p.over_limits);
}

static void blk_size_max(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* one segment of size_max (1024): OK; 1536: refused */
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_OUT, 0, 1024), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);

	t = hvt_blk_new(test);
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_OUT, 0, 1536), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_TRUE(test, t->p.over_limits);

	t = hvt_blk_new(test);
	KUNIT_ASSERT_EQ(test, hvt_rw(t, VIRTIO_BLK_T_IN, 0, 1536), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_TRUE(test, t->p.over_limits);
}

/* Header and status sharing a segment with data do not count as data. */
static void blk_limits_shared_segments(struct kunit *test)
{
	struct hvt_blk *t = hvt_blk_new(test);

	/* write: header + 1024 data bytes in one readable segment */
	hvt_hdr(t, VIRTIO_BLK_T_OUT, 0);
	memcpy(t->data, t->hdr, 16);
	hvt_seg(t, t->data, 16 + 1024, false);
	hvt_seg(t, &t->status, 1, true);
	KUNIT_ASSERT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);

	/* read: 1024 data bytes + status in one writable segment */
	t = hvt_blk_new(test);
	hvt_hdr(t, VIRTIO_BLK_T_IN, 0);
	hvt_seg(t, t->hdr, 16, false);
	hvt_seg(t, t->data, 1024 + 1, true);
	KUNIT_ASSERT_EQ(test, hv_blk_parse(&t->c, &t->lim, &t->p), 0);
	KUNIT_EXPECT_EQ(test, t->p.status_code, VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, t->p.data_len, 1024U);
}

static void blk_segs_helpers(struct kunit *test)
{
	u8 a[4] = { 1, 2, 3, 4 }, b[3] = { 5, 6, 7 }, out[8] = {};
	struct hv_vq_seg segs[2] = { { a, 4 }, { b, 3 } };
	struct kvec kv[2];

	KUNIT_EXPECT_EQ(test, hv_segs_copy_from(segs, 2, 3, out, 3), (size_t)3);
	KUNIT_EXPECT_EQ(test, out[0], 4);
	KUNIT_EXPECT_EQ(test, out[2], 6);
	KUNIT_EXPECT_EQ(test, hv_segs_copy_from(segs, 2, 5, out, 8), (size_t)2);
	KUNIT_EXPECT_EQ(test, hv_segs_to_kvec(segs, 2, 2, 4, kv), 2);
	KUNIT_EXPECT_PTR_EQ(test, kv[0].iov_base, (void *)(a + 2));
	KUNIT_EXPECT_EQ(test, kv[0].iov_len, (size_t)2);
	KUNIT_EXPECT_EQ(test, kv[1].iov_len, (size_t)2);
	KUNIT_EXPECT_EQ(test, hv_segs_to_kvec(segs, 2, 2, 6, kv), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_segs_copy_to(segs, 2, 6, "x", 1), (size_t)1);
	KUNIT_EXPECT_EQ(test, b[2], 'x');
}

static struct kunit_case hv_blk_req_cases[] = {
	KUNIT_CASE(blk_read_ok),
	KUNIT_CASE(blk_write_ok),
	KUNIT_CASE(blk_last_sector),
	KUNIT_CASE(blk_past_end),
	KUNIT_CASE(blk_sector_at_capacity),
	KUNIT_CASE(blk_sector_wraps),
	KUNIT_CASE(blk_partial_sector),
	KUNIT_CASE(blk_write_read_only),
	KUNIT_CASE(blk_no_status_byte),
	KUNIT_CASE(blk_short_header),
	KUNIT_CASE(blk_header_split),
	KUNIT_CASE(blk_status_in_data_segment),
	KUNIT_CASE(blk_read_with_extra_out),
	KUNIT_CASE(blk_unsupported_types),
	KUNIT_CASE(blk_flush_and_get_id),
	KUNIT_CASE(blk_discard),
	KUNIT_CASE(blk_write_zeroes),
	KUNIT_CASE(blk_seg_max),
	KUNIT_CASE(blk_size_max),
	KUNIT_CASE(blk_limits_shared_segments),
	KUNIT_CASE(blk_segs_helpers),
	{}
};

static struct kunit_suite hv_blk_req_suite = {
	.name = "hvisor_blk_req",
	.test_cases = hv_blk_req_cases,
};

kunit_test_suite(hv_blk_req_suite);

MODULE_LICENSE("GPL");
