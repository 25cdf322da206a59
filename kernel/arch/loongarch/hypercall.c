// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor on loongarch64: "hvcl 0" (emitted as a word: older binutils lack
 * the mnemonic), a0 = code, a1/a2 = arguments, result in a0.  hvisor is
 * present when the root device tree has /hvisor_virtio_device.  Note that
 * hvisor does not raise the wake-up irq on this architecture: the bridge
 * consumer relies on its safety poll there.
 */
#include <linux/errno.h>

#include <asm/cacheflush.h>

#include "../../arch.h"
#include "../../../include/uapi/hvisor.h"

u32 hvisor_arch_id(void)
{
	return HVISOR_ARCH_LOONGARCH64;
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
	register unsigned long a0 asm("$a0") = code;
	register unsigned long a1 asm("$a1") = arg0;
	register unsigned long a2 asm("$a2") = arg1;

	asm volatile(".word 0x002b8000"		/* hvcl 0 */
		     : "+r" (a0), "+r" (a1), "+r" (a2)
		     :
		     : "memory");
	return (long)a0;
}

int hvisor_arch_wakeup_irq(void)
{
	return hvisor_dt_wakeup_irq();
}

/* LoongArch caches are coherent; instruction fetch needs a barrier. */
void hvisor_arch_sync_image(void *va, size_t len)
{
	flush_icache_range((unsigned long)va, (unsigned long)va + len);
}
