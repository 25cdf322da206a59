// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory regions: validation and overflow-safe translation of guest
 * physical ranges.  No mapping here (see guest_mem_map.c), so that KUnit can
 * run this on UML with regions backed by kmalloc().
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>

#include "guest_mem.h"

/* Last byte of a non-empty range, or false if it wraps the u64 space. */
static bool hv_range_last(u64 start, u64 size, u64 *last)
{
	if (!size)
		return false;
	return !check_add_overflow(start, size - 1, last);
}

/* [@start, @start + @size) inside [@zstart, @zstart + @zsize)? */
static bool hv_range_inside(u64 start, u64 size, u64 zstart, u64 zsize)
{
	u64 last, zlast;

	return hv_range_last(start, size, &last) &&
	       hv_range_last(zstart, zsize, &zlast) &&
	       zstart <= start && last <= zlast;
}

bool hv_gmem_fits(const struct hv_gmem_region *r, u32 nr,
		  const struct hv_zone_mem *zm, u32 nzm, u32 *bad)
{
	u32 i, j;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < nzm; j++)
			if (hv_range_inside(r[i].zone0_ipa, r[i].size,
					    zm[j].host, zm[j].size) &&
			    r[i].zone0_ipa - zm[j].host ==
			    r[i].zonex_ipa - zm[j].guest)
				break;
		if (j == nzm) {
			*bad = i;
			return false;
		}
	}
	return true;
}

bool hv_gmem_overlaps(const struct hv_gmem_region *r, u32 nr,
		      const struct hv_zone_mem *zm, u32 nzm, u32 *bad_r,
		      u32 *bad_zm)
{
	u64 last, zlast;
	u32 i, j;

	for (i = 0; i < nr; i++) {
		if (!hv_range_last(r[i].zone0_ipa, r[i].size, &last))
			continue;	/* hv_gmem_validate() refused it */
		for (j = 0; j < nzm; j++) {
			if (!hv_range_last(zm[j].host, zm[j].size, &zlast))
				continue;
			if (r[i].zone0_ipa <= zlast && zm[j].host <= last) {
				*bad_r = i;
				*bad_zm = j;
				return true;
			}
		}
	}
	return false;
}

bool hv_gmem_window_in(u64 addr, u64 len, const struct hv_zone_mem *zm,
		       u32 nzm)
{
	u32 j;

	for (j = 0; j < nzm; j++)
		if (hv_range_inside(addr, len, zm[j].guest, zm[j].size))
			return true;
	return false;
}

int hv_gmem_validate(const struct hv_gmem_region *r, u32 nr, u32 *bad)
{
	u64 last_i, last_j, last0;
	u32 i, j;

	if (!nr || nr > HV_GMEM_MAX_REGIONS) {
		if (bad)
			*bad = 0;
		return nr ? -E2BIG : -EINVAL;
	}

	for (i = 0; i < nr; i++) {
		if (bad)
			*bad = i;
		if (!r[i].size || !PAGE_ALIGNED(r[i].size) ||
		    !PAGE_ALIGNED(r[i].zone0_ipa) ||
		    !PAGE_ALIGNED(r[i].zonex_ipa))
			return -EINVAL;
		if (!hv_range_last(r[i].zonex_ipa, r[i].size, &last_i) ||
		    !hv_range_last(r[i].zone0_ipa, r[i].size, &last0))
			return -EINVAL;
		for (j = 0; j < i; j++) {
			hv_range_last(r[j].zonex_ipa, r[j].size, &last_j);
			if (r[i].zonex_ipa <= last_j &&
			    r[j].zonex_ipa <= last_i)
				return -EINVAL;
		}
	}
	return 0;
}

const struct hv_gmem_region *hv_gmem_lookup(const struct hv_guest_mem *gm,
					    u64 gpa, u64 len, u64 *offset)
{
	const struct hv_gmem_region *r;
	u64 off;
	u32 i;

	/* An empty range names no memory: refuse it explicitly. */
	if (!len)
		return NULL;

	for (i = 0; i < gm->nr; i++) {
		r = &gm->r[i];
		if (gpa < r->zonex_ipa)
			continue;
		off = gpa - r->zonex_ipa;
		if (off >= r->size)
			continue;
		/*
		 * gpa is inside r; regions never overlap, so no other region
		 * can hold the start.  The range must end inside r too:
		 * off < size here, so size - off cannot underflow.
		 */
		if (len > r->size - off)
			return NULL;
		if (offset)
			*offset = off;
		return r;
	}
	return NULL;
}

void *hv_gmem_translate(const struct hv_guest_mem *gm, u64 gpa, u64 len)
{
	const struct hv_gmem_region *r;
	u64 off;

	r = hv_gmem_lookup(gm, gpa, len, &off);
	if (!r || !r->hva)
		return NULL;
	return (u8 *)r->hva + off;
}

bool hv_gmem_is_linear(u64 phys, u64 size, const void *hva)
{
	unsigned long pfn, end;
	u64 last;

	if (!hva || !PAGE_ALIGNED(phys) || !hv_range_last(phys, size, &last))
		return false;
	pfn = PHYS_PFN(phys);
	end = PHYS_PFN(last);
	if ((u64)end != last >> PAGE_SHIFT)
		return false;	/* beyond what a pfn can name */
	for (; pfn <= end; pfn++) {
		if (!pfn_valid(pfn))
			return false;
		/*
		 * The linear map is contiguous, so comparing the first page
		 * would do for a range memremap() mapped as one; checking
		 * each page also covers highmem and callers that pass
		 * something else, at a cost paid once per attach.
		 */
		if (page_address(pfn_to_page(pfn)) !=
		    (const u8 *)hva + PFN_PHYS(pfn - PHYS_PFN(phys)))
			return false;
	}
	return true;
}
