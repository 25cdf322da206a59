// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which host physical ranges hvisor.ko hands to zones.  The union
 * test of hv_phys_covered(), then the real checks against iomem resources
 * this test inserts far above anything UML has (System RAM, a Reserved
 * range with a driver's busy range in it, a hole after it), and the zone
 * consistency of an attach against a fake zone table.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

#include "../../kernel/arch.h"
#include "../../kernel/phys_range.h"
#include "../../kernel/zone_internal.h"
#include "../../kernel/virtio/guest_mem.h"

#define PR_B		0x700000000000ULL	/* base of the fake ranges */
#define PR_MB		0x100000ULL
#define PR_LIMIT	0xffffffffffffULL	/* a 48-bit machine */

/* --- test doubles for zone_obj.c and the arch file ---------------------- */

/* zone 1 runs with [PR_B + 1 MiB, + 1 MiB); zone 3 with the next MiB */
static bool pr_zones_on;

int hvisor_zones_find_overlap(u64 start, u64 size, u32 *zone_id)
{
	u64 last = start + size - 1;

	if (!pr_zones_on)
		return 0;
	if (start <= PR_B + 2 * PR_MB - 1 && last >= PR_B + PR_MB) {
		*zone_id = 1;
		return -EBUSY;
	}
	if (start <= PR_B + 3 * PR_MB - 1 && last >= PR_B + 2 * PR_MB) {
		*zone_id = 3;
		return -EBUSY;
	}
	return 0;
}

int hvisor_zone_holds(u32 id, u64 start, u64 size)
{
	if (!pr_zones_on || id != 1)
		return -ENOENT;
	return start >= PR_B + PR_MB && start + size <= PR_B + 2 * PR_MB;
}

u64 hvisor_arch_phys_last(void)
{
	return PR_LIMIT;
}

/* --- hv_phys_covered() ---------------------------------------------------- */

static void pr_covered_union(struct kunit *test)
{
	const struct hv_phys_iv iv[] = {
		{ 300, 399 }, { 100, 199 }, { 150, 299 },	/* any order */
		{ 500, 599 },
	};
	u64 gap = 0;

	KUNIT_EXPECT_TRUE(test, hv_phys_covered(100, 399, iv, 4, &gap));
	KUNIT_EXPECT_TRUE(test, hv_phys_covered(120, 130, iv, 4, &gap));
	KUNIT_EXPECT_TRUE(test, hv_phys_covered(599, 599, iv, 4, &gap));
	/* the first byte no interval holds */
	KUNIT_EXPECT_FALSE(test, hv_phys_covered(100, 500, iv, 4, &gap));
	KUNIT_EXPECT_EQ(test, gap, 400ULL);
	KUNIT_EXPECT_FALSE(test, hv_phys_covered(99, 150, iv, 4, &gap));
	KUNIT_EXPECT_EQ(test, gap, 99ULL);
	KUNIT_EXPECT_FALSE(test, hv_phys_covered(550, 600, iv, 4, &gap));
	KUNIT_EXPECT_EQ(test, gap, 600ULL);
	KUNIT_EXPECT_FALSE(test, hv_phys_covered(0, 0, iv, 0, &gap));
	KUNIT_EXPECT_EQ(test, gap, 0ULL);
}

static void pr_covered_edges(struct kunit *test)
{
	const struct hv_phys_iv top[] = {
		{ U64_MAX - 9, U64_MAX }, { 0, U64_MAX - 10 },
	};
	const struct hv_phys_iv bad[] = { { 10, 5 } };	/* start > last */
	u64 gap = 0;

	/* the whole 64-bit space, without wrapping */
	KUNIT_EXPECT_TRUE(test, hv_phys_covered(0, U64_MAX, top, 2, &gap));
	KUNIT_EXPECT_FALSE(test, hv_phys_covered(0, U64_MAX, top, 1, &gap));
	KUNIT_EXPECT_EQ(test, gap, 0ULL);
	KUNIT_EXPECT_FALSE(test, hv_phys_covered(5, 10, bad, 1, &gap));
	KUNIT_EXPECT_EQ(test, gap, 5ULL);
}

/* --- the checks against fake iomem resources ------------------------------ */

struct pr_res {
	struct resource ram, reserved, claimed;
};

static int pr_res_init(struct kunit *test)
{
	struct pr_res *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	/* [B, B+1M) System RAM, [B+1M, B+4M) Reserved, then a hole */
	r->ram = (struct resource)DEFINE_RES_NAMED(PR_B, PR_MB, "System RAM",
						   IORESOURCE_SYSTEM_RAM |
						   IORESOURCE_BUSY);
	r->reserved = (struct resource)DEFINE_RES_NAMED(PR_B + PR_MB,
							3 * PR_MB, "Reserved",
							IORESOURCE_MEM);
	r->reserved.desc = IORES_DESC_RESERVED;
	/* a driver's registers in the Reserved range: [B+3M, B+3M+4K) */
	r->claimed = (struct resource)DEFINE_RES_NAMED(PR_B + 3 * PR_MB, 0x1000,
						       "pr-driver",
						       IORESOURCE_MEM |
						       IORESOURCE_BUSY);
	KUNIT_ASSERT_EQ(test, insert_resource(&iomem_resource, &r->ram), 0);
	KUNIT_ASSERT_EQ(test, insert_resource(&iomem_resource, &r->reserved), 0);
	KUNIT_ASSERT_EQ(test, request_resource(&r->reserved, &r->claimed), 0);
	test->priv = r;
	pr_zones_on = false;
	return 0;
}

static void pr_res_exit(struct kunit *test)
{
	struct pr_res *r = test->priv;

	if (!r)
		return;
	release_resource(&r->claimed);
	release_resource(&r->reserved);
	release_resource(&r->ram);
}

static int pr_map(u64 start, u64 size)
{
	return hv_phys_check(start, size, HV_PHYS_MAP, "kunit");
}

static void pr_verdicts(struct kunit *test)
{
	/* set aside and nobody's: the only accepted mappings */
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + PR_MB, 2 * PR_MB), 0);
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + 3 * PR_MB + 0x1000, 0x1000), 0);
	/* zone 0's RAM, alone or mixed with the Reserved range */
	KUNIT_EXPECT_EQ(test, pr_map(PR_B, PR_MB), -EBUSY);
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + PR_MB - 0x1000, 0x2000), -EBUSY);
	/* the driver's range, or a region over it */
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + 3 * PR_MB, 0x1000), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + PR_MB, 3 * PR_MB), -EADDRINUSE);
	/* running past the Reserved range into the hole, or in it */
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + 3 * PR_MB + 0x1000, PR_MB), -ENXIO);
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + 8 * PR_MB, PR_MB), -ENXIO);
	/* beyond the machine, empty, wrapping */
	KUNIT_EXPECT_EQ(test, pr_map(PR_LIMIT + 1, 0x1000), -ERANGE);
	KUNIT_EXPECT_EQ(test, pr_map(PR_LIMIT - 0xfff, 0x2000), -ERANGE);
	KUNIT_EXPECT_EQ(test, pr_map(PR_B + PR_MB, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pr_map(U64_MAX - 0xfff, 0x2000), -EINVAL);
}

