// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the dispatch of trapped accesses (kernel/vdev.c), in particular
 * the order of deferred accesses: an access that sleeps is performed in
 * the device's own work, every later access to that device waits behind
 * it, and every other device is answered at once meanwhile.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "../../kernel/vdev.h"

#define VT_SLOW_OFF	0x70	/* a write there sleeps (like Status = 0) */
#define VT_NOTIFY_OFF	0x50
#define VT_LOG_MAX	64

struct vt_dev {
	struct hv_vdev vdev;
	struct completion slow_go;	/* the slow write may finish */
	struct completion slow_in;	/* the slow write has started */
	/* accesses performed, in order: offset | is_write << 16 */
	u32 log[VT_LOG_MAX];
	unsigned int nlog;
	u64 reg;			/* what reads of 0 return */
	bool registered;
};

/* answers of deferred accesses, in order */
static struct {
	u64 cpu[VT_LOG_MAX];
	u64 value[VT_LOG_MAX];
	unsigned int n;
} vt_answers;

static struct vt_dev *to_vt(struct hv_vdev *vdev)
{
	return container_of(vdev, struct vt_dev, vdev);
}

static void vt_log(struct vt_dev *d, u64 offset, bool is_write)
{
	if (d->nlog < VT_LOG_MAX)
		d->log[d->nlog++] = offset | (u32)is_write << 16;
}

static u64 vt_read(struct hv_vdev *vdev, u64 offset, u32 size)
{
	struct vt_dev *d = to_vt(vdev);

	vt_log(d, offset, false);
	return d->reg + offset;
}

static int vt_write(struct hv_vdev *vdev, u64 offset, u64 value, u32 size,
		    bool may_sleep)
{
	struct vt_dev *d = to_vt(vdev);

	if (offset == VT_SLOW_OFF) {
		if (!may_sleep)
			return -EWOULDBLOCK;	/* nothing done */
		complete(&d->slow_in);
		wait_for_completion(&d->slow_go);
	}
	vt_log(d, offset, true);
	if (!offset)
		d->reg = value;
	return 0;
}

static const struct hv_vdev_mmio_ops vt_ops = {
	.read = vt_read,
	.write = vt_write,
};

static void vt_answer(const struct hv_device_req *req, u64 value)
{
	unsigned int n = vt_answers.n;

	if (n < VT_LOG_MAX) {
		vt_answers.cpu[n] = req->src_cpu;
		vt_answers.value[n] = value;
		vt_answers.n = n + 1;
	}
}

/* KUnit resource: whatever an assertion skipped, nothing outlives the test. */
static void vt_free(struct kunit_resource *res)
{
	struct vt_dev *d = res->data;

	complete_all(&d->slow_go);
	if (d->registered)
		hvisor_vdev_unregister(&d->vdev);
	kfree(d);
}

static void vt_del(struct vt_dev *d)
{
	hvisor_vdev_unregister(&d->vdev);
	d->registered = false;
}

static struct vt_dev *vt_new(struct kunit *test, u32 zone, u64 base)
{
	struct vt_dev *d = kzalloc(sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, NULL, vt_free,
							 GFP_KERNEL, d));
	d->vdev.zone_id = zone;
	d->vdev.base = base;
	d->vdev.len = 0x200;
	d->vdev.mmio = &vt_ops;
	init_completion(&d->slow_go);
	init_completion(&d->slow_in);
	return d;
}

static struct vt_dev *vt_add(struct kunit *test, u32 zone, u64 base)
{
	struct vt_dev *d = vt_new(test, zone, base);

	KUNIT_ASSERT_EQ(test, hvisor_vdev_register(&d->vdev), 0);
	d->registered = true;
	return d;
}

