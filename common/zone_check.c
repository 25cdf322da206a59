// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of a zone_config before it reaches the hypervisor.
 *
 * hvisor itself checks almost nothing (an unaligned or overlapping region, or
 * more than 64 of them, panics it), so zone 0 checks everything here, once,
 * for both the tool and hvisor.ko.  The first problem found is reported with
 * the JSON-style path of the field and what is wrong with it.
 */
#include "zone_check.h"

#define HV_PAGE_SIZE	0x1000ULL

static const char *const hv_arch_names[] = {
	[HVISOR_ARCH_ARM64]	  = "arm64",
	[HVISOR_ARCH_RISCV64]	  = "riscv64",
	[HVISOR_ARCH_LOONGARCH64] = "loongarch64",
	[HVISOR_ARCH_X86_64]	  = "x86_64",
};

/* @asz, @psz: sizeof() of the arch part and of the PCI tail */
#define HV_LAYOUT(a, m, asz, dsz, psz)					\
	{ .arch = (a), .magic = (m), .arch_size = (asz),		\
	  .pci_offset = HVISOR_ZONE_HEAD_SIZE + (asz), .dev_size = (dsz), \
	  .size = HVISOR_ZONE_HEAD_SIZE + (asz) + (psz) }

/*
 * Every (arch, magic) layout: zone-config-abi.md sections 4 and 5 (hvisor
 * 6a3fb78 src/config.rs:22-222 for 0x05, hvisor-tool c724e91
 * include/zone_config.h for 0x06).
 */
static const struct hv_zone_layout hv_layouts[] = {
	HV_LAYOUT(HVISOR_ARCH_ARM64, HVISOR_CONFIG_MAGIC_V5,
		  sizeof(struct hvisor_arch_arm64_v5),
		  sizeof(struct hvisor_pci_dev_config_v5), HVISOR_ZONE_PCI_SIZE_V5),
	HV_LAYOUT(HVISOR_ARCH_RISCV64, HVISOR_CONFIG_MAGIC_V5,
		  sizeof(struct hvisor_arch_riscv64),
		  sizeof(struct hvisor_pci_dev_config_v5), HVISOR_ZONE_PCI_SIZE_V5),
	HV_LAYOUT(HVISOR_ARCH_LOONGARCH64, HVISOR_CONFIG_MAGIC_V5,
		  sizeof(struct hvisor_arch_loongarch64),
		  sizeof(struct hvisor_pci_dev_config_v5), HVISOR_ZONE_PCI_SIZE_V5),
	HV_LAYOUT(HVISOR_ARCH_X86_64, HVISOR_CONFIG_MAGIC_V5,
		  sizeof(struct hvisor_arch_x86_64),
		  sizeof(struct hvisor_pci_dev_config_v5), HVISOR_ZONE_PCI_SIZE_V5),
	HV_LAYOUT(HVISOR_ARCH_ARM64, HVISOR_CONFIG_MAGIC_V6,
		  sizeof(struct hvisor_arch_arm64),
		  sizeof(struct hvisor_pci_dev_config), HVISOR_ZONE_PCI_SIZE),
	HV_LAYOUT(HVISOR_ARCH_RISCV64, HVISOR_CONFIG_MAGIC_V6,
		  sizeof(struct hvisor_arch_riscv64),
		  sizeof(struct hvisor_pci_dev_config), HVISOR_ZONE_PCI_SIZE),
	HV_LAYOUT(HVISOR_ARCH_LOONGARCH64, HVISOR_CONFIG_MAGIC_V6,
		  sizeof(struct hvisor_arch_loongarch64),
		  sizeof(struct hvisor_pci_dev_config), HVISOR_ZONE_PCI_SIZE),
	HV_LAYOUT(HVISOR_ARCH_X86_64, HVISOR_CONFIG_MAGIC_V6,
		  sizeof(struct hvisor_arch_x86_64),
		  sizeof(struct hvisor_pci_dev_config), HVISOR_ZONE_PCI_SIZE),
};

/* The head: identical in both magics and on every arch (section 3). */
static_assert(sizeof(struct hvisor_zone_head) == HVISOR_ZONE_HEAD_SIZE,
	      "zone_config head layout");
static_assert(offsetof(struct hvisor_zone_head, cpus) == 8, "cpus offset");
static_assert(offsetof(struct hvisor_zone_head, num_memory_regions) == 16,
	      "region count offset");
