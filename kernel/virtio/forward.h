/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio device served by a daemon (HVISOR_VIRTIO_F_DAEMON): upstream
 * hvisor-tool's daemon serves it through upstream's ABI on /dev/hvisor
 * (updaemon.h); hvisor.ko only holds its window in the registry and
 * forwards each whole access there.  Holding the window keeps the
 * registry's rules for it: no device of hvisor.ko may overlap it, and
 * the accesses of its stopped zone do not reach the daemon (vdev.c).
 * With no daemon attached an access is answered as an absent device's:
 * reads 0, writes ignored.
 */
#ifndef _HVISOR_VIRTIO_FORWARD_H
#define _HVISOR_VIRTIO_FORWARD_H

#include <linux/types.h>

#include "device.h"
#include "vtype.h"

/* Create the device (not registered): the device or an ERR_PTR. */
struct hv_virtio_dev *hv_fwd_create(const struct hv_virtio_dev_info *info);

/* "gpu", "scmi", ... for virtio device id @type; NULL if not known. */
const char *hv_fwd_type_name(u32 type);

/* What serves it now: "daemon", or "daemon (none attached)". */
void hv_fwd_backend(struct hv_virtio_dev *dev, char *buf, size_t size);

/*
 * Its values in its sysfs directory (see vtype.h): forwarded (accesses
 * the daemon took), unserved (answered as absent: no daemon attached).
 */
extern const struct hv_vattr hv_fwd_attrs[];

#endif /* _HVISOR_VIRTIO_FORWARD_H */
