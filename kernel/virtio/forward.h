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

#include "vtype.h"

/* The type: attach entries with HVISOR_VIRTIO_F_DAEMON (vtypes.c). */
extern const struct hv_vtype hv_fwd_vtype;

#endif /* _HVISOR_VIRTIO_FORWARD_H */
