// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the virtio-blk backend end to end on UML: a shmem file as the
 * disk, fake guest memory, the register file driven like a driver would,
 * and the real worker kthread doing the I/O.
 */
#include "../../kernel/virtio/blk.c"

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/shmem_fs.h>
#include <linux/virtio_ring.h>

#include "virtio_test_util.h"

#define HVT_DISK_SIZE	SZ_1M
#define HVT_QNUM	16
#define HVT_HDR		(HVT_BUF + 0x0000)
#define HVT_STATUS	(HVT_BUF + 0x0100)
#define HVT_DATA	(HVT_BUF + 0x1000)
#define HVT_DATA2	(HVT_BUF + 0x2000)

struct hvt_blkdev {
	struct hvt_mem *m;
	struct hv_virtio_dev *dev;
	atomic_t injects;
	u16 avail_idx;
};

static atomic_t *hvt_injects;

static int hvt_blk_inject(struct hv_virtio_dev *dev)
{
	atomic_inc(hvt_injects);
	return 0;
}

static u32 brd(struct hvt_blkdev *t, u64 off)
{
	return t->dev->vdev.mmio->read(&t->dev->vdev, off, 4);
}

static void bwr(struct hvt_blkdev *t, u64 off, u32 value)
{
	t->dev->vdev.mmio->write(&t->dev->vdev, off, value, 4);
}

/* KUnit resource: destroy the device (worker, file) when the test ends. */
static void hvt_blkdev_free(struct kunit_resource *res)
{
	struct hvt_blkdev *t = res->data;

	hv_blk_destroy(t->dev);
}

static struct hvt_blkdev *hvt_blkdev_new(struct kunit *test, bool ro)
{
	struct hvt_blkdev *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct hv_blk_params params = { .read_only = ro };
	struct hv_virtio_dev_info info;
	struct file *file;
	void *res;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->m = hvt_mem_new(test);
	hvt_injects = &t->injects;
	file = shmem_file_setup("hvisor-blk-test", HVT_DISK_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	memcpy(params.serial, "hvisor-test-serial-1", VIRTIO_BLK_ID_BYTES);
	params.file = file;
	info = (struct hv_virtio_dev_info){ .zone_id = 1, .base = 0xa000000,
		.len = 0x200, .irq = 33, .mem = &t->m->gm,
		.inject = hvt_blk_inject };
	t->dev = hv_blk_create(&info, &params);
	if (IS_ERR(t->dev))
		fput(file);
	KUNIT_ASSERT_EQ(test, PTR_ERR_OR_ZERO(t->dev), 0);
	res = kunit_alloc_resource(test, NULL, hvt_blkdev_free, GFP_KERNEL, t);
	KUNIT_ASSERT_NOT_NULL(test, res);

	/* what virtio_mmio + virtio_blk do at probe */
	bwr(t, VIRTIO_MMIO_STATUS, 1);
	bwr(t, VIRTIO_MMIO_STATUS, 3);
	bwr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES, brd(t, VIRTIO_MMIO_DEVICE_FEATURES));
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	bwr(t, VIRTIO_MMIO_STATUS, 0xb);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0xbU);
	bwr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 256U);
	bwr(t, VIRTIO_MMIO_QUEUE_NUM, HVT_QNUM);
	bwr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, lower_32_bits(HVT_DESC));
	bwr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, lower_32_bits(HVT_AVAIL));
	bwr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_USED_LOW, lower_32_bits(HVT_USED));
	bwr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	bwr(t, VIRTIO_MMIO_STATUS, 0xf);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0xfU);
	return t;
}

static struct hv_vring_used *hvt_used(struct hvt_blkdev *t)
{
	return hvt_ptr(t->m, HVT_USED);
}

/* Post head 0, kick, wait until the device used it; returns used len. */
static u32 hvt_submit(struct kunit *test, struct hvt_blkdev *t)
{
	struct hv_vring_used *u = hvt_used(t);
	u16 want = t->avail_idx + 1;
	int i;

	hvt_avail(t->m, HVT_QNUM, t->avail_idx++, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (i = 0; i < 500 && le16_to_cpu(READ_ONCE(u->idx)) != want; i++)
		usleep_range(2000, 4000);
	KUNIT_ASSERT_EQ(test, le16_to_cpu(READ_ONCE(u->idx)), want);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[(want - 1) % HVT_QNUM].id),
			0U);
	return le32_to_cpu(u->ring[(want - 1) % HVT_QNUM].len);
}

/* header(type, sector) -> [data len, in or out] -> status */
static void hvt_req(struct hvt_blkdev *t, u32 type, u64 sector, u64 data,
		    u32 len, bool in)
{
	__le32 ty = cpu_to_le32(type);
	__le64 se = cpu_to_le64(sector);
	u8 *hdr = hvt_ptr(t->m, HVT_HDR);

	memcpy(hdr, &ty, 4);
	memset(hdr + 4, 0, 4);
	memcpy(hdr + 8, &se, 8);
	*(u8 *)hvt_ptr(t->m, HVT_STATUS) = 0xee;
	if (len) {
		hvt_desc(t->m, HVT_DESC, 0, HVT_HDR, 16, VRING_DESC_F_NEXT, 1);
		hvt_desc(t->m, HVT_DESC, 1, data, len,
			 VRING_DESC_F_NEXT | (in ? VRING_DESC_F_WRITE : 0), 2);
		hvt_desc(t->m, HVT_DESC, 2, HVT_STATUS, 1, VRING_DESC_F_WRITE,
			 0);
	} else {
		hvt_desc(t->m, HVT_DESC, 0, HVT_HDR, 16, VRING_DESC_F_NEXT, 2);
		hvt_desc(t->m, HVT_DESC, 2, HVT_STATUS, 1, VRING_DESC_F_WRITE,
			 0);
	}
}

