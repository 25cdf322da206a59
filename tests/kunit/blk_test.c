// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the virtio-blk backend end to end on UML: a shmem file as the
 * disk, fake guest memory, the register file driven like a driver would,
 * and the real worker kthread doing the I/O.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/shmem_fs.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "../../kernel/virtio/blk.h"
#include "virtio_test_util.h"

#define HVT_DISK_SIZE	SZ_1M
#define HVT_QNUM	16
#define HVT_HDR		(HVT_BUF + 0x0000)
#define HVT_STATUS	(HVT_BUF + 0x0100)
#define HVT_DATA	(HVT_BUF + 0x1000)
#define HVT_DATA2	(HVT_BUF + 0x2000)
/* queue 1: its rings 0x4000 above queue 0's, its own header and status */
#define HVT_QSTRIDE	0x4000
#define HVT_HDR1	(HVT_BUF + 0x0200)
#define HVT_STATUS1	(HVT_BUF + 0x0300)
#define HVT_DATA3	(HVT_BUF + 0x3000)
#define HVT_NR_QUEUES	2		/* queues the tests drive */

struct hvt_blkdev {
	struct hvt_mem *m;
	struct hv_virtio_dev *dev;
	atomic_t injects;
	u16 avail_idx[HVT_NR_QUEUES];
};

/* Guest address of queue @q's copy of the queue-0 area @gpa. */
static u64 hvt_qa(u16 q, u64 gpa)
{
	return gpa + q * HVT_QSTRIDE;
}

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
	t->dev->vdev.mmio->write(&t->dev->vdev, off, value, 4, true);
}

/* KUnit resource: destroy the device (worker, file) when the test ends. */
static void hvt_blkdev_free(struct kunit_resource *res)
{
	struct hvt_blkdev *t = res->data;

	hv_virtio_irq_stop(t->dev);
	hv_blk_destroy(t->dev);
}

/* A device with @nr_queues queues (0: the default), not yet probed. */
static struct hvt_blkdev *hvt_blkdev_create(struct kunit *test, bool ro,
					    u16 nr_queues)
{
	struct hvt_blkdev *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct hv_blk_params params = { .read_only = ro,
					.num_queues = nr_queues };
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
	/* count notify decisions: no re-injection by the clock (mmio_test) */
	t->dev->reinject_base = 1000 * HZ;
	t->dev->reinject_delay = t->dev->reinject_base;
	res = kunit_alloc_resource(test, NULL, hvt_blkdev_free, GFP_KERNEL, t);
	KUNIT_ASSERT_NOT_NULL(test, res);
	return t;
}

/* Queue @q with its rings at hvt_qa(q, HVT_DESC/AVAIL/USED), ready. */
static void hvt_setup_queue(struct kunit *test, struct hvt_blkdev *t, u16 q)
{
	bwr(t, VIRTIO_MMIO_QUEUE_SEL, q);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 256U);
	bwr(t, VIRTIO_MMIO_QUEUE_NUM, HVT_QNUM);
	bwr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, lower_32_bits(hvt_qa(q, HVT_DESC)));
	bwr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW,
	    lower_32_bits(hvt_qa(q, HVT_AVAIL)));
	bwr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_USED_LOW, lower_32_bits(hvt_qa(q, HVT_USED)));
	bwr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
}

/*
 * What virtio_mmio + virtio_blk do at probe: accept every offered feature
 * (VIRTIO_BLK_F_MQ only if @mq), set up queues 0 .. @nr_queues - 1.
 */
static void hvt_probe(struct kunit *test, struct hvt_blkdev *t, bool mq,
		      u16 nr_queues)
{
	u32 features;
	u16 q;

	bwr(t, VIRTIO_MMIO_STATUS, 1);
	bwr(t, VIRTIO_MMIO_STATUS, 3);
	bwr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	features = brd(t, VIRTIO_MMIO_DEVICE_FEATURES);
	if (!mq)
		features &= ~BIT(VIRTIO_BLK_F_MQ);
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES, features);
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	bwr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	bwr(t, VIRTIO_MMIO_STATUS, 0xb);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0xbU);
	for (q = 0; q < nr_queues; q++)
		hvt_setup_queue(test, t, q);
	bwr(t, VIRTIO_MMIO_STATUS, 0xf);
	KUNIT_ASSERT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0xfU);
	memset(t->avail_idx, 0, sizeof(t->avail_idx));
}

