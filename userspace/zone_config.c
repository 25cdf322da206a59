// SPDX-License-Identifier: GPL-2.0
/*
 * Zone config JSON -> hvisor zone_config bytes (see zone_config.h).
 *
 * Limits that the fixed-size layout imposes (number of regions, cpus,
 * interrupts, name length) are enforced here, where the JSON path of the
 * culprit is known.  Everything else (overlaps, alignment, entry point and
 * images inside RAM, ...) is left to hv_zone_check(), the validator shared
 * with hvisor.ko, so that the tool and the kernel agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zone_config.h"

static const struct {
	const char *name;
	u32 arch;
} arch_names[] = {
	{ "arm64", HVISOR_ARCH_ARM64 },
	{ "aarch64", HVISOR_ARCH_ARM64 },
	{ "riscv64", HVISOR_ARCH_RISCV64 },
	{ "riscv", HVISOR_ARCH_RISCV64 },
	{ "loongarch64", HVISOR_ARCH_LOONGARCH64 },
	{ "loongarch", HVISOR_ARCH_LOONGARCH64 },
	{ "x86_64", HVISOR_ARCH_X86_64 },
	{ "x86", HVISOR_ARCH_X86_64 },
};

u32 arch_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(arch_names); i++)
		if (!strcmp(name, arch_names[i].name))
			return arch_names[i].arch;
	return HVISOR_ARCH_NONE;
}

/* The architecture from the "arch" field, @arch, or arch_config's keys. */
static int zone_pick_arch(struct zone_json *z, u32 arch)
{
	struct jctx *c = &z->ctx;
	const cJSON *ac;
	const char *name;
	char q[80];
	size_t saved;
	u32 file_arch = HVISOR_ARCH_NONE;
	int ret;

	ret = json_get_string(c, z->root, "arch", false, &name);
	if (ret < 0)
		return -1;
	if (ret == 0) {
		file_arch = arch_from_name(name);
		saved = jpath_key(c, "arch");
		json_quote(q, sizeof(q), name);
		if (!file_arch) {
			jerr(c,
			     "unknown architecture %s (expected arm64, riscv64, loongarch64 or x86_64)",
			     q);
			return -1;
		}
		if (arch && file_arch != arch) {
			jerr(c, "%s does not match the target architecture %s",
			     q, hv_arch_name(arch));
			return -1;
		}
		jpath_restore(c, saved);
	}
	if (arch) {
		z->arch = arch;
		return 0;
	}
	if (file_arch) {
		z->arch = file_arch;
		return 0;
	}
	ac = json_find(z->root, "arch_config");
	if (cJSON_IsObject(ac)) {
		if (json_find(ac, "gic_version"))
			z->arch = HVISOR_ARCH_ARM64;
		else if (json_find(ac, "plic_base") ||
			 json_find(ac, "aplic_base"))
			z->arch = HVISOR_ARCH_RISCV64;
		else if (json_find(ac, "ioapic_base"))
			z->arch = HVISOR_ARCH_X86_64;
	}
	if (z->arch)
		return 0;
	saved = jpath_key(c, "arch");
	jerr(c, "missing, and arch_config does not tell the architecture: use --arch");
	jpath_restore(c, saved);
	return -1;
}

static int zone_add_image(struct zone_json *z, const char *file_key,
			  const char *addr_key, const char *path, u64 load,
			  u32 kind, u64 *size_field)
{
	struct zone_image *img;

	if (z->nr_images == HVISOR_MAX_IMAGES) {
		struct jctx tmp = z->ctx;

		jpath_restore(&tmp, 0);
		jpath_key(&tmp, file_key);
		jerr(&tmp, "too many images (at most %d in total)",
		     HVISOR_MAX_IMAGES);
		return -1;
	}
	img = &z->images[z->nr_images++];
	memset(img, 0, sizeof(*img));
	snprintf(img->file_key, sizeof(img->file_key), "%s", file_key);
	snprintf(img->addr_key, sizeof(img->addr_key), "%s", addr_key);
	img->path = path;
	img->load_paddr = load;
	img->kind = kind;
	img->size_field = size_field;
	return 0;
}

