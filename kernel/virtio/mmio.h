/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-mmio (version 2) register file of an emulated device: the
 * transport that decodes a zone's trapped accesses into the device core
 * (device.h), which this header includes for the devices.
 *
 * Contexts: register accesses come one at a time from the bridge's fast
 * path (atomic context, irqs off) or from the device's deferred work
 * (vdev.h).  Reads never sleep; a write that would sleep (a reset, a
 * queue disabled, a status bit in ops->status_sleeps) is refused in
 * atomic context and performed again from the deferred work.
 */
#ifndef _HVISOR_VIRTIO_MMIO_H
#define _HVISOR_VIRTIO_MMIO_H

#include <linux/types.h>

#include "../vdev.h"
#include "device.h"

#define HV_VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define HV_VIRTIO_MMIO_VERSION	2
#define HV_VIRTIO_VENDOR_ID	0x48564953	/* "HVIS", as upstream */
#define HV_VIRTIO_MMIO_SIZE	0x200		/* minimum window we need */

/*
 * Initialise @dev for @ops before registration, served through this
 * register file.  The caller fills
 * dev->vdev (zone, base, len), dev->irq, dev->priv and dev->inject, or
 * has hv_virtio_dev_bind() do it.  Returns -EINVAL if @ops is
 * inconsistent or its config space does not fit the window.
 */
int hv_virtio_dev_init(struct hv_virtio_dev *dev,
		       const struct hv_virtio_ops *ops,
		       const struct hv_guest_mem *mem, u32 config_size);

/* The hv_vdev MMIO callbacks (dev->vdev.mmio points to these). */
extern const struct hv_vdev_mmio_ops hv_virtio_mmio_ops;
u64 hv_virtio_mmio_read(struct hv_vdev *vdev, u64 offset, u32 size);
int hv_virtio_mmio_write(struct hv_vdev *vdev, u64 offset, u64 value,
			 u32 size, bool may_sleep);

#endif /* _HVISOR_VIRTIO_MMIO_H */
