// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the virtio-mmio register file (state machine, feature
 * negotiation, queue setup, interrupt line, config space bounds) driven
 * through the same read/write callbacks the bridge consumer uses.
 */
#include "../../kernel/virtio/mmio.h"

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <linux/workqueue.h>

#include "virtio_test_util.h"

#define S_ACK		VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRV		VIRTIO_CONFIG_S_DRIVER
#define S_FOK		VIRTIO_CONFIG_S_FEATURES_OK
#define S_DOK		VIRTIO_CONFIG_S_DRIVER_OK
#define S_NR		VIRTIO_CONFIG_S_NEEDS_RESET

struct hvt_dev {
	struct hv_virtio_dev dev;
	struct hvt_mem *m;
	u8 config[10];
	int injects;
	int resets;
	int notified;
	int last_notify;
	int status_changes;
};

static struct hvt_dev *to_hvt(struct hv_virtio_dev *dev)
{
	return container_of(dev, struct hvt_dev, dev);
}

static void hvt_config_read(struct hv_virtio_dev *dev, u32 off, u8 *buf,
			    u32 len)
{
	memcpy(buf, to_hvt(dev)->config + off, len);
}

static void hvt_notify(struct hv_virtio_dev *dev, u16 index)
{
	to_hvt(dev)->notified++;
	to_hvt(dev)->last_notify = index;
}

static void hvt_reset(struct hv_virtio_dev *dev)
{
	to_hvt(dev)->resets++;
}

static void hvt_status_changed(struct hv_virtio_dev *dev, u32 old, u32 new)
{
	to_hvt(dev)->status_changes++;
}

static int hvt_inject_result;

static int hvt_inject(struct hv_virtio_dev *dev)
{
	to_hvt(dev)->injects++;
	return hvt_inject_result;
}

static const struct hv_virtio_ops hvt_ops = {
	.name = "test",
	.type = 2,
	.num_queues = 2,
	.queue_max = 64,
	.features = BIT_ULL(1) | BIT_ULL(5),
	.config_read = hvt_config_read,
	.notify = hvt_notify,
	.reset = hvt_reset,
	.status_changed = hvt_status_changed,
	.status_sleeps = S_DOK,
};

/* KUnit resource: no re-injection work may outlive the test's device. */
static void hvt_dev_stop(struct kunit_resource *res)
{
	hv_virtio_irq_stop(res->data);
}

static struct hvt_dev *hvt_dev_new(struct kunit *test)
{
	struct hvt_dev *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->m = hvt_mem_new(test);
	for (i = 0; i < sizeof(t->config); i++)
		t->config[i] = 0x10 + i;
	t->dev.vdev.zone_id = 1;
	t->dev.vdev.base = 0xa003000;
	t->dev.vdev.len = 0x200;
	t->dev.irq = 42;
	t->dev.inject = hvt_inject;
	KUNIT_ASSERT_EQ(test, hv_virtio_dev_init(&t->dev, &hvt_ops, &t->m->gm,
						 sizeof(t->config)), 0);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, NULL,
							 hvt_dev_stop,
							 GFP_KERNEL, &t->dev));
	/* re-injection by hand (hv_virtio_reinject_tick), not by the clock */
	t->dev.reinject_base = 1000 * HZ;
	t->dev.reinject_delay = t->dev.reinject_base;
	return t;
}

static u32 rd(struct hvt_dev *t, u64 off)
{
	return t->dev.vdev.mmio->read(&t->dev.vdev, off, 4);
}

static void wr(struct hvt_dev *t, u64 off, u32 value)
{
	t->dev.vdev.mmio->write(&t->dev.vdev, off, value, 4, true);
}

/* ACK, DRIVER, accept @lo/@hi, FEATURES_OK; returns Status read back. */
static u32 hvt_negotiate(struct hvt_dev *t, u32 lo, u32 hi)
{
	wr(t, VIRTIO_MMIO_STATUS, S_ACK);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, lo);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, hi);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	return rd(t, VIRTIO_MMIO_STATUS);
}

static void hvt_program_queue(struct hvt_dev *t, u32 sel, u32 num, u64 desc,
			      u64 avail, u64 used)
{
	wr(t, VIRTIO_MMIO_QUEUE_SEL, sel);
	wr(t, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, lower_32_bits(desc));
	wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, upper_32_bits(desc));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, lower_32_bits(avail));
	wr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, upper_32_bits(avail));
	wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, lower_32_bits(used));
	wr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, upper_32_bits(used));
	wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* A fully working device with queue 0 ready and DRIVER_OK. */
