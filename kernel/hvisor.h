/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisor.ko core internals: the hypercall entry point and the per-zone
 * objects under /sys/class/hvisor/.
 */
#ifndef _HVISOR_CORE_H
#define _HVISOR_CORE_H

#include <linux/device.h>
#include <linux/kref.h>
#include <linux/types.h>

#include "../include/hvisor/hypervisor.h"
#include "../include/uapi/hvisor.h"

/*
 * Call the hypervisor through the registered seam implementation.
 * Returns -ENODEV (and logs once why) when no hypervisor is present.
 */
long hvisor_hv_call(unsigned long code, unsigned long arg0, unsigned long arg1);

/* Name of the registered implementation, or NULL. */
const char *hvisor_hv_name(void);

/*
 * A zone as seen from zone 0: /sys/class/hvisor/zone<N>/.  It exists while
 * the zone runs (started through us) or while virtio devices are attached
 * to it, whichever is longer.
 */
struct hvisor_zone {
	u32 id;
	struct device dev;	/* /sys/class/hvisor/zone<id> */
	struct kref ref;
	bool started;		/* started by HVISOR_ZONE_START */
	char name[HVISOR_NAME_MAXLEN];
	u64 cpus;
};

/* Find or create the zone object; NULL-free: ERR_PTR on failure. */
struct hvisor_zone *hvisor_zone_get(u32 id);
void hvisor_zone_put(struct hvisor_zone *zone);

#endif /* _HVISOR_CORE_H */
