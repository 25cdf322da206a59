/* SPDX-License-Identifier: GPL-2.0 */
/* Seam helpers used inside hvisor.ko only (see also hvisor.h). */
#ifndef _HVISOR_SEAM_INTERNAL_H
#define _HVISOR_SEAM_INTERNAL_H

#include <linux/types.h>

#include "../include/hvisor/seam.h"

/* 0 if a hypervisor is registered, else -ENODEV (and the log line once). */
int hvisor_hv_check(void);

/* The registered implementation's wake-up irq, or -errno. */
int hvisor_hv_wakeup_irq(void);

/*
 * Tell the registered implementation what the line of zone @zone_id's
 * device @irq saw (struct hvisor_hv_ops.irq_event); true if it cleared
 * the line, false if it did not or there is none.
 */
bool hvisor_hv_irq_event(u32 zone_id, u32 irq, enum hvisor_irq_event ev);

/*
 * The registered implementation's irq of zone 0's IVC channel @index:
 * > 0, 0 if it leaves it to the device tree (no ivc_irq op), or -errno.
 */
int hvisor_hv_ivc_irq(unsigned int index);

/*
 * What the module above the seam does when an implementation registers
 * and unregisters (kernel/main.c).  The seam calls these and nothing else
 * above it.
 */
struct hv_seam_client {
	/*
	 * Implementation @name was installed (seam lock held, it is
	 * callable): start what needs it.  An error (logged by up) uninstalls
	 * it again.
	 */
	int (*up)(const char *name);
	/*
	 * It is about to be removed, no seam lock held, still callable:
	 * stop what it serves (the devices, whose workers still call it).
	 */
	void (*going)(void);
	/*
	 * Seam lock held, still callable: stop what calls it on its own.
	 * @native: hvisor.ko's own implementation (module unload), whose
	 * hypervisor outlives the module.
	 */
	void (*down)(bool native);
	/* It is gone: no call into it runs or will start. */
	void (*gone)(void);
};

/*
 * Detect hvisor and install the native implementation; undo that.
 * @client must stay valid until hvisor_seam_exit() returns.
 */
int hvisor_seam_init(const struct hv_seam_client *client);
void hvisor_seam_exit(void);

#endif /* _HVISOR_SEAM_INTERNAL_H */