static struct hvt_dev *hvt_dev_live(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	KUNIT_ASSERT_EQ(test, hvt_negotiate(t, BIT(VIRTIO_RING_F_EVENT_IDX), 1),
			S_ACK | S_DRV | S_FOK);
	hvt_program_queue(t, 0, 16, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_ASSERT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
	KUNIT_ASSERT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			S_ACK | S_DRV | S_FOK | S_DOK);
	return t;
}

static void mmio_identity(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_VERSION), 2U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_ID), 2U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_VENDOR_ID), 0x48564953U);
	/* write-only and legacy registers read as 0 */
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NOTIFY), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_PFN), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_GUEST_PAGE_SIZE), 0U);
	/* no shared memory regions: length -1 */
	wr(t, VIRTIO_MMIO_SHM_SEL, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_SHM_LEN_LOW), U32_MAX);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_SHM_LEN_HIGH), U32_MAX);
}

static void mmio_device_features(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_FEATURES),
			(u32)(BIT(1) | BIT(5) | BIT(VIRTIO_RING_F_INDIRECT_DESC) |
			      BIT(VIRTIO_RING_F_EVENT_IDX)));
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 1U);
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 0U);
	wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, U32_MAX);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 0U);
}

static void mmio_negotiation_ok(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	KUNIT_EXPECT_EQ(test, hvt_negotiate(t, BIT(5), 1),
			S_ACK | S_DRV | S_FOK);
	KUNIT_EXPECT_EQ(test, t->dev.features, BIT_ULL(5) | BIT_ULL(32));
	/* features are frozen after FEATURES_OK */
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, BIT(1));
	KUNIT_EXPECT_EQ(test, t->dev.drv_features[0], BIT(5));
	KUNIT_EXPECT_EQ(test, t->dev.features, BIT_ULL(5) | BIT_ULL(32));
}

static void mmio_refuse_no_version_1(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	KUNIT_EXPECT_EQ(test, hvt_negotiate(t, BIT(5), 0), S_ACK | S_DRV);
	KUNIT_EXPECT_EQ(test, t->dev.features, 0ULL);
	/* DRIVER_OK cannot follow a refused FEATURES_OK */
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), S_ACK | S_DRV);
}

static void mmio_refuse_unoffered(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	KUNIT_EXPECT_EQ(test, hvt_negotiate(t, BIT(2), 1), S_ACK | S_DRV);
	/* driver retries with a sane set: accepted */
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, BIT(1));
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), S_ACK | S_DRV | S_FOK);
}

static void mmio_refuse_unoffered_high_word(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	/* VIRTIO_F_ACCESS_PLATFORM (33) is not offered */
	KUNIT_EXPECT_EQ(test, hvt_negotiate(t, 0, 1 | 2), S_ACK | S_DRV);
}

static void mmio_driver_features_sel_bounded(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, U32_MAX);
	KUNIT_EXPECT_EQ(test, t->dev.drv_features[0], 0U);
	KUNIT_EXPECT_EQ(test, t->dev.drv_features[1], 0U);
}

static void mmio_features_ok_needs_driver(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_FOK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), S_ACK);
}

static void mmio_status_cannot_clear_bits(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	wr(t, VIRTIO_MMIO_STATUS, S_ACK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			S_ACK | S_DRV | S_FOK | S_DOK);
	/* and cannot set NEEDS_RESET */
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK | S_NR);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			S_ACK | S_DRV | S_FOK | S_DOK);
	/* FAILED may be added */
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK |
	   VIRTIO_CONFIG_S_FAILED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) &
			VIRTIO_CONFIG_S_FAILED, (u32)VIRTIO_CONFIG_S_FAILED);
	KUNIT_EXPECT_GT(test, t->status_changes, 0);
}

