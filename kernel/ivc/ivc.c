// SPDX-License-Identifier: GPL-2.0
/*
 * Zone 0's IVC endpoints follow the hypervisor: when one registers with
 * the seam, its IVC_INFO answer names the channels and each gets its
 * device and sysfs directory; before it unregisters, they are removed.
 * A channel hvisor reports but that cannot be served is left out with its
 * reason in the log; the others still come up.
 */
#define pr_fmt(fmt) "hvisor: ivc: " fmt

#include <linux/err.h>

#include "../hvisor.h"
#include "ivc.h"

/* Only touched under the seam lock (start and stop). */
static struct hvisor_ivc_chan *hv_ivc_chans[HV_IVC_MAX_CONFIGS];
static struct hvisor_zone *hv_ivc_zone0;	/* held while channels exist */
static bool hv_ivc_cdev_up;

void hvisor_ivc_start(void)
{
	struct hvisor_ivc_desc d[HV_IVC_MAX_CONFIGS];
	struct hvisor_ivc_chan *c;
	int i, n;

	n = hvisor_ivc_info(d, ARRAY_SIZE(d));
	if (n <= 0)
		return;
	if (hvisor_ivc_cdev_init()) {
		pr_err("cannot create the hivc devices\n");
		return;
	}
	hv_ivc_cdev_up = true;
	hv_ivc_zone0 = hvisor_zone_get(0);
	if (IS_ERR(hv_ivc_zone0)) {
		pr_err("cannot create zone 0's sysfs directory: %ld\n",
		       PTR_ERR(hv_ivc_zone0));
		hv_ivc_zone0 = NULL;
		hvisor_ivc_stop();
		return;
	}
	for (i = 0; i < n; i++) {
		c = hvisor_ivc_chan_create(&d[i], hv_ivc_zone0);
		if (!IS_ERR(c))
			hv_ivc_chans[i] = c;
	}
}

void hvisor_ivc_stop(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hv_ivc_chans); i++) {
		if (hv_ivc_chans[i])
			hvisor_ivc_chan_remove(hv_ivc_chans[i]);
		hv_ivc_chans[i] = NULL;
	}
	if (hv_ivc_zone0)
		hvisor_zone_put(hv_ivc_zone0);
	hv_ivc_zone0 = NULL;
	if (hv_ivc_cdev_up)
		hvisor_ivc_cdev_exit();
	hv_ivc_cdev_up = false;
}
