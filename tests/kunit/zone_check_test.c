// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the zone-config validator (common/zone_check.c), which
 * hvisor.ko runs on every config the tool hands it: a config that passes
 * goes to the hypervisor as is, and hvisor panics on bad regions.
 */
#include "../../common/zone_check.h"

#include <kunit/test.h>
#include <linux/module.h>

/* Zone RAM as in the sim configs: host 0x30000000, guest 0x40000000. */
#define RAM_PHYS	0x30000000ULL
#define RAM_GUEST	0x40000000ULL
#define RAM_SIZE	0x01000000ULL	/* 16 MiB */
#define V6		HVISOR_CONFIG_MAGIC_V6
#define V5		HVISOR_CONFIG_MAGIC_V5

static const u32 all_arches[] = {
	HVISOR_ARCH_ARM64, HVISOR_ARCH_RISCV64,
	HVISOR_ARCH_LOONGARCH64, HVISOR_ARCH_X86_64,
};

/* A valid minimal config for @arch: zone 1, cpu 1, one RAM region. */
static void *mk_cfg(struct kunit *test, u32 arch)
{
	size_t size = hv_zone_config_size(arch, V6);
	struct hvisor_zone_head *h;

	KUNIT_ASSERT_NE(test, size, (size_t)0);
	h = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	h->zone_id = 1;
	h->cpus = 1ULL << 1;
	h->num_memory_regions = 1;
	h->memory_regions[0] = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_RAM,
		.physical_start = RAM_PHYS,
		.virtual_start = RAM_GUEST,
		.size = RAM_SIZE,
	};
	h->entry_point = RAM_GUEST;
	strscpy(h->name, "linux1", sizeof(h->name));
	return h;
}

static struct hvisor_memory_region *region(void *cfg, unsigned int i)
{
	return &hv_zone_head(cfg)->memory_regions[i];
}

/* Check @cfg of @arch with @n images; returns the errno, fills @e. */
static int check(void *cfg, u32 arch, const struct hv_zone_image *imgs,
		 unsigned int n, struct hv_check_error *e)
{
	return hv_zone_check(cfg, hv_zone_config_size(arch, V6), arch, V6, imgs, n,
			     e);
}

#define EXPECT_OK(test, cfg, arch, imgs, n) do {			\
	struct hv_check_error __e;					\
	int __r = check(cfg, arch, imgs, n, &__e);			\
	KUNIT_EXPECT_EQ_MSG(test, __r, 0, "%s: %s", __e.field, __e.msg); \
} while (0)

/* The check returns the error it reports, names the field, says why. */
static void expect_bad(struct kunit *test, void *cfg, u32 arch,
		       const struct hv_zone_image *imgs, unsigned int n,
		       int err, const char *field)
{
	struct hv_check_error e;
	int r = check(cfg, arch, imgs, n, &e);

	KUNIT_EXPECT_EQ(test, r, err);
	KUNIT_EXPECT_EQ(test, e.err, err);
	KUNIT_EXPECT_STREQ(test, e.field, field);
	KUNIT_EXPECT_NE(test, (int)strlen(e.msg), 0);
}

#define EXPECT_BAD(test, cfg, arch, imgs, n, err, field) \
	expect_bad(test, cfg, arch, imgs, n, err, field)

static void zc_valid_minimal_each_arch(struct kunit *test)
{
	static const size_t sizes[] = { 3296, 3208, 3184, 3264 };
	struct hv_check_error e;
	unsigned int i;
	void *cfg;

	for (i = 0; i < ARRAY_SIZE(all_arches); i++) {
		KUNIT_EXPECT_EQ(test, hv_zone_config_size(all_arches[i], V6), sizes[i]);
		cfg = mk_cfg(test, all_arches[i]);
		memset(&e, 0xa5, sizeof(e));
		KUNIT_EXPECT_EQ_MSG(test, check(cfg, all_arches[i], NULL, 0, &e), 0,
				    "%s", hv_arch_name(all_arches[i]));
		/* a success leaves no stale message behind */
		KUNIT_EXPECT_EQ(test, e.err, 0);
		KUNIT_EXPECT_STREQ(test, e.field, "");
	}
}

