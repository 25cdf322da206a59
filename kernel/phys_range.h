/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which host physical ranges zone 0 may hand to a zone, and map and write
 * itself (phys_range.c).  The tool is root, but root can be wrong, and a
 * wrong range is zone 0's own memory given to a guest: every range is
 * checked against what zone 0's kernel knows before anything is mapped.
 */
#ifndef _HVISOR_PHYS_RANGE_H
#define _HVISOR_PHYS_RANGE_H

#include <linux/compiler_attributes.h>
#include <linux/types.h>

struct hv_gmem_region;

enum hv_phys_use {
	/* zone RAM, images, virtio regions: zone 0 maps and writes them */
	HV_PHYS_MAP,
	/* a zone's io regions: only handed to the hypervisor */
	HV_PHYS_HANDOVER,
};

/*
 * May [@start, @start + @size) be given to a zone (and, for HV_PHYS_MAP,
 * be mapped by zone 0)?  0, or -errno after one dmesg line that starts
 * with the printf-style @fmt, names the range and says why:
 *   -EPERM       the kernel is locked down (LOCKDOWN_DEV_MEM)
 *   -EINVAL      empty, or wraps the 64-bit space
 *   -ERANGE      ends beyond the physical address space
 *                (hvisor_arch_phys_last(): x86 the CPU's width)
 *   -EBUSY       overlaps zone 0's System RAM (its kernel is in it)
 *   -EADDRINUSE  overlaps a range a zone 0 driver claimed (a busy iomem
 *                resource, or a /reserved-memory node with a compatible)
 *   -ENXIO       HV_PHYS_MAP only: a part is nothing zone 0 can tell is
 *                memory set aside: neither an iomem "Reserved" range
 *                (e820, memmap=nn$ss) nor memory the device tree
 *                describes (a /memory node: no-map, mem=)
 * Nothing is mapped or touched.  Process context (takes resource_lock).
 */
__printf(4, 5)
int hv_phys_check(u64 start, u64 size, enum hv_phys_use use,
		  const char *fmt, ...);

/*
 * The regions of a virtio attach for zone @zone_id: each passes
 * hv_phys_check(HV_PHYS_MAP) and, when the module started zone @zone_id
 * (its memory is known), lies inside one of that zone's ranges (-EACCES);
 * none overlaps the memory of another zone the module started (-EACCES).
 */
int hv_phys_check_gmem(u32 zone_id, const struct hv_gmem_region *r, u32 nr);

/* --- the pure part, exposed for KUnit --------------------------------- */

/* A closed interval [start, last] of host physical addresses. */
struct hv_phys_iv {
	u64 start;
	u64 last;
};

/*
 * Is every byte of [@start, @last] inside the union of the @n intervals
 * @iv (in any order, overlapping or not)?  If not, false and the first
 * byte that is not in *@gap.
 */
bool hv_phys_covered(u64 start, u64 last, const struct hv_phys_iv *iv,
		     unsigned int n, u64 *gap);

#endif /* _HVISOR_PHYS_RANGE_H */