/* A file name that must not be empty; @skip_none: "" and "null" mean none. */
static int zone_get_path(struct zone_json *z, const cJSON *obj, const char *key,
			 bool required, bool skip_none, const char **out)
{
	struct jctx *c = &z->ctx;
	const char *s;
	size_t saved;
	int ret;

	ret = json_get_string(c, obj, key, required, &s);
	if (ret)
		return ret;
	if (skip_none && (!*s || !strcmp(s, "null")))
		return 1;
	if (!*s) {
		saved = jpath_key(c, key);
		jerr(c, "empty file name");
		jpath_restore(c, saved);
		return -1;
	}
	*out = s;
	return 0;
}

static int zone_parse_cpus(struct zone_json *z, struct hvisor_zone_head *h)
{
	struct jctx *c = &z->ctx;
	const cJSON *arr;
	unsigned int i, n;
	size_t saved;
	u64 cpu;

	if (json_get_array(c, z->root, "cpus", true, HVISOR_MAX_CPUS, &arr,
			   &n))
		return -1;
	saved = jpath_key(c, "cpus");
	if (!n) {
		jerr(c, "empty: a zone needs at least one cpu");
		return -1;
	}
	for (i = 0; i < n; i++) {
		size_t s2 = jpath_index(c, i);

		if (json_uint(c, json_entry(arr, i), HVISOR_MAX_CPUS - 1, &cpu))
			return -1;
		if (h->cpus & (1ULL << cpu)) {
			jerr(c, "cpu %llu is listed twice",
			     (unsigned long long)cpu);
			return -1;
		}
		h->cpus |= 1ULL << cpu;
		jpath_restore(c, s2);
	}
	jpath_restore(c, saved);
	return 0;
}

static const char *const mem_types[] = {
	[HVISOR_MEM_TYPE_RAM] = "ram",
	[HVISOR_MEM_TYPE_IO] = "io",
	[HVISOR_MEM_TYPE_VIRTIO] = "virtio",
};

static int zone_parse_regions(struct zone_json *z, struct hvisor_zone_head *h)
{
	struct jctx *c = &z->ctx;
	struct hvisor_memory_region *r;
	const cJSON *arr, *e;
	const char *type;
	unsigned int i, n, t;
	size_t saved, s2;
	char q[80];

	if (json_get_array(c, z->root, "memory_regions", true,
			   HVISOR_MAX_MEMORY_REGIONS, &arr, &n))
		return -1;
	saved = jpath_key(c, "memory_regions");
	for (i = 0; i < n; i++) {
		s2 = jpath_index(c, i);
		e = json_entry(arr, i);
		r = &h->memory_regions[i];
		if (!cJSON_IsObject(e)) {
			jerr(c, "expected an object, found %s",
			     json_type_name(e));
			return -1;
		}
		if (json_get_string(c, e, "type", true, &type))
			return -1;
		for (t = 0; t < ARRAY_SIZE(mem_types); t++)
			if (!strcmp(type, mem_types[t]))
				break;
		if (t == ARRAY_SIZE(mem_types)) {
			jpath_key(c, "type");
			jerr(c, "unknown memory type %s (expected ram, io or virtio)",
			     json_quote(q, sizeof(q), type));
			return -1;
		}
		r->type = t;
		if (json_get_u64(c, e, "physical_start", true,
				 &r->physical_start) ||
		    json_get_u64(c, e, "virtual_start", true,
				 &r->virtual_start) ||
		    json_get_u64(c, e, "size", true, &r->size))
			return -1;
		jpath_restore(c, s2);
	}
	h->num_memory_regions = n;
	jpath_restore(c, saved);
	return 0;
}

static int zone_parse_irqs(struct zone_json *z, struct hvisor_zone_head *h)
{
	struct jctx *c = &z->ctx;
	const cJSON *arr;
	unsigned int i, n;
	size_t saved, s2;
	int ret;
	u64 irq;

	ret = json_get_array(c, z->root, "interrupts", false,
			     HVISOR_MAX_INTERRUPTS, &arr, &n);
	if (ret)
		return ret < 0 ? -1 : 0;
	saved = jpath_key(c, "interrupts");
	for (i = 0; i < n; i++) {
		s2 = jpath_index(c, i);
		if (json_uint(c, json_entry(arr, i), HVISOR_MAX_INTERRUPTS - 1,
			      &irq))
			return -1;
		h->interrupts_bitmap[irq / 32] |= 1U << (irq % 32);
		jpath_restore(c, s2);
	}
	jpath_restore(c, saved);
	return 0;
}

