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

#include <linux/if_ether.h>
#include <linux/types.h>

#include "mmio.h"
#include "vtype.h"

struct file;

struct hv_net_params {
	struct file *file;	/* the tap; reference handed over on success */
	u8 mac[ETH_ALEN];	/* config space MAC */
};

/*
 * Create a net device (not yet registered): checks that @params->file is
 * a tap set up as above, starts the worker and watches the tap's socket
 * and carrier.  Returns the device or an ERR_PTR (-EBADFD: not a tap or
 * not attached to an interface; -EINVAL: wrong tap flags); on failure the
 * caller keeps its file reference.
 */
struct hv_virtio_dev *hv_net_create(const struct hv_virtio_dev_info *info,
				    const struct hv_net_params *params);

/*
 * Tear down a device that is no longer registered (also ops->destroy):
 * no run in flight, the socket and
 * carrier watches removed, the worker stopped, the tap file dropped.
 */
void hv_net_destroy(struct hv_virtio_dev *dev);

/* The tap's interface name, as it was at creation (for LIST). */
const char *hv_net_backend_name(struct hv_virtio_dev *dev);

/*
 * The counters in the device's statistics/ directory (see vtype.h):
 * rx_packets, rx_bytes, rx_dropped, rx_errors and the same for tx; see
 * Documentation/ABI/testing/sysfs-class-hvisor.
 */
extern const struct hv_vattr hv_net_attrs[];

#endif /* _HVISOR_VIRTIO_NET_H */