static void zc_bad_size(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_check_error e;
	size_t size = hv_zone_config_size(HVISOR_ARCH_ARM64, V6);

	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, size - 1, HVISOR_ARCH_ARM64,
					    V6, NULL, 0, &e), -EINVAL);
	KUNIT_EXPECT_STREQ(test, e.field, "zone_config");
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, size + 1, HVISOR_ARCH_ARM64,
					    V6, NULL, 0, &e), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, 0, HVISOR_ARCH_ARM64, V6, NULL, 0, &e), -EINVAL);
	/* an x86_64-sized buffer is not an arm64 config */
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, hv_zone_config_size(HVISOR_ARCH_X86_64, V6),
					    HVISOR_ARCH_ARM64, V6, NULL, 0, &e), -EINVAL);
}

static void zc_unknown_arch(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_check_error e;

	KUNIT_EXPECT_EQ(test, hv_zone_config_size(HVISOR_ARCH_NONE, V6), (size_t)0);
	KUNIT_EXPECT_EQ(test, hv_zone_config_size(99, V6), (size_t)0);
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, 3296, HVISOR_ARCH_NONE, V6, NULL, 0, &e), -EINVAL);
	KUNIT_EXPECT_STREQ(test, e.field, "arch");
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, 3296, 99, V6, NULL, 0, &e), -EINVAL);
	KUNIT_EXPECT_STREQ(test, hv_arch_name(99), "unknown");
}

static void zc_zone_id(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);

	hv_zone_head(cfg)->zone_id = 0;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "zone_id");
	hv_zone_head(cfg)->zone_id = HVISOR_MAX_ZONES;		/* 32 */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "zone_id");
	hv_zone_head(cfg)->zone_id = 0xffffffff;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "zone_id");
	hv_zone_head(cfg)->zone_id = HVISOR_MAX_ZONES - 1;	/* 31 is fine */
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
}

static void zc_empty_cpus(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_X86_64);

	hv_zone_head(cfg)->cpus = 0;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_X86_64, NULL, 0, -EINVAL, "cpus");
	hv_zone_head(cfg)->cpus = 1ULL << 63;
	EXPECT_OK(test, cfg, HVISOR_ARCH_X86_64, NULL, 0);
}

static void zc_name(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hvisor_zone_head *h = hv_zone_head(cfg);

	memset(h->name, 'a', sizeof(h->name));		/* no NUL at all */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "name");
	h->name[sizeof(h->name) - 1] = '\0';		/* 31 chars: fine */
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
	memset(h->name, 0, sizeof(h->name));		/* empty */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "name");
}

static void zc_region_count(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hvisor_zone_head *h = hv_zone_head(cfg);
	unsigned int i;

	/* 64 disjoint 4 KiB regions: the maximum, accepted */
	for (i = 0; i < HVISOR_MAX_MEMORY_REGIONS; i++)
		*region(cfg, i) = (struct hvisor_memory_region) {
			.type = HVISOR_MEM_TYPE_RAM,
			.physical_start = RAM_PHYS + i * 0x2000ULL,
			.virtual_start = RAM_GUEST + i * 0x2000ULL,
			.size = 0x1000,
		};
	h->num_memory_regions = HVISOR_MAX_MEMORY_REGIONS;
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
	h->num_memory_regions = HVISOR_MAX_MEMORY_REGIONS + 1;	/* 65 */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -E2BIG, "memory_regions");
	h->num_memory_regions = 0xffffffff;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -E2BIG, "memory_regions");
	h->num_memory_regions = 0;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions");
}