static int zone_parse_ivc(struct zone_json *z, struct hvisor_zone_head *h)
{
	struct jctx *c = &z->ctx;
	struct hvisor_ivc_config *v;
	const cJSON *arr, *e;
	unsigned int i, n;
	size_t saved, s2;
	int ret;

	ret = json_get_array(c, z->root, "ivc_configs", false,
			     HVISOR_MAX_IVC_CONFIGS, &arr, &n);
	if (ret)
		return ret < 0 ? -1 : 0;
	saved = jpath_key(c, "ivc_configs");
	for (i = 0; i < n; i++) {
		s2 = jpath_index(c, i);
		e = json_entry(arr, i);
		v = &h->ivc_configs[i];
		if (!cJSON_IsObject(e)) {
			jerr(c, "expected an object, found %s",
			     json_type_name(e));
			return -1;
		}
		if (json_get_u32(c, e, "ivc_id", true, &v->ivc_id) ||
		    json_get_u32(c, e, "peer_id", true, &v->peer_id) ||
		    json_get_u64(c, e, "control_table_ipa", true,
				 &v->control_table_ipa) ||
		    json_get_u64(c, e, "shared_mem_ipa", true,
				 &v->shared_mem_ipa) ||
		    json_get_u32(c, e, "rw_sec_size", true, &v->rw_sec_size) ||
		    json_get_u32(c, e, "out_sec_size", true,
				 &v->out_sec_size) ||
		    json_get_u32(c, e, "interrupt_num", true,
				 &v->interrupt_num) ||
		    json_get_u32(c, e, "max_peers", true, &v->max_peers))
			return -1;
		jpath_restore(c, s2);
	}
	h->num_ivc_configs = n;
	jpath_restore(c, saved);
	return 0;
}

/*
 * Keys upstream's example files carry and neither upstream's tool nor this
 * one reads: known, so not reported as unknown.
 */
static const char *const ignored_keys[] = {
	"num_pci_devs",		/* the count is alloc_pci_devs' length */
	"kernel_args",		/* the command line is in the DTB */
};

/* The other GIC version's keys, which hvisor ignores. */
static const char *const gicv2_keys[] = {
	"gicc_base", "gicc_size", "gicc_offset", "gich_base", "gich_size",
	"gicv_base", "gicv_size",
};

static const char *const gicv3_keys[] = {
	"gicr_base", "gicr_size", "gits_base", "gits_size",
};

static int zone_parse_name(struct zone_json *z, struct hvisor_zone_head *h)
{
	struct jctx *c = &z->ctx;
	const char *name;
	size_t len;
	char q[80];

	if (json_get_string(c, z->root, "name", true, &name))
		return -1;
	len = strlen(name);
	if (len >= HVISOR_NAME_MAXLEN) {
		jpath_key(c, "name");
		jerr(c, "%s is too long (%zu characters, at most %d)",
		     json_quote(q, sizeof(q), name), len,
		     HVISOR_NAME_MAXLEN - 1);
		return -1;
	}
	memcpy(h->name, name, len);
	return 0;
}

/* entry point, kernel and dtb */
static int zone_parse_boot(struct zone_json *z, struct hvisor_zone_head *h)
{
	struct jctx *c = &z->ctx;
	const char *kernel, *dtb = NULL;
	int ret;

	if (json_get_u64(c, z->root, "entry_point", true,
			 &h->entry_point) ||
	    zone_get_path(z, z->root, "kernel_filepath", true, false,
			  &kernel) ||
	    json_get_u64(c, z->root, "kernel_load_paddr", true,
			 &h->kernel_load_paddr))
		return -1;
	ret = zone_get_path(z, z->root, "dtb_filepath", true, true, &dtb);
	if (ret < 0)
		return -1;
	/* the address is needed only with a dtb, but stored when given */
	if (json_get_u64(c, z->root, "dtb_load_paddr", !!dtb,
			 &h->dtb_load_paddr) < 0)
		return -1;
	if (zone_add_image(z, "kernel_filepath", "kernel_load_paddr", kernel,
			   h->kernel_load_paddr, HVISOR_IMAGE_KERNEL,
			   (u64 *)&h->kernel_size))
		return -1;
	if (dtb && zone_add_image(z, "dtb_filepath", "dtb_load_paddr", dtb,
				  h->dtb_load_paddr, HVISOR_IMAGE_DTB,
				  (u64 *)&h->dtb_size))
		return -1;
	return 0;
}

