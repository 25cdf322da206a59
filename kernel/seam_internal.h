/* SPDX-License-Identifier: GPL-2.0 */
/* Seam helpers used inside hvisor.ko only (see also hvisor.h). */
#ifndef _HVISOR_SEAM_INTERNAL_H
#define _HVISOR_SEAM_INTERNAL_H

#include <linux/types.h>

/* 0 if a hypervisor is registered, else -ENODEV (and the log line once). */
int hvisor_hv_check(void);

/* The registered implementation's wake-up irq, or -errno. */
int hvisor_hv_wakeup_irq(void);

/* Detect hvisor and install the native implementation; undo that. */
int hvisor_seam_init(void);
void hvisor_seam_exit(void);

/* Forget the zones started through a hypervisor that just went away. */
void hvisor_zones_hv_gone(void);

#endif /* _HVISOR_SEAM_INTERNAL_H */