static struct hvt_blkdev *hvt_blkdev_new(struct kunit *test, bool ro)
{
	struct hvt_blkdev *t = hvt_blkdev_create(test, ro, 0);

	hvt_probe(test, t, true, 1);
	return t;
}

static struct hv_vring_used *hvt_used_q(struct hvt_blkdev *t, u16 q)
{
	return hvt_ptr(t->m, hvt_qa(q, HVT_USED));
}

static u16 hvt_used_idx(struct hvt_blkdev *t, u16 q)
{
	return le16_to_cpu(READ_ONCE(hvt_used_q(t, q)->idx));
}

/* Put head 0 in queue @q's avail ring (not kicked). */
static void hvt_post(struct hvt_blkdev *t, u16 q)
{
	struct hv_vring_avail *a = hvt_ptr(t->m, hvt_qa(q, HVT_AVAIL));
	u16 idx = t->avail_idx[q]++;

	a->ring[idx % HVT_QNUM] = cpu_to_le16(0);
	/* the entry before the index, as a driver's barrier orders them */
	smp_wmb();
	a->idx = cpu_to_le16(idx + 1);
}

/* Wait up to ~2 s for queue @q's used index to reach @want. */
static bool hvt_wait_used(struct hvt_blkdev *t, u16 q, u16 want)
{
	int i;

	for (i = 0; i < 500 && hvt_used_idx(t, q) != want; i++)
		usleep_range(2000, 4000);
	return hvt_used_idx(t, q) == want;
}

/* Post head 0 on queue @q, kick, wait until used there; returns used len. */
static u32 hvt_submit_q(struct kunit *test, struct hvt_blkdev *t, u16 q)
{
	struct hv_vring_used *u = hvt_used_q(t, q);
	u16 want = t->avail_idx[q] + 1;

	hvt_post(t, q);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, q);
	KUNIT_ASSERT_TRUE(test, hvt_wait_used(t, q, want));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(u->ring[(want - 1) % HVT_QNUM].id),
			0U);
	return le32_to_cpu(u->ring[(want - 1) % HVT_QNUM].len);
}

static u32 hvt_submit(struct kunit *test, struct hvt_blkdev *t)
{
	return hvt_submit_q(test, t, 0);
}

/*
 * Head 0 of queue @q: header(type, sector) -> [data len, in or out] ->
 * status; queue 1 has its own header and status bytes.
 */
static void hvt_req_q(struct hvt_blkdev *t, u16 q, u32 type, u64 sector,
		      u64 data, u32 len, bool in)
{
	u64 desc = hvt_qa(q, HVT_DESC), hdr_gpa = q ? HVT_HDR1 : HVT_HDR;
	u64 status = q ? HVT_STATUS1 : HVT_STATUS;
	__le32 ty = cpu_to_le32(type);
	__le64 se = cpu_to_le64(sector);
	u8 *hdr = hvt_ptr(t->m, hdr_gpa);

	memcpy(hdr, &ty, 4);
	memset(hdr + 4, 0, 4);
	memcpy(hdr + 8, &se, 8);
	*(u8 *)hvt_ptr(t->m, status) = 0xee;
	if (len) {
		hvt_desc(t->m, desc, 0, hdr_gpa, 16, VRING_DESC_F_NEXT, 1);
		hvt_desc(t->m, desc, 1, data, len,
			 VRING_DESC_F_NEXT | (in ? VRING_DESC_F_WRITE : 0), 2);
		hvt_desc(t->m, desc, 2, status, 1, VRING_DESC_F_WRITE, 0);
	} else {
		hvt_desc(t->m, desc, 0, hdr_gpa, 16, VRING_DESC_F_NEXT, 2);
		hvt_desc(t->m, desc, 2, status, 1, VRING_DESC_F_WRITE, 0);
	}
}

static void hvt_req(struct hvt_blkdev *t, u32 type, u64 sector, u64 data,
		    u32 len, bool in)
{
	hvt_req_q(t, 0, type, sector, data, len, in);
}

static u8 hvt_status_q(struct hvt_blkdev *t, u16 q)
{
	return *(u8 *)hvt_ptr(t->m, q ? HVT_STATUS1 : HVT_STATUS);
}

