// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor on x86_64: "vmcall", rax = code, rdi/rsi = arguments, result in
 * rax.  hvisor sets the CPUID hypervisor bit and (for now) answers leaf
 * 0x40000000 with "ACRNACRNACRN"; a bare machine or a plain QEMU guest does
 * neither, and there vmcall would raise #UD, so nothing traps unless both
 * are seen.  But a real ACRN says the same, and takes its hypercall number
 * from r8, not rax: hvisor's calls would be whatever r8 happened to hold.
 * So the signature alone is not enough: the administrator must also say
 * that it means hvisor (hvisor.x86_acrn_is_hvisor=1) before the first
 * vmcall.  No hypercall can tell the two apart safely, CONFIG_CHECK
 * included.  The wake-up irq number comes from hypercall 86.
 */
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include <asm/cacheflush.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/processor.h>

#include "../../arch.h"
#include "../../../include/hvisor/hypervisor.h"
#include "../../../include/uapi/hvisor.h"

u32 hvisor_arch_id(void)
{
	return HVISOR_ARCH_X86_64;
}

static bool x86_acrn_is_hvisor;
module_param(x86_acrn_is_hvisor, bool, 0444);
MODULE_PARM_DESC(x86_acrn_is_hvisor,
		 "x86: the CPUID signature \"ACRNACRNACRN\" is hvisor's, not ACRN's (hvisor's hypercalls are issued only then)");

int hvisor_arch_detect(const char **why)
{
	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		*why = "not running under a hypervisor (CPUID hypervisor bit clear)";
		return -ENODEV;
	}
	if (!hypervisor_cpuid_base("ACRNACRNACRN", 0)) {
		*why = "CPUID leaf 0x40000000 does not say \"ACRNACRNACRN\"";
		return -ENODEV;
	}
	if (!x86_acrn_is_hvisor) {
		*why = "\"ACRNACRNACRN\" is ACRN's signature too: on hvisor, x86_acrn_is_hvisor=1";
		return -ENODEV;
	}
	return 0;
}

void hvisor_arch_release(void)
{
}

long hvisor_arch_hypercall(unsigned long code, unsigned long arg0,
			   unsigned long arg1)
{
	long ret;

	asm volatile("vmcall"
		     : "=a" (ret)
		     : "a" (code), "D" (arg0), "S" (arg1)
		     : "memory");
	return ret;
}

int hvisor_arch_wakeup_irq(void)
{
	u32 *irq;
	long ret;
	int val;

	/* hvisor writes a u32 at a physical address: keep it in kmalloc */
	irq = kzalloc(sizeof(*irq), GFP_KERNEL);
	if (!irq)
		return -ENOMEM;
	ret = hvisor_arch_hypercall(HV_HC_GET_VIRTIO_IRQ, virt_to_phys(irq), 0);
	val = READ_ONCE(*irq);
	kfree(irq);
	if (ret < 0)
		return ret;
	if (val <= 0)
		return -ENXIO;
	return val;
}

/*
 * hvisor's virtual IOAPIC turns an injection into a vector for the
 * guest's local APIC, which the guest's EOI retires.  Nothing stays
 * asserted.
 */
bool hvisor_arch_irq_event(u32 zone_id, u32 irq, enum hvisor_irq_event ev)
{
	return false;
}

/* x86 caches are coherent and the zone boots with them on: nothing to do. */
void hvisor_arch_sync_image(void *va, size_t len)
{
}

/* set at boot from the CPU's physical address width (CPUID 0x80000008) */
u64 hvisor_arch_phys_last(void)
{
	return iomem_resource.end;
}
