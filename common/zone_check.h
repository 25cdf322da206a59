/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of a zone_config, shared by hvisor.ko (which never trusts the
 * tool) and the hvisor tool (which checks configs for any of the four
 * architectures, with no module loaded).
 *
 * A config is a byte buffer in hvisor's layout for one architecture: a
 * struct hvisor_zone_head, the arch part, and a struct hvisor_zone_pci (see
 * include/uapi/hvisor.h).
 */
#ifndef _HV_ZONE_CHECK_H
#define _HV_ZONE_CHECK_H

#include "hv_common.h"

/* Where the parts of one (arch, config magic) zone_config are. */
struct hv_zone_layout {
	u32 arch;		/* enum hvisor_arch */
	u64 magic;		/* HVISOR_CONFIG_MAGIC_V5 or _V6 */
	size_t arch_size;	/* the arch part, at HVISOR_ZONE_HEAD_SIZE */
	size_t pci_offset;	/* the PCI tail */
	size_t dev_size;	/* one alloc_pci_devs entry: 8 (0x05), 12 (0x06) */
	size_t size;		/* the whole config */
};

/* NULL for an unknown arch or magic. */
const struct hv_zone_layout *hv_zone_layout(u32 arch, u64 magic);
bool hv_config_magic_known(u64 magic);
/* 0 for an unknown arch or magic. */
size_t hv_zone_config_size(u32 arch, u64 magic);
const char *hv_arch_name(u32 arch);	/* "arm64", ...; "unknown" */

static inline struct hvisor_zone_head *hv_zone_head(void *cfg)
{
	return cfg;
}

static inline void *hv_zone_arch(void *cfg)
{
	return (u8 *)cfg + HVISOR_ZONE_HEAD_SIZE;
}

/*
 * The PCI tail.  Both magics share its first 432 bytes (num_pci_bus,
 * pci_config[], num_pci_devs), so these may be read through the 0x06 struct
 * for either; alloc_pci_devs only through hv_zone_pci_dev(), which returns
 * device @i (< HVISOR_MAX_PCI_DEVS) in the 0x06 form (0x05: v_* = the
 * physical address).
 */
struct hvisor_zone_pci *hv_zone_pci(void *cfg, const struct hv_zone_layout *l);
void hv_zone_pci_dev(const void *cfg, const struct hv_zone_layout *l,
		     unsigned int i, struct hvisor_pci_dev_config *out);

/* An image that will be copied into the zone's RAM before it starts. */
struct hv_zone_image {
	u64 load_paddr;
	u64 size;
	u32 kind;		/* HVISOR_IMAGE_* */
};

/*
 * What is wrong, for a message.  @field is a JSON-style path named like the
 * zone JSON keys, e.g. "memory_regions[2].size", "cpus", "images[1]";
 * @msg says what is wrong with it, e.g. "region overlaps memory_regions[0]".
 */
struct hv_check_error {
	int err;		/* negative errno, e.g. -EINVAL, -ERANGE */
	char field[64];
	char msg[160];
};

/*
 * Validate @cfg (@cfg_size bytes, layout of @arch and config magic @magic)
 * and the images that will be loaded for it.  Returns 0, or a negative errno
 * with @e filled in for the first problem found (-EPROTONOSUPPORT for an
 * unknown magic).  Checks, at least: size matches the arch and magic; zone id in
 * 1..HVISOR_MAX_ZONES-1; cpus non-empty; name NUL-terminated and non-empty;
 * num_memory_regions <= 64; every region of a known type, non-empty, not
 * wrapping (start + size, both physical and virtual), RAM/IO 4 KiB aligned,
 * no two regions overlapping (physical for RAM/IO, guest for all); num_ivc
 * <= 2; num_pci_bus <= 4, num_pci_devs <= 32; entry point inside a RAM
 * region's guest range; each image non-empty, inside one RAM region's
 * physical range, not wrapping, and no two images overlapping; padding zero;
 * arch part sane (arm64: GIC tag 0/1, UEFI tag 0/1; x86: region ids < num).
 */
int hv_zone_check(const void *cfg, size_t cfg_size, u32 arch, u64 magic,
		  const struct hv_zone_image *imgs, unsigned int nr_imgs,
		  struct hv_check_error *e);

#endif /* _HV_ZONE_CHECK_H */
