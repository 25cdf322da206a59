// SPDX-License-Identifier: GPL-2.0
/*
 * The tap behind a virtio-net device.  See net_tap.h.
 *
 * tun has no in-kernel getter for what we need, so:
 *   - its interface is found through the file's fdinfo ("iff:"), looked up
 *     in the namespace of the tap's socket and held, so the carrier can be
 *     followed with a netdevice notifier even after the interface moves to
 *     another namespace;
 *   - its flags come from tun's own tun_flags attribute; we refuse
 *     anything but IFF_TAP | IFF_NO_PI | IFF_VNET_HDR.
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <net/sock.h>

#include "net_tap.h"
#include "vlog.h"

/* Caller holds rtnl. */
static bool hv_net_carrier(struct net_device *dev)
{
	ASSERT_RTNL();
	return netif_running(dev) && netif_carrier_ok(dev);
}

static int hv_net_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct hv_net_tap *tap = container_of(nb, struct hv_net_tap, nb);

	if (dev != tap->dev || tap->closing)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UNREGISTER:
		/* Moving to another netns unregisters and registers again. */
		if (dev->reg_state == NETREG_REGISTERED)
			break;
		netdev_put(tap->dev, &tap->tracker);
		tap->dev = NULL;
		WRITE_ONCE(tap->link_up, false);
		tap->link_changed(tap);
		break;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		WRITE_ONCE(tap->link_up, hv_net_carrier(dev));
		tap->link_changed(tap);
		break;
	}
	return NOTIFY_DONE;
}

/*
 * The tap's interface name.  tun offers no in-kernel getter: ask its
 * fdinfo, as /proc/<pid>/fdinfo does.  Must not hold rtnl.
 */
static int hv_net_tap_name(struct file *file, char *name)
{
	struct seq_file m = { };
	char buf[8 + IFNAMSIZ];
	char *p;

	if (!file->f_op->show_fdinfo)
		return -EOPNOTSUPP;
	m.buf = buf;
	m.size = sizeof(buf);
	file->f_op->show_fdinfo(&m, file);
	if (m.count >= m.size || strncmp(buf, "iff:\t", 5))
		return -EINVAL;
	buf[m.count] = '\0';
	p = strchr(buf + 5, '\n');
	if (p)
		*p = '\0';
	if (!buf[5])
		return -EBADFD;		/* not attached to an interface */
	strscpy(name, buf + 5, IFNAMSIZ);
	return 0;
}

/* tun's flags through its own sysfs attribute.  Caller holds rtnl. */
static int hv_net_tun_flags(struct net_device *dev, unsigned int *flags)
{
	const struct attribute_group *grp = dev->sysfs_groups[0];
	struct device_attribute *da = NULL;
	struct attribute **a;
	char *page;
	int err;

	ASSERT_RTNL();
	for (a = grp ? grp->attrs : NULL; a && *a; a++)
		if (!strcmp((*a)->name, "tun_flags"))
			da = container_of(*a, struct device_attribute, attr);
	if (!da || !da->show)
		return -EOPNOTSUPP;
	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	err = da->show(&dev->dev, da, page);
	if (err > 0)
		err = kstrtouint(strim(page), 0, flags);
	else if (!err)
		err = -EINVAL;
	free_page((unsigned long)page);
	return err;
}

#define HV_NET_TAP_FLAGS	(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)

int hv_net_tap_open(struct hv_net_tap *tap)
{
	struct net_device *dev;
	unsigned int flags;
	int err;

	err = hv_net_tap_name(tap->file, tap->ifname);
	if (err) {
		hv_zone_warn(tap->zone_id,
			     "tap fd is not attached to an interface\n");
		return -EBADFD;
	}

	rtnl_lock();
	dev = __dev_get_by_name(sock_net(tap->sock->sk), tap->ifname);
	if (!dev || !dev->rtnl_link_ops ||
	    strcmp(dev->rtnl_link_ops->kind, "tun")) {
		rtnl_unlock();
		hv_zone_warn(tap->zone_id,
			     "tap %s not found in the tap fd's namespace\n",
			     tap->ifname);
		return -EBADFD;
	}
	err = hv_net_tun_flags(dev, &flags);
	if (err || (flags & HV_NET_TAP_FLAGS) != HV_NET_TAP_FLAGS) {
		rtnl_unlock();
		hv_zone_warn(tap->zone_id,
			     "tap %s must be opened with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR\n",
			     tap->ifname);
		return -EINVAL;
	}
	netdev_hold(dev, &tap->tracker, GFP_KERNEL);
	tap->dev = dev;
	tap->link_up = hv_net_carrier(dev);
	rtnl_unlock();

	tap->nb.notifier_call = hv_net_netdev_event;
	err = register_netdevice_notifier(&tap->nb);
	if (err)
		goto put_tap;
	return 0;

put_tap:
	rtnl_lock();
	netdev_put(tap->dev, &tap->tracker);
	tap->dev = NULL;
	rtnl_unlock();
	return err;
}

void hv_net_tap_close(struct hv_net_tap *tap)
{
	might_sleep();
	rtnl_lock();
	tap->closing = true;
	rtnl_unlock();
	unregister_netdevice_notifier(&tap->nb);
	rtnl_lock();
	netdev_put(tap->dev, &tap->tracker);
	tap->dev = NULL;
	rtnl_unlock();
}

struct socket *hv_net_tap_socket(struct file *file)
{
	struct socket *(*get)(struct file *file);
	struct socket *sock;

	/* Resolved at run time: hvisor.ko does not need tun.ko loaded. */
	get = symbol_get(tun_get_socket);
	if (!get)
		return ERR_PTR(-EBADFD);
	sock = get(file);
	symbol_put(tun_get_socket);
	/* The file holds tun.ko (f_op->owner) from here on. */
	return IS_ERR(sock) ? ERR_PTR(-EBADFD) : sock;
}