static void mmio_queue_setup_ok(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	KUNIT_EXPECT_TRUE(test, hv_vq_ready(&t->dev.vqs[0]));
	KUNIT_EXPECT_TRUE(test, t->dev.vqs[0].event_idx);
	KUNIT_EXPECT_EQ(test, t->dev.vqs[0].num, 16);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 64U);
	/* registers of a ready queue are frozen */
	wr(t, VIRTIO_MMIO_QUEUE_NUM, 32);
	wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, 0);
	KUNIT_EXPECT_EQ(test, t->dev.qregs[0].num, 16U);
	KUNIT_EXPECT_EQ(test, t->dev.qregs[0].desc, HVT_DESC);
	KUNIT_EXPECT_EQ(test, t->dev.vqs[0].num, 16);
}

static void mmio_queue_sel_out_of_range(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	hvt_negotiate(t, 0, 1);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 2);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	hvt_program_queue(t, 2, 16, HVT_DESC, HVT_AVAIL, HVT_USED);
	hvt_program_queue(t, U32_MAX, 16, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, t->dev.qregs[0].num, 0U);
	KUNIT_EXPECT_EQ(test, t->dev.qregs[1].num, 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, 0U);
	/* the last valid index works */
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 64U);
}

static void mmio_queue_num_not_pow2(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	hvt_negotiate(t, 0, 1);
	hvt_program_queue(t, 0, 24, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&t->dev.vqs[0]));
}

static void mmio_queue_num_over_max(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	hvt_negotiate(t, 0, 1);
	hvt_program_queue(t, 0, 128, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
	/* exactly the max is fine after a reset */
	wr(t, VIRTIO_MMIO_STATUS, 0);
	hvt_negotiate(t, 0, 1);
	hvt_program_queue(t, 0, 64, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, 0U);
}

static void mmio_queue_num_zero(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	hvt_negotiate(t, 0, 1);
	hvt_program_queue(t, 0, 0, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
}

static void mmio_ring_outside_memory(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	hvt_negotiate(t, 0, 1);
	/* used ring 64 bits away: only the high word is wrong */
	hvt_program_queue(t, 0, 16, HVT_DESC, HVT_AVAIL, HVT_USED | BIT_ULL(40));
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
}

static void mmio_used_ring_unaligned(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	hvt_negotiate(t, 0, 1);
	hvt_program_queue(t, 0, 16, HVT_DESC, HVT_AVAIL, HVT_USED + 2);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
}

static void mmio_queue_ready_before_features_ok(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV);
	hvt_program_queue(t, 0, 16, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
}

static void mmio_notify(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	KUNIT_EXPECT_EQ(test, t->notified, 1);
	KUNIT_EXPECT_EQ(test, t->last_notify, 0);
	/* queue 1 exists but is not ready; 2 and beyond do not exist */
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, U32_MAX);
	t->dev.vdev.mmio->write(&t->dev.vdev, VIRTIO_MMIO_QUEUE_NOTIFY,
				BIT_ULL(32), 8, true);
	KUNIT_EXPECT_EQ(test, t->notified, 1);
}

static void mmio_reset_wipes_state(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
	wr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_EQ(test, t->resets, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0U);
	KUNIT_EXPECT_EQ(test, t->dev.features, 0ULL);
	KUNIT_EXPECT_EQ(test, t->dev.drv_features[0], 0U);
	KUNIT_EXPECT_EQ(test, t->dev.drv_features[1], 0U);
	KUNIT_EXPECT_EQ(test, t->dev.queue_sel, 0U);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_EQ(test, t->dev.qregs[0].num, 0U);
	KUNIT_EXPECT_EQ(test, t->dev.qregs[0].desc, 0ULL);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&t->dev.vqs[0]));
	/* the device is usable again, without EVENT_IDX this time */
	KUNIT_EXPECT_EQ(test, hvt_negotiate(t, 0, 1), S_ACK | S_DRV | S_FOK);
	hvt_program_queue(t, 0, 8, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	KUNIT_EXPECT_FALSE(test, t->dev.vqs[0].event_idx);
}

static void mmio_reset_clears_needs_reset(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	hv_virtio_queue_broken(&t->dev, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
	wr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
}

static void mmio_queue_ready_zero_quiesces(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(t, VIRTIO_MMIO_QUEUE_READY, 0);
	KUNIT_EXPECT_EQ(test, t->resets, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&t->dev.vqs[0]));
}

/* The bridge's fast path (atomic): a write that would sleep does nothing. */
static int awr(struct hvt_dev *t, u64 off, u32 value)
{
	return t->dev.vdev.mmio->write(&t->dev.vdev, off, value, 4, false);
}

