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

/*
 * What happened to the interrupt line of a zone's virtio device, for a
 * hypervisor whose injected line stays asserted until zone 0 clears it
 * (hvisor on LoongArch).  Reported from register accesses, in atomic
 * context.
 */
enum hvisor_irq_event {
	HVISOR_IRQ_STATUS_READ,	/* the guest read InterruptStatus */
	HVISOR_IRQ_ACKED,	/* InterruptACK took InterruptStatus to 0 */
	HVISOR_IRQ_RESET,	/* the driver reset the device */
};

struct hvisor_hv_ops {
	const char *name;		/* shown in HVISOR_GET_INFO and sysfs */
	struct module *owner;
	/*
	 * One hypercall: code HV_HC_*, two arguments (physical addresses are
	 * zone-0 physical, as returned by virt_to_phys()).  Returns the
	 * hypervisor's result: >= 0 on success, -errno on failure.
	 * HV_HC_FINISH_REQ comes in any context, hardirq included.
	 */
	long (*call)(unsigned long code, unsigned long arg0, unsigned long arg1);
	/*
	 * The Linux irq that hvisor raises to wake zone 0's backend, or
	 * -errno.  -EOPNOTSUPP means this hypervisor never wakes zone 0 (hvisor
	 * on LoongArch): the bridge then polls the request ring from a timer
	 * and never sets need_wakeup.  The irq handler answers accesses and
	 * issues HV_HC_FINISH_REQ: call() must work in hardirq context.
	 */
	int (*wakeup_irq)(void);
	/*
	 * Optional; NULL when injected interrupts are edge-like and nothing
	 * has to be cleared.  Called with @zone_id and @irq of the device
	 * whose line saw @ev; returns true if it cleared the line.  Called
	 * in atomic context (the bridge's wake-up irq): must not sleep.
	 */
	bool (*irq_event)(u32 zone_id, u32 irq, enum hvisor_irq_event ev);
	/*
	 * Optional: the Linux irq that rings zone 0's IVC channel @index (its
	 * place in HV_HC_IVC_INFO's answer), or -errno.  NULL: interrupt
	 * @index of the device tree node /hvisor_ivc_device, where upstream's
	 * ivc.ko takes it.
	 */
	int (*ivc_irq)(unsigned int index);
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
