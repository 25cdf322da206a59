/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One log prefix for the devices: "hvisor: zone <N> <type>@<addr>: ",
 * as dev_warn() names a struct device.  Before a device exists (its
 * creation refused), messages name the zone: hv_zone_warn().  A device's
 * warnings are what its guest did wrong, so they are ratelimited.
 * The user includes device.h (struct hv_virtio_dev).
 */
#ifndef _HVISOR_VIRTIO_VLOG_H
#define _HVISOR_VIRTIO_VLOG_H

#include <linux/printk.h>

#define hv_vdev_printk(print, dev, fmt, ...)				\
	do {								\
		const struct hv_virtio_dev *d__ = (dev);		\
									\
		print("hvisor: zone %u %s@%#llx: " fmt,			\
		      d__->vdev.zone_id, d__->ops->name,		\
		      d__->vdev.base, ##__VA_ARGS__);			\
	} while (0)

#define hv_vdev_info(dev, fmt, ...)					\
	hv_vdev_printk(pr_info, dev, fmt, ##__VA_ARGS__)
#define hv_vdev_warn(dev, fmt, ...)					\
	hv_vdev_printk(pr_warn_ratelimited, dev, fmt, ##__VA_ARGS__)
#define hv_vdev_dbg(dev, fmt, ...)					\
	hv_vdev_printk(pr_debug, dev, fmt, ##__VA_ARGS__)

#define hv_zone_warn(zone_id, fmt, ...)					\
	pr_warn("hvisor: zone %u: " fmt, (zone_id), ##__VA_ARGS__)

#endif /* _HVISOR_VIRTIO_VLOG_H */