static void mmio_atomic_refuses_sleeping_writes(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);
	const u32 fok = S_ACK | S_DRV | S_FOK;

	/* negotiation and queue setup never sleep */
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_STATUS, S_ACK), 0);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV), 0);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1), 0);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1), 0);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_STATUS, fok), 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), fok);
	hvt_program_queue(t, 0, 16, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_ASSERT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	KUNIT_EXPECT_EQ(test, t->status_changes, 3);

	/* DRIVER_OK is in status_sleeps: refused, and nothing happened */
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_STATUS, fok | S_DOK),
			-EWOULDBLOCK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), fok);
	KUNIT_EXPECT_EQ(test, t->status_changes, 3);
	wr(t, VIRTIO_MMIO_STATUS, fok | S_DOK);
	KUNIT_EXPECT_EQ(test, t->status_changes, 4);
	/* writing it again adds nothing: no sleep */
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_STATUS, fok | S_DOK), 0);

	/* disabling a ready queue waits for the worker; an idle one not */
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_QUEUE_READY, 0), -EWOULDBLOCK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	KUNIT_EXPECT_EQ(test, t->resets, 0);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_QUEUE_SEL, 1), 0);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_QUEUE_READY, 0), 0);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_QUEUE_SEL, 0), 0);

	/* notify and ack are answered at once */
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 0), 0);
	KUNIT_EXPECT_EQ(test, t->notified, 1);
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_INTERRUPT_ACK, 1), 0);

	/* a reset: refused, nothing reset; then done where it may sleep */
	KUNIT_EXPECT_EQ(test, awr(t, VIRTIO_MMIO_STATUS, 0), -EWOULDBLOCK);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), fok | S_DOK);
	KUNIT_EXPECT_EQ(test, t->resets, 0);
	wr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_EQ(test, t->resets, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
}

static void mmio_broken_queue_needs_reset(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	hv_virtio_queue_broken(&t->dev, 0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS),
			S_ACK | S_DRV | S_FOK | S_DOK | S_NR);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS),
			(u32)VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, t->injects, 1);
	/* reported once */
	hv_virtio_queue_broken(&t->dev, 0);
	KUNIT_EXPECT_EQ(test, t->injects, 1);
	/* driver writes its status back with the device's bit: kept */
	wr(t, VIRTIO_MMIO_STATUS, S_ACK | S_DRV | S_FOK | S_DOK | S_NR);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
}

static void mmio_broken_before_driver_ok_no_irq(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	hvt_negotiate(t, 0, 1);
	hvt_program_queue(t, 0, 24, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS) & S_NR, (u32)S_NR);
	KUNIT_EXPECT_EQ(test, t->injects, 0);
}

/*
 * Every notify decision injects, pending bit or not: hvisor may have
 * dropped the previous injection (GIC list register busy).
 */
static void mmio_interrupt_every_decision(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, t->injects, 1);
	/* same bit while pending: injected again, not merged */
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, t->injects, 2);
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, t->injects, 3);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 3U);
	/* partial ACK; garbage bits ignored */
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING | 0xf0);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS),
			(u32)VIRTIO_MMIO_INT_CONFIG);
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, 3);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0U);
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, t->injects, 4);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev.reinjects), 0LL);
}

/* While InterruptStatus stays set, the re-injection work injects again. */
static void mmio_interrupt_reinject_until_ack(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	/* nothing pending: nothing to re-inject, the work stops */
	KUNIT_EXPECT_FALSE(test, hv_virtio_reinject_tick(&t->dev));
	KUNIT_EXPECT_EQ(test, t->injects, 0);

	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&t->dev.reinject));
	/* the injection was dropped by hvisor; the guest never acks */
	KUNIT_EXPECT_TRUE(test, hv_virtio_reinject_tick(&t->dev));
	KUNIT_EXPECT_TRUE(test, hv_virtio_reinject_tick(&t->dev));
	KUNIT_EXPECT_EQ(test, t->injects, 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev.reinjects), 2LL);
	/* a partial ACK: the handler runs; the delay starts over */
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_CONFIG);
	t->dev.reinject_delay = 8 * t->dev.reinject_base;
	cancel_delayed_work_sync(&t->dev.reinject);
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, t->dev.reinject_delay, t->dev.reinject_base);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&t->dev.reinject));
	KUNIT_EXPECT_EQ(test, t->injects, 4);
	/* acknowledged: no more */
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_FALSE(test, hv_virtio_reinject_tick(&t->dev));
	KUNIT_EXPECT_EQ(test, t->injects, 4);
	/* a reset forgets the pending bits too */
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_CONFIG);
	wr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_FALSE(test, hv_virtio_reinject_tick(&t->dev));
	KUNIT_EXPECT_EQ(test, t->injects, 5);
}

