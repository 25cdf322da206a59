// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor on device-tree machines (arm64, riscv64, loongarch64): it is
 * present when the root device tree has /hvisor_virtio_device, whose first
 * interrupt wakes the bridge consumer.  Shared by their hypercall files.
 */
#include <linux/errno.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_irq.h>

#include "../arch.h"

/*
 * For autoloading only: the alias "of:N*T*Chvisor" lets udev load this
 * module when the kernel makes a platform device of zone 0's
 * hvisor_virtio_device { compatible = "hvisor"; } node.  No platform
 * driver binds it: hvisor_dt_detect() still finds the node by path at
 * module init, with or without that device.
 */
static const struct of_device_id hvisor_of_ids[] = {
	{ .compatible = "hvisor" },
	{ }
};
MODULE_DEVICE_TABLE(of, hvisor_of_ids);

/* The node, held from a successful detect until release. */
static struct device_node *hvisor_node;

int hvisor_dt_detect(const char **why)
{
	hvisor_node = of_find_node_by_path("/hvisor_virtio_device");
	if (!hvisor_node) {
		*why = "no /hvisor_virtio_device node in the device tree";
		return -ENODEV;
	}
	return 0;
}

void hvisor_dt_release(void)
{
	of_node_put(hvisor_node);
	hvisor_node = NULL;
}

int hvisor_dt_wakeup_irq(void)
{
	int irq;

	if (!hvisor_node)
		return -ENODEV;
	irq = of_irq_get(hvisor_node, 0);
	if (irq == 0)
		return -ENXIO;
	return irq;
}
