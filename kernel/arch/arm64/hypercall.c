// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor on aarch64: "hvc #0x4856", x0 = code, x1/x2 = arguments, result in
 * x0.  hvisor is present when the root device tree has the node
 * /hvisor_virtio_device, whose first interrupt wakes the bridge consumer.
 */
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/minmax.h>

#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/pgtable-hwdef.h>
#include <asm/sysreg.h>

#include "../../arch.h"
#include "../../../include/uapi/hvisor.h"

/* CTR_EL0.DminLine, bits 19:16: log2 of the smallest D-cache line, in words */
#define HV_CTR_DMINLINE_SHIFT	16

u32 hvisor_arch_id(void)
{
	return HVISOR_ARCH_ARM64;
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
	register unsigned long x0 asm("x0") = code;
	register unsigned long x1 asm("x1") = arg0;
	register unsigned long x2 asm("x2") = arg1;

	/*
	 * hvisor only writes x0, but SMCCC lets a hypervisor clobber
	 * x0-x17: assume the worst, it costs nothing here.
	 */
	asm volatile("hvc #0x4856"
		     : "+r" (x0), "+r" (x1), "+r" (x2)
		     :
		     : "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
		       "x11", "x12", "x13", "x14", "x15", "x16", "x17",
		       "memory");
	return (long)x0;
}

int hvisor_arch_wakeup_irq(void)
{
	return hvisor_dt_wakeup_irq();
}

/*
 * hvisor writes virtio interrupts into a GIC list register as pending;
 * the guest's acknowledge and EOI retire them.  Nothing stays asserted.
 */
bool hvisor_arch_irq_event(u32 zone_id, u32 irq, enum hvisor_irq_event ev)
{
	return false;
}

/*
 * The zone's vCPUs start with the MMU and caches off, so they read RAM
 * below the caches: clean and invalidate the image to the point of
 * coherency.  dcache_clean_inval_poc() is not exported to modules in 6.1,
 * hence the loop, with the smallest D-cache line of the system.
 */
void hvisor_arch_sync_image(void *va, size_t len)
{
	u64 ctr = read_sanitised_ftr_reg(SYS_CTR_EL0);
	unsigned long line = 4UL << ((ctr >> HV_CTR_DMINLINE_SHIFT) & 0xf);
	unsigned long start = (unsigned long)va & ~(line - 1);
	unsigned long end = (unsigned long)va + len;
	unsigned long p;

	for (p = start; p < end; p += line)
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
	dsb(sy);
	/* and no stale instructions at PoU on any cpu */
	flush_icache_range((unsigned long)va, end);
}

/* arm64 leaves iomem_resource open-ended: what the kernel can address */
u64 hvisor_arch_phys_last(void)
{
	return min_t(u64, PHYS_MASK, iomem_resource.end);
}