static u8 hvt_status(struct hvt_blkdev *t)
{
	return hvt_status_q(t, 0);
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
	KUNIT_EXPECT_EQ(test,
			atomic_read(&to_hv_blk(t->dev)->queues[0].inflight), 0);
}

/* Detach under I/O: posted chains fail with IOERR, one interrupt. */
static void blkdev_kill_fails_posted(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);
	int injects;

	hvt_req(t, VIRTIO_BLK_T_IN, 0, HVT_DATA, 4096, true);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 4097U);
	/* the driver took the interrupt */
	bwr(t, VIRTIO_MMIO_INTERRUPT_ACK, brd(t, VIRTIO_MMIO_INTERRUPT_STATUS));
	injects = atomic_read(&t->injects);

	/* two chains posted, not kicked: nobody will ever serve them */
	*(u8 *)hvt_ptr(t->m, HVT_STATUS) = 0xee;
	hvt_post(t, 0);
	hvt_post(t, 0);
	t->dev->ops->kill(t->dev);	/* no ack here: gives up after 2 s */
	KUNIT_EXPECT_EQ(test, hvt_used_idx(t, 0), t->avail_idx[0]);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_IOERR);
	KUNIT_EXPECT_TRUE(test, brd(t, VIRTIO_MMIO_INTERRUPT_STATUS) &
			  VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->injects), injects + 1);

	/* posted and kicked after the kill: failed too, never submitted */
	*(u8 *)hvt_ptr(t->m, HVT_STATUS) = 0xee;
	hvt_post(t, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_used(t, 0, t->avail_idx[0]));
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_IOERR);
}

/* QueueReady refuses rings that overlap: NEEDS_RESET, queue not ready. */
static void blkdev_overlap_refused(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_create(test, false, 0);

	hvt_probe(test, t, true, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_NUM, HVT_QNUM);
	bwr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, lower_32_bits(HVT_DESC));
	bwr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, lower_32_bits(HVT_AVAIL + 2));
	bwr(t, VIRTIO_MMIO_QUEUE_USED_LOW, lower_32_bits(HVT_AVAIL + 4));
	bwr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_STATUS) & 0x40, 0x40U);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&t->dev->vqs[0]));
}

/*
 * The CVE-2019-3900-class spin on the real worker: rings laid out as
 * QueueReady accepted before it checked for overlap (used 2 bytes after
 * avail, no EVENT_IDX).  The worker's own used->flags writes flip bit 0 of
 * avail->idx, so every re-check finds "more" and every pop finds nothing.
 * Each run must be cut by its budget (counted in yields), the worker must
 * give the CPU and its lock between runs, and kill and destroy return.
 * Without the charge per re-check UML never gets the CPU back.
 */
static void blkdev_overlap_spin_yields(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_new(test, false);
	struct hv_vq *vq = &t->dev->vqs[0];
	int i;

	hvt_req(t, VIRTIO_BLK_T_IN, 0, HVT_DATA, 512, true);
	/*
	 * Worker idle (nothing kicked yet): the layout, and a driver that
	 * did not accept EVENT_IDX (with it, used->flags is never written).
	 */
	vq->used = (struct hv_vring_used *)((u8 *)vq->avail + 2);
	vq->event_idx = false;
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (i = 0; i < 500 && atomic64_read(&t->dev->yields) < 3; i++)
		usleep_range(2000, 4000);
	KUNIT_EXPECT_GE(test, atomic64_read(&t->dev->yields), 3);
	/* the register file stays usable while it spins */
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	t->dev->ops->kill(t->dev);	/* returns: no ack, gives up in 2 s */
}

/* ---- multi-queue (VIRTIO_BLK_F_MQ) ---------------------------------- */

static u32 hvt_dev_features0(struct hvt_blkdev *t)
{
	bwr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return brd(t, VIRTIO_MMIO_DEVICE_FEATURES);
}

/* Two queues, MQ negotiated, both set up. */
static struct hvt_blkdev *hvt_blkdev_mq(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_create(test, false, HVT_NR_QUEUES);

	hvt_probe(test, t, true, HVT_NR_QUEUES);
	KUNIT_ASSERT_TRUE(test, t->dev->features & BIT_ULL(VIRTIO_BLK_F_MQ));
	return t;
}

