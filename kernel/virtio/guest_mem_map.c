// SPDX-License-Identifier: GPL-2.0
/*
 * Map a zone's guest memory into zone 0's kernel, once, at attach time.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/printk.h>

#include "guest_mem.h"

/*
 * True if every page of [phys, phys + size) has a struct page, so that
 * guest buffers can be handed to the block layer as bvecs.
 */
static bool hv_gmem_has_pages(u64 phys, u64 size)
{
	unsigned long pfn = PHYS_PFN(phys);
	unsigned long end = PHYS_PFN(phys + size);

	for (; pfn < end; pfn++)
		if (!pfn_valid(pfn))
			return false;
	return true;
}

int hv_gmem_map(struct hv_guest_mem *gm)
{
	struct hv_gmem_region *r;
	u32 i;
	int err;

	err = hv_gmem_validate(gm->r, gm->nr, &i);
	if (err) {
		pr_err("hvisor: guest memory region %u is invalid\n", i);
		return err;
	}

	for (i = 0; i < gm->nr; i++) {
		r = &gm->r[i];
		r->hva = memremap(r->zone0_ipa, r->size, MEMREMAP_WB);
		if (!r->hva) {
			pr_err("hvisor: cannot map guest memory %#llx+%#llx\n",
			       r->zone0_ipa, r->size);
			err = -ENOMEM;
			goto unmap_previous;
		}
		r->has_pages = hv_gmem_has_pages(r->zone0_ipa, r->size);
	}
	return 0;

unmap_previous:
	while (i--) {
		memunmap(gm->r[i].hva);
		gm->r[i].hva = NULL;
	}
	return err;
}

void hv_gmem_unmap(struct hv_guest_mem *gm)
{
	u32 i;

	for (i = 0; i < gm->nr; i++) {
		if (gm->r[i].hva)
			memunmap(gm->r[i].hva);
		gm->r[i].hva = NULL;
	}
}