static void zc_region_wraps(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);

	region(cfg, 0)->physical_start = 0xfffffffffffff000ULL;
	region(cfg, 0)->size = 0x2000;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EOVERFLOW,
		   "memory_regions[0].size");

	cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	region(cfg, 0)->virtual_start = 0xfffffffffffff000ULL;
	region(cfg, 0)->size = 0x2000;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EOVERFLOW,
		   "memory_regions[0].size");

	/* ending exactly at 2^64 - 4 KiB + 4 KiB would wrap to 0: also refused */
	cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	region(cfg, 0)->type = HVISOR_MEM_TYPE_IO;
	region(cfg, 0)->physical_start = 0xfffffffffffff000ULL;
	region(cfg, 0)->size = 0x1000;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EOVERFLOW,
		   "memory_regions[0].size");
}

static void zc_region_overlap_phys(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_check_error e;

	/* distinct guest ranges, host ranges share one page */
	*region(cfg, 1) = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_IO,
		.physical_start = RAM_PHYS + RAM_SIZE - 0x1000,
		.virtual_start = 0x09000000,
		.size = 0x2000,
	};
	hv_zone_head(cfg)->num_memory_regions = 2;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[1]");
	check(cfg, HVISOR_ARCH_ARM64, NULL, 0, &e);
	KUNIT_EXPECT_NOT_NULL(test, strstr(e.msg, "physical"));
}

static void zc_region_overlap_guest(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_check_error e;

	/* distinct host ranges, the same guest range */
	*region(cfg, 1) = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_RAM,
		.physical_start = RAM_PHYS + RAM_SIZE,
		.virtual_start = RAM_GUEST + 0x1000,
		.size = 0x1000,
	};
	hv_zone_head(cfg)->num_memory_regions = 2;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[1]");
	check(cfg, HVISOR_ARCH_ARM64, NULL, 0, &e);
	KUNIT_EXPECT_NOT_NULL(test, strstr(e.msg, "guest"));

	/* a virtio region is trapped at its physical_start: that is its guest range */
	cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	*region(cfg, 1) = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_VIRTIO,
		.physical_start = RAM_GUEST + 0x200,
		.virtual_start = 0xa000000,
		.size = 0x200,
	};
	hv_zone_head(cfg)->num_memory_regions = 2;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[1]");
}

static void zc_region_adjacent_ok(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);

	/* starts exactly where region 0 ends, on both sides: no overlap */
	*region(cfg, 1) = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_RAM,
		.physical_start = RAM_PHYS + RAM_SIZE,
		.virtual_start = RAM_GUEST + RAM_SIZE,
		.size = 0x1000,
	};
	/* and one ending exactly where region 0 starts */
	*region(cfg, 2) = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_IO,
		.physical_start = RAM_PHYS - 0x1000,
		.virtual_start = RAM_GUEST - 0x1000,
		.size = 0x1000,
	};
	hv_zone_head(cfg)->num_memory_regions = 3;
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);

	/* one byte more is an overlap */
	region(cfg, 2)->size = 0x2000;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[2]");
}

static void zc_region_unaligned(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);

	region(cfg, 0)->size = RAM_SIZE - 0x800;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[0].size");

	cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	region(cfg, 0)->physical_start = RAM_PHYS + 0x10;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL,
		   "memory_regions[0].physical_start");

	cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	region(cfg, 0)->virtual_start = RAM_GUEST + 0x800;
	hv_zone_head(cfg)->entry_point = RAM_GUEST + 0x800;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL,
		   "memory_regions[0].virtual_start");

	/* virtio regions are MMIO windows, not mappings: 0x200 is fine */
	cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	*region(cfg, 1) = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_VIRTIO,
		.physical_start = 0xa003e00,
		.virtual_start = 0xa003e00,
		.size = 0x200,
	};
	hv_zone_head(cfg)->num_memory_regions = 2;
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
}

static void zc_region_bad_type_or_empty(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);

	region(cfg, 0)->type = 3;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[0].type");
	region(cfg, 0)->type = 0xffffffff;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[0].type");

	cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	region(cfg, 0)->size = 0;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "memory_regions[0].size");
}

