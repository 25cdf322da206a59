/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Limits hvisor puts on the interrupts of a zone's virtio devices, shared
 * by hvisor.ko (which refuses an attach past them) and the hvisor tool
 * (which says so before it asks).  References: zone-config-abi.md §10;
 * "hv:" is hvisor 6a3fb78.
 */
#ifndef _HV_VIRTIO_LIMITS_H
#define _HV_VIRTIO_LIMITS_H

#include "hv_common.h"

/*
 * Distinct virtio irqs one zone may use.  hvisor injects all of a zone's
 * virtio irqs on one cpu, and keeps per target cpu a list of the irqs
 * waiting to be injected: MAX_DEVS = 8 slots, the first holding the count
 * (hv:src/device/virtio_trampoline.rs:45,51).  FINISH_REQ asserts
 * len + 1 < MAX_DEVS before it appends an irq that is not listed yet
 * (hv:src/hypercall/mod.rs:159): the 8th distinct irq pending at once
 * panics the hypervisor, and the whole machine with it.
 */
#define HV_VIRTIO_MAX_ZONE_IRQS	7

/*
 * The virtio irq numbers hvisor can inject on @arch, in [*min, *max].
 * False for an unknown arch.  Irq 0 is never valid (the tool's rule, and
 * no interrupt at all on riscv64).
 *
 * arm64: a GIC SPI, 32..1019; hvisor writes the number into a list
 *	register as the vINTID (hv:src/device/irqchip/gicv3/mod.rs:319-328,
 *	gicv2/gic.rs:137-151); 1020..1023 are special INTIDs, below 32 are
 *	the per-cpu SGIs and PPIs.
 * riscv64: a PLIC/APLIC source, 1..1023 (the APLIC asserts irq > 0 &&
 *	irq < 1024: hv:src/device/irqchip/aia/aplic.rs:173).
 * loongarch64: a CPU interrupt number, at most 12 (INT_IPI); inject_irq
 *	drops anything above (hv:src/device/irqchip/ls7a2000/mod.rs:113-122).
 * x86_64: a pin of the zone's virtual IOAPIC, which has 24 redirection
 *	entries (hv:src/device/irqchip/pic/ioapic.rs:50,63); FINISH_REQ looks
 *	up the pin's entry with unwrap(), so a higher pin panics hvisor
 *	(hv:src/arch/x86_64/cpu.rs:683-685, ioapic.rs:227-233).
 */
static inline bool hv_virtio_irq_range(u32 arch, u32 *min, u32 *max)
{
	switch (arch) {
	case HVISOR_ARCH_ARM64:
		*min = 32;
		*max = 1019;
		return true;
	case HVISOR_ARCH_RISCV64:
		*min = 1;
		*max = HVISOR_MAX_INTERRUPTS - 1;
		return true;
	case HVISOR_ARCH_LOONGARCH64:
		*min = 1;
		*max = 12;
		return true;
	case HVISOR_ARCH_X86_64:
		*min = 1;
		*max = 23;
		return true;
	default:
		return false;
	}
}

#endif /* _HV_VIRTIO_LIMITS_H */