static void pr_handover(struct kunit *test)
{
	/* io regions: a hole is fine (a device nobody in zone 0 uses) ... */
	KUNIT_EXPECT_EQ(test, hv_phys_check(PR_B + 8 * PR_MB, 0x1000,
					    HV_PHYS_HANDOVER, "kunit"), 0);
	/* ... zone 0's RAM and a zone 0 driver's registers are not */
	KUNIT_EXPECT_EQ(test, hv_phys_check(PR_B, 0x1000, HV_PHYS_HANDOVER,
					    "kunit"), -EBUSY);
	KUNIT_EXPECT_EQ(test, hv_phys_check(PR_B + 3 * PR_MB, 0x1000,
					    HV_PHYS_HANDOVER, "kunit"),
			-EADDRINUSE);
}

static void pr_gmem_zones(struct kunit *test)
{
	struct hv_gmem_region r[2] = {
		{ .zone0_ipa = PR_B + PR_MB, .size = PR_MB },
		{ .zone0_ipa = PR_B + 2 * PR_MB, .size = 0x1000 },
	};

	/* zones unknown: only the ranges themselves are checked */
	KUNIT_EXPECT_EQ(test, hv_phys_check_gmem(1, r, 2), 0);
	pr_zones_on = true;
	/* zone 1's own memory */
	KUNIT_EXPECT_EQ(test, hv_phys_check_gmem(1, r, 1), 0);
	/* region 1 is zone 3's memory */
	KUNIT_EXPECT_EQ(test, hv_phys_check_gmem(1, r, 2), -EACCES);
	/* zone 1's memory for zone 2, whose memory is unknown */
	KUNIT_EXPECT_EQ(test, hv_phys_check_gmem(2, r, 1), -EACCES);
	/* set aside, but not inside what zone 1 was started with */
	r[0].zone0_ipa = PR_B + 3 * PR_MB + 0x1000;
	r[0].size = 0x1000;
	KUNIT_EXPECT_EQ(test, hv_phys_check_gmem(2, r, 1), 0);
	KUNIT_EXPECT_EQ(test, hv_phys_check_gmem(1, r, 1), -EACCES);
	/* the range checks come first: zone 0's RAM is -EBUSY for anyone */
	r[0].zone0_ipa = PR_B;
	KUNIT_EXPECT_EQ(test, hv_phys_check_gmem(1, r, 1), -EBUSY);
}

static struct kunit_case phys_range_cases[] = {
	KUNIT_CASE(pr_covered_union),
	KUNIT_CASE(pr_covered_edges),
	KUNIT_CASE(pr_verdicts),
	KUNIT_CASE(pr_handover),
	KUNIT_CASE(pr_gmem_zones),
	{}
};

static struct kunit_suite phys_range_suite = {
	.name = "hvisor_phys_range",
	.init = pr_res_init,
	.exit = pr_res_exit,
	.test_cases = phys_range_cases,
};

kunit_test_suite(phys_range_suite);