static void zc_entry_point(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hvisor_zone_head *h = hv_zone_head(cfg);

	h->entry_point = RAM_GUEST + RAM_SIZE - 1;	/* last byte: inside */
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
	h->entry_point = RAM_GUEST + RAM_SIZE;		/* one past the end */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "entry_point");
	h->entry_point = RAM_PHYS;			/* host address, not guest */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "entry_point");

	/* inside an IO region is not inside RAM */
	*region(cfg, 1) = (struct hvisor_memory_region) {
		.type = HVISOR_MEM_TYPE_IO,
		.physical_start = 0x09000000,
		.virtual_start = 0x09000000,
		.size = 0x1000,
	};
	h->num_memory_regions = 2;
	h->entry_point = 0x09000000;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "entry_point");
}

/* LoongArch entry points in a direct-mapped window: checked by their PA. */
static void zc_entry_point_loongarch_dmw(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_LOONGARCH64);
	struct hvisor_zone_head *h = hv_zone_head(cfg);
	u32 a;

	h->entry_point = 0x9000000000000000ULL | (RAM_GUEST + 0x200000);
	EXPECT_OK(test, cfg, HVISOR_ARCH_LOONGARCH64, NULL, 0);
	h->entry_point = 0x8000000000000000ULL | (RAM_GUEST + RAM_SIZE - 1);
	EXPECT_OK(test, cfg, HVISOR_ARCH_LOONGARCH64, NULL, 0);
	/* the physical part still has to be inside the zone's RAM */
	h->entry_point = 0x9000000000000000ULL | (RAM_GUEST + RAM_SIZE);
	EXPECT_BAD(test, cfg, HVISOR_ARCH_LOONGARCH64, NULL, 0, -EINVAL,
		   "entry_point");
	h->entry_point = 0x9000000000000000ULL | RAM_PHYS;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_LOONGARCH64, NULL, 0, -EINVAL,
		   "entry_point");
	/* not a window: bits 59..48 set, or another segment */
	h->entry_point = 0x9001000000000000ULL | RAM_GUEST;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_LOONGARCH64, NULL, 0, -EINVAL,
		   "entry_point");
	h->entry_point = 0xa000000000000000ULL | RAM_GUEST;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_LOONGARCH64, NULL, 0, -EINVAL,
		   "entry_point");

	/* the windows are LoongArch's: elsewhere it is just outside RAM */
	for (a = 0; a < ARRAY_SIZE(all_arches); a++) {
		if (all_arches[a] == HVISOR_ARCH_LOONGARCH64)
			continue;
		cfg = mk_cfg(test, all_arches[a]);
		hv_zone_head(cfg)->entry_point = 0x9000000000000000ULL | RAM_GUEST;
		EXPECT_BAD(test, cfg, all_arches[a], NULL, 0, -EINVAL,
			   "entry_point");
	}
}

static void zc_image_outside_ram(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_zone_image img = {
		.load_paddr = RAM_PHYS + RAM_SIZE, .size = 0x1000,
		.kind = HVISOR_IMAGE_OTHER,
	};

	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EINVAL, "images[0]");
	/* straddling the end of the region */
	img.load_paddr = RAM_PHYS + RAM_SIZE - 0x800;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EINVAL, "images[0]");
	/* a guest address is not where the image is loaded */
	img.load_paddr = RAM_GUEST;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EINVAL, "images[0]");
	/* wrapping past 2^64 */
	img.load_paddr = 0xfffffffffffff000ULL;
	img.size = 0x2000;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EOVERFLOW, "images[0]");
	/* empty */
	img.load_paddr = RAM_PHYS;
	img.size = 0;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EINVAL, "images[0]");
}

static void zc_image_at_region_end(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_zone_image img = {
		.load_paddr = RAM_PHYS + RAM_SIZE - 0x1000, .size = 0x1000,
		.kind = HVISOR_IMAGE_OTHER,
	};

	/* ends exactly at the region's end: inside */
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, &img, 1);
	/* one byte longer: outside */
	img.size = 0x1001;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EINVAL, "images[0]");
	/* the whole region */
	img.load_paddr = RAM_PHYS;
	img.size = RAM_SIZE;
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, &img, 1);
}

