// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor on riscv64: an SBI call to extension 0x114514 (EID_HVISOR), a0 =
 * code, a1/a2 = arguments.  hvisor returns the SBI error in a0 and its
 * result (or -errno) in a1.  It is present when the root device tree has
 * /hvisor_virtio_device, whose first interrupt wakes the bridge consumer.
 */
#include <linux/errno.h>
#include <linux/ioport.h>

#include <asm/cacheflush.h>

#include "../../arch.h"
#include "../../../include/uapi/hvisor.h"

#define SBI_EXT_HVISOR	0x114514

u32 hvisor_arch_id(void)
{
	return HVISOR_ARCH_RISCV64;
}

int hvisor_arch_detect(const char **why)
{
	return hvisor_dt_detect(why);
}

void hvisor_arch_release(void)
{
	hvisor_dt_release();
}

long hvisor_arch_hypercall(unsigned long code, unsigned long arg0,
			   unsigned long arg1)
{
	register unsigned long a0 asm("a0") = code;
	register unsigned long a1 asm("a1") = arg0;
	register unsigned long a2 asm("a2") = arg1;
	register unsigned long a7 asm("a7") = SBI_EXT_HVISOR;

	/* SBI: everything but a0 and a1 is preserved across ecall */
	asm volatile("ecall"
		     : "+r" (a0), "+r" (a1)
		     : "r" (a2), "r" (a7)
		     : "memory");
	/* hvisor puts -errno in a1 on failure; don't lose an SBI error */
	if (a0 && (long)a1 >= 0)
		return -EIO;
	return (long)a1;
}

int hvisor_arch_wakeup_irq(void)
{
	return hvisor_dt_wakeup_irq();
}

/*
 * hvisor's vPLIC/vAPLIC pend an injected irq until the guest claims it;
 * nothing stays asserted.  (hvisor's clear-inject hypercall 20 is for
 * LoongArch only: on riscv64 it panics hvisor, zone-config-abi.md §10.6.)
 */
bool hvisor_arch_irq_event(u32 zone_id, u32 irq, enum hvisor_irq_event ev)
{
	return false;
}

/*
 * RISC-V caches are coherent for data here (no CMO in 6.1); only the
 * instruction fetch side needs a fence.i on every hart.
 */
void hvisor_arch_sync_image(void *va, size_t len)
{
	flush_icache_range((unsigned long)va, (unsigned long)va + len);
}

/* no narrower bound known here: beyond memory, ranges are holes (-ENXIO) */
u64 hvisor_arch_phys_last(void)
{
	return iomem_resource.end;
}