static int zone_parse_modules(struct zone_json *z)
{
	struct jctx *c = &z->ctx;
	const cJSON *arr, *e;
	const char *file, *name;
	char fkey[48], akey[48];
	unsigned int i, n;
	size_t saved, s2;
	u64 load;
	int ret;

	ret = json_get_array(c, z->root, "modules", false, HVISOR_MAX_IMAGES,
			     &arr, &n);
	if (ret)
		return ret < 0 ? -1 : 0;
	saved = jpath_key(c, "modules");
	for (i = 0; i < n; i++) {
		s2 = jpath_index(c, i);
		e = json_entry(arr, i);
		if (!cJSON_IsObject(e)) {
			jerr(c, "expected an object, found %s",
			     json_type_name(e));
			return -1;
		}
		if (json_get_string(c, e, "name", false, &name) < 0 ||
		    zone_get_path(z, e, "filepath", true, false, &file) ||
		    json_get_u64(c, e, "load_paddr", true, &load))
			return -1;
		snprintf(fkey, sizeof(fkey), "modules[%u].filepath", i);
		snprintf(akey, sizeof(akey), "modules[%u].load_paddr", i);
		if (zone_add_image(z, fkey, akey, file, load,
				   HVISOR_IMAGE_OTHER, NULL))
			return -1;
		jpath_restore(c, s2);
	}
	jpath_restore(c, saved);
	return 0;
}

/* Remember the first key that needs magic 0x06: "<path>.<key>". */
static void zone_needs_v6(struct zone_json *z, const char *key)
{
	size_t saved;

	if (z->v6_key[0])
		return;
	saved = jpath_key(&z->ctx, key);
	snprintf(z->v6_key, sizeof(z->v6_key), "%s", z->ctx.path);
	jpath_restore(&z->ctx, saved);
}

/*
 * "gic_version", or for configs of older hvisor trees that lack it, the
 * version its keys tell: gicr_* is a GICv3, gicc_* a GICv2 (with a note).
 */
static int zone_gic_version(struct zone_json *z, const cJSON *ac,
			    const char **ver)
{
	struct jctx *c = &z->ctx;
	bool v3 = json_find(ac, "gicr_base") ||
		  json_find(ac, "gicr_size");
	bool v2 = json_find(ac, "gicc_base") ||
		  json_find(ac, "gicc_size");
	size_t saved;
	int ret;

	ret = json_get_string(c, ac, "gic_version", !(v3 ^ v2), ver);
	if (ret <= 0)
		return ret;
	*ver = v3 ? "v3" : "v2";
	saved = jpath_key(c, "gic_version");
	jnote(c, "missing; taken as \"%s\" (the config has %s_* fields)",
	      *ver, v3 ? "gicr" : "gicc");
	jpath_restore(c, saved);
	return 0;
}

