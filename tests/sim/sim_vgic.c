// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's interrupt controller, as hvisor drives it: what becomes of
 * a {zone, irq} that zone 0 posts on res_list before FINISH_REQ.  All
 * references are hvisor 6a3fb78 (zone-config-abi.md section 10).
 *
 * 1. The target cpu's pending list (VIRTIO_IRQS).  FINISH_REQ appends the
 *    irq to the list of the zone's first cpu, unless it is listed already
 *    (then no new event is sent: merged), and sends that cpu an event
 *    (hv:src/hypercall/mod.rs:154-166, target cpu hv:src/arch/aarch64/
 *    cpu.rs:273-280).  The list holds MAX_DEVS = 8 irqs and hvisor
 *    asserts len + 1 < MAX_DEVS before appending (mod.rs:159,
 *    hv:src/device/virtio_trampoline.rs:45,51): the 8th distinct pending
 *    irq stops the machine.  Here it is a WARN and a counter.  The cpu
 *    empties the list when it handles the event (virtio_trampoline.rs:
 *    158-166): here an irq_work, i.e. soon, not at once.  On LoongArch the
 *    list is reset before every append (hv:src/arch/loongarch64/
 *    hypercall.rs:29-34).  x86 routes by the irq's IOAPIC entry; the sim
 *    has none and uses the first cpu as the other arches do.
 *
 * 2. Routing.  The irq goes to the guest device the guest's own
 *    description (its device tree on a board; here the virtio_irqs file
 *    in debugfs, "ZONE ADDR IRQ" lines, written before the devices are
 *    probed) gives that irq: each sim transport owns the irq of its
 *    slot.  An irq no guest device has is a configuration bug (hvisor.ko's
 *    irq and the guest's disagree): dropped, counted, and WARNed so that
 *    the test which caused it fails.
 *
 * 3. Delivery, per arch of the VM (module parameter irqchip=auto):
 *    - GIC (arm64): inject_irq drops the injection while the same vINTID
 *      sits in a list register as pending or active
 *      (hv:src/device/irqchip/gicv3/mod.rs:288-301, gicv2/gic.rs:111-122).
 *      Pending lasts from the injection until the guest's handler starts
 *      (the IAR read), active until it returns (the EOI): here the sim
 *      transport's handler, hard half to thread's end.
 *    - repend (riscv64 vPLIC, x86_64 IOAPIC/LAPIC): an injection while
 *      the irq is pending merges into it (hv:src/device/irqchip/plic/
 *      vplic.rs:96; x86: a vector already queued is not queued again,
 *      hv:src/device/irqchip/pic/mod.rs:54-62,128-130); one during the
 *      handler pends again and is delivered after it (vplic.rs:292-311,
 *      384-402; a LAPIC's IRR behind its ISR).
 *    irqchip=gic on x86_64 applies the stricter GIC rule there too.
 */
#include <linux/debugfs.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sim.h"

#define SIM_MAX_DEVS		8	/* hv:src/device/virtio_trampoline.rs:45 */
#define SIM_MAX_IRQ		1024	/* CONFIG_MAX_INTERRUPTS */
#define SIM_MAX_IRQMAP		64	/* guest device description entries */

/* sim_transport.vstate: the irq's list register state in the guest. */
#define SIM_VGIC_PENDING	BIT(0)
#define SIM_VGIC_ACTIVE		BIT(1)

static char *irqchip = "auto";
module_param(irqchip, charp, 0444);
MODULE_PARM_DESC(irqchip,
		 "guest interrupt delivery: auto (the VM's arch), gic (dropped while pending or active), repend (vPLIC/IOAPIC: merged while pending, again after the handler)");

static bool sim_vic_gic;	/* else repend */

/* hvisor's VIRTIO_IRQS entry of one target cpu. */
struct sim_pend {
	unsigned int len;
	u32 irq[SIM_MAX_DEVS];
	u32 zone[SIM_MAX_DEVS];
	struct irq_work event;		/* the cpu handles its event */
};

/* Protects every sim_pend's len, irq and zone; taken under irq_lock. */
static DEFINE_SPINLOCK(sim_pend_lock);
static struct sim_pend sim_pend[HV_BRIDGE_MAX_CPUS];

/* Protects every transport's vstate; innermost lock. */
static DEFINE_SPINLOCK(sim_vgic_lock);

static struct sim_irq_stats sim_irq_total;

/*
 * The guests' device descriptions (their device trees on a board): the
 * irq of each virtio slot.  Kept across zone restarts, like a DTB file.
 * Under sim.irq_lock.
 */
static struct sim_irqmap {
	u32 zone;
	u32 irq;
	u64 base;
} sim_irqmap[SIM_MAX_IRQMAP];
static unsigned int sim_nr_irqmap;

#define SIM_STAT(field)	offsetof(struct sim_irq_stats, field)

/* Count one event (@off in struct sim_irq_stats) for @z and in total. */
static void sim_count(struct sim_zone *z, size_t off)
{
	atomic64_inc((atomic64_t *)((char *)&z->istats + off));
	atomic64_inc((atomic64_t *)((char *)&sim_irq_total + off));
}

/* Under sim.irq_lock. */
static struct sim_zone *sim_vgic_zone(u32 id)
{
	struct sim_zone *z;

	list_for_each_entry(z, &sim.zones, node)
		if (z->id == id)
			return z;
	return NULL;
}

/* Under sim.irq_lock: the irq the guest's description gives @base. */
static u32 sim_irqmap_find(struct sim_zone *z, u64 base)
{
	unsigned int i;

	for (i = 0; i < sim_nr_irqmap; i++)
		if (sim_irqmap[i].zone == z->id && sim_irqmap[i].base == base)
			return sim_irqmap[i].irq;
	return 0;
}

static bool sim_irqmap_has(struct sim_zone *z, u32 irq)
{
	unsigned int i;

	for (i = 0; i < sim_nr_irqmap; i++)
		if (sim_irqmap[i].zone == z->id && sim_irqmap[i].irq == irq)
			return true;
	return false;
}

u32 sim_vgic_irq_of(struct sim_zone *z, u64 base)
{
	unsigned long flags;
	u32 irq;

	spin_lock_irqsave(&sim.irq_lock, flags);
	irq = sim_irqmap_find(z, base);
	spin_unlock_irqrestore(&sim.irq_lock, flags);
	return irq;
}

/* Raise @t's line: its handler's hard half runs here, at once. */
static void sim_vgic_raise(struct sim_transport *t)
{
	sim_count(t->zone, SIM_STAT(delivered));
	generic_handle_irq_safe(t->virq);
}

/* The list register step (hvisor's inject_irq), under sim.irq_lock. */
static void sim_vgic_inject(struct sim_zone *z, u32 irq)
{
	struct sim_transport *t, *owner = NULL;
	bool raise = false;

	if (!sim_irqmap_has(z, irq)) {
		sim_count(z, SIM_STAT(unowned));
		WARN_ONCE(1, "hvisor_sim: zone %u: irq %u injected but no guest device has it (virtio_irqs)\n",
			  z->id, irq);
		return;
	}
	/* by the description as it is now: a corrected one takes effect */
	list_for_each_entry(t, &z->transports, node)
		if (t->irq_requested && sim_irqmap_find(z, t->base) == irq) {
			owner = t;
			break;
		}
	if (!owner) {
		sim_count(z, SIM_STAT(masked));
		return;
	}

	spin_lock(&sim_vgic_lock);
	if (sim_vic_gic && (owner->vstate & (SIM_VGIC_PENDING | SIM_VGIC_ACTIVE))) {
		sim_count(z, SIM_STAT(dropped));
	} else if (owner->vstate & SIM_VGIC_PENDING) {
		sim_count(z, SIM_STAT(merged));
	} else {
		owner->vstate |= SIM_VGIC_PENDING;
		/* while active (repend), the EOI delivers it */
		raise = !(owner->vstate & SIM_VGIC_ACTIVE);
	}
	spin_unlock(&sim_vgic_lock);
	if (raise)
		sim_vgic_raise(owner);
}

/* The target cpu handles its event: inject everything listed. */
static void sim_pend_event(struct irq_work *work)
{
	struct sim_pend *p = container_of(work, struct sim_pend, event);
	u32 irq[SIM_MAX_DEVS], zone[SIM_MAX_DEVS];
	unsigned int i, n;
	unsigned long flags;
	struct sim_zone *z;

	spin_lock_irqsave(&sim.irq_lock, flags);
	spin_lock(&sim_pend_lock);
	n = p->len;
	memcpy(irq, p->irq, n * sizeof(irq[0]));
	memcpy(zone, p->zone, n * sizeof(zone[0]));
	p->len = 0;
	spin_unlock(&sim_pend_lock);
	for (i = 0; i < n; i++) {
		z = sim_vgic_zone(zone[i]);
		if (z)
			sim_vgic_inject(z, irq[i]);
	}
	spin_unlock_irqrestore(&sim.irq_lock, flags);
}

void sim_vgic_post(struct sim_zone *z, u32 irq)
{
	unsigned int cpu = z->nr_vcpus ? z->vcpu[0] : 0;
	struct sim_pend *p = &sim_pend[cpu % HV_BRIDGE_MAX_CPUS];
	unsigned int i;

	lockdep_assert_held(&sim.irq_lock);
	sim_count(z, SIM_STAT(requests));
	spin_lock(&sim_pend_lock);
	if (sim.arch == HVISOR_ARCH_LOONGARCH64)
		p->len = 0;	/* wait_for_interrupt clears the list */
	for (i = 0; i < p->len; i++)
		if (p->irq[i] == irq) {
			sim_count(z, SIM_STAT(list_merged));
			spin_unlock(&sim_pend_lock);
			return;
		}
	if (p->len + 1 >= SIM_MAX_DEVS) {
		sim_count(z, SIM_STAT(overflow));
		WARN_ONCE(1, "hvisor_sim: zone %u: irq %u would be distinct pending irq %u of cpu %u: hvisor's assert!(len + 1 < MAX_DEVS) stops the machine\n",
			  z->id, irq, p->len + 1, cpu);
	}
	if (p->len < SIM_MAX_DEVS) {
		p->irq[p->len] = irq;
		p->zone[p->len] = z->id;
		p->len++;
	}
	spin_unlock(&sim_pend_lock);
	irq_work_queue(&p->event);
}

/* The driver requested the line: nothing pending or active yet. */
void sim_vgic_request(struct sim_transport *t)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_vgic_lock, flags);
	t->vstate = 0;
	spin_unlock_irqrestore(&sim_vgic_lock, flags);
}

