/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HVISOR_VIRTIO_ATTACH / DETACH / LIST: creating the emulated virtio
 * devices of a zone from the tool's typed request, and their sysfs
 * directories /sys/class/hvisor/zone<N>/<type>@<addr>/.
 */
#ifndef _HVISOR_VIRTIO_ATTACH_H
#define _HVISOR_VIRTIO_ATTACH_H

#include <linux/types.h>

/* ioctl handlers; @arg is the user pointer of the ioctl. */
long hvisor_virtio_attach(const void __user *arg);
long hvisor_virtio_detach(const void __user *arg);
long hvisor_virtio_list(void __user *arg);

/* Detach every device of @zone_id (zone shutdown). */
void hvisor_virtio_detach_zone(u32 zone_id);

/* Detach everything (module exit, hypervisor gone). */
void hvisor_virtio_detach_all(void);

#endif /* _HVISOR_VIRTIO_ATTACH_H */