static void zc_images_overlap(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hvisor_zone_head *h = hv_zone_head(cfg);
	struct hv_zone_image imgs[2] = {
		{ .load_paddr = RAM_PHYS, .size = 0x200000, .kind = HVISOR_IMAGE_KERNEL },
		{ .load_paddr = RAM_PHYS + 0x1ff000, .size = 0x1000, .kind = HVISOR_IMAGE_DTB },
	};

	h->kernel_load_paddr = imgs[0].load_paddr;
	h->kernel_size = imgs[0].size;
	h->dtb_load_paddr = imgs[1].load_paddr;
	h->dtb_size = imgs[1].size;
	/* where an image goes is its load address's fault */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, imgs, 2, -EINVAL, "dtb_load_paddr");

	/* back to back is fine */
	h->dtb_load_paddr = RAM_PHYS + 0x200000;
	imgs[1].load_paddr = h->dtb_load_paddr;
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, imgs, 2);

	/* two "other" images on top of each other */
	imgs[0].kind = HVISOR_IMAGE_OTHER;
	imgs[1].kind = HVISOR_IMAGE_OTHER;
	imgs[1].load_paddr = RAM_PHYS;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, imgs, 2, -EINVAL, "images[1]");
}

static void zc_image_kernel_addr_mismatch(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_zone_image img = {
		.load_paddr = RAM_PHYS + 0x80000, .size = 0x1000,
		.kind = HVISOR_IMAGE_KERNEL,
	};

	hv_zone_head(cfg)->kernel_load_paddr = RAM_PHYS;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EINVAL, "kernel_load_paddr");
	img.kind = 7;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, &img, 1, -EINVAL, "images[0]");
}

static void zc_arm64_gic_tag(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hvisor_arch_arm64 *a = hv_zone_arch(cfg);

	a->gic_version = HVISOR_GIC_V3;
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
	a->gic_version = 2;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "arch_config.gic_version");
	a->gic_version = HVISOR_GIC_V2;
	a->uefi_tag = 2;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "arch_config.memory_map_addr");
}

static void zc_x86_region_ids(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_X86_64);
	struct hvisor_arch_x86_64 *a = hv_zone_arch(cfg);

	a->acpi_memory_region_id = 1;	/* only region 0 exists */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_X86_64, NULL, 0, -EINVAL,
		   "arch_config.acpi_memory_region_id");
}

static void zc_padding_and_limits(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_RISCV64);
	struct hvisor_zone_pci *pci;

	hv_zone_head(cfg)->__pad0 = 1;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_RISCV64, NULL, 0, -EINVAL, "zone_config");

	cfg = mk_cfg(test, HVISOR_ARCH_RISCV64);
	hv_zone_head(cfg)->num_ivc_configs = HVISOR_MAX_IVC_CONFIGS + 1;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_RISCV64, NULL, 0, -E2BIG, "ivc_configs");

	cfg = mk_cfg(test, HVISOR_ARCH_RISCV64);
	pci = hv_zone_pci(cfg, hv_zone_layout(HVISOR_ARCH_RISCV64, V6));
	pci->num_pci_bus = HVISOR_PCI_BUS_MAXNUM + 1;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_RISCV64, NULL, 0, -E2BIG, "pci_config");
	pci->num_pci_bus = 0;
	pci->num_pci_devs = HVISOR_MAX_PCI_DEVS + 1;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_RISCV64, NULL, 0, -E2BIG, "alloc_pci_devs");
}

