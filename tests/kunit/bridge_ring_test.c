// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the virtio bridge ring (kernel/bridge_ring.c): index
 * arithmetic, full/empty, wrap-around, the cfg handshake and the sleep
 * handshake, on a bridge page in ordinary memory playing hvisor's side.
 */
#include "../../kernel/bridge_ring.h"

#include <kunit/test.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>

/* hvisor's side of the request ring: fill the slot, then publish rear. */
static bool hv_test_push_req(struct hv_virtio_bridge *b, u64 cpu, u64 addr)
{
	u32 rear = b->req_rear;

	if (((rear + 1) % HV_BRIDGE_MAX_REQ) == b->req_front)
		return false;
	b->req_list[rear] = (struct hv_device_req) {
		.src_cpu = cpu,
		.address = addr,
		.size = 4,
		.value = addr ^ 0xffff,
		.src_zone = 1,
		.is_write = addr & 1,
	};
	/* as hvisor: slot first, then rear (fence(Release)) */
	smp_store_release(&b->req_rear, (rear + 1) % HV_BRIDGE_MAX_REQ);
	return true;
}

/* hvisor's side of the response ring (FINISH_REQ): take one entry. */
static bool hv_test_pop_res(struct hv_virtio_bridge *b, struct hv_device_res *r)
{
	u32 front = b->res_front;

	/* as hvisor: rear, then fence(Acquire), then the slot */
	if (front == smp_load_acquire(&b->res_rear))
		return false;
	*r = b->res_list[front];
	/* slot read before the slot is handed back */
	smp_store_release(&b->res_front, (front + 1) & HV_RING_MASK);
	return true;
}

static struct hv_virtio_bridge *hv_test_bridge(struct kunit *test)
{
	struct hv_virtio_bridge *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	return b;
}

static void bridge_ring_empty_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req;

	KUNIT_EXPECT_TRUE(test, hvisor_ring_req_empty(b));
	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_req(b, &req));
	KUNIT_EXPECT_EQ(test, b->req_front, 0u);
}

static void bridge_ring_fifo_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req;

	KUNIT_ASSERT_TRUE(test, hv_test_push_req(b, 0, 0x1000));
	KUNIT_ASSERT_TRUE(test, hv_test_push_req(b, 1, 0x2001));
	KUNIT_EXPECT_FALSE(test, hvisor_ring_req_empty(b));

	KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_req(b, &req));
	KUNIT_EXPECT_EQ(test, req.address, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, req.src_cpu, 0ULL);
	KUNIT_EXPECT_EQ(test, req.value, 0x1000ULL ^ 0xffff);
	KUNIT_EXPECT_EQ(test, b->req_front, 1u);

	KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_req(b, &req));
	KUNIT_EXPECT_EQ(test, req.address, 0x2001ULL);
	KUNIT_EXPECT_EQ(test, req.src_cpu, 1ULL);
	KUNIT_EXPECT_EQ(test, req.is_write, 1);
	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_req(b, &req));
}

/* 32 slots, one always empty: hvisor can queue 31, never 32. */
static void bridge_ring_full_req_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req;
	unsigned int i;

	for (i = 0; i < HV_BRIDGE_MAX_REQ - 1; i++)
		KUNIT_ASSERT_TRUE(test, hv_test_push_req(b, 0, 0x1000 + i * 8));
	KUNIT_EXPECT_FALSE(test, hv_test_push_req(b, 0, 0xdead));

	for (i = 0; i < HV_BRIDGE_MAX_REQ - 1; i++) {
		KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_req(b, &req));
		KUNIT_EXPECT_EQ(test, req.address, 0x1000ULL + i * 8);
	}
	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_req(b, &req));
	KUNIT_EXPECT_TRUE(test, hvisor_ring_req_empty(b));
}

static void bridge_ring_full_res_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_res res;
	unsigned int i;

	for (i = 0; i < HV_BRIDGE_MAX_REQ - 1; i++)
		KUNIT_ASSERT_EQ(test, hvisor_ring_push_res(b, 1, 40 + i), 0);
	KUNIT_EXPECT_EQ(test, hvisor_ring_push_res(b, 1, 99), -ENOSPC);
	/* a full ring is left as it was */
	KUNIT_EXPECT_EQ(test, b->res_rear, (u32)(HV_BRIDGE_MAX_REQ - 1));

	KUNIT_ASSERT_TRUE(test, hv_test_pop_res(b, &res));
	KUNIT_EXPECT_EQ(test, res.irq_id, 40u);
	KUNIT_EXPECT_EQ(test, res.target_zone, 1u);
	/* one slot freed: one push fits again, and wraps rear to 0 */
	KUNIT_EXPECT_EQ(test, hvisor_ring_push_res(b, 2, 77), 0);
	KUNIT_EXPECT_EQ(test, b->res_rear, 0u);
	KUNIT_EXPECT_EQ(test, hvisor_ring_push_res(b, 2, 78), -ENOSPC);
}

