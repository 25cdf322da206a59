// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: guest memory region validation and translation bounds, and which
 * mappings count as the linear map (bvec I/O allowed).
 */
#include "../../kernel/virtio/guest_mem.h"

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "virtio_test_util.h"

static void gmem_translate_inside(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);

	KUNIT_EXPECT_PTR_EQ(test, hv_gmem_translate(&m->gm, HVT_RAM, 1),
			    (void *)m->ram);
	KUNIT_EXPECT_PTR_EQ(test, hv_gmem_translate(&m->gm, HVT_RAM + 100, 50),
			    (void *)(m->ram + 100));
	/* the whole region in one range */
	KUNIT_EXPECT_PTR_EQ(test,
			    hv_gmem_translate(&m->gm, HVT_RAM, HVT_RAM_SIZE),
			    (void *)m->ram);
}

static void gmem_last_byte_edge(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);
	u64 end = HVT_RAM + HVT_RAM_SIZE;

	/* last byte inside: OK; one byte past: refused */
	KUNIT_EXPECT_PTR_EQ(test, hv_gmem_translate(&m->gm, end - 1, 1),
			    (void *)(m->ram + HVT_RAM_SIZE - 1));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, end - 1, 2));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, end, 1));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, HVT_RAM,
						  HVT_RAM_SIZE + 1));
}

static void gmem_first_byte_edge(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);

	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, HVT_RAM - 1, 1));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, HVT_RAM - 1, 2));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, 0, 1));
}

static void gmem_len_zero(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);

	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, HVT_RAM, 0));
	KUNIT_EXPECT_NULL(test, hv_gmem_lookup(&m->gm, HVT_RAM, 0, NULL));
}

static void gmem_wrap_u64(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);

	/* addr + len wraps to a small value that would look "inside" */
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, HVT_RAM + 8,
						  U64_MAX - 4));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, U64_MAX, 2));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, U64_MAX - 0xfff,
						  0x2000));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(&m->gm, HVT_RAM, U64_MAX));
}

static void gmem_straddle_regions(struct kunit *test)
{
	struct hv_guest_mem *gm = kunit_kzalloc(test, sizeof(*gm), GFP_KERNEL);
	static u8 backing[2 * PAGE_SIZE];

	KUNIT_ASSERT_NOT_NULL(test, gm);
	/* two regions adjacent in guest space, not in the host */
	gm->nr = 2;
	gm->r[0] = (struct hv_gmem_region){ .zone0_ipa = 0x10000,
		.zonex_ipa = 0x1000000, .size = PAGE_SIZE, .hva = backing };
	gm->r[1] = (struct hv_gmem_region){ .zone0_ipa = 0x90000,
		.zonex_ipa = 0x1000000 + PAGE_SIZE, .size = PAGE_SIZE,
		.hva = backing + PAGE_SIZE };
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(gm->r, gm->nr, NULL), 0);
	KUNIT_EXPECT_NOT_NULL(test, hv_gmem_translate(gm, 0x1000000 +
						      PAGE_SIZE - 1, 1));
	KUNIT_EXPECT_NULL(test, hv_gmem_translate(gm, 0x1000000 +
						  PAGE_SIZE - 1, 2));
	KUNIT_EXPECT_PTR_EQ(test, hv_gmem_translate(gm, 0x1000000 + PAGE_SIZE,
						    PAGE_SIZE),
			    (void *)(backing + PAGE_SIZE));
}

static void gmem_lookup_offset(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);
	const struct hv_gmem_region *r;
	u64 off = 0;

	r = hv_gmem_lookup(&m->gm, HVT_HUGE + 0x12345, 0x100000000ULL, &off);
	KUNIT_ASSERT_PTR_EQ(test, r, &m->gm.r[1]);
	KUNIT_EXPECT_EQ(test, off, 0x12345ULL);
}

static void gmem_validate_good(struct kunit *test)
{
	struct hvt_mem *m = hvt_mem_new(test);

	KUNIT_EXPECT_EQ(test, hv_gmem_validate(m->gm.r, m->gm.nr, NULL), 0);
}