static void zc_pci_devs(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hvisor_zone_pci *pci = hv_zone_pci(cfg, hv_zone_layout(HVISOR_ARCH_ARM64, V6));

	pci->num_pci_devs = 2;
	pci->alloc_pci_devs[1].dev_type = 1;		/* virtual: fine */
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
	pci->alloc_pci_devs[1].dev_type = 2;		/* a Rust enum in hvisor */
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL,
		   "alloc_pci_devs[1].dev_type");
	pci->alloc_pci_devs[1].dev_type = 0;
	pci->alloc_pci_devs[0].__pad = 1;
	EXPECT_BAD(test, cfg, HVISOR_ARCH_ARM64, NULL, 0, -EINVAL, "alloc_pci_devs[0]");
	/* entries past num_pci_devs are not looked at */
	pci->alloc_pci_devs[0].__pad = 0;
	pci->alloc_pci_devs[2].dev_type = 9;
	EXPECT_OK(test, cfg, HVISOR_ARCH_ARM64, NULL, 0);
}

/* Magic 0x05 (hvisor v0.4): the same head, its own sizes and PCI tail. */
static int check5(void *cfg, u32 arch, struct hv_check_error *e)
{
	return hv_zone_check(cfg, hv_zone_config_size(arch, V5), arch, V5,
			     NULL, 0, e);
}

static void zc_v5_valid_each_arch(struct kunit *test)
{
	static const size_t sizes[] = { 3136, 3080, 3056, 3136 };
	struct hv_check_error e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(all_arches); i++) {
		KUNIT_EXPECT_EQ(test, hv_zone_config_size(all_arches[i], V5), sizes[i]);
		KUNIT_EXPECT_EQ_MSG(test, check5(mk_cfg(test, all_arches[i]),
						 all_arches[i], &e), 0,
				    "%s: %s: %s", hv_arch_name(all_arches[i]),
				    e.field, e.msg);
	}
}

static void zc_magic_unknown_or_wrong_size(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hv_check_error e;

	KUNIT_EXPECT_EQ(test, hv_zone_config_size(HVISOR_ARCH_ARM64, 7), (size_t)0);
	KUNIT_EXPECT_EQ(test, hv_zone_config_size(HVISOR_ARCH_ARM64, 0), (size_t)0);
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, 3296, HVISOR_ARCH_ARM64, 7,
					    NULL, 0, &e), -EPROTONOSUPPORT);
	KUNIT_EXPECT_STREQ(test, e.field, "config_magic");
	/* a 0x06 config is not a 0x05 one, and the other way round */
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, 3296, HVISOR_ARCH_ARM64, V5,
					    NULL, 0, &e), -EINVAL);
	KUNIT_EXPECT_STREQ(test, e.field, "zone_config");
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, 3136, HVISOR_ARCH_ARM64, V6,
					    NULL, 0, &e), -EINVAL);
	/* riscv64: 0x05 and 0x06 differ only in the PCI devices */
	KUNIT_EXPECT_EQ(test, hv_zone_check(cfg, 3208, HVISOR_ARCH_RISCV64, V5,
					    NULL, 0, &e), -EINVAL);
}

static void zc_v5_pci_devs(struct kunit *test)
{
	const struct hv_zone_layout *l = hv_zone_layout(HVISOR_ARCH_X86_64, V5);
	void *cfg = mk_cfg(test, HVISOR_ARCH_X86_64);
	struct hvisor_zone_pci_v5 *pci = (void *)((u8 *)cfg + 2448);
	struct hvisor_pci_dev_config d;
	struct hv_check_error e;

	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_EXPECT_EQ(test, l->pci_offset, (size_t)2448);
	KUNIT_EXPECT_EQ(test, l->dev_size, (size_t)8);
	pci->num_pci_devs = 2;
	pci->alloc_pci_devs[1] = (struct hvisor_pci_dev_config_v5) {
		.domain = 1, .bus = 2, .device = 3, .function = 4, .dev_type = 1,
	};
	KUNIT_EXPECT_EQ(test, check5(cfg, HVISOR_ARCH_X86_64, &e), 0);
	/* read back in the 0x06 form, at 2880 + 8, not 2880 + 12 */
	hv_zone_pci_dev(cfg, l, 1, &d);
	KUNIT_EXPECT_EQ(test, d.bus, 2);
	KUNIT_EXPECT_EQ(test, d.v_device, 3);
	KUNIT_EXPECT_EQ(test, d.function, 4);
	KUNIT_EXPECT_EQ(test, d.dev_type, 1U);
	/* dev_type at +4 of the 8-byte entry is what 0x05 checks */
	pci->alloc_pci_devs[1].dev_type = 2;
	KUNIT_EXPECT_EQ(test, check5(cfg, HVISOR_ARCH_X86_64, &e), -EINVAL);
	KUNIT_EXPECT_STREQ(test, e.field, "alloc_pci_devs[1].dev_type");
	pci->alloc_pci_devs[1].dev_type = 0;
	pci->num_pci_devs = HVISOR_MAX_PCI_DEVS + 1;
	KUNIT_EXPECT_EQ(test, check5(cfg, HVISOR_ARCH_X86_64, &e), -E2BIG);
	KUNIT_EXPECT_STREQ(test, e.field, "alloc_pci_devs");
}