static void blkdev_mq_offered_with_queues(struct kunit *test)
{
	size_t nq = offsetof(struct virtio_blk_config, num_queues);
	struct hv_blk_params params = { .num_queues = HV_BLK_MAX_QUEUES + 1 };
	struct hv_virtio_dev_info info = {};
	struct hvt_blkdev *t;
	struct hv_vdev *v;
	struct file *file;

	/* 0 and 1 are one queue: no MQ */
	t = hvt_blkdev_create(test, false, 0);
	KUNIT_EXPECT_FALSE(test, hvt_dev_features0(t) & BIT(VIRTIO_BLK_F_MQ));
	t = hvt_blkdev_create(test, false, 1);
	KUNIT_EXPECT_FALSE(test, hvt_dev_features0(t) & BIT(VIRTIO_BLK_F_MQ));
	KUNIT_EXPECT_EQ(test, t->dev->num_queues, 1);

	t = hvt_blkdev_create(test, false, HV_BLK_MAX_QUEUES);
	v = &t->dev->vdev;
	KUNIT_EXPECT_TRUE(test, hvt_dev_features0(t) & BIT(VIRTIO_BLK_F_MQ));
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100 + nq, 2),
			(u64)HV_BLK_MAX_QUEUES);
	KUNIT_EXPECT_EQ(test, t->dev->num_queues, HV_BLK_MAX_QUEUES);

	/* more than the maximum: refused before anything is made */
	file = shmem_file_setup("hvisor-blk-test", HVT_DISK_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	params.file = file;
	info.mem = &t->m->gm;
	KUNIT_EXPECT_EQ(test, PTR_ERR(hv_blk_create(&info, &params)),
			(long)-EINVAL);
	fput(file);
}

/*
 * A request on queue 1 is served by queue 1's worker and completed on
 * queue 1's used ring, while queue 0's worker is held busy: one queue
 * cannot hold up another.
 */
static void blkdev_mq_queue1_served_alone(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_mq(test);
	struct hv_blk *blk = to_hv_blk(t->dev);
	u8 *data = hvt_ptr(t->m, HVT_DATA3), *back = hvt_ptr(t->m, HVT_DATA);
	u16 used0;
	bool served;
	u8 status0;
	int i;

	for (i = 0; i < 4096; i++)
		data[i] = i * 13 + 5;
	hvt_req(t, VIRTIO_BLK_T_IN, 0, HVT_DATA, 512, true);
	hvt_req_q(t, 1, VIRTIO_BLK_T_OUT, 8, HVT_DATA3, 4096, false);

	/* no assertion while the lock is held: the cleanup needs it */
	mutex_lock(&blk->queues[0].worker.lock);	/* queue 0 "busy" */
	hvt_post(t, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	hvt_post(t, 1);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	served = hvt_wait_used(t, 1, 1);
	used0 = hvt_used_idx(t, 0);
	status0 = hvt_status_q(t, 0);
	mutex_unlock(&blk->queues[0].worker.lock);

	KUNIT_EXPECT_TRUE(test, served);
	KUNIT_EXPECT_EQ(test, atomic64_read(&blk->queues[1].nr_requests), 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hvt_used_q(t, 1)->ring[0].len), 1U);
	KUNIT_EXPECT_EQ(test, hvt_status_q(t, 1), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, used0, 0);
	KUNIT_EXPECT_EQ(test, status0, 0xee);
	/* released, queue 0 completes on its own ring */
	KUNIT_EXPECT_TRUE(test, hvt_wait_used(t, 0, 1));
	KUNIT_EXPECT_EQ(test, hvt_status_q(t, 0), VIRTIO_BLK_S_OK);
	KUNIT_EXPECT_EQ(test, hvt_used_idx(t, 1), 1);

	/* what queue 1 wrote is on the disk: read it back on queue 0 */
	hvt_req(t, VIRTIO_BLK_T_IN, 8, HVT_DATA, 4096, true);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 4097U);
	KUNIT_EXPECT_EQ(test, memcmp(data, back, 4096), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&blk->nr_requests), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&blk->queues[0].nr_requests), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&blk->nr_bytes_written), 4096);
}

