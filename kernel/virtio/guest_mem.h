/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A zone's guest memory as zone 0 sees it: a few physically contiguous
 * regions, each mapped once into the kernel at attach time.  Every guest
 * physical range the guest hands us (descriptors, rings, buffers) goes
 * through hv_gmem_translate(), which accepts a range only if it lies
 * entirely inside one region.
 *
 * guest_mem.c is pure logic (validation, translation) and builds on UML for
 * KUnit; guest_mem_map.c does the memremap()s.
 */
#ifndef _HVISOR_VIRTIO_GUEST_MEM_H
#define _HVISOR_VIRTIO_GUEST_MEM_H

#include <linux/types.h>

/* Upper bound on regions per zone (upstream configs use one or two). */
#define HV_GMEM_MAX_REGIONS	64	/* = HVISOR_VIRTIO_MAX_REGIONS */

struct hv_gmem_region {
	u64 zone0_ipa;		/* host physical address of the region */
	u64 zonex_ipa;		/* guest physical address of the region */
	u64 size;		/* bytes, page aligned, non-zero */
	void *hva;		/* kernel mapping of [zone0_ipa, +size) */
	bool linear;		/* hva is the linear map (bvec I/O allowed) */
};

struct hv_guest_mem {
	u32 nr;
	struct hv_gmem_region r[HV_GMEM_MAX_REGIONS];
};

/*
 * Check a region table before anything is mapped: 1..HV_GMEM_MAX_REGIONS
 * regions, each non-empty, page aligned on both sides, not wrapping the
 * 64-bit space on either side, and no two regions overlapping in guest
 * physical space.  Returns 0 or -EINVAL (-E2BIG for too many regions) and
 * stores the index of the offending region in *@bad when @bad is not NULL.
 */
int hv_gmem_validate(const struct hv_gmem_region *r, u32 nr, u32 *bad);

/*
 * Translate the guest physical range [@gpa, @gpa + @len) to a kernel
 * pointer.  Returns NULL unless @len is non-zero and the whole range lies
 * inside a single region.  Never overflows, whatever the inputs.
 */
void *hv_gmem_translate(const struct hv_guest_mem *gm, u64 gpa, u64 len);

/*
 * Like hv_gmem_translate(), but returns the region and the offset of @gpa
 * in it (for callers that need the host physical address), or NULL.
 */
const struct hv_gmem_region *hv_gmem_lookup(const struct hv_guest_mem *gm,
					    u64 gpa, u64 len, u64 *offset);

/*
 * True if @hva, the kernel mapping of the host physical range
 * [@phys, @phys + @size), is that range's address in the linear map, with a
 * struct page behind every page.  Only then may the range's pages be handed
 * to other subsystems (bvecs for the block layer): they reach a page's data
 * through page_address(), i.e. the linear map.  pfn_valid() alone is not
 * enough: zone RAM that a device tree marks `reserved-memory { no-map }` has
 * struct pages but no linear mapping, and memremap() returns a fresh
 * mapping for it instead.
 */
bool hv_gmem_is_linear(u64 phys, u64 size, const void *hva);

/*
 * A zone's memory as its config describes it, for the checks below: one
 * host physical range [@host, @host + @size) seen by the guest at @guest.
 */
struct hv_zone_mem {
	u64 host;
	u64 guest;
	u64 size;
};

/*
 * Does every region of @r lie inside one range of @zm, translated the same
 * way (zonex_ipa - guest == zone0_ipa - host)?  True if so; otherwise
 * false, with the index of the first region that does not in *@bad.
 * Pure: empty or wrapping ranges of @zm contain nothing.
 */
bool hv_gmem_fits(const struct hv_gmem_region *r, u32 nr,
		  const struct hv_zone_mem *zm, u32 nzm, u32 *bad);

/*
 * Does a region of @r overlap a range of @zm in host physical space?  True
 * if so, with the first such pair in *@bad_r and *@bad_zm.  Pure.
 */
bool hv_gmem_overlaps(const struct hv_gmem_region *r, u32 nr,
		      const struct hv_zone_mem *zm, u32 nzm, u32 *bad_r,
		      u32 *bad_zm);

/*
 * Is the guest physical window [@addr, @addr + @len) inside one range of
 * @zm (in guest physical space)?  False for an empty or wrapping window.
 */
bool hv_gmem_window_in(u64 addr, u64 len, const struct hv_zone_mem *zm,
		       u32 nzm);

/* guest_mem_map.c: memremap every region (all or nothing) / undo it. */
int hv_gmem_map(struct hv_guest_mem *gm);
void hv_gmem_unmap(struct hv_guest_mem *gm);

#endif /* _HVISOR_VIRTIO_GUEST_MEM_H */