static u8 hvt_status(struct hvt_blkdev *t)
{
	return *(u8 *)hvt_ptr(t->m, HVT_STATUS);
}

static void blkdev_config(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);
	struct hv_vdev *v = &t->dev->vdev;

	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_DEVICE_ID), 2U);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100, 8),
			(u64)(HVT_DISK_SIZE / 512));
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100 + 12, 4), 128ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100 + 20, 4), 512ULL);
	KUNIT_EXPECT_FALSE(test, t->dev->features & BIT_ULL(VIRTIO_BLK_F_RO));
}

static void blkdev_write_read(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);
	u8 *data = hvt_ptr(t->m, HVT_DATA), *back = hvt_ptr(t->m, HVT_DATA2);
	int i;

	for (i = 0; i < 2048; i++)
		data[i] = i * 7;
	hvt_req(t, VIRTIO_BLK_T_OUT, 3, HVT_DATA, 2048, false);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 1U);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_OK);

	hvt_req(t, VIRTIO_BLK_T_IN, 3, HVT_DATA2, 2048, true);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 2049U);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, memcmp(data, back, 2048), 0);
	/* the guest asked for interrupts: it got at least one */
	KUNIT_EXPECT_GT(test, atomic_read(&t->injects), 0);

	hvt_req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 1U);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_OK);
}

static void blkdev_bad_requests(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);
	u64 last = HVT_DISK_SIZE / 512 - 1;

	/* last sector OK, one past it refused; the file does not grow */
	hvt_req(t, VIRTIO_BLK_T_OUT, last, HVT_DATA, 512, false);
	hvt_submit(test, t);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_OK);
	hvt_req(t, VIRTIO_BLK_T_OUT, last, HVT_DATA, 1024, false);
	hvt_submit(test, t);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(to_hv_blk(t->dev)->file)),
			(loff_t)HVT_DISK_SIZE);
	hvt_req(t, 42, 0, 0, 0, false);
	hvt_submit(test, t);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_UNSUPP);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_STATUS) & 0x40, 0U);
}

static void blkdev_get_id(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);

	hvt_req(t, VIRTIO_BLK_T_GET_ID, 0, HVT_DATA, 20, true);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 21U);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, memcmp(hvt_ptr(t->m, HVT_DATA),
				     "hvisor-test-serial-1", 20), 0);
}

static void blkdev_read_only(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, true);

	KUNIT_EXPECT_TRUE(test, t->dev->features & BIT_ULL(VIRTIO_BLK_F_RO));
	hvt_req(t, VIRTIO_BLK_T_OUT, 0, HVT_DATA, 512, false);
	hvt_submit(test, t);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_IOERR);
}

static void blkdev_broken_queue(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);
	int i;

	/* a descriptor loop: NEEDS_RESET + config interrupt, no hang */
	hvt_desc(t->m, HVT_DESC, 0, HVT_HDR, 16, VRING_DESC_F_NEXT, 1);
	hvt_desc(t->m, HVT_DESC, 1, HVT_HDR, 16, VRING_DESC_F_NEXT, 0);
	hvt_avail(t->m, HVT_QNUM, 0, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (i = 0; i < 500 && !(brd(t, VIRTIO_MMIO_STATUS) & 0x40); i++)
		usleep_range(2000, 4000);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_STATUS) & 0x40, 0x40U);
	KUNIT_EXPECT_TRUE(test, brd(t, VIRTIO_MMIO_INTERRUPT_STATUS) &
			  VIRTIO_MMIO_INT_CONFIG);
	/* reset, set up again, and the device works */
	bwr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0U);
}

static void blkdev_reset_with_io(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);
	int i;

	/* fill the ring with reads and reset right after the kick */
	for (i = 0; i < HVT_QNUM; i++)
		hvt_avail(t->m, HVT_QNUM, i, 0);
	hvt_req(t, VIRTIO_BLK_T_IN, 0, HVT_DATA, 4096, true);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	bwr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_hv_blk(t->dev)->inflight), 0);
}

static struct kunit_case hv_blkdev_cases[] = {
	KUNIT_CASE(blkdev_config),
	KUNIT_CASE(blkdev_write_read),
	KUNIT_CASE(blkdev_bad_requests),
	KUNIT_CASE(blkdev_get_id),
	KUNIT_CASE(blkdev_read_only),
	KUNIT_CASE(blkdev_broken_queue),
	KUNIT_CASE(blkdev_reset_with_io),
	{}
};

static struct kunit_suite hv_blkdev_suite = {
	.name = "hvisor_blk_device",
	.test_cases = hv_blkdev_cases,
};

kunit_test_suite(hv_blkdev_suite);

MODULE_LICENSE("GPL");
