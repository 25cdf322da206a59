// SPDX-License-Identifier: GPL-2.0
/*
 * HV_HC_IVC_INFO: which IVC channels zone 0 has.  hvisor fills a struct
 * hv_ivc_info at a physical address: on aarch64 it answers 0, or -ENODEV
 * when zone 0 has no ivc config; on the other arches it logs a warning and
 * answers 0 without writing anything (upstream-hvisor.md §1.3), which the
 * zeroed buffer turns into "no channel".  The answer is checked like any
 * other input: at most two channels, distinct ids, page-aligned tables and
 * memories that do not wrap.
 */
#define pr_fmt(fmt) "hvisor: ivc: " fmt

#include <linux/errno.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../hvisor.h"
#include "ivc.h"

static bool hv_ivc_desc_ok(const struct hvisor_ivc_desc *d,
			   const struct hvisor_ivc_desc *prev, unsigned int n)
{
	unsigned int i;

	if (!PAGE_ALIGNED(d->ct_pa) || !PAGE_ALIGNED(d->shmem_pa) ||
	    d->ct_pa > U64_MAX - PAGE_SIZE) {
		pr_err("IVC_INFO: channel %u: control table %#llx or shared memory %#llx not page aligned\n",
		       d->ivc_id, d->ct_pa, d->shmem_pa);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (prev[i].ivc_id == d->ivc_id) {
			pr_err("IVC_INFO: channel id %u reported twice\n",
			       d->ivc_id);
			return false;
		}
	}
	return true;
}

int hvisor_ivc_info(struct hvisor_ivc_desc *d, unsigned int max)
{
	struct hv_ivc_info *info;
	unsigned int i, n;
	long ret;

	/* hvisor writes at a physical address: keep it in kmalloc */
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ret = hvisor_hv_call(HV_HC_IVC_INFO, virt_to_phys(info), 0);
	if (ret == -ENODEV) {
		pr_info("hvisor reports no IVC channel for zone 0 (IVC_INFO: %ld)\n",
			ret);
		goto out;
	}
	if (ret < 0) {
		pr_err("IVC_INFO failed: %ld\n", ret);
		goto out;
	}
	if (!info->len) {
		pr_info("hvisor reports no IVC channel for zone 0 (IVC_INFO: 0 channels)\n");
		ret = 0;
		goto out;
	}
	if (info->len > min_t(u64, max, HV_IVC_MAX_CONFIGS)) {
		pr_err("IVC_INFO: %llu channels, at most %u exist\n", info->len,
		       HV_IVC_MAX_CONFIGS);
		ret = -EINVAL;
		goto out;
	}
	n = info->len;
	for (i = 0; i < n; i++) {
		d[i].index = i;
		d[i].ivc_id = info->ivc_ids[i];
		d[i].hv_irq = info->ivc_irqs[i];
		d[i].ct_pa = info->ct_ipas[i];
		d[i].shmem_pa = info->shmem_ipas[i];
		if (!hv_ivc_desc_ok(&d[i], d, i)) {
			ret = -EINVAL;
			goto out;
		}
	}
	ret = n;
out:
	kfree(info);
	return ret;
}