/* The handler starts (IAR read): pending -> active. */
void sim_vgic_ack(struct sim_transport *t)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_vgic_lock, flags);
	t->vstate = SIM_VGIC_ACTIVE;
	spin_unlock_irqrestore(&sim_vgic_lock, flags);
}

/* The handler returned (EOI): inactive, or delivered again (repend). */
void sim_vgic_eoi(struct sim_transport *t)
{
	unsigned long flags;
	bool again;

	spin_lock_irqsave(&sim_vgic_lock, flags);
	t->vstate &= ~SIM_VGIC_ACTIVE;
	again = t->vstate & SIM_VGIC_PENDING;
	spin_unlock_irqrestore(&sim_vgic_lock, flags);
	if (again)
		sim_vgic_raise(t);
}

/* The injection rule of the VM's arch (or irqchip=): GIC or repend. */
bool sim_vgic_is_gic(void)
{
	return sim_vic_gic;
}

void sim_vgic_init(void)
{
	unsigned int i;

	if (!strcmp(irqchip, "gic"))
		sim_vic_gic = true;
	else if (!strcmp(irqchip, "repend"))
		sim_vic_gic = false;
	else
		sim_vic_gic = sim.arch == HVISOR_ARCH_ARM64;
	for (i = 0; i < HV_BRIDGE_MAX_CPUS; i++)
		init_irq_work(&sim_pend[i].event, sim_pend_event);
}