/* The work runs by itself, backs off, and stops at the ACK. */
static void mmio_interrupt_reinject_clock(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);
	int n;
	unsigned long cap = msecs_to_jiffies(HV_VIRTIO_REINJECT_MAX_MS);

	t->dev.reinject_base = 1;	/* jiffies */
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	/* 1, 2, 4, ... up to the cap: at least 3 re-injections in 50 */
	msleep(jiffies_to_msecs(50));
	n = atomic64_read(&t->dev.reinjects);
	KUNIT_EXPECT_GE(test, n, 3);
	/* ... fewer than 1 per jiffy, at the cap: it backs off */
	KUNIT_EXPECT_LT(test, n, 40);
	KUNIT_EXPECT_EQ(test, t->dev.reinject_delay, max(cap, 1UL));
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	/* the tick after the ACK ends it (the delay is capped) */
	msleep(2 * HV_VIRTIO_REINJECT_MAX_MS + 20);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&t->dev.reinject));
	n = atomic64_read(&t->dev.reinjects);
	msleep(jiffies_to_msecs(20));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev.reinjects), (s64)n);
	/* stopped: a raise injects but arms nothing */
	hv_virtio_irq_stop(&t->dev);
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&t->dev.reinject));
}

static void mmio_interrupt_inject_failure(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	hvt_inject_result = -EBUSY;
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	hvt_inject_result = 0;
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev.inject_errors), 1LL);
	/* the bit stays set: the re-injection work retries it */
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS),
			(u32)VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_TRUE(test, hv_virtio_reinject_tick(&t->dev));
	KUNIT_EXPECT_EQ(test, t->injects, 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->dev.inject_errors), 1LL);
}

/* What the line hook saw, and a raise it can do in the middle of a clear. */
static struct {
	int events[HVISOR_IRQ_RESET + 1];
	u32 zone, irq;
	bool raise_in_clear;
	bool clears;		/* what the hook answers */
} hvt_line;

static bool hvt_line_event(struct hv_virtio_dev *dev, enum hvisor_irq_event ev)
{
	hvt_line.events[ev]++;
	hvt_line.zone = dev->vdev.zone_id;
	hvt_line.irq = dev->irq;
	/* a worker completing right as the hypervisor clears the line */
	if (hvt_line.raise_in_clear && ev == HVISOR_IRQ_ACKED)
		hv_virtio_raise(dev, VIRTIO_MMIO_INT_VRING);
	if (hvt_line.raise_in_clear && ev == HVISOR_IRQ_STATUS_READ)
		hv_virtio_raise(dev, VIRTIO_MMIO_INT_CONFIG);
	return hvt_line.clears;
}

/* The line hook: on each status read, on an ACK to 0, on reset; re-raised. */
static void mmio_line_events(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);

	memset(&hvt_line, 0, sizeof(hvt_line));
	hvt_line.clears = true;
	t->dev.line_event = hvt_line_event;
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 3U);
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_STATUS_READ], 1);
	KUNIT_EXPECT_EQ(test, hvt_line.zone, 1U);
	KUNIT_EXPECT_EQ(test, hvt_line.irq, 42U);
	/* a partial ACK leaves the line up: no clear */
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_ACKED], 0);
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_ACKED], 1);
	/* an ACK of nothing pending is no clear either */
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, 3);
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_ACKED], 1);
	KUNIT_EXPECT_EQ(test, t->injects, 1);

	/* a raise that lands before the clear is injected again after it */
	hv_virtio_raise(&t->dev, VIRTIO_MMIO_INT_VRING);
	KUNIT_EXPECT_EQ(test, t->injects, 2);
	hvt_line.raise_in_clear = true;
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	hvt_line.raise_in_clear = false;
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_ACKED], 2);
	KUNIT_EXPECT_EQ(test, t->injects, 4);	/* the raise, then again */
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS),
			(u32)VIRTIO_MMIO_INT_VRING);

	/* a hook that cleared nothing: no injection again */
	hvt_line.clears = false;
	hvt_line.raise_in_clear = true;
	wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	hvt_line.raise_in_clear = false;
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_ACKED], 3);
	KUNIT_EXPECT_EQ(test, t->injects, 5);	/* the raise alone */
	hvt_line.clears = true;

	/* a status read clears before it reads: a raise meanwhile is read */
	hvt_line.raise_in_clear = true;
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 3U);
	hvt_line.raise_in_clear = false;
	KUNIT_EXPECT_EQ(test, t->injects, 6);	/* the raise; none again */

	wr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_RESET], 1);
	KUNIT_EXPECT_EQ(test, t->injects, 6);	/* nothing pending any more */
	KUNIT_EXPECT_EQ(test, hvt_line.events[HVISOR_IRQ_STATUS_READ], 3);
}

