// SPDX-License-Identifier: GPL-2.0
/*
 * The control table of a channel, as the kernel sees it.  On hvisor it is
 * no memory at all: every access traps into the hypervisor, which answers
 * reads from its channel record and turns a write to ipi_invoke into the
 * peer's interrupt (hv:src/arch/aarch64/ivc.rs), so it is mapped as device
 * memory.  A hypervisor that keeps it in zone 0's RAM instead (the
 * simulator, which watches the page) gets a cached mapping: a second,
 * uncached alias of a RAM page would have mismatched attributes.
 */
#define pr_fmt(fmt) "hvisor: ivc: " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>

#include "ivc.h"

int hvisor_ivc_table_map(struct hvisor_ivc_chan *c)
{
	c->ct_is_ram = region_intersects(c->d.ct_pa, PAGE_SIZE,
					 IORESOURCE_SYSTEM_RAM,
					 IORES_DESC_NONE) == REGION_INTERSECTS;
	if (c->ct_is_ram)
		c->ct_ram = memremap(c->d.ct_pa, PAGE_SIZE, MEMREMAP_WB);
	else
		c->ct_io = ioremap(c->d.ct_pa, PAGE_SIZE);
	if (!c->ct_ram && !c->ct_io) {
		pr_err("channel %u: cannot map its control table at %#llx\n",
		       c->d.ivc_id, c->d.ct_pa);
		return -ENOMEM;
	}
	return 0;
}

void hvisor_ivc_table_unmap(struct hvisor_ivc_chan *c)
{
	if (c->ct_ram)
		memunmap(c->ct_ram);
	if (c->ct_io)
		iounmap(c->ct_io);
	c->ct_ram = NULL;
	c->ct_io = NULL;
}

u32 hvisor_ivc_table_read(struct hvisor_ivc_chan *c, unsigned int reg)
{
	if (c->ct_is_ram)
		return READ_ONCE(*(u32 *)(c->ct_ram + reg));
	return readl(c->ct_io + reg);
}

/* Ring @peer: hvisor interrupts it.  Stores to shared memory go first. */
void hvisor_ivc_table_ring(struct hvisor_ivc_chan *c, u32 peer)
{
	if (c->ct_is_ram) {
		/* release: the message is visible before the doorbell */
		smp_store_release((u32 *)(c->ct_ram + HV_IVC_CT_IPI_INVOKE),
				  peer);
		return;
	}
	writel(peer, c->ct_io + HV_IVC_CT_IPI_INVOKE);	/* has the barrier */
}