static_assert(offsetof(struct hvisor_zone_head, memory_regions) == 24, "regions offset");
static_assert(offsetof(struct hvisor_zone_head, interrupts_bitmap) == 2072, "irq offset");
static_assert(offsetof(struct hvisor_zone_head, num_ivc_configs) == 2200, "ivc count offset");
static_assert(offsetof(struct hvisor_zone_head, ivc_configs) == 2208, "ivc offset");
static_assert(offsetof(struct hvisor_zone_head, entry_point) == 2288, "entry offset");
static_assert(offsetof(struct hvisor_zone_head, kernel_load_paddr) == 2296, "kernel offset");
static_assert(offsetof(struct hvisor_zone_head, dtb_load_paddr) == 2312, "dtb offset");
static_assert(offsetof(struct hvisor_zone_head, name) == 2328, "name offset");
static_assert(sizeof(struct hvisor_memory_region) == 32, "memory region");
static_assert(sizeof(struct hvisor_ivc_config) == 40, "ivc config");
/* The arch parts (section 4); arm64 0x05 is 0x06 without the UEFI union. */
static_assert(sizeof(struct hvisor_arch_arm64) == 120, "arm64 0x06 arch_config");
static_assert(sizeof(struct hvisor_arch_arm64_v5) == 88, "arm64 0x05 arch_config");
static_assert(offsetof(struct hvisor_arch_arm64, gic_version) == 8, "GIC tag");
static_assert(offsetof(struct hvisor_arch_arm64, gic) == 16, "GIC payload");
static_assert(offsetof(struct hvisor_arch_arm64, uefi_tag) == 88, "UEFI tag");
static_assert(offsetof(struct hvisor_arch_arm64_v5, gic_version) == 8, "GIC tag 0x05");
static_assert(offsetof(struct hvisor_arch_arm64_v5, gic) == 16, "GIC payload 0x05");
static_assert(sizeof(struct hvisor_gicv2_config) == 72, "GICv2 payload");
static_assert(sizeof(struct hvisor_gicv3_config) == 72, "GICv3 payload");
static_assert(sizeof(struct hvisor_arch_riscv64) == 32, "riscv64 arch_config");
static_assert(sizeof(struct hvisor_arch_loongarch64) == 8, "loongarch64 arch_config");
static_assert(sizeof(struct hvisor_arch_x86_64) == 88, "x86_64 arch_config");
static_assert(offsetof(struct hvisor_arch_x86_64, uefi_memory_region_id) == 72,
	      "x86_64 uefi_memory_region_id");
/* The PCI tails (section 5): the same first 432 bytes, then the devices. */
static_assert(sizeof(struct hvisor_pci_config) == 104, "pci_config layout");
static_assert(sizeof(struct hvisor_pci_dev_config) == 12, "pci dev 0x06");
static_assert(offsetof(struct hvisor_pci_dev_config, dev_type) == 8, "dev_type 0x06");
static_assert(sizeof(struct hvisor_pci_dev_config_v5) == 8, "pci dev 0x05");
static_assert(offsetof(struct hvisor_pci_dev_config_v5, dev_type) == 4, "dev_type 0x05");
static_assert(sizeof(struct hvisor_zone_pci) == HVISOR_ZONE_PCI_SIZE, "pci tail 0x06");
static_assert(sizeof(struct hvisor_zone_pci_v5) == HVISOR_ZONE_PCI_SIZE_V5, "pci tail 0x05");
static_assert(offsetof(struct hvisor_zone_pci, num_pci_devs) == 424 &&
	      offsetof(struct hvisor_zone_pci_v5, num_pci_devs) == 424,
	      "num_pci_devs in both tails");
static_assert(offsetof(struct hvisor_zone_pci, alloc_pci_devs) == 432 &&
	      offsetof(struct hvisor_zone_pci_v5, alloc_pci_devs) == 432,
	      "alloc_pci_devs in both tails");