static void gmem_validate_bad(struct kunit *test)
{
	struct hv_gmem_region r[2] = {
		{ .zone0_ipa = 0x100000, .zonex_ipa = 0, .size = 0x10000 },
		{ .zone0_ipa = 0x200000, .zonex_ipa = 0x10000, .size = 0x10000 },
	};
	u32 bad = 99;

	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, &bad), 0);
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, HV_GMEM_MAX_REGIONS + 1,
					       NULL), -E2BIG);

	/* overlap by one page */
	r[1].zonex_ipa = 0x10000 - PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, &bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, bad, 1U);
	/* second region containing the first */
	r[1].zonex_ipa = 0;
	r[1].size = 0x100000;
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, NULL), -EINVAL);
	r[1].zonex_ipa = 0x10000;
	r[1].size = 0x10000;

	r[0].size = 0;
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, &bad), -EINVAL);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	r[0].size = 0x10000 + 1;		/* not page aligned */
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, NULL), -EINVAL);
	r[0].size = 0x10000;
	r[0].zonex_ipa = 1;			/* not page aligned */
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, NULL), -EINVAL);
	r[0].zonex_ipa = 0;
	r[0].zone0_ipa = 0x100001;
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, NULL), -EINVAL);
	r[0].zone0_ipa = 0x100000;
	/* guest range wraps the 64-bit space */
	r[1].zonex_ipa = 0ULL - PAGE_SIZE;
	r[1].size = 2 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, NULL), -EINVAL);
	/* a region ending exactly at the top of the space is fine */
	r[1].size = PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, NULL), 0);
	KUNIT_EXPECT_NOT_NULL(test, hv_gmem_lookup(&(struct hv_guest_mem){
		.nr = 2, .r = { r[0], r[1] } }, U64_MAX, 1, NULL));
	/* host range wraps */
	r[1].zone0_ipa = 0ULL - PAGE_SIZE;
	r[1].size = 2 * PAGE_SIZE;
	r[1].zonex_ipa = 0x10000;
	KUNIT_EXPECT_EQ(test, hv_gmem_validate(r, 2, NULL), -EINVAL);
}

/* RAM in the linear map, seen through its linear address: bvec-safe. */
static void gmem_linear_ram(struct kunit *test)
{
	struct page *p = alloc_pages(GFP_KERNEL, 2);
	u64 phys;

	KUNIT_ASSERT_NOT_NULL(test, p);
	phys = page_to_phys(p);
	KUNIT_EXPECT_TRUE(test, hv_gmem_is_linear(phys, 4 * PAGE_SIZE,
						  page_address(p)));
	/* a part of it, at its own linear address */
	KUNIT_EXPECT_TRUE(test, hv_gmem_is_linear(phys + PAGE_SIZE, PAGE_SIZE,
						  page_address(p + 1)));
	/* a linear address, but of other pages than the range's */
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(phys, PAGE_SIZE,
						   page_address(p + 1)));
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(phys + PAGE_SIZE,
						   2 * PAGE_SIZE,
						   page_address(p)));
	__free_pages(p, 2);
}

/*
 * The same pages through a second mapping, as memremap() gives for zone
 * RAM a device tree marks no-map: struct pages exist (pfn_valid()), but
 * page_address() is not where the data is mapped.  Not bvec-safe.
 */
static void gmem_other_mapping(struct kunit *test)
{
	struct page *pages[2];
	void *v;

	pages[0] = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, pages[0]);
	pages[1] = pages[0] + 1;
	v = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	if (!v)
		__free_pages(pages[0], 1);
	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_TRUE(test, pfn_valid(page_to_pfn(pages[0])));
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(page_to_phys(pages[0]),
						   2 * PAGE_SIZE, v));
	vunmap(v);
	__free_pages(pages[0], 1);
}

