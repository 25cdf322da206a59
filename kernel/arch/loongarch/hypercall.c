// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor on loongarch64: "hvcl 0" (emitted as a word: older binutils lack
 * the mnemonic), a0 = code, a1/a2 = arguments, result in a0.  hvisor is
 * present when the root device tree has /hvisor_virtio_device.
 *
 * Two things differ from the other arches (zone-config-abi.md §10.6):
 *
 * - hvisor never wakes zone 0: its need_wakeup check is compiled out on
 *   LoongArch (hv:src/device/virtio_trampoline.rs:23-28,106-110), so the
 *   bridge consumer polls (hvisor_arch_wakeup_irq() says -EOPNOTSUPP).
 *   The wake-up line of hvisor-tool HEAD (HWI2, re-armed with hypercall
 *   11 (0, 4)) is therefore never raised either: need_wakeup stays 0.
 *
 * - an injected virtio interrupt is a CPU HWI line that stays asserted
 *   until zone 0 clears it (ls7a2000/mod.rs:113-160), or until hvisor's
 *   200 ms EL2 timer does.  How to clear it depends on the hvisor:
 *     config magic 0x05 (hvisor 6a3fb78, the newest release): hypercall
 *	20, no arguments, on every guest read of InterruptStatus, as the
 *	hvisor-tool of that era does (tool@7e55b1b:tools/virtio.c:681-689).
 *	It clears every HWI of every cpu but cpu 0.  hvisor 6a3fb78 does
 *	not know hypercall 11 (it returns 0 and does nothing).
 *     config magic 0x06 and later (hvisor-tool c724e91 and on): hypercall
 *	11 (zone_id, irq_id) when InterruptACK takes InterruptStatus to 0
 *	and on device reset (tool:tools/virtio/virtio.c:64-83,321-329,
 *	959-976).
 *   The config magic (CONFIG_CHECK) is the only version hvisor reports,
 *   and the two eras differ in it, so it decides.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/io.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include <asm/cacheflush.h>

#include "../../arch.h"
#include "../../../include/hvisor/hypervisor.h"
#include "../../../include/uapi/hvisor.h"

/* hvisor's clear-inject hypercalls, by era (see above) */
#define HV_LA_HC_CLEAR_INJECT_IRQ	20	/* magic 0x05: no arguments */
#define HV_LA_HC_DEASSERT_IRQ		11	/* magic >= 0x06: zone, irq */
#define HV_LA_MAGIC_CLEAR_ALL		0x05

/* hvisor's config magic, read once on first use; 0 until then. */
static u64 hv_la_magic;

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
	WRITE_ONCE(hv_la_magic, 0);
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
	return -EOPNOTSUPP;	/* hvisor never raises it here: poll */
}

/* hvisor's config magic, or 0 if it cannot be read (then: newest protocol) */
static u64 hv_la_config_magic(void)
{
	u64 *buf, magic = READ_ONCE(hv_la_magic);
	long ret;

	if (magic)
		return magic;
	/* hvisor writes it at a physical address: kmalloc, not stack */
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return 0;
	ret = hvisor_arch_hypercall(HV_HC_CONFIG_CHECK, virt_to_phys(buf), 0);
	magic = ret < 0 ? 0 : READ_ONCE(*buf);
	kfree(buf);
	if (!magic) {
		pr_warn_once("config check failed (%ld): clearing interrupts with hypercall %d\n",
			     ret, HV_LA_HC_DEASSERT_IRQ);
		return 0;
	}
	WRITE_ONCE(hv_la_magic, magic);
	pr_info("config magic %#llx: clearing virtio interrupts with hypercall %d\n",
		magic, magic == HV_LA_MAGIC_CLEAR_ALL ?
		HV_LA_HC_CLEAR_INJECT_IRQ : HV_LA_HC_DEASSERT_IRQ);
	return magic;
}

bool hvisor_arch_irq_event(u32 zone_id, u32 irq, enum hvisor_irq_event ev)
{
	long ret;

	if (hv_la_config_magic() == HV_LA_MAGIC_CLEAR_ALL) {
		if (ev != HVISOR_IRQ_STATUS_READ)
			return false;
		return hvisor_arch_hypercall(HV_LA_HC_CLEAR_INJECT_IRQ, 0, 0) >= 0;
	}
	if (ev != HVISOR_IRQ_ACKED && ev != HVISOR_IRQ_RESET)
		return false;
	ret = hvisor_arch_hypercall(HV_LA_HC_DEASSERT_IRQ, zone_id, irq);
	if (ret < 0)
		pr_warn_ratelimited("zone %u: deasserting irq %u failed: %ld\n",
				    zone_id, irq, ret);
	return ret >= 0;
}

/* LoongArch caches are coherent; instruction fetch needs a barrier. */
void hvisor_arch_sync_image(void *va, size_t len)
{
	flush_icache_range((unsigned long)va, (unsigned long)va + len);
}

/* no narrower bound known here: beyond memory, ranges are holes (-ENXIO) */
u64 hvisor_arch_phys_last(void)
{
	return iomem_resource.end;
}