static void mmio_config_read(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);
	struct hv_vdev *v = &t->dev.vdev;

	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100, 1), 0x10ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x101, 2), 0x1211ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x104, 4), 0x17161514ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100, 8),
			0x1716151413121110ULL);
	/* the last byte is readable */
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x109, 1), 0x19ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x108, 2), 0x1918ULL);
}

static void mmio_config_read_past_end(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);
	struct hv_vdev *v = &t->dev.vdev;

	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x10a, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x1fc, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, U64_MAX - 3, 4), 0ULL);
	/* straddling the end: refused as a whole */
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x109, 2), 0ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x108, 4), 0ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x104, 8), 0ULL);
	/* odd widths */
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100, 3), 0ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, 0x100, 0), 0ULL);
	/* no config_write: writes ignored */
	v->mmio->write(v, 0x100, 0xff, 1, true);
	KUNIT_EXPECT_EQ(test, t->config[0], 0x10);
}

static void mmio_register_width(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);
	struct hv_vdev *v = &t->dev.vdev;

	KUNIT_EXPECT_EQ(test, v->mmio->read(v, VIRTIO_MMIO_MAGIC_VALUE, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, VIRTIO_MMIO_MAGIC_VALUE, 8), 0ULL);
	KUNIT_EXPECT_EQ(test, v->mmio->read(v, VIRTIO_MMIO_MAGIC_VALUE + 1, 4),
			0ULL);
	v->mmio->write(v, VIRTIO_MMIO_STATUS, S_ACK, 1, true);
	v->mmio->write(v, VIRTIO_MMIO_STATUS, S_ACK, 2, true);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_STATUS), 0U);
	KUNIT_EXPECT_GT(test, atomic64_read(&t->dev.bad_accesses), 0LL);
}

static void mmio_config_generation(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_live(test);
	u32 gen = rd(t, VIRTIO_MMIO_CONFIG_GENERATION);

	hv_virtio_config_changed(&t->dev);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_CONFIG_GENERATION), gen + 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_INTERRUPT_STATUS),
			(u32)VIRTIO_MMIO_INT_CONFIG);
	KUNIT_EXPECT_EQ(test, t->injects, 1);
}

/* More queues than the type's own, behind a feature bit (MQ). */
static void mmio_set_queues(struct kunit *test)
{
	struct hvt_dev *t = hvt_dev_new(test);

	KUNIT_EXPECT_EQ(test, hv_virtio_dev_set_queues(&t->dev, 1, 12),
			-EINVAL);	/* fewer than the type has */
	KUNIT_EXPECT_EQ(test, hv_virtio_dev_set_queues(&t->dev,
						       HV_VIRTIO_MAX_QUEUES + 1,
						       12), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_virtio_dev_set_queues(&t->dev, 4, 64),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, t->dev.num_queues, 2);
	/* as many as the type has: nothing offered */
	KUNIT_EXPECT_EQ(test, hv_virtio_dev_set_queues(&t->dev, 2, 12), 0);
	KUNIT_EXPECT_FALSE(test, t->dev.device_features & BIT_ULL(12));

	KUNIT_ASSERT_EQ(test, hv_virtio_dev_set_queues(&t->dev, 4, 12), 0);
	KUNIT_EXPECT_TRUE(test, t->dev.device_features & BIT_ULL(12));
	/* before FEATURES_OK and without the bit: the type's two queues */
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 2);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0U);
	hvt_negotiate(t, 0, 1);
	hvt_program_queue(t, 3, 16, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 0U);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 64U);

	/* with the bit: all four, and no fifth */
	wr(t, VIRTIO_MMIO_STATUS, 0);
	hvt_negotiate(t, BIT(12), 1);
	hvt_program_queue(t, 3, 16, HVT_DESC, HVT_AVAIL, HVT_USED);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_READY), 1U);
	wr(t, VIRTIO_MMIO_QUEUE_SEL, 4);
	KUNIT_EXPECT_EQ(test, rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0U);
	wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 3);
	KUNIT_EXPECT_EQ(test, t->last_notify, 3);
	/* a reset wipes every queue, the extra ones too */
	wr(t, VIRTIO_MMIO_STATUS, 0);
	KUNIT_EXPECT_FALSE(test, t->dev.qregs[3].ready);
	KUNIT_EXPECT_FALSE(test, hv_vq_ready(&t->dev.vqs[3]));
}

