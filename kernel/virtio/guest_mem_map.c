// SPDX-License-Identifier: GPL-2.0
/*
 * Map a zone's guest memory into zone 0's kernel, once, at attach time.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/printk.h>

#include "guest_mem.h"

int hv_gmem_map(struct hv_guest_mem *gm)
{
	struct hv_gmem_region *r;
	const char *what;
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
		/*
		 * memremap() returns the linear map's address only for RAM
		 * that is in it (System RAM); for zone RAM a device tree
		 * marks no-map, or that Linux was never given, it builds a
		 * new mapping, and then we keep to it (blk.c).
		 */
		r->linear = hv_gmem_is_linear(r->zone0_ipa, r->size, r->hva);
		if (r->linear)
			what = "in the linear map";
		else if (pfn_valid(PHYS_PFN(r->zone0_ipa)))
			what = "no-map (struct pages, not in the linear map), using our mapping";
		else
			what = "no struct pages, using our mapping";
		pr_info("hvisor: guest memory %#llx+%#llx: %s\n",
			r->zone0_ipa, r->size, what);
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