/* Status = 0 with both queues full of reads: every worker quiesced. */
static void blkdev_mq_reset_both_busy(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_mq(test);
	struct hv_blk *blk = to_hv_blk(t->dev);
	u16 q;
	int i;

	for (q = 0; q < HVT_NR_QUEUES; q++) {
		hvt_req_q(t, q, VIRTIO_BLK_T_IN, 0, q ? HVT_DATA3 : HVT_DATA,
			  4096, true);
		for (i = 0; i < HVT_QNUM; i++)
			hvt_post(t, q);
	}
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	bwr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0U);
	for (q = 0; q < HVT_NR_QUEUES; q++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&blk->queues[q].inflight), 0);
		KUNIT_EXPECT_TRUE(test, READ_ONCE(blk->queues[q].worker.paused));
		KUNIT_EXPECT_FALSE(test, hv_vq_ready(&t->dev->vqs[q]));
		KUNIT_EXPECT_EQ(test, t->dev->qregs[q].desc, 0ULL);
	}

	/* set up again: both queues work */
	memset(hvt_used_q(t, 0), 0, PAGE_SIZE);
	memset(hvt_used_q(t, 1), 0, PAGE_SIZE);
	hvt_probe(test, t, true, HVT_NR_QUEUES);
	hvt_req_q(t, 1, VIRTIO_BLK_T_IN, 0, HVT_DATA3, 512, true);
	KUNIT_EXPECT_EQ(test, hvt_submit_q(test, t, 1), 513U);
	KUNIT_EXPECT_EQ(test, hvt_status_q(t, 1), VIRTIO_BLK_S_OK);
	hvt_req(t, VIRTIO_BLK_T_IN, 0, HVT_DATA, 512, true);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 513U);
}

/* QueueReady = 0 on queue 0 leaves queue 1 running. */
static void blkdev_mq_queue_ready_zero(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_mq(test);
	struct hv_blk *blk = to_hv_blk(t->dev);

	hvt_req_q(t, 1, VIRTIO_BLK_T_IN, 0, HVT_DATA3, 512, true);
	KUNIT_EXPECT_EQ(test, hvt_submit_q(test, t, 1), 513U);
	bwr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	bwr(t, VIRTIO_MMIO_QUEUE_READY, 0);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(blk->queues[0].worker.paused));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(blk->queues[1].worker.paused));
	KUNIT_EXPECT_EQ(test, hvt_submit_q(test, t, 1), 513U);
	KUNIT_EXPECT_EQ(test, hvt_status_q(t, 1), VIRTIO_BLK_S_OK);
}

/* MQ offered but not accepted: the driver has queue 0 only. */
static void blkdev_mq_not_negotiated(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_create(test, false, HVT_NR_QUEUES);
	u64 notifies;

	hvt_probe(test, t, false, 1);
	KUNIT_EXPECT_FALSE(test, t->dev->features & BIT_ULL(VIRTIO_BLK_F_MQ));
	bwr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0U);
	bwr(t, VIRTIO_MMIO_QUEUE_NUM, HVT_QNUM);
	bwr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, lower_32_bits(hvt_qa(1, HVT_DESC)));
	bwr(t, VIRTIO_MMIO_QUEUE_READY, 1);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, t->dev->qregs[1].num, 0U);

	/* a kick of queue 1 serves nothing */
	hvt_req_q(t, 1, VIRTIO_BLK_T_IN, 0, HVT_DATA3, 512, true);
	hvt_post(t, 1);
	notifies = atomic64_read(&t->dev->notifies);
	bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev->notifies), notifies + 1);
	msleep(20);
	KUNIT_EXPECT_EQ(test, hvt_used_idx(t, 1), 0);
	KUNIT_EXPECT_EQ(test, hvt_status_q(t, 1), 0xee);

	/* queue 0 works as on a single-queue device */
	hvt_req(t, VIRTIO_BLK_T_IN, 0, HVT_DATA, 512, true);
	KUNIT_EXPECT_EQ(test, hvt_submit(test, t), 513U);
	KUNIT_EXPECT_EQ(test, hvt_status(t), VIRTIO_BLK_S_OK);
}