static struct hv_device_req vt_req(u32 zone, u64 addr, u64 cpu, bool is_write,
				   u64 value)
{
	struct hv_device_req req = {
		.src_cpu = cpu,
		.address = addr,
		.size = 4,
		.value = value,
		.src_zone = zone,
		.is_write = is_write,
		.need_interrupt = is_write && (addr & 0x1ff) == VT_NOTIFY_OFF,
	};

	return req;
}

static bool vt_dispatch(u32 zone, u64 addr, u64 cpu, bool is_write, u64 value,
			u64 *out)
{
	struct hv_device_req req = vt_req(zone, addr, cpu, is_write, value);

	return hvisor_vdev_dispatch(&req, out);
}

static int vt_init(struct kunit *test)
{
	memset(&vt_answers, 0, sizeof(vt_answers));
	hvisor_vdev_set_answer(vt_answer);
	return 0;
}

static void vt_exit(struct kunit *test)
{
	hvisor_vdev_set_answer(NULL);
}

/* Fast accesses are answered at once, sizes and absent devices as zeros. */
static void vdev_fast_test(struct kunit *test)
{
	struct vt_dev *d = vt_add(test, 1, 0x1000);
	struct hv_device_req req;
	u64 v;

	KUNIT_EXPECT_TRUE(test, vt_dispatch(1, 0x1000, 0, true, 0x40, &v));
	KUNIT_EXPECT_TRUE(test, vt_dispatch(1, 0x1008, 0, false, 0, &v));
	KUNIT_EXPECT_EQ(test, v, 0x48ULL);
	/* other zone, outside the window, straddling its end: zeros */
	KUNIT_EXPECT_TRUE(test, vt_dispatch(2, 0x1008, 0, false, 0, &v));
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_TRUE(test, vt_dispatch(1, 0x1200, 0, false, 0, &v));
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_TRUE(test, vt_dispatch(1, 0x11fe, 0, false, 0, &v));
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	req = vt_req(1, 0x1008, 0, false, 0);
	req.size = 3;
	KUNIT_EXPECT_TRUE(test, hvisor_vdev_dispatch(&req, &v));
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_EQ(test, d->nlog, 2U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&d->vdev.deferrals), 0LL);
	vt_del(d);
}

/*
 * A slow write is deferred; what follows on that device waits behind it,
 * in order, answered when performed; another device is answered at once.
 */
static void vdev_defer_order_test(struct kunit *test)
{
	struct vt_dev *a = vt_add(test, 1, 0x1000);
	struct vt_dev *b = vt_add(test, 2, 0x1000);
	u64 v;

	KUNIT_EXPECT_FALSE(test, vt_dispatch(1, 0x1000 + VT_SLOW_OFF, 3, true,
					     0, &v));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&a->slow_in, HZ), 0UL);

	/* behind it: a read (cpu 4), two equal notifies, a write (cpu 5) */
	KUNIT_EXPECT_FALSE(test, vt_dispatch(1, 0x1004, 4, false, 0, &v));
	KUNIT_EXPECT_FALSE(test, vt_dispatch(1, 0x1000 + VT_NOTIFY_OFF, 0,
					     true, 1, &v));
	vt_dispatch(1, 0x1000 + VT_NOTIFY_OFF, 0, true, 1, &v);
	KUNIT_EXPECT_FALSE(test, vt_dispatch(1, 0x1000, 5, true, 0x100, &v));

	/* the other zone's device is served meanwhile */
	KUNIT_EXPECT_TRUE(test, vt_dispatch(2, 0x1008, 6, false, 0, &v));
	KUNIT_EXPECT_EQ(test, v, 8ULL);
	KUNIT_EXPECT_EQ(test, a->nlog, 0U);
	KUNIT_EXPECT_EQ(test, vt_answers.n, 0U);

	complete(&a->slow_go);
	flush_work(&a->vdev.defer_work);

	/* performed in the order hvisor queued them; the repeat coalesced */
	KUNIT_ASSERT_EQ(test, a->nlog, 4U);
	KUNIT_EXPECT_EQ(test, a->log[0], VT_SLOW_OFF | 1U << 16);
	KUNIT_EXPECT_EQ(test, a->log[1], 0x4U);
	KUNIT_EXPECT_EQ(test, a->log[2], VT_NOTIFY_OFF | 1U << 16);
	KUNIT_EXPECT_EQ(test, a->log[3], 0U | 1U << 16);
	/* blocking ones answered, posted ones not */
	KUNIT_ASSERT_EQ(test, vt_answers.n, 3U);
	KUNIT_EXPECT_EQ(test, vt_answers.cpu[0], 3ULL);
	KUNIT_EXPECT_EQ(test, vt_answers.cpu[1], 4ULL);
	KUNIT_EXPECT_EQ(test, vt_answers.value[1], 4ULL);
	KUNIT_EXPECT_EQ(test, vt_answers.cpu[2], 5ULL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&a->vdev.deferrals), 4LL);

	/* nothing held any more: fast again, and it saw the last write */
	KUNIT_EXPECT_TRUE(test, vt_dispatch(1, 0x1008, 3, false, 0, &v));
	KUNIT_EXPECT_EQ(test, v, 0x108ULL);
	vt_del(a);
	vt_del(b);
}

