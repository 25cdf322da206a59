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

/* Detect hvisor and install the native implementation; undo that. */
int hvisor_seam_init(void);
void hvisor_seam_exit(void);

/* Forget the zones started through a hypervisor that just went away. */
void hvisor_zones_hv_gone(void);

#endif /* _HVISOR_SEAM_INTERNAL_H */