static void zc_v5_arm64_has_no_uefi(struct kunit *test)
{
	void *cfg = mk_cfg(test, HVISOR_ARCH_ARM64);
	struct hvisor_arch_arm64_v5 *a = hv_zone_arch(cfg);
	struct hvisor_zone_pci_v5 *pci = (void *)((u8 *)cfg + 2448);
	struct hv_check_error e;

	/* 2448 is num_pci_bus in 0x05, where 0x06 has its UEFI tag */
	a->gic_version = HVISOR_GIC_V3;
	pci->num_pci_bus = 2;
	KUNIT_EXPECT_EQ(test, check5(cfg, HVISOR_ARCH_ARM64, &e), 0);
	pci->num_pci_bus = HVISOR_PCI_BUS_MAXNUM + 1;
	KUNIT_EXPECT_EQ(test, check5(cfg, HVISOR_ARCH_ARM64, &e), -E2BIG);
	KUNIT_EXPECT_STREQ(test, e.field, "pci_config");
	pci->num_pci_bus = 0;
	a->gic_version = 2;
	KUNIT_EXPECT_EQ(test, check5(cfg, HVISOR_ARCH_ARM64, &e), -EINVAL);
	KUNIT_EXPECT_STREQ(test, e.field, "arch_config.gic_version");
}

static struct kunit_case zone_check_cases[] = {
	KUNIT_CASE(zc_v5_valid_each_arch),
	KUNIT_CASE(zc_magic_unknown_or_wrong_size),
	KUNIT_CASE(zc_v5_pci_devs),
	KUNIT_CASE(zc_v5_arm64_has_no_uefi),
	KUNIT_CASE(zc_valid_minimal_each_arch),
	KUNIT_CASE(zc_bad_size),
	KUNIT_CASE(zc_unknown_arch),
	KUNIT_CASE(zc_zone_id),
	KUNIT_CASE(zc_empty_cpus),
	KUNIT_CASE(zc_name),
	KUNIT_CASE(zc_region_count),
	KUNIT_CASE(zc_region_wraps),
	KUNIT_CASE(zc_region_overlap_phys),
	KUNIT_CASE(zc_region_overlap_guest),
	KUNIT_CASE(zc_region_adjacent_ok),
	KUNIT_CASE(zc_region_unaligned),
	KUNIT_CASE(zc_region_bad_type_or_empty),
	KUNIT_CASE(zc_entry_point),
	KUNIT_CASE(zc_entry_point_loongarch_dmw),
	KUNIT_CASE(zc_image_outside_ram),
	KUNIT_CASE(zc_image_at_region_end),
	KUNIT_CASE(zc_images_overlap),
	KUNIT_CASE(zc_image_kernel_addr_mismatch),
	KUNIT_CASE(zc_arm64_gic_tag),
	KUNIT_CASE(zc_x86_region_ids),
	KUNIT_CASE(zc_padding_and_limits),
	KUNIT_CASE(zc_pci_devs),
	{}
};

static struct kunit_suite zone_check_suite = {
	.name = "hvisor_zone_check",
	.test_cases = zone_check_cases,
};

kunit_test_suites(&zone_check_suite);

MODULE_LICENSE("GPL");
