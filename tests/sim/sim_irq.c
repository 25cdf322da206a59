// SPDX-License-Identifier: GPL-2.0
/*
 * The sim's interrupt controller: a small linear irq domain whose lines
 * are raised by software with generic_handle_irq_safe() (guest lines,
 * sim_vgic.c) or generic_handle_irq() from an IPI (zone 0's wake-up
 * line, sim_wakeup.c).  Debian's 6.1 kernel has no irq_sim, so this is a
 * minimal one: a chip with no-op mask/unmask/ack and handle_edge_irq.
 *
 * Edge, not simple: handle_simple_irq() drops a raise that comes while
 * the same line is being handled on another CPU (irq_may_run()), and
 * handle_edge_irq() marks it pending and runs the handler again.  What
 * hvisor drops or delivers again is decided before Linux sees the
 * raise (sim_vgic.c, sim_wakeup.c), which never raises a line twice at
 * once: the edge replay is a safety net, not part of the model.
 *
 * hwirq 0..SIM_NR_IRQS-1 are handed out on demand: one for zone 0's
 * wake-up line, one per guest device.
 */
#include <linux/idr.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>

#include "sim.h"

static DEFINE_IDA(sim_hwirq_ida);

static void sim_irq_noop(struct irq_data *d)
{
}

static struct irq_chip sim_irq_chip = {
	.name		= SIM_NAME,
	.irq_mask	= sim_irq_noop,
	.irq_unmask	= sim_irq_noop,
	.irq_ack	= sim_irq_noop,
};

static int sim_irq_map(struct irq_domain *d, unsigned int virq,
		       irq_hw_number_t hw)
{
	irq_set_chip_and_handler(virq, &sim_irq_chip, handle_edge_irq);
	irq_set_chip_data(virq, d->host_data);
	/* Requestable, auto-enabled on request, never probed. */
	irq_modify_status(virq, IRQ_NOREQUEST | IRQ_NOAUTOEN, IRQ_NOPROBE);
	return 0;
}

static void sim_irq_unmap(struct irq_domain *d, unsigned int virq)
{
	irq_set_chip_and_handler(virq, NULL, NULL);
	irq_set_chip_data(virq, NULL);
}

static const struct irq_domain_ops sim_irq_domain_ops = {
	.map	= sim_irq_map,
	.unmap	= sim_irq_unmap,
};

/* A new line of the sim domain: its Linux irq number, or -errno. */
int sim_irq_alloc(void)
{
	unsigned int virq;
	int hw;

	hw = ida_alloc_max(&sim_hwirq_ida, SIM_NR_IRQS - 1, GFP_KERNEL);
	if (hw < 0)
		return hw;
	virq = irq_create_mapping(sim.domain, hw);
	if (!virq) {
		ida_free(&sim_hwirq_ida, hw);
		return -ENOSPC;
	}
	return virq;
}

void sim_irq_free(unsigned int virq)
{
	struct irq_data *d = irq_get_irq_data(virq);
	irq_hw_number_t hw;

	if (!d)
		return;
	hw = irqd_to_hwirq(d);
	irq_dispose_mapping(virq);
	ida_free(&sim_hwirq_ida, hw);
}

int sim_irq_init(void)
{
	int virq;

	sim.fwnode = irq_domain_alloc_named_fwnode(SIM_NAME);
	if (!sim.fwnode)
		return -ENOMEM;
	sim.domain = irq_domain_create_linear(sim.fwnode, SIM_NR_IRQS,
					      &sim_irq_domain_ops, &sim);
	if (!sim.domain)
		goto free_fwnode;

	virq = sim_irq_alloc();
	if (virq < 0)
		goto remove_domain;
	sim.wakeup_virq = virq;
	sim_vgic_init();
	sim_wakeup_init();
	return 0;

remove_domain:
	irq_domain_remove(sim.domain);
free_fwnode:
	irq_domain_free_fwnode(sim.fwnode);
	return -ENOMEM;
}

void sim_irq_exit(void)
{
	sim_wakeup_exit();
	sim_vgic_exit();
	sim_irq_free(sim.wakeup_virq);
	irq_domain_remove(sim.domain);
	irq_domain_free_fwnode(sim.fwnode);
	ida_destroy(&sim_hwirq_ida);
}