/* Many rounds through both rings: indices stay in 0..31 and FIFO holds. */
static void bridge_ring_wrap_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req;
	struct hv_device_res res;
	unsigned int i, j;

	for (i = 0; i < 5 * HV_BRIDGE_MAX_REQ + 3; i++) {
		for (j = 0; j < 3; j++)
			KUNIT_ASSERT_TRUE(test, hv_test_push_req(b, j, i * 16 + j));
		for (j = 0; j < 3; j++) {
			KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_req(b, &req));
			KUNIT_EXPECT_EQ(test, req.address, (u64)(i * 16 + j));
			KUNIT_EXPECT_EQ(test, req.src_cpu, (u64)j);
		}
		KUNIT_EXPECT_LT(test, b->req_front, (u32)HV_BRIDGE_MAX_REQ);

		KUNIT_ASSERT_EQ(test, hvisor_ring_push_res(b, i, i + 1), 0);
		KUNIT_ASSERT_TRUE(test, hv_test_pop_res(b, &res));
		KUNIT_EXPECT_EQ(test, res.target_zone, i);
		KUNIT_EXPECT_EQ(test, res.irq_id, i + 1);
		KUNIT_EXPECT_LT(test, b->res_rear, (u32)HV_BRIDGE_MAX_REQ);
	}
	KUNIT_EXPECT_TRUE(test, hvisor_ring_req_empty(b));
}

/* hvisor waits for cfg_flags[cpu] to change, then reads cfg_values[cpu]. */
static void bridge_ring_cfg_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, hvisor_ring_complete_cfg(b, 3, 0x74726976), 0);
	KUNIT_EXPECT_EQ(test, b->cfg_flags[3], 1ULL);
	KUNIT_EXPECT_EQ(test, b->cfg_values[3], 0x74726976ULL);
	KUNIT_EXPECT_EQ(test, hvisor_ring_complete_cfg(b, 3, 0), 0);
	KUNIT_EXPECT_EQ(test, b->cfg_flags[3], 2ULL);
	KUNIT_EXPECT_EQ(test, b->cfg_values[3], 0ULL);

	KUNIT_EXPECT_EQ(test, hvisor_ring_complete_cfg(b, HV_BRIDGE_MAX_CPUS - 1, 7), 0);
	KUNIT_EXPECT_EQ(test, b->cfg_flags[HV_BRIDGE_MAX_CPUS - 1], 1ULL);

	/* other cpus untouched */
	for (i = 0; i < HV_BRIDGE_MAX_CPUS - 1; i++)
		if (i != 3)
			KUNIT_EXPECT_EQ(test, b->cfg_flags[i], 0ULL);
}

static void bridge_ring_bad_cpu_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_virtio_bridge *before = hv_test_bridge(test);	/* 2 KiB */

	memcpy(before, b, sizeof(*before));
	KUNIT_EXPECT_EQ(test, hvisor_ring_complete_cfg(b, HV_BRIDGE_MAX_CPUS, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvisor_ring_complete_cfg(b, ~0ULL, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvisor_ring_complete_cfg(b, 1ULL << 32, 1), -EINVAL);
	/* nothing written anywhere on the page */
	KUNIT_EXPECT_EQ(test, memcmp(before, b, sizeof(*before)), 0);
}

/* A garbage index from the other side never reads outside req_list. */
static void bridge_ring_index_mask_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req;

	b->req_rear = 33;	/* masked: 1 */
	b->req_list[0].address = 0x4242;
	KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_req(b, &req));
	KUNIT_EXPECT_EQ(test, req.address, 0x4242ULL);
	KUNIT_EXPECT_EQ(test, b->req_front, 1u);
	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_req(b, &req));
}