void sim_vgic_exit(void)
{
	unsigned int i;

	for (i = 0; i < HV_BRIDGE_MAX_CPUS; i++)
		irq_work_sync(&sim_pend[i].event);
}

/* ---- debugfs -------------------------------------------------------- */

static void sim_irq_stats_show(struct seq_file *m, struct sim_irq_stats *s)
{
	seq_printf(m, "requests: %lld\n", atomic64_read(&s->requests));
	seq_printf(m, "list_merged: %lld\n", atomic64_read(&s->list_merged));
	seq_printf(m, "overflow: %lld\n", atomic64_read(&s->overflow));
	seq_printf(m, "delivered: %lld\n", atomic64_read(&s->delivered));
	seq_printf(m, "dropped: %lld\n", atomic64_read(&s->dropped));
	seq_printf(m, "merged: %lld\n", atomic64_read(&s->merged));
	seq_printf(m, "masked: %lld\n", atomic64_read(&s->masked));
	seq_printf(m, "unowned: %lld\n", atomic64_read(&s->unowned));
}

static int irq_stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "model: %s\n", sim_vic_gic ? "gic" : "repend");
	sim_irq_stats_show(m, &sim_irq_total);
	seq_printf(m, "wakeups: %lld\n", atomic64_read(&sim.wakeups));
	seq_printf(m, "wakeups_lost: %lld\n", atomic64_read(&sim.wakeups_lost));
	sim_wakeup_stats_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(irq_stats);

