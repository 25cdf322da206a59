/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net backend over a tap, served in the kernel through the tap's
 * socket (tun_get_socket(), sendmsg/recvmsg) the way vhost-net serves a VM.
 *
 * The tool opens the tap with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, sets
 * TUNSETVNETHDRSZ to 12 and hands the fd over; the kernel adapts to the
 * guest's header size and sets the tap's offloads (TUNSETOFFLOAD) to what
 * the guest accepted, at FEATURES_OK.
 */
#ifndef _HVISOR_VIRTIO_NET_H
#define _HVISOR_VIRTIO_NET_H

#include <linux/types.h>

#include "mmio.h"
#include "vtype.h"

/* The type: attach entries of HVISOR_VIRTIO_NET (vtypes.c). */
extern const struct hv_vtype hv_net_vtype;

/*
 * Tear down a device that is no longer registered (also ops->destroy):
 * no run in flight, the socket and
 * carrier watches removed, the worker stopped, the tap file dropped.
 */
void hv_net_destroy(struct hv_virtio_dev *dev);

#endif /* _HVISOR_VIRTIO_NET_H */