static int zone_parse_arm64(struct zone_json *z, const cJSON *ac)
{
	struct hvisor_arch_arm64 *a = hv_zone_arch(z->cfg);
	struct jctx *c = &z->ctx;
	const char *ver;
	bool aarch32 = false;
	char q[80];
	int ret;

	if (zone_gic_version(z, ac, &ver))
		return -1;
	if (!strcmp(ver, "v2")) {
		struct hvisor_gicv2_config *g = &a->gic.v2;

		json_known(ac, gicv3_keys, ARRAY_SIZE(gicv3_keys));

		a->gic_version = HVISOR_GIC_V2;
		if (json_get_u64(c, ac, "gicd_base", true,
				 &g->gicd_base) ||
		    json_get_u64(c, ac, "gicd_size", true,
				 &g->gicd_size) ||
		    json_get_u64(c, ac, "gicc_base", true,
				 &g->gicc_base) ||
		    json_get_u64(c, ac, "gicc_size", true,
				 &g->gicc_size) ||
		    json_get_u64(c, ac, "gicc_offset", true,
				 &g->gicc_offset) ||
		    json_get_u64(c, ac, "gich_base", true,
				 &g->gich_base) ||
		    json_get_u64(c, ac, "gich_size", true,
				 &g->gich_size) ||
		    json_get_u64(c, ac, "gicv_base", true,
				 &g->gicv_base) ||
		    json_get_u64(c, ac, "gicv_size", true,
				 &g->gicv_size))
			return -1;
	} else if (!strcmp(ver, "v3")) {
		struct hvisor_gicv3_config *g = &a->gic.v3;

		json_known(ac, gicv2_keys, ARRAY_SIZE(gicv2_keys));

		a->gic_version = HVISOR_GIC_V3;
		if (json_get_u64(c, ac, "gicd_base", true,
				 &g->gicd_base) ||
		    json_get_u64(c, ac, "gicd_size", true,
				 &g->gicd_size) ||
		    json_get_u64(c, ac, "gicr_base", true,
				 &g->gicr_base) ||
		    json_get_u64(c, ac, "gicr_size", true,
				 &g->gicr_size) ||
		    json_get_u64(c, ac, "gits_base", false,
				 &g->gits_base) < 0 ||
		    json_get_u64(c, ac, "gits_size", false,
				 &g->gits_size) < 0)
			return -1;
	} else {
		jpath_key(c, "gic_version");
		jerr(c, "unknown GIC version %s (expected \"v2\" or \"v3\")",
		     json_quote(q, sizeof(q), ver));
		return -1;
	}
	if (json_get_bool(c, ac, "is_aarch32", false, &aarch32) < 0)
		return -1;
	a->is_aarch32 = aarch32;
	ret = json_get_u64(c, ac, "memory_map_addr", false,
			   &a->memory_map_addr);
	if (ret < 0)
		return -1;
	if (ret) {
		a->uefi_tag = HVISOR_NO_UEFI;
		return 0;
	}
	a->uefi_tag = HVISOR_UEFI;
	zone_needs_v6(z, "memory_map_addr");
	if (json_get_u64(c, ac, "memory_map_size", true,
			 &a->memory_map_size) ||
	    json_get_u64(c, ac, "sys_map_addr", true,
			 &a->sys_map_addr))
		return -1;
	return 0;
}

static int zone_parse_riscv64(struct zone_json *z, const cJSON *ac)
{
	struct hvisor_arch_riscv64 *a = hv_zone_arch(z->cfg);
	struct jctx *c = &z->ctx;

	if (json_get_u64(c, ac, "plic_base", true, &a->plic_base) ||
	    json_get_u64(c, ac, "plic_size", true, &a->plic_size) ||
	    json_get_u64(c, ac, "aplic_base", true,
			 &a->aplic_base) ||
	    json_get_u64(c, ac, "aplic_size", true,
			 &a->aplic_size))
		return -1;
	return 0;
}

/*
 * An optional x86 image: @file_key names the file (or the inline string
 * for the command line), @hpa_key its host load address, @gpa_key (or
 * NULL) the guest address stored in the arch part at @gpa.
 */
static int zone_x86_image(struct zone_json *z, const cJSON *ac,
			  const char *file_key, const char *hpa_key,
			  const char *gpa_key, __u64 *gpa, bool inline_data,
			  u64 *size_field)
{
	struct jctx *c = &z->ctx;
	char fkey[48], akey[48];
	const char *s;
	u64 hpa;
	int ret;

	if (inline_data)
		ret = json_get_string(c, ac, file_key, false, &s);
	else
		ret = zone_get_path(z, ac, file_key, false, false, &s);
	if (ret < 0)
		return -1;
	if (gpa_key && json_get_u64(c, ac, gpa_key, ret == 0,
				    gpa) < 0)
		return -1;
	if (ret)
		return 0;		/* no such image */
	if (json_get_u64(c, ac, hpa_key, true, &hpa))
		return -1;
	snprintf(fkey, sizeof(fkey), "arch_config.%s", file_key);
	snprintf(akey, sizeof(akey), "arch_config.%s", hpa_key);
	if (zone_add_image(z, fkey, akey, inline_data ? NULL : s, hpa,
			   HVISOR_IMAGE_OTHER, size_field))
		return -1;
	if (inline_data) {
		z->images[z->nr_images - 1].data = s;
		z->images[z->nr_images - 1].size = strlen(s) + 1;
	}
	return 0;
}

