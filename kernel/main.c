// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor.ko: zone 0's side of the hvisor hypervisor.  /dev/hvisor takes the
 * zone ioctls of include/uapi/hvisor.h, /sys/class/hvisor shows the zones,
 * and the virtio bridge serves the zones' virtio devices in the kernel.
 *
 * This is the module's core: its load and unload, and what happens when a
 * hypervisor implementation registers with the seam (the bridge starts) or
 * unregisters (the devices are detached, the bridge stops, the zones are
 * forgotten).  The seam below calls up only through hv_lifecycle.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "../include/uapi/hvisor.h"
#include "bridge.h"
#include "ivc/ivc.h"
#include "seam_internal.h"
#include "updaemon.h"
#include "zone_internal.h"
#include "virtio/attach.h"
#include "virtio/console_tty.h"

/*
 * An ioctl number carries the size of its struct, so a grown struct of a
 * newer tool would get a number this module does not know.  Match on type,
 * number and direction only: every struct starts with its own size, which
 * the handler reads (uarg.h): the part both know is taken, a non-zero tail
 * this module does not know is refused with E2BIG.
 */
#define HVISOR_IOC_KEY(cmd)	((cmd) & ~_IOC(0, 0, 0, _IOC_SIZEMASK))

static long hv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* upstream hvisor-tool's numbers, for its daemon (updaemon.h) */
	if (_IOC_TYPE(cmd) == HVISOR_UP_IOCTL_TYPE)
		return hvisor_updaemon_ioctl(file, cmd, arg);

	/*
	 * HVISOR_ZONE_START_V1 has ZONE_START's key: its handler tells them
	 * apart.  What changes zones or devices needs CAP_SYS_ADMIN (the zone
	 * handlers check it themselves); GET_INFO and the two lists are for
	 * whoever may open the node.
	 */
	switch (HVISOR_IOC_KEY(cmd)) {
	case HVISOR_IOC_KEY(HVISOR_GET_INFO):
		return hvisor_ioctl_get_info(uarg);
	case HVISOR_IOC_KEY(HVISOR_ZONE_START):
		return hvisor_ioctl_zone_start(uarg);
	case HVISOR_IOC_KEY(HVISOR_ZONE_SHUTDOWN):
		return hvisor_ioctl_zone_shutdown(uarg);
	case HVISOR_IOC_KEY(HVISOR_ZONE_LIST):
		return hvisor_ioctl_zone_list(uarg);
	case HVISOR_IOC_KEY(HVISOR_VIRTIO_ATTACH):
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return hvisor_virtio_attach(uarg);
	case HVISOR_IOC_KEY(HVISOR_VIRTIO_DETACH):
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		return hvisor_virtio_detach(uarg);
	case HVISOR_IOC_KEY(HVISOR_VIRTIO_LIST):
		return hvisor_virtio_list(uarg);
	default:
		return -ENOTTY;
	}
}

static int hv_release(struct inode *inode, struct file *file)
{
	hvisor_updaemon_release(file);
	return 0;
}

static const struct file_operations hv_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= hv_ioctl,
	.mmap		= hvisor_updaemon_mmap,
	.release	= hv_release,
	/* every ioctl struct has the same layout for 32- and 64-bit tasks */
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice hv_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "hvisor",
	.fops	= &hv_fops,
	.mode	= 0600,
};

static int hv_up(const char *name)
{
	int ret = hvisor_bridge_start();

	if (ret) {
		pr_err("%s: cannot start the virtio bridge: %d\n", name, ret);
		return ret;
	}
	/* forwarding to upstream's daemon */
	hvisor_updaemon_start(hvisor_virtio_daemon_irq_ok);
	hvisor_ivc_start();	/* zone 0's channels, if it reports any */
	return 0;
}

/*
 * The zones served through this hypervisor are gone with it, and so are
 * their devices: detach them while their workers can still inject.
 */
static void hv_going(void)
{
	hvisor_virtio_detach_all();
}

/*
 * The consumer and the wake-up irq go while the hypervisor is still
 * callable.  Real hvisor keeps using the page it was given, even after
 * hvisor.ko is gone, so only another backend's page can be freed.
 */
static void hv_down(bool native)
{
	hvisor_ivc_stop();
	hvisor_updaemon_stop();	/* while its owed answers can still be given */
	hvisor_bridge_stop(!native);
}

/* zones started through that hypervisor are gone with it */
static void hv_gone(void)
{
	hvisor_zones_hv_gone();
}

static const struct hv_seam_client hv_lifecycle = {
	.up	= hv_up,
	.going	= hv_going,
	.down	= hv_down,
	.gone	= hv_gone,
};

static int __init hv_init(void)
{
	int ret;

	ret = hvisor_zone_objs_init();
	if (ret)
		return ret;
	ret = hv_con_tty_init();
	if (ret)
		goto err_zone_objs;
	ret = hvisor_seam_init(&hv_lifecycle);
	if (ret)
		goto err_console;
	ret = misc_register(&hv_misc);
	if (ret)
		goto err_seam;
	return 0;

err_seam:
	hvisor_seam_exit();
err_console:
	hv_con_tty_exit();
err_zone_objs:
	hvisor_zone_objs_exit();
	return ret;
}

static void __exit hv_exit(void)
{
	misc_deregister(&hv_misc);
	hvisor_virtio_detach_all();
	hv_con_tty_exit();	/* every console destroyed above */
	hvisor_seam_exit();
	hvisor_zone_objs_exit();
}

module_init(hv_init);
module_exit(hv_exit);

MODULE_DESCRIPTION("hvisor zone 0 driver: zones and in-kernel virtio backends");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVISOR_VERSION);
