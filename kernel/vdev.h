/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry of emulated MMIO devices, keyed by (zone, guest physical
 * range).  The bridge consumer dispatches every trapped access through it.
 */
#ifndef _HVISOR_VDEV_H
#define _HVISOR_VDEV_H

#include <linux/list.h>
#include <linux/types.h>

struct hv_device_req;
struct hv_vdev;

struct hv_vdev_mmio_ops {
	/* @offset is relative to vdev->base; @size is 1, 2, 4 or 8. */
	u64 (*read)(struct hv_vdev *vdev, u64 offset, u32 size);
	void (*write)(struct hv_vdev *vdev, u64 offset, u64 value, u32 size);
};

struct hv_vdev {
	u32 zone_id;
	u64 base;		/* guest physical address of the MMIO window */
	u64 len;
	const struct hv_vdev_mmio_ops *mmio;
	struct list_head node;	/* in the registry, under hv_vdev_lock */
};

/* Add @vdev; -EEXIST if its window overlaps a device of the same zone. */
int hvisor_vdev_register(struct hv_vdev *vdev);

/*
 * Remove @vdev.  On return no access to it is running or will start, so
 * the caller may free it.
 */
void hvisor_vdev_unregister(struct hv_vdev *vdev);

/*
 * Perform one trapped access.  Returns the value to complete a read with:
 * 0 for writes, for unknown addresses and for bad sizes (an absent device
 * reads as zeros, as on upstream).  Called from the bridge consumer only.
 */
u64 hvisor_vdev_dispatch(const struct hv_device_req *req);

#endif /* _HVISOR_VDEV_H */