static void bridge_ring_wakeup_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req;

	hvisor_ring_set_wakeup(b, true);
	KUNIT_EXPECT_EQ(test, b->need_wakeup, 1);
	/* requests flow with need_wakeup left as it is */
	KUNIT_ASSERT_TRUE(test, hv_test_push_req(b, 0, 0x50));
	KUNIT_EXPECT_TRUE(test, hvisor_ring_pop_req(b, &req));
	KUNIT_EXPECT_EQ(test, b->need_wakeup, 1);
	hvisor_ring_set_wakeup(b, false);
	KUNIT_EXPECT_EQ(test, b->need_wakeup, 0);
}

/*
 * The shadow page of upstream's daemon, where we play hvisor: what
 * hvisor_ring_push_req() queues, a consumer takes in order, and the ring
 * holds 31; what the daemon pushes on res_list comes out in order.
 */
static void bridge_ring_shadow_fifo_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req = { .size = 4, .src_zone = 1 };
	struct hv_device_res res;
	unsigned int i;

	for (i = 0; i < HV_BRIDGE_MAX_REQ - 1; i++) {
		req.address = 0x1000 + i;
		req.src_cpu = i;
		KUNIT_ASSERT_EQ(test, hvisor_ring_push_req(b, &req), 0);
	}
	KUNIT_EXPECT_EQ(test, hvisor_ring_push_req(b, &req), -ENOSPC);
	for (i = 0; i < HV_BRIDGE_MAX_REQ - 1; i++) {
		KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_req(b, &req));
		KUNIT_EXPECT_EQ(test, req.address, 0x1000ULL + i);
		KUNIT_EXPECT_EQ(test, req.src_cpu, (u64)i);
	}
	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_req(b, &req));

	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_res(b, &res));
	KUNIT_ASSERT_EQ(test, hvisor_ring_push_res(b, 1, 76), 0);
	KUNIT_ASSERT_EQ(test, hvisor_ring_push_res(b, 2, 77), 0);
	KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_res(b, &res));
	KUNIT_EXPECT_EQ(test, res.target_zone, 1u);
	KUNIT_EXPECT_EQ(test, res.irq_id, 76u);
	KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_res(b, &res));
	KUNIT_EXPECT_EQ(test, res.irq_id, 77u);
	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_res(b, &res));
}

/*
 * A daemon may write anything into its page: garbage indices are masked,
 * every slot read or written lies inside its list.
 */
static void bridge_ring_shadow_hostile_test(struct kunit *test)
{
	struct hv_virtio_bridge *b = hv_test_bridge(test);
	struct hv_device_req req = { .address = 0x50, .size = 4 };
	struct hv_device_res res;

	b->res_rear = 0xffffffe1;	/* masked: 1 */
	b->res_list[0].irq_id = 42;
	KUNIT_ASSERT_TRUE(test, hvisor_ring_pop_res(b, &res));
	KUNIT_EXPECT_EQ(test, res.irq_id, 42u);
	KUNIT_EXPECT_EQ(test, b->res_front, 1u);
	KUNIT_EXPECT_FALSE(test, hvisor_ring_pop_res(b, &res));

	b->req_front = 0xffffffe0;	/* masked: 0, as rear: empty */
	KUNIT_ASSERT_EQ(test, hvisor_ring_push_req(b, &req), 0);
	KUNIT_EXPECT_EQ(test, b->req_rear, 1u);
	KUNIT_EXPECT_EQ(test, b->req_list[0].address, 0x50ULL);
	b->req_front = 2;		/* the daemon claims to be ahead: full */
	KUNIT_EXPECT_EQ(test, hvisor_ring_push_req(b, &req), -ENOSPC);
}

static struct kunit_case bridge_ring_cases[] = {
	KUNIT_CASE(bridge_ring_empty_test),
	KUNIT_CASE(bridge_ring_fifo_test),
	KUNIT_CASE(bridge_ring_full_req_test),
	KUNIT_CASE(bridge_ring_full_res_test),
	KUNIT_CASE(bridge_ring_wrap_test),
	KUNIT_CASE(bridge_ring_cfg_test),
	KUNIT_CASE(bridge_ring_bad_cpu_test),
	KUNIT_CASE(bridge_ring_index_mask_test),
	KUNIT_CASE(bridge_ring_wakeup_test),
	KUNIT_CASE(bridge_ring_shadow_fifo_test),
	KUNIT_CASE(bridge_ring_shadow_hostile_test),
	{}
};

static struct kunit_suite bridge_ring_suite = {
	.name = "hvisor_bridge_ring",
	.test_cases = bridge_ring_cases,
};

kunit_test_suite(bridge_ring_suite);

MODULE_LICENSE("GPL");
