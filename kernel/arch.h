/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every kernel/arch/<arch>/hypercall.c provides.  This is the only
 * place where hvisor.ko differs between architectures: the trap
 * instruction, how hvisor is detected, where its wake-up irq comes from and
 * how freshly written zone images are made visible to a zone that starts
 * with its MMU and caches off.
 */
#ifndef _HVISOR_ARCH_H
#define _HVISOR_ARCH_H

#include <linux/types.h>

#include "../include/hvisor/seam.h"

/* enum hvisor_arch of this kernel (HVISOR_ARCH_ARM64, ...). */
u32 hvisor_arch_id(void);

/*
 * Is hvisor underneath?  Returns 0 if so, else -ENODEV with *why set to a
 * static string for the log.  Never executes a trapping instruction.
 */
int hvisor_arch_detect(const char **why);

/* Undo what a successful hvisor_arch_detect() holds (e.g. a DT node). */
void hvisor_arch_release(void);

/*
 * The trap into hvisor.  Only ever called after hvisor_arch_detect()
 * succeeded.  Returns hvisor's result (>= 0) or -errno.
 */
long hvisor_arch_hypercall(unsigned long code, unsigned long arg0,
			   unsigned long arg1);

/*
 * The Linux irq with which hvisor wakes the bridge consumer, or -errno;
 * -EOPNOTSUPP where hvisor never raises one (struct hvisor_hv_ops).
 */
int hvisor_arch_wakeup_irq(void);

/*
 * The interrupt line of zone @zone_id's device with irq @irq saw @ev:
 * clear what hvisor leaves asserted, on the arches where it does; true if
 * it did.  Process context.
 */
bool hvisor_arch_irq_event(u32 zone_id, u32 irq, enum hvisor_irq_event ev);

/*
 * @len bytes at @va (a memremap()ed zone image) were just written: make
 * them visible at the point of coherency and to instruction fetch.
 */
void hvisor_arch_sync_image(void *va, size_t len);

/*
 * The last host physical address this machine can have: a range beyond it
 * is refused before anything tries to map it (kernel/phys_range.c).
 */
u64 hvisor_arch_phys_last(void);

/* kernel/arch/dt.c: detection and wake-up irq for the device-tree arches. */
int hvisor_dt_detect(const char **why);
void hvisor_dt_release(void);
int hvisor_dt_wakeup_irq(void);

#endif /* _HVISOR_ARCH_H */