/* The totals of section 0. */
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_arm64_v5) +
	      HVISOR_ZONE_PCI_SIZE_V5 == 3136, "arm64 0x05 size");
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_riscv64) +
	      HVISOR_ZONE_PCI_SIZE_V5 == 3080, "riscv64 0x05 size");
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_loongarch64) +
	      HVISOR_ZONE_PCI_SIZE_V5 == 3056, "loongarch64 0x05 size");
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_x86_64) +
	      HVISOR_ZONE_PCI_SIZE_V5 == 3136, "x86_64 0x05 size");
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_arm64) +
	      HVISOR_ZONE_PCI_SIZE == 3296, "arm64 0x06 size");
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_riscv64) +
	      HVISOR_ZONE_PCI_SIZE == 3208, "riscv64 0x06 size");
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_loongarch64) +
	      HVISOR_ZONE_PCI_SIZE == 3184, "loongarch64 0x06 size");
static_assert(HVISOR_ZONE_HEAD_SIZE + sizeof(struct hvisor_arch_x86_64) +
	      HVISOR_ZONE_PCI_SIZE == 3264, "x86_64 0x06 size");

static bool hv_arch_known(u32 arch)
{
	return arch < ARRAY_SIZE(hv_arch_names) && hv_arch_names[arch];
}

bool hv_config_magic_known(u64 magic)
{
	return magic == HVISOR_CONFIG_MAGIC_V5 || magic == HVISOR_CONFIG_MAGIC_V6;
}

const struct hv_zone_layout *hv_zone_layout(u32 arch, u64 magic)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hv_layouts); i++)
		if (hv_layouts[i].arch == arch && hv_layouts[i].magic == magic)
			return &hv_layouts[i];
	return NULL;
}

size_t hv_zone_config_size(u32 arch, u64 magic)
{
	const struct hv_zone_layout *l = hv_zone_layout(arch, magic);

	return l ? l->size : 0;
}

const char *hv_arch_name(u32 arch)
{
	return hv_arch_known(arch) ? hv_arch_names[arch] : "unknown";
}

struct hvisor_zone_pci *hv_zone_pci(void *cfg, const struct hv_zone_layout *l)
{
	return (struct hvisor_zone_pci *)((u8 *)cfg + l->pci_offset);
}

void hv_zone_pci_dev(const void *cfg, const struct hv_zone_layout *l,
		     unsigned int i, struct hvisor_pci_dev_config *out)
{
	const u8 *devs = (const u8 *)cfg + l->pci_offset +
			 offsetof(struct hvisor_zone_pci, alloc_pci_devs);
	const struct hvisor_pci_dev_config_v5 *d5;

	if (l->magic == HVISOR_CONFIG_MAGIC_V6) {
		memcpy(out, devs + i * sizeof(*out), sizeof(*out));
		return;
	}
	d5 = (const void *)(devs + i * sizeof(*d5));
	memset(out, 0, sizeof(*out));
	out->domain = d5->domain;
	out->bus = d5->bus;
	out->device = d5->device;
	out->function = d5->function;
	/* 0x05 has no virtual address: the guest sees the device where it is */
	out->v_bus = d5->bus;
	out->v_device = d5->device;
	out->v_function = d5->function;
	out->dev_type = d5->dev_type;
}

/* Name the field that is wrong; printf-style, like a JSON path. */
static __printf(2, 3) void hv_field(struct hv_check_error *e,
				    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->field, sizeof(e->field), fmt, ap);
	va_end(ap);
}

/* Say what is wrong with the field named last; returns @err. */
static __printf(3, 4) int hv_fail(struct hv_check_error *e, int err,
				  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->err = err;
	return err;
}

/* [a, a + alen) and [b, b + blen) intersect; both known not to wrap. */
static bool hv_ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* [a, a + alen) lies inside [b, b + blen); both known not to wrap. */
static bool hv_range_within(u64 a, u64 alen, u64 b, u64 blen)
{
	return a >= b && a + alen <= b + blen;
}

