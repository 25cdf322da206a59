// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercall dispatcher, with hvisor's semantics and error codes
 * (-errno as a long; an unknown code succeeds with a warning).
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>

#include "sim.h"

/*
 * The consumer side of res_list, like hvisor's res_lock: res_front.
 * FINISH_REQ may come from hvisor.ko's wake-up irq handler as well as
 * from process context: taken with irqs off.
 */
static DEFINE_SPINLOCK(sim_res_lock);

static void *sim_map(phys_addr_t pa, size_t size)
{
	return memremap(pa, size, MEMREMAP_WB);
}

/* HV_HC_INIT_VIRTIO: take the bridge page at @pa. */
static long sim_init_virtio(phys_addr_t pa)
{
	struct hv_virtio_bridge *new, *old;
	unsigned long flags;

	if (!PAGE_ALIGNED(pa)) {
		/* hvisor asserts here, i.e. the hypervisor panics. */
		pr_err("hvisor_sim: INIT_VIRTIO: bridge %pa is not page aligned (hvisor would panic)\n",
		       &pa);
		return -EINVAL;
	}
	new = sim_map(pa, PAGE_SIZE);
	if (!new) {
		pr_err("hvisor_sim: INIT_VIRTIO: cannot map bridge %pa\n", &pa);
		return -EINVAL;
	}

	spin_lock_irqsave(&sim.req_lock, flags);
	old = sim.bridge;
	sim.bridge = new;
	sim.bridge_pa = pa;
	spin_unlock_irqrestore(&sim.req_lock, flags);

	if (old)
		memunmap(old);
	pr_info("hvisor_sim: virtio bridge at %pa\n", &pa);
	return 0;
}

void sim_bridge_release(void)
{
	unsigned long flags;
	void *old;

	spin_lock_irqsave(&sim.req_lock, flags);
	old = sim.bridge;
	sim.bridge = NULL;
	spin_unlock_irqrestore(&sim.req_lock, flags);
	if (old)
		memunmap(old);
}

/*
 * HV_HC_FINISH_REQ: drain res_list and deliver each guest interrupt.
 * hvisor.ko calls it in process context or from its wake-up irq handler
 * (hard irq, irqs off), as hvisor serves it on any zone-0 cpu: nothing
 * here sleeps, and every lock on the way is taken with irqs off
 * (sim_res_lock, sim.irq_lock, then sim_pend_lock in sim_vgic_post());
 * the guest interrupts themselves are raised later from an irq_work
 * (sim_vgic.c), as the target cpu handles hvisor's event.
 */
static long sim_finish_req(void)
{
	struct hv_virtio_bridge *b = READ_ONCE(sim.bridge);
	unsigned long flags;
	unsigned int n = 0;
	u32 front, rear;

	if (!b)
		return 0;

	spin_lock_irqsave(&sim_res_lock, flags);
	front = READ_ONCE(b->res_front);
	/* acquire: zone 0's entry stores before its res_rear store */
	rear = smp_load_acquire(&b->res_rear);
	/* Zone 0 cannot hold us for ever: at most a few rounds of the ring. */
	while (front != rear && n++ < 4 * HV_BRIDGE_MAX_REQ) {
		const struct hv_device_res *res;

		res = &b->res_list[front % HV_BRIDGE_MAX_REQ];
		sim_zone_inject(READ_ONCE(res->target_zone),
				READ_ONCE(res->irq_id));
		front = (front + 1) & (HV_BRIDGE_MAX_REQ - 1);
		/* release: done reading the entry before zone 0 reuses it */
		smp_store_release(&b->res_front, front);
		/* acquire: as above, for entries added meanwhile */
		rear = smp_load_acquire(&b->res_rear);
	}
	spin_unlock_irqrestore(&sim_res_lock, flags);
	return 0;
}

/* HV_HC_CONFIG_CHECK: write our magic to the u64 at @pa. */
static long sim_config_check(phys_addr_t pa)
{
	u64 *p = sim_map(pa, sizeof(*p));

	if (!p)
		return -EFAULT;
	WRITE_ONCE(*p, sim.magic);
	memunmap(p);
	return 0;
}

/* HV_HC_GET_VIRTIO_IRQ (x86 hvisor): the wake-up line, as a u32. */
static long sim_get_virtio_irq(phys_addr_t pa)
{
	u32 *p = sim_map(pa, sizeof(*p));

	if (!p)
		return -EFAULT;
	WRITE_ONCE(*p, sim.wakeup_virq);
	memunmap(p);
	return 0;
}

/*
 * HV_HC_GET_ECAM_BASE: x86_64 hvisor of the 0x06 era answers the zone's
 * ECAM base (upstream-hvisor-tool.md: tool driver GET_ECAM_BASE, only x86
 * hvisor returns non-zero).  hvisor 6a3fb78 (0x05) and the other arches do
 * not know the call: like any unknown code, a warning and 0
 * (hv:src/hypercall/mod.rs:62-67).
 */
static long sim_get_ecam_base(phys_addr_t pa)
{
	u64 *p;

	if (sim.arch != HVISOR_ARCH_X86_64 ||
	    sim.config_abi != HVISOR_CONFIG_MAGIC_V6) {
		pr_warn_ratelimited("hvisor_sim: hypercall id=%d unsupported!\n",
				    HV_HC_GET_ECAM_BASE);
		return 0;
	}
	p = sim_map(pa, sizeof(*p));
	if (!p)
		return -EFAULT;
	WRITE_ONCE(*p, sim.ecam_base);
	memunmap(p);
	return 0;
}

long sim_hypercall(unsigned long code, unsigned long arg0, unsigned long arg1)
{
	switch (code) {
	case HV_HC_INIT_VIRTIO:
		return sim_init_virtio(arg0);
	case HV_HC_FINISH_REQ:
		return sim_finish_req();
	case HV_HC_ZONE_START:
		return sim_zone_start(arg0, arg1);
	case HV_HC_ZONE_SHUTDOWN:
		return sim_zone_shutdown(arg0);
	case HV_HC_ZONE_LIST:
		return sim_zone_list(arg0, arg1);
	case HV_HC_IVC_INFO:
		return sim_ivc_info(arg0);
	case HV_HC_CONFIG_CHECK:
		return sim_config_check(arg0);
	case HV_HC_GET_VIRTIO_IRQ:
		return sim_get_virtio_irq(arg0);
	case HV_HC_GET_ECAM_BASE:
		return sim_get_ecam_base(arg0);
	default:
		pr_warn_ratelimited("hvisor_sim: hypercall id=%lu unsupported!\n",
				    code);
		return 0;
	}
}
