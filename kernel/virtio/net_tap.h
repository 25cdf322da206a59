/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tap behind a virtio-net device: found from the fd the tool hands
 * over, checked, held, and its carrier followed.  tun has no in-kernel
 * API for most of this (see net_tap.c), which is why it has a file of its
 * own; net.c serves the queues over tap->sock.
 */
#ifndef _HVISOR_VIRTIO_NET_TAP_H
#define _HVISOR_VIRTIO_NET_TAP_H

#include <linux/if.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/types.h>

struct file;
struct socket;

struct hv_net_tap {
	struct file *file;		/* the tap, our reference */
	struct socket *sock;		/* lives as long as file */
	char ifname[IFNAMSIZ];		/* at creation, for LIST */
	u32 zone_id;			/* for messages */
	/* Carrier changes and removal, under rtnl; set before open. */
	void (*link_changed)(struct hv_net_tap *tap);

	/* The tap's net_device and our reference on it; under rtnl. */
	struct net_device *dev;
	netdevice_tracker tracker;
	bool link_up;			/* last carrier seen, under rtnl too */
	bool closing;			/* close started: ignore events */
	struct notifier_block nb;
};

/*
 * The socket of a tap file, or ERR_PTR(-EBADFD) if @file is not a tap
 * (tun.ko is resolved at run time: hvisor.ko does not need it loaded).
 */
struct socket *hv_net_tap_socket(struct file *file);

/*
 * Find the interface of tap->file in the namespace of tap->sock, check
 * its flags (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR), hold it and follow its
 * carrier (tap->link_up, tap->link_changed).  0, -EBADFD (no interface),
 * -EINVAL (wrong flags) or -errno; one dmesg line per refusal.
 */
int hv_net_tap_open(struct hv_net_tap *tap);

/* Stop following the carrier and drop the interface.  May sleep. */
void hv_net_tap_close(struct hv_net_tap *tap);

#endif /* _HVISOR_VIRTIO_NET_TAP_H */