static int zone_irq_stats_show(struct seq_file *m, void *v)
{
	struct sim_zone *z = m->private;

	seq_printf(m, "model: %s\n", sim_vic_gic ? "gic" : "repend");
	sim_irq_stats_show(m, &z->istats);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zone_irq_stats);

static int virtio_irqs_show(struct seq_file *m, void *v)
{
	struct sim_irqmap map[SIM_MAX_IRQMAP];
	unsigned int i, n;

	spin_lock_irq(&sim.irq_lock);
	n = sim_nr_irqmap;
	memcpy(map, sim_irqmap, n * sizeof(map[0]));
	spin_unlock_irq(&sim.irq_lock);
	for (i = 0; i < n; i++)
		seq_printf(m, "%u %#llx %u\n", map[i].zone, map[i].base,
			   map[i].irq);
	return 0;
}

/* Set zone @zone's slot @base to @irq; @irq 0 removes the slot. */
static int sim_irqmap_set(u32 zone, u64 base, u32 irq)
{
	struct sim_irqmap *e;
	unsigned int i;
	int ret = 0;

	spin_lock_irq(&sim.irq_lock);
	for (i = 0; i < sim_nr_irqmap; i++) {
		e = &sim_irqmap[i];
		if (irq && e->zone == zone && e->irq == irq && e->base != base) {
			ret = -EBUSY;
			goto unlock;
		}
	}
	for (i = 0; i < sim_nr_irqmap; i++)
		if (sim_irqmap[i].zone == zone && sim_irqmap[i].base == base)
			break;
	if (!irq) {
		if (i < sim_nr_irqmap)
			sim_irqmap[i] = sim_irqmap[--sim_nr_irqmap];
		goto unlock;
	}
	if (i == SIM_MAX_IRQMAP) {
		ret = -ENOSPC;
		goto unlock;
	}
	sim_irqmap[i] = (struct sim_irqmap){ .zone = zone, .irq = irq,
					     .base = base };
	if (i == sim_nr_irqmap)
		sim_nr_irqmap++;
unlock:
	spin_unlock_irq(&sim.irq_lock);
	return ret;
}

/* Lines "ZONE ADDR IRQ" (any whitespace); stops at the first bad one. */
static ssize_t virtio_irqs_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char *buf, *line, *cur, *tok[3];
	unsigned int n;
	u32 zone, irq;
	int ret = 0;
	u64 base;

	if (len > PAGE_SIZE)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	cur = buf;
	while (!ret && (line = strsep(&cur, "\n"))) {
		for (n = 0; n < 3; ) {
			tok[n] = strsep(&line, " \t");
			if (!tok[n])
				break;
			if (*tok[n])
				n++;
		}
		if (!n)
			continue;
		if (n < 3 || (line && *strim(line)) ||
		    kstrtou32(tok[0], 0, &zone) || kstrtou64(tok[1], 0, &base) ||
		    kstrtou32(tok[2], 0, &irq) || irq >= SIM_MAX_IRQ) {
			pr_err("hvisor_sim: virtio_irqs: want \"ZONE ADDR IRQ\" lines, IRQ < %u\n",
			       SIM_MAX_IRQ);
			ret = -EINVAL;
			break;
		}
		ret = sim_irqmap_set(zone, base, irq);
		if (ret)
			pr_err("hvisor_sim: virtio_irqs: zone %u %#llx irq %u: %s\n",
			       zone, base, irq,
			       ret == -EBUSY ? "the irq has another slot" :
			       "table full");
	}
	kfree(buf);
	return ret ? ret : len;
}

static int virtio_irqs_open(struct inode *inode, struct file *file)
{
	return single_open(file, virtio_irqs_show, NULL);
}

static const struct file_operations virtio_irqs_fops = {
	.owner		= THIS_MODULE,
	.open		= virtio_irqs_open,
	.read		= seq_read,
	.write		= virtio_irqs_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

void sim_vgic_debugfs_init(void)
{
	debugfs_create_file("irq_stats", 0444, sim.dbg, NULL, &irq_stats_fops);
	debugfs_create_file("virtio_irqs", 0644, sim.dbg, NULL,
			    &virtio_irqs_fops);
}

void sim_vgic_debugfs_zone(struct sim_zone *z)
{
	debugfs_create_file("irq_stats", 0444, z->dbg, z, &zone_irq_stats_fops);
}