/* No struct pages (RAM Linux was never given), or nonsense: never linear. */
static void gmem_not_linear(struct kunit *test)
{
	struct page *p = alloc_page(GFP_KERNEL);
	u64 phys, beyond = 1ULL << 40;

	KUNIT_ASSERT_NOT_NULL(test, p);
	phys = page_to_phys(p);
	KUNIT_ASSERT_FALSE(test, pfn_valid(PHYS_PFN(beyond)));
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(beyond, PAGE_SIZE,
						   page_address(p)));
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(phys, PAGE_SIZE, NULL));
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(phys, 0, page_address(p)));
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(phys + 1, PAGE_SIZE,
						   page_address(p)));
	KUNIT_EXPECT_FALSE(test, hv_gmem_is_linear(0ULL - PAGE_SIZE,
						   2 * PAGE_SIZE,
						   page_address(p)));
	__free_page(p);
}

/* Zone 1 of examples/sim (arm64): RAM host 0x70000000, guest 0x50000000. */
static const struct hv_zone_mem zm_ram[] = {
	{ .host = 0x70000000, .guest = 0x50000000, .size = 0x10000000 },
	{ .host = 0x90000000, .guest = 0x90000000, .size = 0x1000 },
};

static void gmem_fits_inside(struct kunit *test)
{
	struct hv_gmem_region r[] = {
		{ .zone0_ipa = 0x70000000, .zonex_ipa = 0x50000000,
		  .size = 0x10000000 },
		{ .zone0_ipa = 0x90000000, .zonex_ipa = 0x90000000,
		  .size = 0x1000 },
	};
	u32 bad = 99;

	KUNIT_EXPECT_TRUE(test, hv_gmem_fits(r, 2, zm_ram, 2, &bad));
	KUNIT_EXPECT_EQ(test, bad, 99U);
	/* a part of one range, at the same offset */
	r[0].zone0_ipa += 0x1000;
	r[0].zonex_ipa += 0x1000;
	r[0].size -= 0x2000;
	KUNIT_EXPECT_TRUE(test, hv_gmem_fits(r, 1, zm_ram, 2, &bad));
}

static void gmem_fits_refused(struct kunit *test)
{
	struct hv_gmem_region r = {
		.zone0_ipa = 0x70000000, .zonex_ipa = 0x50000000,
		.size = 0x10000000,
	};
	struct hv_zone_mem small = {
		.host = 0x70000000, .guest = 0x50000000, .size = 0x1000000,
	};
	u32 bad = 99;

	/* one byte, one page past the end */
	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(&r, 1, &small, 1, &bad));
	KUNIT_EXPECT_EQ(test, bad, 0U);
	small.size = 0x10000000 - 0x1000;
	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(&r, 1, &small, 1, &bad));
	/* inside on the host side, but the guest sees it elsewhere */
	small.size = 0x10000000;
	small.guest = 0x60000000;
	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(&r, 1, &small, 1, &bad));
	/* a range elsewhere */
	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(&r, 1, zm_ram + 1, 1, &bad));
	/* no ranges at all */
	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(&r, 1, zm_ram, 0, &bad));
}

static void gmem_fits_second_bad(struct kunit *test)
{
	struct hv_gmem_region r[] = {
		{ .zone0_ipa = 0x70000000, .zonex_ipa = 0x50000000,
		  .size = 0x1000 },
		{ .zone0_ipa = 0xa0000000, .zonex_ipa = 0xa0000000,
		  .size = 0x1000 },
	};
	u32 bad = 99;

	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(r, 2, zm_ram, 2, &bad));
	KUNIT_EXPECT_EQ(test, bad, 1U);
}

static void gmem_fits_wrapping_range(struct kunit *test)
{
	struct hv_gmem_region r = {
		.zone0_ipa = 0xfffffffffffff000ULL, .zonex_ipa = 0,
		.size = 0x1000,
	};
	struct hv_zone_mem wrap = {
		.host = 0xffffffffffff0000ULL, .guest = 0, .size = 0x20000,
	};
	u32 bad;

	/* a wrapping zone range contains nothing */
	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(&r, 1, &wrap, 1, &bad));
	wrap.size = 0;
	KUNIT_EXPECT_FALSE(test, hv_gmem_fits(&r, 1, &wrap, 1, &bad));
}