static int zone_parse_x86_64(struct zone_json *z, const cJSON *ac)
{
	struct hvisor_arch_x86_64 *a = hv_zone_arch(z->cfg);
	struct jctx *c = &z->ctx;

	if (json_get_u64(c, ac, "ioapic_base", true,
			 &a->ioapic_base) ||
	    json_get_u64(c, ac, "ioapic_size", true,
			 &a->ioapic_size) ||
	    json_get_u64(c, ac, "kernel_entry_gpa", true,
			 &a->kernel_entry_gpa) ||
	    json_get_u64(c, ac, "rsdp_memory_region_id", true,
			 &a->rsdp_memory_region_id) ||
	    json_get_u64(c, ac, "acpi_memory_region_id", true,
			 &a->acpi_memory_region_id) ||
	    json_get_u64(c, ac, "uefi_memory_region_id", true,
			 &a->uefi_memory_region_id) ||
	    json_get_u64(c, ac, "screen_base", true,
			 &a->screen_base))
		return -1;
	if (zone_x86_image(z, ac, "boot_filepath", "boot_load_paddr", NULL,
			   NULL, false, NULL) ||
	    zone_x86_image(z, ac, "setup_filepath", "setup_load_hpa",
			   "setup_load_gpa", &a->setup_load_gpa, false, NULL) ||
	    zone_x86_image(z, ac, "cmdline", "cmdline_load_hpa",
			   "cmdline_load_gpa", &a->cmdline_load_gpa, true,
			   NULL) ||
	    zone_x86_image(z, ac, "initrd_filepath", "initrd_load_hpa",
			   "initrd_load_gpa", &a->initrd_load_gpa, false,
			   (u64 *)&a->initrd_size))
		return -1;
	return 0;
}

static int zone_parse_arch(struct zone_json *z)
{
	struct jctx *c = &z->ctx;
	const cJSON *ac;
	size_t saved;
	int ret;

	/* upstream ignores arch_config on loongarch64; so do we */
	if (z->arch == HVISOR_ARCH_LOONGARCH64) {
		json_mark_all(json_find(z->root, "arch_config"));
		return 0;
	}
	if (json_get_object(c, z->root, "arch_config", true, &ac))
		return -1;
	saved = jpath_key(c, "arch_config");
	switch (z->arch) {
	case HVISOR_ARCH_ARM64:
		ret = zone_parse_arm64(z, ac);
		break;
	case HVISOR_ARCH_RISCV64:
		ret = zone_parse_riscv64(z, ac);
		break;
	default:
		ret = zone_parse_x86_64(z, ac);
		break;
	}
	if (!ret)
		jpath_restore(c, saved);
	return ret;
}

static int zone_parse_pci_bus(struct zone_json *z, const cJSON *e,
			      struct hvisor_pci_config *p)
{
	struct jctx *c = &z->ctx;

	if (!cJSON_IsObject(e)) {
		jerr(c, "expected an object, found %s", json_type_name(e));
		return -1;
	}
	if (json_get_u64(c, e, "ecam_base", true, &p->ecam_base) ||
	    json_get_u64(c, e, "ecam_size", true, &p->ecam_size) ||
	    json_get_u64(c, e, "io_base", true, &p->io_base) ||
	    json_get_u64(c, e, "io_size", true, &p->io_size) ||
	    json_get_u64(c, e, "pci_io_base", true,
			 &p->pci_io_base) ||
	    json_get_u64(c, e, "mem32_base", true,
			 &p->mem32_base) ||
	    json_get_u64(c, e, "mem32_size", true,
			 &p->mem32_size) ||
	    json_get_u64(c, e, "pci_mem32_base", true,
			 &p->pci_mem32_base) ||
	    json_get_u64(c, e, "mem64_base", true,
			 &p->mem64_base) ||
	    json_get_u64(c, e, "mem64_size", true,
			 &p->mem64_size) ||
	    json_get_u64(c, e, "pci_mem64_base", true,
			 &p->pci_mem64_base) ||
	    json_get_u32(c, e, "bus_range_begin", true, &p->bus_range_begin) ||
	    json_get_u32(c, e, "bus_range_end", true, &p->bus_range_end) ||
	    json_get_u8(c, e, "domain", true, &p->domain))
		return -1;
	return 0;
}

static int zone_parse_pci_dev(struct zone_json *z, const cJSON *e,
			      struct hvisor_pci_dev_config *d)
{
	struct jctx *c = &z->ctx;
	size_t saved;
	u64 type;

