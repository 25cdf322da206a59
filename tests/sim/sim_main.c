// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor_sim.ko: registers the simulator as hvisor.ko's hypervisor.
 *
 *   modprobe hvisor && modprobe hvisor_sim [ncpus=4] [config_abi=5|6] [magic=N]
 *	[wakeup=0]
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#include <hvisor/seam.h>

#include "sim.h"

static unsigned int ncpus = 4;
module_param(ncpus, uint, 0444);
MODULE_PARM_DESC(ncpus, "cpus of the simulated machine (3..32; zone 0 has 0 and 1)");

static unsigned int config_abi = HVISOR_CONFIG_MAGIC_V6;
module_param(config_abi, uint, 0444);
MODULE_PARM_DESC(config_abi, "zone_config layout of the simulated hvisor, and its CONFIG_CHECK answer: 5 (hvisor v0.4) or 6");

static unsigned long long magic;
module_param(magic, ullong, 0444);
MODULE_PARM_DESC(magic, "answer this to CONFIG_CHECK instead of config_abi (to test a magic no layout has); 0: config_abi");

static unsigned long long ecam_base = 0xb0000000;
module_param(ecam_base, ullong, 0444);
MODULE_PARM_DESC(ecam_base, "x86_64, config_abi=6: the ECAM base GET_ECAM_BASE answers (0: none)");

struct sim sim;

/*
 * hvisor never wakes zone 0 on LoongArch: its need_wakeup check is
 * compiled out there (hv:src/device/virtio_trampoline.rs:23-28,106-110).
 * wakeup=0 plays that hvisor, so that hvisor.ko's polling consumer runs.
 */
static bool wakeup = true;
module_param(wakeup, bool, 0444);
MODULE_PARM_DESC(wakeup, "raise zone 0's wake-up irq (0: never, as hvisor on LoongArch)");

static int sim_wakeup_irq(void)
{
	return wakeup ? sim.wakeup_virq : -EOPNOTSUPP;
}

static const struct hvisor_hv_ops sim_ops = {
	.name		= SIM_NAME,
	.owner		= THIS_MODULE,
	.call		= sim_hypercall,
	.wakeup_irq	= sim_wakeup_irq,
	.ivc_irq	= sim_ivc_irq,
};

static int __init sim_init(void)
{
	int err;

	if (ncpus < 3 || ncpus > HV_BRIDGE_MAX_CPUS) {
		pr_err("hvisor_sim: ncpus=%u not in 3..%u\n", ncpus,
		       HV_BRIDGE_MAX_CPUS);
		return -EINVAL;
	}
	sim.ncpus = ncpus;
	if (config_abi != HVISOR_CONFIG_MAGIC_V5 &&
	    config_abi != HVISOR_CONFIG_MAGIC_V6) {
		pr_err("hvisor_sim: config_abi=%u: not 5 or 6\n", config_abi);
		return -EINVAL;
	}
	sim.config_abi = config_abi;
	sim.magic = magic ? magic : config_abi;
	sim.ecam_base = ecam_base;
	sim.arch = hvisor_native_arch();
	sim.config_size = hvisor_native_config_size(config_abi);
	if (!sim.config_size) {
		pr_err("hvisor_sim: unknown native arch %u\n", sim.arch);
		return -ENODEV;
	}
	mutex_init(&sim.ctl_lock);
	spin_lock_init(&sim.irq_lock);
	spin_lock_init(&sim.req_lock);
	INIT_LIST_HEAD(&sim.zones);

	err = sim_irq_init();
	if (err)
		return err;
	err = sim_ivc_init();
	if (err)
		goto irq_exit;

	sim.pdev = platform_device_register_simple(SIM_NAME, PLATFORM_DEVID_NONE,
						   NULL, 0);
	if (IS_ERR(sim.pdev)) {
		err = PTR_ERR(sim.pdev);
		goto ivc_exit;
	}
	/* Guest "physical" addresses are zone 0's own: dma-direct, 1:1. */
	err = dma_coerce_mask_and_coherent(&sim.pdev->dev, DMA_BIT_MASK(64));
	if (err)
		goto unregister_pdev;

	sim_debugfs_init();
	sim_ivc_debugfs_init();

	err = hvisor_hv_register(&sim_ops);
	if (err) {
		pr_err("hvisor_sim: cannot register with hvisor.ko: %d\n", err);
		goto debugfs_exit;
	}
	pr_info("hvisor_sim: simulating hvisor: %u cpus, config_abi %u, magic %#llx, zone_config %zu bytes, wake-up irq %u\n",
		sim.ncpus, sim.config_abi, sim.magic, sim.config_size,
		sim.wakeup_virq);
	return 0;

debugfs_exit:
	sim_debugfs_exit();
unregister_pdev:
	platform_device_unregister(sim.pdev);
ivc_exit:
	sim_ivc_exit();
irq_exit:
	sim_irq_exit();
	sim_bridge_release();
	return err;
}

static void __exit sim_exit(void)
{
	mutex_lock(&sim.ctl_lock);
	sim.exiting = true;
	mutex_unlock(&sim.ctl_lock);

	/* The guests' drivers still need hvisor.ko to answer: zones first. */
	sim_zones_destroy();
	hvisor_hv_unregister(&sim_ops);
	sim_debugfs_exit();
	platform_device_unregister(sim.pdev);
	sim_ivc_exit();		/* hvisor.ko let go of the channels */
	sim_irq_exit();
	sim_bridge_release();
	pr_info("hvisor_sim: unloaded\n");
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("hvisor simulator: a software hypervisor for hvisor.ko tests");
MODULE_LICENSE("GPL");