static void gmem_overlaps_edges(struct kunit *test)
{
	struct hv_gmem_region r = {
		.zone0_ipa = 0x70000000, .zonex_ipa = 0x50000000,
		.size = 0x1000,
	};
	struct hv_zone_mem zm[] = {
		{ .host = 0x60000000, .size = 0x10000000 },	/* ends at r */
		{ .host = 0x70001000, .size = 0x1000 },		/* starts after */
	};
	u32 br = 99, bz = 99;

	KUNIT_EXPECT_FALSE(test, hv_gmem_overlaps(&r, 1, zm, 2, &br, &bz));
	KUNIT_EXPECT_EQ(test, br, 99U);
	/* one byte more on either side overlaps */
	zm[0].size++;
	KUNIT_EXPECT_TRUE(test, hv_gmem_overlaps(&r, 1, zm, 2, &br, &bz));
	KUNIT_EXPECT_EQ(test, br, 0U);
	KUNIT_EXPECT_EQ(test, bz, 0U);
	zm[0].size--;
	zm[1].host--;
	KUNIT_EXPECT_TRUE(test, hv_gmem_overlaps(&r, 1, zm, 2, &br, &bz));
	KUNIT_EXPECT_EQ(test, bz, 1U);
	/* one containing the other, either way */
	zm[1].host = 0x70000800;
	zm[1].size = 0x10;
	KUNIT_EXPECT_TRUE(test, hv_gmem_overlaps(&r, 1, zm + 1, 1, &br, &bz));
	zm[1].host = 0;
	zm[1].size = 0xffffffffffffffffULL;
	KUNIT_EXPECT_TRUE(test, hv_gmem_overlaps(&r, 1, zm + 1, 1, &br, &bz));
	/* an empty range overlaps nothing */
	zm[1].host = 0x70000000;
	zm[1].size = 0;
	KUNIT_EXPECT_FALSE(test, hv_gmem_overlaps(&r, 1, zm + 1, 1, &br, &bz));
}

static void gmem_window_in_virtio(struct kunit *test)
{
	struct hv_zone_mem v[] = {
		{ .guest = 0xb000000, .size = 0x200 },
		{ .guest = 0xb000200, .size = 0x200 },
	};

	KUNIT_EXPECT_TRUE(test, hv_gmem_window_in(0xb000000, 0x200, v, 2));
	KUNIT_EXPECT_TRUE(test, hv_gmem_window_in(0xb000200, 0x200, v, 2));
	/* across two regions, past the last, empty, wrapping */
	KUNIT_EXPECT_FALSE(test, hv_gmem_window_in(0xb000100, 0x200, v, 2));
	KUNIT_EXPECT_FALSE(test, hv_gmem_window_in(0xb000201, 0x200, v, 2));
	KUNIT_EXPECT_FALSE(test, hv_gmem_window_in(0xb000000, 0, v, 2));
	KUNIT_EXPECT_FALSE(test, hv_gmem_window_in(~0ULL, 0x200, v, 2));
	KUNIT_EXPECT_FALSE(test, hv_gmem_window_in(0xb000000, 0x200, v, 0));
}

static struct kunit_case hv_gmem_cases[] = {
	KUNIT_CASE(gmem_translate_inside),
	KUNIT_CASE(gmem_last_byte_edge),
	KUNIT_CASE(gmem_first_byte_edge),
	KUNIT_CASE(gmem_len_zero),
	KUNIT_CASE(gmem_wrap_u64),
	KUNIT_CASE(gmem_straddle_regions),
	KUNIT_CASE(gmem_lookup_offset),
	KUNIT_CASE(gmem_validate_good),
	KUNIT_CASE(gmem_validate_bad),
	KUNIT_CASE(gmem_linear_ram),
	KUNIT_CASE(gmem_other_mapping),
	KUNIT_CASE(gmem_not_linear),
	KUNIT_CASE(gmem_fits_inside),
	KUNIT_CASE(gmem_fits_refused),
	KUNIT_CASE(gmem_fits_second_bad),
	KUNIT_CASE(gmem_fits_wrapping_range),
	KUNIT_CASE(gmem_overlaps_edges),
	KUNIT_CASE(gmem_window_in_virtio),
	{}
};

static struct kunit_suite hv_gmem_suite = {
	.name = "hvisor_guest_mem",
	.test_cases = hv_gmem_cases,
};

kunit_test_suite(hv_gmem_suite);

MODULE_LICENSE("GPL");