static bool hv_is_zero(const void *p, size_t len)
{
	const u8 *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

/*
 * The guest physical range a region occupies: hvisor maps RAM and IO at
 * virtual_start, but traps virtio regions at physical_start.
 */
static u64 hv_region_guest_start(const struct hvisor_memory_region *r)
{
	return r->type == HVISOR_MEM_TYPE_VIRTIO ? r->physical_start :
						   r->virtual_start;
}

static int hv_check_region(const struct hvisor_memory_region *r,
			   unsigned int i, struct hv_check_error *e)
{
	u64 end;

	hv_field(e, "memory_regions[%u].type", i);
	if (r->type != HVISOR_MEM_TYPE_RAM && r->type != HVISOR_MEM_TYPE_IO &&
	    r->type != HVISOR_MEM_TYPE_VIRTIO)
		return hv_fail(e, -EINVAL, "unknown memory type %u", r->type);
	hv_field(e, "memory_regions[%u]", i);
	if (r->__pad)
		return hv_fail(e, -EINVAL, "padding is not zero");
	hv_field(e, "memory_regions[%u].size", i);
	if (!r->size)
		return hv_fail(e, -EINVAL, "is zero");
	if (check_add_overflow(r->physical_start, r->size, &end))
		return hv_fail(e, -EOVERFLOW,
			       "physical range 0x%llx + 0x%llx wraps past 2^64",
			       (unsigned long long)r->physical_start,
			       (unsigned long long)r->size);
	if (check_add_overflow(r->virtual_start, r->size, &end))
		return hv_fail(e, -EOVERFLOW,
			       "guest range 0x%llx + 0x%llx wraps past 2^64",
			       (unsigned long long)r->virtual_start,
			       (unsigned long long)r->size);
	if (r->type == HVISOR_MEM_TYPE_VIRTIO)
		return 0;

	/* hvisor's stage-2 mapper asserts 4 KiB alignment. */
	if (r->size % HV_PAGE_SIZE)
		return hv_fail(e, -EINVAL, "0x%llx is not a multiple of 4 KiB",
			       (unsigned long long)r->size);
	hv_field(e, "memory_regions[%u].physical_start", i);
	if (r->physical_start % HV_PAGE_SIZE)
		return hv_fail(e, -EINVAL, "0x%llx is not 4 KiB aligned",
			       (unsigned long long)r->physical_start);
	hv_field(e, "memory_regions[%u].virtual_start", i);
	if (r->virtual_start % HV_PAGE_SIZE)
		return hv_fail(e, -EINVAL, "0x%llx is not 4 KiB aligned",
			       (unsigned long long)r->virtual_start);
	return 0;
}

static int hv_check_regions(const struct hvisor_zone_head *h,
			    struct hv_check_error *e)
{
	const struct hvisor_memory_region *r = h->memory_regions;
	unsigned int i, j;
	int ret;

	hv_field(e, "memory_regions");
	if (h->num_memory_regions > HVISOR_MAX_MEMORY_REGIONS)
		return hv_fail(e, -E2BIG, "%u regions, at most %u",
			       h->num_memory_regions,
			       HVISOR_MAX_MEMORY_REGIONS);
	if (!h->num_memory_regions)
		return hv_fail(e, -EINVAL, "no memory region");

	for (i = 0; i < h->num_memory_regions; i++) {
		ret = hv_check_region(&r[i], i, e);
		if (ret)
			return ret;
	}

	for (i = 0; i < h->num_memory_regions; i++) {
		for (j = 0; j < i; j++) {
			hv_field(e, "memory_regions[%u]", i);
			if (hv_ranges_overlap(hv_region_guest_start(&r[i]),
					      r[i].size,
					      hv_region_guest_start(&r[j]),
					      r[j].size))
				return hv_fail(e, -EINVAL,
					       "guest range overlaps memory_regions[%u]",
					       j);
			if (r[i].type == HVISOR_MEM_TYPE_VIRTIO ||
			    r[j].type == HVISOR_MEM_TYPE_VIRTIO)
				continue;
			if (hv_ranges_overlap(r[i].physical_start, r[i].size,
					      r[j].physical_start, r[j].size))
				return hv_fail(e, -EINVAL,
					       "physical range overlaps memory_regions[%u]",
					       j);
		}
	}
	return 0;
}

/*
 * LoongArch's direct-mapped windows, as Linux and hvisor set them: an
 * address 0x8000_xxxx_xxxx_xxxx (uncached) or 0x9000_xxxx_xxxx_xxxx
 * (cached) is physical address xxxx_xxxx_xxxx, 48 bits (hvisor:
 * src/arch/loongarch64/entry.rs:19-29, mm.rs:29-30).  A LoongArch Linux is
 * linked in the cached window, and hvisor's own configs give its entry
 * point there (platform/loongarch64/ls3a5000/configs/zone1-linux.json:
 * "entry_point": "0x90000000c0dff000"); the vCPU starts in direct address
 * mode, where the window bits are ignored.
 */
#define HV_LA_DMW_SHIFT		48
#define HV_LA_DMW_UNCACHED	0x8000ULL
#define HV_LA_DMW_CACHED	0x9000ULL

/* The guest physical address execution starts at, for @entry on @arch. */
static u64 hv_entry_guest_pa(u32 arch, u64 entry)
{
	u64 window = entry >> HV_LA_DMW_SHIFT;

	if (arch == HVISOR_ARCH_LOONGARCH64 &&
	    (window == HV_LA_DMW_UNCACHED || window == HV_LA_DMW_CACHED))
		return entry & ((1ULL << HV_LA_DMW_SHIFT) - 1);
	return entry;
}

/* The RAM region whose @guest (or physical) range holds [addr, addr + len). */
static int hv_find_ram(const struct hvisor_zone_head *h, u64 addr, u64 len,
		       bool guest)
{
	const struct hvisor_memory_region *r;
	unsigned int i;

	for (i = 0; i < h->num_memory_regions; i++) {
		r = &h->memory_regions[i];
		if (r->type != HVISOR_MEM_TYPE_RAM)
			continue;
		if (hv_range_within(addr, len,
				    guest ? r->virtual_start : r->physical_start,
				    r->size))
			return i;
	}
	return -1;
}

/*
 * Name an image by the JSON key that decides it: its file for what is wrong
 * with the bytes, its load address for where they would go.
 */
static void hv_image_field(struct hv_check_error *e,
			   const struct hv_zone_image *img, unsigned int i,
			   bool where)
{
	if (img->kind == HVISOR_IMAGE_KERNEL)
		hv_field(e, where ? "kernel_load_paddr" : "kernel_filepath");
	else if (img->kind == HVISOR_IMAGE_DTB)
		hv_field(e, where ? "dtb_load_paddr" : "dtb_filepath");
	else
		hv_field(e, "images[%u]", i);
}

static int hv_check_images(const struct hvisor_zone_head *h,
			   const struct hv_zone_image *imgs,
			   unsigned int nr_imgs, struct hv_check_error *e)
{
	const struct hv_zone_image *img;
	unsigned int i, j, nr_kernel = 0, nr_dtb = 0;
	u64 end;

	hv_field(e, "images");
	if (nr_imgs > HVISOR_MAX_IMAGES)
		return hv_fail(e, -E2BIG, "%u images, at most %u", nr_imgs,
			       HVISOR_MAX_IMAGES);

	for (i = 0; i < nr_imgs; i++) {
		img = &imgs[i];
		hv_image_field(e, img, i, false);
		switch (img->kind) {
		case HVISOR_IMAGE_KERNEL:
			if (nr_kernel++)
				return hv_fail(e, -EINVAL, "more than one kernel image");
			if (img->load_paddr != h->kernel_load_paddr) {
				hv_field(e, "kernel_load_paddr");
				return hv_fail(e, -EINVAL,
					       "0x%llx differs from the kernel image's load address 0x%llx",
					       (unsigned long long)h->kernel_load_paddr,
					       (unsigned long long)img->load_paddr);
			}
			break;
		case HVISOR_IMAGE_DTB:
			if (nr_dtb++)
				return hv_fail(e, -EINVAL, "more than one device tree image");
			if (img->load_paddr != h->dtb_load_paddr) {
				hv_field(e, "dtb_load_paddr");
				return hv_fail(e, -EINVAL,
					       "0x%llx differs from the device tree's load address 0x%llx",
					       (unsigned long long)h->dtb_load_paddr,
					       (unsigned long long)img->load_paddr);
			}
			break;
		case HVISOR_IMAGE_OTHER:
			break;
		default:
			return hv_fail(e, -EINVAL, "unknown image kind %u",
				       img->kind);
		}
		if (!img->size)
			return hv_fail(e, -EINVAL, "image is empty");
		hv_image_field(e, img, i, true);
		if (check_add_overflow(img->load_paddr, img->size, &end))
			return hv_fail(e, -EOVERFLOW,
				       "image at 0x%llx of 0x%llx bytes wraps past 2^64",
				       (unsigned long long)img->load_paddr,
				       (unsigned long long)img->size);
		if (hv_find_ram(h, img->load_paddr, img->size, false) < 0)
			return hv_fail(e, -EINVAL,
				       "image [0x%llx, 0x%llx) is not inside one RAM region",
				       (unsigned long long)img->load_paddr,
				       (unsigned long long)end);
		for (j = 0; j < i; j++) {
			if (!hv_ranges_overlap(img->load_paddr, img->size,
					       imgs[j].load_paddr, imgs[j].size))
				continue;
			if (imgs[j].kind == HVISOR_IMAGE_KERNEL)
				return hv_fail(e, -EINVAL, "image overlaps the kernel image");
			if (imgs[j].kind == HVISOR_IMAGE_DTB)
				return hv_fail(e, -EINVAL, "image overlaps the device tree image");
			return hv_fail(e, -EINVAL, "image overlaps images[%u]", j);
		}
	}
	return 0;
}

static int hv_check_arm64(const struct hvisor_arch_arm64 *a, u64 magic,
			  struct hv_check_error *e)
{
	hv_field(e, "arch_config.is_aarch32");
	if (a->is_aarch32 > 1)
		return hv_fail(e, -EINVAL, "%u is not 0 or 1", a->is_aarch32);
	hv_field(e, "arch_config");
	if (!hv_is_zero(a->__pad, sizeof(a->__pad)))
		return hv_fail(e, -EINVAL, "padding is not zero");
	hv_field(e, "arch_config.gic_version");
	if (a->gic_version != HVISOR_GIC_V2 && a->gic_version != HVISOR_GIC_V3)
		return hv_fail(e, -EINVAL, "unknown GIC tag %llu",
			       (unsigned long long)a->gic_version);
	if (a->gic_version == HVISOR_GIC_V3 &&
	    !hv_is_zero(a->gic.v3.__pad, sizeof(a->gic.v3.__pad)))
		return hv_fail(e, -EINVAL, "GICv3 padding is not zero");
	/* 0x05 ends before the UEFI union: a is a hvisor_arch_arm64_v5 */
	if (magic == HVISOR_CONFIG_MAGIC_V5)
		return 0;
	hv_field(e, "arch_config.memory_map_addr");
	if (a->uefi_tag != HVISOR_UEFI && a->uefi_tag != HVISOR_NO_UEFI)
		return hv_fail(e, -EINVAL, "unknown UEFI tag %llu",
			       (unsigned long long)a->uefi_tag);
	return 0;
}

static int hv_check_x86(const struct hvisor_zone_head *h,
			const struct hvisor_arch_x86_64 *a,
			struct hv_check_error *e)
{
	const struct {
		const char *name;
		u64 id;
	} ids[] = {
		{ "rsdp_memory_region_id", a->rsdp_memory_region_id },
		{ "acpi_memory_region_id", a->acpi_memory_region_id },
		{ "uefi_memory_region_id", a->uefi_memory_region_id },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		hv_field(e, "arch_config.%s", ids[i].name);
		if (ids[i].id >= h->num_memory_regions)
			return hv_fail(e, -EINVAL,
				       "region %llu does not exist (%u regions)",
				       (unsigned long long)ids[i].id,
				       h->num_memory_regions);
	}
	return 0;
}

static int hv_check_pci(const void *cfg, const struct hv_zone_layout *l,
			struct hv_check_error *e)
{
	const struct hvisor_zone_pci *p = hv_zone_pci((void *)cfg, l);
	const struct hvisor_pci_config *c;
	struct hvisor_pci_dev_config d;
	unsigned int i;

	hv_field(e, "pci_config");
	if (p->num_pci_bus > HVISOR_PCI_BUS_MAXNUM)
		return hv_fail(e, -E2BIG, "%llu entries, at most %u",
			       (unsigned long long)p->num_pci_bus,
			       HVISOR_PCI_BUS_MAXNUM);
	for (i = 0; i < p->num_pci_bus; i++) {
		c = &p->pci_config[i];
		hv_field(e, "pci_config[%u]", i);
		if (!hv_is_zero(c->__pad, sizeof(c->__pad)))
			return hv_fail(e, -EINVAL, "padding is not zero");
		hv_field(e, "pci_config[%u].bus_range_end", i);
		if (c->bus_range_end < c->bus_range_begin)
			return hv_fail(e, -EINVAL, "%u is below bus_range_begin %u",
				       c->bus_range_end, c->bus_range_begin);
	}
	hv_field(e, "alloc_pci_devs");
	if (p->num_pci_devs > HVISOR_MAX_PCI_DEVS)
		return hv_fail(e, -E2BIG, "%llu devices, at most %u",
			       (unsigned long long)p->num_pci_devs,
			       HVISOR_MAX_PCI_DEVS);
	for (i = 0; i < p->num_pci_devs; i++) {
		hv_zone_pci_dev(cfg, l, i, &d);
		/* hvisor reads dev_type as a Rust enum: other values are UB */
		hv_field(e, "alloc_pci_devs[%u].dev_type", i);
		if (d.dev_type > 1)
			return hv_fail(e, -EINVAL, "%u is not 0 (physical) or 1 (virtual)",
				       d.dev_type);
		hv_field(e, "alloc_pci_devs[%u]", i);
		if (d.__pad)
			return hv_fail(e, -EINVAL, "padding is not zero");
	}
	return 0;
}

static int hv_check_head(const struct hvisor_zone_head *h,
			 struct hv_check_error *e)
{
	hv_field(e, "zone_id");
	if (h->zone_id == 0)
		return hv_fail(e, -EINVAL, "zone 0 is the root zone");
	if (h->zone_id >= HVISOR_MAX_ZONES)
		return hv_fail(e, -EINVAL, "%u is not below %u", h->zone_id,
			       HVISOR_MAX_ZONES);
	hv_field(e, "cpus");
	if (!h->cpus)
		return hv_fail(e, -EINVAL, "no cpu");
	hv_field(e, "name");
	if (!memchr(h->name, '\0', sizeof(h->name)))
		return hv_fail(e, -EINVAL, "not NUL-terminated within %u bytes",
			       HVISOR_NAME_MAXLEN);
	if (!h->name[0])
		return hv_fail(e, -EINVAL, "is empty");
	hv_field(e, "ivc_configs");
	if (h->num_ivc_configs > HVISOR_MAX_IVC_CONFIGS)
		return hv_fail(e, -E2BIG, "%u entries, at most %u",
			       h->num_ivc_configs, HVISOR_MAX_IVC_CONFIGS);
	hv_field(e, "zone_config");
	if (h->__pad0 || h->__pad1 || h->__pad2)
		return hv_fail(e, -EINVAL, "padding is not zero");
	return 0;
}

int hv_zone_check(const void *cfg, size_t cfg_size, u32 arch, u64 magic,
		  const struct hv_zone_image *imgs, unsigned int nr_imgs,
		  struct hv_check_error *e)
{
	const struct hvisor_zone_head *h = cfg;
	const struct hv_zone_layout *l;
	const void *arch_cfg;
	int ret;

	memset(e, 0, sizeof(*e));
	hv_field(e, "arch");
	if (!hv_arch_known(arch))
		return hv_fail(e, -EINVAL, "unknown architecture %u", arch);
	hv_field(e, "config_magic");
	l = hv_zone_layout(arch, magic);
	if (!l)
		return hv_fail(e, -EPROTONOSUPPORT,
			       "unknown zone config magic 0x%llx (known: 0x05, 0x06)",
			       (unsigned long long)magic);
	hv_field(e, "zone_config");
	if (cfg_size != l->size)
		return hv_fail(e, -EINVAL, "%zu bytes, %s with magic 0x%02llx needs %zu",
			       cfg_size, hv_arch_name(arch),
			       (unsigned long long)magic, l->size);

	ret = hv_check_head(h, e);
	if (ret)
		return ret;
	ret = hv_check_regions(h, e);
	if (ret)
		return ret;

	hv_field(e, "entry_point");
	if (hv_find_ram(h, hv_entry_guest_pa(arch, h->entry_point), 1,
			true) < 0)
		return hv_fail(e, -EINVAL,
			       "0x%llx is not inside a RAM region's guest range",
			       (unsigned long long)h->entry_point);

	ret = hv_check_images(h, imgs, nr_imgs, e);
	if (ret)
		return ret;

	arch_cfg = (const u8 *)cfg + HVISOR_ZONE_HEAD_SIZE;
	if (arch == HVISOR_ARCH_ARM64)
		ret = hv_check_arm64(arch_cfg, magic, e);
	else if (arch == HVISOR_ARCH_X86_64)
		ret = hv_check_x86(h, arch_cfg, e);
	if (ret)
		return ret;

	ret = hv_check_pci(cfg, l, e);
	if (ret)
		return ret;

	memset(e, 0, sizeof(*e));
	return 0;
}