/* QueueSel past the device's queues: reads 0, writes ignored. */
static void blkdev_mq_queue_sel_beyond(struct kunit *test)
{
	static const u32 sels[] = { HVT_NR_QUEUES, HV_BLK_MAX_QUEUES,
				    HV_VIRTIO_MAX_QUEUES, U32_MAX };
	struct hvt_blkdev *t = hvt_blkdev_mq(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sels); i++) {
		bwr(t, VIRTIO_MMIO_QUEUE_SEL, sels[i]);
		KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0U);
		bwr(t, VIRTIO_MMIO_QUEUE_NUM, HVT_QNUM);
		bwr(t, VIRTIO_MMIO_QUEUE_READY, 1);
		KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
		bwr(t, VIRTIO_MMIO_QUEUE_NOTIFY, sels[i]);
	}
	for (i = HVT_NR_QUEUES; i < HV_VIRTIO_MAX_QUEUES; i++)
		KUNIT_EXPECT_EQ(test, t->dev->qregs[i].num, 0U);
	KUNIT_EXPECT_EQ(test, brd(t, VIRTIO_MMIO_STATUS), 0xfU);
	hvt_req_q(t, 1, VIRTIO_BLK_T_IN, 0, HVT_DATA3, 512, true);
	KUNIT_EXPECT_EQ(test, hvt_submit_q(test, t, 1), 513U);
}

/* Detach under I/O fails what is posted on every queue, one interrupt. */
static void blkdev_mq_kill_fails_every_queue(struct kunit *test)
{
	struct hvt_blkdev *t = hvt_blkdev_mq(test);
	int injects;
	u16 q;

	/* both queues served once, the driver took the interrupts */
	for (q = 0; q < HVT_NR_QUEUES; q++) {
		hvt_req_q(t, q, VIRTIO_BLK_T_IN, 0, q ? HVT_DATA3 : HVT_DATA,
			  512, true);
		KUNIT_EXPECT_EQ(test, hvt_submit_q(test, t, q), 513U);
	}
	bwr(t, VIRTIO_MMIO_INTERRUPT_ACK, brd(t, VIRTIO_MMIO_INTERRUPT_STATUS));
	injects = atomic_read(&t->injects);

	/* two chains posted on each, not kicked */
	for (q = 0; q < HVT_NR_QUEUES; q++) {
		*(u8 *)hvt_ptr(t->m, q ? HVT_STATUS1 : HVT_STATUS) = 0xee;
		hvt_post(t, q);
		hvt_post(t, q);
	}
	t->dev->ops->kill(t->dev);	/* no ack here: gives up after 2 s */
	for (q = 0; q < HVT_NR_QUEUES; q++) {
		KUNIT_EXPECT_EQ(test, hvt_used_idx(t, q), 3);
		KUNIT_EXPECT_EQ(test, hvt_status_q(t, q), VIRTIO_BLK_S_IOERR);
		KUNIT_EXPECT_TRUE(test, to_hv_blk(t->dev)->queues[q].worker.dying);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&t->injects), injects + 1);
}

static struct kunit_case hv_blkdev_cases[] = {
	KUNIT_CASE(blkdev_config),
	KUNIT_CASE(blkdev_write_read),
	KUNIT_CASE(blkdev_bad_requests),
	KUNIT_CASE(blkdev_get_id),
	KUNIT_CASE(blkdev_read_only),
	KUNIT_CASE(blkdev_broken_queue),
	KUNIT_CASE(blkdev_reset_with_io),
	KUNIT_CASE(blkdev_kill_fails_posted),
	KUNIT_CASE(blkdev_overlap_refused),
	KUNIT_CASE(blkdev_overlap_spin_yields),
	KUNIT_CASE(blkdev_mq_offered_with_queues),
	KUNIT_CASE(blkdev_mq_queue1_served_alone),
	KUNIT_CASE(blkdev_mq_reset_both_busy),
	KUNIT_CASE(blkdev_mq_queue_ready_zero),
	KUNIT_CASE(blkdev_mq_not_negotiated),
	KUNIT_CASE(blkdev_mq_queue_sel_beyond),
	KUNIT_CASE(blkdev_mq_kill_fails_every_queue),
	{}
};

static struct kunit_suite hv_blkdev_suite = {
	.name = "hvisor_blk_device",
	.test_cases = hv_blkdev_cases,
};

kunit_test_suite(hv_blkdev_suite);

MODULE_LICENSE("GPL");