/* Posted accesses held behind a slow one are bounded; blocking ones not. */
static void vdev_defer_bound_test(struct kunit *test)
{
	struct vt_dev *a = vt_add(test, 1, 0x1000);
	unsigned int i;
	u64 v;

	KUNIT_EXPECT_FALSE(test, vt_dispatch(1, 0x1000 + VT_SLOW_OFF, 0, true,
					     0, &v));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&a->slow_in, HZ), 0UL);
	for (i = 0; i < HV_VDEV_DEFER_POSTED + 5; i++)
		vt_dispatch(1, 0x1000 + VT_NOTIFY_OFF, 0, true, i, &v);
	KUNIT_EXPECT_EQ(test, atomic64_read(&a->vdev.defer_dropped), 5LL);
	/* every cpu still has room for its blocking access */
	for (i = 1; i < HV_BRIDGE_MAX_CPUS; i++)
		KUNIT_EXPECT_FALSE(test, vt_dispatch(1, 0x1004, i, false, 0,
						     &v));
	complete(&a->slow_go);
	/* unregistration performs and answers everything held */
	vt_del(a);
	KUNIT_EXPECT_EQ(test, a->nlog, 1U + HV_VDEV_DEFER_POSTED +
			HV_BRIDGE_MAX_CPUS - 1);
	KUNIT_EXPECT_EQ(test, vt_answers.n, HV_BRIDGE_MAX_CPUS);
	KUNIT_EXPECT_EQ(test, a->vdev.defer_count, 0U);
}

/* Windows of one zone may not overlap; of two zones they may. */
static void vdev_register_test(struct kunit *test)
{
	struct vt_dev *a = vt_add(test, 1, 0x1000);
	struct vt_dev *b = vt_add(test, 2, 0x1100);
	struct vt_dev *c = vt_new(test, 1, 0x11ff);

	KUNIT_EXPECT_EQ(test, hvisor_vdev_register(&c->vdev), -EEXIST);
	c->vdev.base = U64_MAX - 0x100;
	KUNIT_EXPECT_EQ(test, hvisor_vdev_register(&c->vdev), -EINVAL);
	vt_del(a);
	vt_del(b);
}

static struct kunit_case vdev_cases[] = {
	KUNIT_CASE(vdev_fast_test),
	KUNIT_CASE(vdev_defer_order_test),
	KUNIT_CASE(vdev_defer_bound_test),
	KUNIT_CASE(vdev_register_test),
	{}
};

static struct kunit_suite vdev_suite = {
	.name = "hvisor_vdev",
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = vdev_cases,
};

kunit_test_suite(vdev_suite);

MODULE_LICENSE("GPL");
