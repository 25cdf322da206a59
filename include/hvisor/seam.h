/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor seam: every call from hvisor.ko into the hypervisor goes
 * through one implementation of struct hvisor_hv_ops.
 *
 * At load time hvisor.ko registers the native implementation (the per-arch
 * trap instruction) only when it detects hvisor underneath.  Otherwise the
 * seam stays empty and every hypervisor operation fails with -ENODEV, until
 * another module (the simulator in tests/sim) registers itself.
 */
#ifndef _HVISOR_SEAM_H
#define _HVISOR_SEAM_H

#include <linux/types.h>

struct module;

struct hvisor_hv_ops {
	const char *name;		/* shown in HVISOR_GET_INFO and sysfs */
	struct module *owner;
	/*
	 * One hypercall: code HV_HC_*, two arguments (physical addresses are
	 * zone-0 physical, as returned by virt_to_phys()).  Returns the
	 * hypervisor's result: >= 0 on success, -errno on failure.
	 */
	long (*call)(unsigned long code, unsigned long arg0, unsigned long arg1);
	/* The Linux irq that hvisor raises to wake zone 0's backend, or -errno. */
	int (*wakeup_irq)(void);
};

/*
 * Install @ops as the hypervisor.  Fails with -EBUSY if one is installed.
 * hvisor.ko then initialises the virtio bridge through it.
 */
int hvisor_hv_register(const struct hvisor_hv_ops *ops);

/*
 * Remove @ops.  hvisor.ko first stops and frees everything that uses the
 * hypervisor (virtio devices, the bridge consumer, the wake-up irq).
 */
void hvisor_hv_unregister(const struct hvisor_hv_ops *ops);

/*
 * For a module that stands in for hvisor: the enum hvisor_arch of the
 * running kernel, and the size of its zone_config for a config magic.
 */
u32 hvisor_native_arch(void);
size_t hvisor_native_config_size(u64 magic);	/* 0: unknown magic */

#endif /* _HVISOR_SEAM_H */