	if (!cJSON_IsObject(e)) {
		jerr(c, "expected an object, found %s", json_type_name(e));
		return -1;
	}
	if (json_get_u8(c, e, "domain", true, &d->domain) ||
	    json_get_u8(c, e, "bus", true, &d->bus) ||
	    json_get_u8(c, e, "device", true, &d->device) ||
	    json_get_u8(c, e, "function", true, &d->function) ||
	    json_get_uint(c, e, "dev_type", true, UINT32_MAX, &type))
		return -1;
	if (type > 1) {
		saved = jpath_key(c, "dev_type");
		jerr(c, "unknown device type %llu (0 physical, 1 virtual)",
		     (unsigned long long)type);
		jpath_restore(c, saved);
		return -1;
	}
	d->dev_type = type;
	/* the old form has no v_*: the device keeps its physical address */
	d->v_bus = d->bus;
	d->v_device = d->device;
	d->v_function = d->function;
	if (json_get_u8(c, e, "v_bus", false, &d->v_bus) < 0 ||
	    json_get_u8(c, e, "v_device", false, &d->v_device) < 0 ||
	    json_get_u8(c, e, "v_function", false, &d->v_function) < 0)
		return -1;
	/* only 0x06 has room for them (zone-config-abi.md section 5) */
	if (json_find(e, "v_bus"))
		zone_needs_v6(z, "v_bus");
	else if (json_find(e, "v_device"))
		zone_needs_v6(z, "v_device");
	else if (json_find(e, "v_function"))
		zone_needs_v6(z, "v_function");
	return 0;
}

static int zone_parse_pci(struct zone_json *z)
{
	struct hvisor_zone_pci *pci =
		hv_zone_pci(z->cfg, hv_zone_layout(z->arch, HVISOR_CONFIG_MAGIC_V6));
	struct jctx *c = &z->ctx;
	const cJSON *arr, *item;
	unsigned int i, n = 1;
	size_t saved, s2;
	int ret;

	item = json_find(z->root, "pci_config");
	if (cJSON_IsObject(item)) {
		arr = item;		/* a single bus */
	} else if (item) {
		if (json_get_array(c, z->root, "pci_config", true,
				   HVISOR_PCI_BUS_MAXNUM, &arr, &n))
			return -1;
	} else {
		n = 0;
	}
	saved = jpath_key(c, "pci_config");
	for (i = 0; i < n; i++) {
		s2 = cJSON_IsArray(arr) ? jpath_index(c, i) : c->len;
		if (zone_parse_pci_bus(z, json_entry(arr, i),
				       &pci->pci_config[i]))
			return -1;
		jpath_restore(c, s2);
	}
	pci->num_pci_bus = n;
	jpath_restore(c, saved);

	ret = json_get_array(c, z->root, "alloc_pci_devs", false,
			     HVISOR_MAX_PCI_DEVS, &arr, &n);
	if (ret < 0)
		return -1;
	if (ret)
		return 0;
	saved = jpath_key(c, "alloc_pci_devs");
	for (i = 0; i < n; i++) {
		s2 = jpath_index(c, i);
		if (zone_parse_pci_dev(z, json_entry(arr, i),
				       &pci->alloc_pci_devs[i]))
			return -1;
		jpath_restore(c, s2);
	}
	pci->num_pci_devs = n;
	jpath_restore(c, saved);
	return 0;
}

/* Boot protocols this tool cannot honour must not be silently ignored. */
static int zone_check_boot_protocol(struct zone_json *z)
{
	struct jctx *c = &z->ctx;
	const cJSON *mb;
	const char *proto;
	size_t saved;
	int ret;

	ret = json_get_string(c, z->root, "boot_protocol", false, &proto);
	if (ret < 0)
		return -1;
	mb = json_find(z->root, "multiboot_enabled");
	if ((ret == 0 && !strcmp(proto, "multiboot2")) || cJSON_IsTrue(mb)) {
		saved = jpath_key(c, ret == 0 ? "boot_protocol" :
				  "multiboot_enabled");
		jerr(c, "multiboot2 is not supported by this version of the tool");
		jpath_restore(c, saved);
		return -1;
	}
	return 0;
}

