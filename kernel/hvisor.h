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

/*
 * Copy the registered implementation's name into @buf (NUL-terminated,
 * truncated to @size).  Returns 0, or -ENODEV when none is registered.  A
 * copy, because the name belongs to a module that may unregister any time.
 */
int hvisor_hv_name(char *buf, size_t size);

/*
 * A zone as seen from zone 0: /sys/class/hvisor/zone<N>/.  It exists while
 * the zone runs (started through us) or while virtio devices are attached
 * to it, whichever is longer.
 */
struct hvisor_zone {
	u32 id;
	struct device dev;	/* /sys/class/hvisor/zone<id> */
	struct kref ref;	/* under the zone list mutex */
	struct list_head node;	/* in the zone list */
	/* below: under hv_zone_data_lock, as the sysfs readers see them */
	bool started;		/* started by HVISOR_ZONE_START, holds a ref */
	bool error;		/* hvisor flagged it (HV_HC_ZONE_LIST is_err) */
	char name[HVISOR_NAME_MAXLEN];
	u64 cpus;
	/* host physical RAM/IO ranges, kept while started (overlap checks) */
	unsigned int nr_ranges;
	struct hvisor_zone_range {
		u64 start;
		u64 size;
	} *ranges;
};

/*
 * Find or create the zone object (creating /sys/class/hvisor/zone<id>).
 * Never NULL: an ERR_PTR on failure.  Process context.
 */
struct hvisor_zone *hvisor_zone_get(u32 id);
void hvisor_zone_put(struct hvisor_zone *zone);

#endif /* _HVISOR_CORE_H */