static void mmio_init_rejects_bad_ops(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);
	struct hv_virtio_ops ops = hvt_ops;
	struct hv_virtio_dev *dev = kunit_kzalloc(test, sizeof(*dev),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	ops.queue_max = 100;
	KUNIT_EXPECT_EQ(test, hv_virtio_dev_init(dev, &ops, &m->gm, 8), -EINVAL);
	ops = hvt_ops;
	ops.num_queues = HV_VIRTIO_MAX_QUEUES + 1;
	KUNIT_EXPECT_EQ(test, hv_virtio_dev_init(dev, &ops, &m->gm, 8), -EINVAL);
	ops = hvt_ops;
	KUNIT_EXPECT_EQ(test, hv_virtio_dev_init(dev, &ops, &m->gm, 0x101),
			-EINVAL);
}

static struct kunit_case hv_mmio_cases[] = {
	KUNIT_CASE(mmio_identity),
	KUNIT_CASE(mmio_device_features),
	KUNIT_CASE(mmio_negotiation_ok),
	KUNIT_CASE(mmio_refuse_no_version_1),
	KUNIT_CASE(mmio_refuse_unoffered),
	KUNIT_CASE(mmio_refuse_unoffered_high_word),
	KUNIT_CASE(mmio_driver_features_sel_bounded),
	KUNIT_CASE(mmio_features_ok_needs_driver),
	KUNIT_CASE(mmio_status_cannot_clear_bits),
	KUNIT_CASE(mmio_queue_setup_ok),
	KUNIT_CASE(mmio_queue_sel_out_of_range),
	KUNIT_CASE(mmio_queue_num_not_pow2),
	KUNIT_CASE(mmio_queue_num_over_max),
	KUNIT_CASE(mmio_queue_num_zero),
	KUNIT_CASE(mmio_ring_outside_memory),
	KUNIT_CASE(mmio_used_ring_unaligned),
	KUNIT_CASE(mmio_queue_ready_before_features_ok),
	KUNIT_CASE(mmio_notify),
	KUNIT_CASE(mmio_reset_wipes_state),
	KUNIT_CASE(mmio_reset_clears_needs_reset),
	KUNIT_CASE(mmio_queue_ready_zero_quiesces),
	KUNIT_CASE(mmio_atomic_refuses_sleeping_writes),
	KUNIT_CASE(mmio_broken_queue_needs_reset),
	KUNIT_CASE(mmio_broken_before_driver_ok_no_irq),
	KUNIT_CASE(mmio_interrupt_every_decision),
	KUNIT_CASE(mmio_interrupt_reinject_until_ack),
	KUNIT_CASE(mmio_interrupt_reinject_clock),
	KUNIT_CASE(mmio_interrupt_inject_failure),
	KUNIT_CASE(mmio_line_events),
	KUNIT_CASE(mmio_config_read),
	KUNIT_CASE(mmio_config_read_past_end),
	KUNIT_CASE(mmio_register_width),
	KUNIT_CASE(mmio_config_generation),
	KUNIT_CASE(mmio_init_rejects_bad_ops),
	KUNIT_CASE(mmio_set_queues),
	{}
};

static struct kunit_suite hv_mmio_suite = {
	.name = "hvisor_virtio_mmio",
	.test_cases = hv_mmio_cases,
};

kunit_test_suite(hv_mmio_suite);

MODULE_LICENSE("GPL");