int zone_json_parse(struct zone_json *z, const char *file, u32 arch)
{
	struct hvisor_zone_head *h;

	memset(z, 0, sizeof(*z));
	jctx_init(&z->ctx, file);
	z->root = json_load_file(&z->ctx);
	if (!z->root)
		return -1;
	if (!cJSON_IsObject(z->root)) {
		jerr(&z->ctx, "expected a JSON object at the top level, found %s",
		     json_type_name(z->root));
		goto fail;
	}
	if (zone_pick_arch(z, arch))
		goto fail;
	z->cfg_size = hv_zone_config_size(z->arch, HVISOR_CONFIG_MAGIC_V6);
	z->cfg = calloc(1, z->cfg_size);
	if (!z->cfg) {
		jerr(&z->ctx, "out of memory");
		goto fail;
	}
	h = hv_zone_head(z->cfg);
	if (json_get_u32(&z->ctx, z->root, "zone_id", true, &h->zone_id) ||
	    zone_parse_name(z, h) ||
	    zone_parse_cpus(z, h) ||
	    zone_parse_regions(z, h) ||
	    zone_parse_irqs(z, h) ||
	    zone_parse_ivc(z, h) ||
	    zone_check_boot_protocol(z) ||
	    zone_parse_boot(z, h) ||
	    zone_parse_arch(z) ||
	    zone_parse_modules(z) ||
	    zone_parse_pci(z))
		goto fail;
	json_known(z->root, ignored_keys, ARRAY_SIZE(ignored_keys));
	if (json_unknown_keys(z->ctx.file, z->root))
		goto fail;
	return 0;
fail:
	zone_json_free(z);
	return -1;
}

void zone_json_free(struct zone_json *z)
{
	cJSON_Delete(z->root);
	free(z->cfg);
	free(z->out);
	z->root = NULL;
	z->cfg = NULL;
	z->out = NULL;
}

const char *config_magic_name(u64 magic)
{
	switch (magic) {
	case HVISOR_CONFIG_MAGIC_V5:
		return "hvisor v0.4";
	case HVISOR_CONFIG_MAGIC_V6:
		return "hvisor-tool 345aa94 and later";
	default:
		return "unknown to this tool";
	}
}

u64 zone_json_min_magic(const struct zone_json *z)
{
	return z->v6_key[0] ? HVISOR_CONFIG_MAGIC_V6 : HVISOR_CONFIG_MAGIC_V5;
}

/* 0x06 -> 0x05: the same head, arm64 without UEFI, 8-byte PCI devices. */
static void zone_pack_v5(const struct zone_json *z,
			 const struct hv_zone_layout *from,
			 const struct hv_zone_layout *to, u8 *out)
{
	const struct hvisor_zone_pci *src = hv_zone_pci(z->cfg, from);
	struct hvisor_zone_pci_v5 *dst = (void *)(out + to->pci_offset);
	unsigned int i;

	memcpy(out, z->cfg, HVISOR_ZONE_HEAD_SIZE + to->arch_size);
	dst->num_pci_bus = src->num_pci_bus;
	memcpy(dst->pci_config, src->pci_config, sizeof(dst->pci_config));
	dst->num_pci_devs = src->num_pci_devs;
	for (i = 0; i < src->num_pci_devs && i < HVISOR_MAX_PCI_DEVS; i++) {
		const struct hvisor_pci_dev_config *s = &src->alloc_pci_devs[i];
		struct hvisor_pci_dev_config_v5 *d = &dst->alloc_pci_devs[i];

		d->domain = s->domain;
		d->bus = s->bus;
		d->device = s->device;
		d->function = s->function;
		d->dev_type = s->dev_type;
	}
}

int zone_json_pack(struct zone_json *z, u64 magic)
{
	const struct hv_zone_layout *from, *to;
	struct jctx c;

	from = hv_zone_layout(z->arch, HVISOR_CONFIG_MAGIC_V6);
	to = hv_zone_layout(z->arch, magic);
	if (!to) {
		fprintf(stderr,
			"hvisor: %s: zone config magic 0x%02llx is not one this tool can write (0x05, 0x06)\n",
			z->ctx.file, (unsigned long long)magic);
		return -1;
	}
	if (magic < zone_json_min_magic(z)) {
		jctx_init(&c, z->ctx.file);
		jpath_key(&c, z->v6_key);
		jerr(&c,
		     "zone config magic 0x%02llx (%s) has no room for it: it needs 0x%02x",
		     (unsigned long long)magic, config_magic_name(magic),
		     HVISOR_CONFIG_MAGIC_V6);
		return -1;
	}
	free(z->out);
	z->out = calloc(1, to->size);
	if (!z->out) {
		fprintf(stderr, "hvisor: %s: out of memory\n", z->ctx.file);
		return -1;
	}
	if (magic == HVISOR_CONFIG_MAGIC_V6)
		memcpy(z->out, z->cfg, to->size);
	else
		zone_pack_v5(z, from, to, z->out);
	z->magic = magic;
	z->out_size = to->size;
	return 0;
}
