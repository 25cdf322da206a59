// SPDX-License-Identifier: GPL-2.0
/*
 * Zones: ZONE_START, ZONE_SHUTDOWN and ZONE_LIST with hvisor's semantics,
 * plus the checks on which the real hvisor would panic (reported here as
 * -EINVAL), and the guest interrupt injection of FINISH_REQ.
 */
#include <linux/bitops.h>
#include <linux/crc32.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sim.h"

/* Under ctl_lock or irq_lock. */
static struct sim_zone *sim_zone_find(u32 id)
{
	struct sim_zone *z;

	list_for_each_entry(z, &sim.zones, node)
		if (z->id == id)
			return z;
	return NULL;
}

static u64 sim_used_cpus(void)
{
	struct sim_zone *z;
	u64 used = SIM_ROOT_CPUS;

	list_for_each_entry(z, &sim.zones, node)
		used |= z->cpus;
	return used;
}

static bool sim_aligned(u64 v)
{
	return !(v & (PAGE_SIZE - 1));
}

/* What hvisor would panic on or misbehave with: -EINVAL and one line. */
static int sim_check_regions(const struct hvisor_zone_head *h)
{
	u32 i, j, n = h->num_memory_regions;

	if (n > HVISOR_MAX_MEMORY_REGIONS) {
		pr_err("hvisor_sim: zone %u: %u memory regions > %u (hvisor would panic)\n",
		       h->zone_id, n, HVISOR_MAX_MEMORY_REGIONS);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const struct hvisor_memory_region *r = &h->memory_regions[i];
		u64 end;

		if (r->type > HVISOR_MEM_TYPE_VIRTIO) {
			pr_err("hvisor_sim: zone %u: region %u has unknown type %u (hvisor would panic)\n",
			       h->zone_id, i, r->type);
			return -EINVAL;
		}
		if (!r->size ||
		    check_add_overflow(r->physical_start, r->size, &end) ||
		    check_add_overflow(r->virtual_start, r->size, &end)) {
			pr_err("hvisor_sim: zone %u: region %u is empty or wraps\n",
			       h->zone_id, i);
			return -EINVAL;
		}
		if (r->type == HVISOR_MEM_TYPE_VIRTIO)
			continue;
		if (!sim_aligned(r->physical_start) ||
		    !sim_aligned(r->virtual_start) || !sim_aligned(r->size)) {
			pr_err("hvisor_sim: zone %u: region %u is not 4 KiB aligned (hvisor would panic)\n",
			       h->zone_id, i);
			return -EINVAL;
		}
		/* Overlapping stage-2 mappings make hvisor panic too. */
		for (j = 0; j < i; j++) {
			const struct hvisor_memory_region *o = &h->memory_regions[j];

			if (o->type == HVISOR_MEM_TYPE_VIRTIO)
				continue;
			if (r->virtual_start < o->virtual_start + o->size &&
			    o->virtual_start < r->virtual_start + r->size) {
				pr_err("hvisor_sim: zone %u: regions %u and %u overlap (hvisor would panic)\n",
				       h->zone_id, j, i);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* The RAM region holding [pa, pa + size), or NULL. */
static const struct hvisor_memory_region *
sim_ram_region(const struct hvisor_zone_head *h, u64 pa, u64 size)
{
	u32 i;

	for (i = 0; i < h->num_memory_regions; i++) {
		const struct hvisor_memory_region *r = &h->memory_regions[i];

		if (r->type == HVISOR_MEM_TYPE_RAM && pa >= r->physical_start &&
		    size <= r->size && pa - r->physical_start <= r->size - size)
			return r;
	}
	return NULL;
}

/* crc32 (zlib's, as busybox crc32 prints it) of an image in zone RAM. */
static bool sim_image_sum(const struct hvisor_zone_head *h, u64 pa, u64 size,
			  u32 *sum)
{
	void *p;

	if (!size || !sim_ram_region(h, pa, size))
		return false;
	p = memremap(pa, size, MEMREMAP_WB);
	if (!p)
		return false;
	*sum = crc32_le(~0U, p, size) ^ ~0U;
	memunmap(p);
	return true;
}

/*
 * The parts of the config past the head, in the layout of sim.config_abi:
 * 0x05 (hvisor 6a3fb78) has 8-byte PCI devices and no arm64 UEFI union,
 * 0x06 12-byte devices (zone-config-abi.md sections 4-5).  hvisor reads
 * them with the same checks, and panics where this returns -EINVAL.
 */
static int sim_read_layout(struct sim_zone *z)
{
	size_t tail = sim.config_abi == HVISOR_CONFIG_MAGIC_V5 ?
		      sizeof(struct hvisor_zone_pci_v5) :
		      sizeof(struct hvisor_zone_pci);
	const u8 *pci = (const u8 *)z->config + sim.config_size - tail;
	const struct hvisor_zone_pci_v5 *p5 = (const void *)pci;
	const struct hvisor_zone_pci *p6 = (const void *)pci;
	u64 i;
	u32 type;

	z->config_abi = sim.config_abi;
	if (sim.arch == HVISOR_ARCH_ARM64) {
		/* the GIC tag, at +8 of arch_config in both layouts */
		const struct hvisor_arch_arm64_v5 *a =
			(const void *)((const u8 *)z->config + HVISOR_ZONE_HEAD_SIZE);

		z->gic_version = a->gic_version;
		/*
		 * A tag that is no GicConfig variant is UB in Rust; a GICv3
		 * without gicd/gicr panics (hv:src/device/irqchip/gicv3/vgic.rs:47-49).
		 */
		if (a->gic_version > HVISOR_GIC_V3 ||
		    (a->gic_version == HVISOR_GIC_V3 &&
		     (!a->gic.v3.gicd_base || !a->gic.v3.gicr_base))) {
			pr_err("hvisor_sim: zone %u: GIC tag %llu without its bases (hvisor would panic)\n",
			       z->id, a->gic_version);
			return -EINVAL;
		}
	}
	/* both tails start alike: num_pci_bus, pci_config[4], num_pci_devs */
	z->num_pci_bus = p6->num_pci_bus;
	z->num_pci_devs = p6->num_pci_devs;
	z->ecam0 = p6->pci_config[0].ecam_base;
	/* hvisor indexes alloc_pci_devs[..n] (hv:src/pci/pci_config.rs:188-189) */
	if (z->num_pci_devs > HVISOR_MAX_PCI_DEVS) {
		pr_err("hvisor_sim: zone %u: %llu pci devices > %u (hvisor would panic)\n",
		       z->id, z->num_pci_devs, HVISOR_MAX_PCI_DEVS);
		return -EINVAL;
	}
	for (i = 0; i < z->num_pci_devs; i++) {
		type = sim.config_abi == HVISOR_CONFIG_MAGIC_V5 ?
		       p5->alloc_pci_devs[i].dev_type :
		       p6->alloc_pci_devs[i].dev_type;
		/* VpciDevType: 0 Physical, 1 StandardVdev (hv:src/pci/vpci_dev/mod.rs:81-88) */
		if (type > 1) {
			pr_err("hvisor_sim: zone %u: pci device %llu has dev_type %u (not a VpciDevType)\n",
			       z->id, i, type);
			return -EINVAL;
		}
		z->pci_virtual_devs += type;
	}
	return 0;
}

static void sim_zone_free(struct sim_zone *z)
{
	kfree(z->config);
	kfree(z);
}

long sim_zone_start(phys_addr_t pa, unsigned long size)
{
	const struct hvisor_zone_head *h;
	struct sim_zone *z;
	unsigned int cpu;
	void *cfg;
	long ret;

	/*
	 * hvisor checks the size and nothing else of the layout
	 * (hv:src/hypercall/mod.rs:187-196), with this message.
	 */
	if (size != sim.config_size) {
		pr_err("hvisor_sim: ZONE_START: config size should be %zu bytes, but got %lu (config_abi %u)\n",
		       sim.config_size, size, sim.config_abi);
		return -EINVAL;
	}
	/* Like hvisor, read the config once, at the time of the call. */
	cfg = memremap(pa, size, MEMREMAP_WB);
	if (!cfg)
		return -EFAULT;
	z = kzalloc(sizeof(*z), GFP_KERNEL);
	if (!z) {
		memunmap(cfg);
		return -ENOMEM;
	}
	z->config = kmemdup(cfg, size, GFP_KERNEL);
	memunmap(cfg);
	if (!z->config) {
		ret = -ENOMEM;
		goto free_zone;
	}
	z->head = z->config;
	h = z->head;
	z->id = h->zone_id;
	z->cpus = h->cpus;
	memcpy(z->name, h->name, HVISOR_NAME_MAXLEN);
	INIT_LIST_HEAD(&z->transports);
	mutex_init(&z->probe_lock);
	for (cpu = 0; cpu < ARRAY_SIZE(z->vcpu_lock); cpu++)
		mutex_init(&z->vcpu_lock[cpu]);
	INIT_WORK(&z->probe_work, sim_transport_probe_work);

	mutex_lock(&sim.ctl_lock);
	if (sim.exiting) {
		ret = -ENODEV;
		goto unlock;
	}
	if (!z->id || z->id >= HVISOR_MAX_ZONES) {
		pr_err("hvisor_sim: ZONE_START: bad zone id %u\n", z->id);
		ret = -EINVAL;
		goto unlock;
	}
	if (sim_zone_find(z->id)) {
		pr_err("hvisor_sim: ZONE_START: zone %u already exists\n", z->id);
		ret = -EINVAL;
		goto unlock;
	}
	ret = sim_check_regions(h);
	if (ret)
		goto unlock;
	ret = sim_read_layout(z);
	if (ret)
		goto unlock;
	if (!z->cpus) {
		pr_err("hvisor_sim: ZONE_START: zone %u has no cpu (hvisor would panic)\n",
		       z->id);
		ret = -EINVAL;
		goto unlock;
	}
	if (z->cpus & ~GENMASK_ULL(sim.ncpus - 1, 0)) {
		pr_err("hvisor_sim: ZONE_START: zone %u: cpus %#llx beyond the %u cpus of the machine\n",
		       z->id, z->cpus, sim.ncpus);
		ret = -EBUSY;
		goto unlock;
	}
	if (z->cpus & sim_used_cpus()) {
		pr_err("hvisor_sim: ZONE_START: zone %u: cpus %#llx already belong to a zone\n",
		       z->id, z->cpus & sim_used_cpus());
		ret = -EBUSY;
		goto unlock;
	}

	for (cpu = 0; cpu < sim.ncpus; cpu++)
		if (z->cpus & BIT_ULL(cpu))
			z->vcpu[z->nr_vcpus++] = cpu;
	z->kernel_sum_ok = sim_image_sum(h, h->kernel_load_paddr,
					 h->kernel_size, &z->kernel_sum);
	z->dtb_sum_ok = sim_image_sum(h, h->dtb_load_paddr, h->dtb_size,
				      &z->dtb_sum);

	sim_ivc_zone_start(z);
	spin_lock_irq(&sim.irq_lock);
	list_add_tail(&z->node, &sim.zones);
	spin_unlock_irq(&sim.irq_lock);
	sim_debugfs_zone_add(z);
	mutex_unlock(&sim.ctl_lock);

	pr_info("hvisor_sim: zone %u \"%s\" started on cpus %#llx, kernel crc32 %08x\n",
		z->id, z->name, z->cpus, z->kernel_sum);
	/* The guest boots: probe its virtio slots outside the hypercall. */
	schedule_work(&z->probe_work);
	return 0;

unlock:
	mutex_unlock(&sim.ctl_lock);
free_zone:
	sim_zone_free(z);
	return ret;
}

/* Under ctl_lock: the guest's devices first, then the zone itself. */
static void sim_zone_destroy(struct sim_zone *z)
{
	sim_debugfs_zone_del(z);	/* waits for a running rescan */
	cancel_work_sync(&z->probe_work);
	sim_transport_remove_all(z);
	sim_ivc_zone_stop(z);

	spin_lock_irq(&sim.irq_lock);
	list_del(&z->node);
	spin_unlock_irq(&sim.irq_lock);
	pr_info("hvisor_sim: zone %u shut down\n", z->id);
	sim_zone_free(z);
}

long sim_zone_shutdown(unsigned long id)
{
	struct sim_zone *z;

	if (!id || id >= HVISOR_MAX_ZONES)
		return -EINVAL;
	mutex_lock(&sim.ctl_lock);
	z = sim_zone_find(id);
	if (!z) {
		mutex_unlock(&sim.ctl_lock);
		return -EINVAL;
	}
	sim_zone_destroy(z);
	mutex_unlock(&sim.ctl_lock);
	return 0;
}

/*
 * A zone that stops by itself (a guest's PSCI SYSTEM_OFF, a fatal error):
 * gone from ZONE_LIST without any ZONE_SHUTDOWN, and none of its drivers
 * resets its devices first.  Its transports are removed as at shutdown,
 * but their accesses (the drivers' resets) no longer reach zone 0.
 */
long sim_zone_halt(unsigned long id)
{
	struct sim_zone *z;

	mutex_lock(&sim.ctl_lock);
	z = sim_zone_find(id);
	if (!z) {
		mutex_unlock(&sim.ctl_lock);
		return -ENOENT;
	}
	WRITE_ONCE(z->halted, true);
	pr_info("hvisor_sim: zone %u halts by itself\n", z->id);
	sim_zone_destroy(z);
	mutex_unlock(&sim.ctl_lock);
	return 0;
}

void sim_zones_destroy(void)
{
	struct sim_zone *z, *tmp;

	mutex_lock(&sim.ctl_lock);
	list_for_each_entry_safe(z, tmp, &sim.zones, node)
		sim_zone_destroy(z);
	mutex_unlock(&sim.ctl_lock);
}

static void sim_fill_info(struct hv_zone_info *info, u32 id, u64 cpus,
			  const char *name, bool is_err)
{
	memset(info, 0, sizeof(*info));
	info->zone_id = id;
	info->cpus = cpus;
	memcpy(info->name, name, min(strlen(name), sizeof(info->name)));
	info->is_err = is_err;
}

long sim_zone_list(phys_addr_t pa, unsigned long cnt)
{
	struct hv_zone_info *out;
	struct sim_zone *z;
	unsigned long n = 1, i = 0;

	if (!pa)
		return -EINVAL;
	mutex_lock(&sim.ctl_lock);
	list_for_each_entry(z, &sim.zones, node)
		n++;
	n = min(n, cnt);
	if (!n)
		goto unlock;
	out = memremap(pa, n * sizeof(*out), MEMREMAP_WB);
	if (!out) {
		mutex_unlock(&sim.ctl_lock);
		return -EFAULT;
	}
	sim_fill_info(&out[i++], 0, SIM_ROOT_CPUS, SIM_ROOT_NAME, false);
	list_for_each_entry(z, &sim.zones, node) {
		if (i >= n)
			break;
		sim_fill_info(&out[i++], z->id, z->cpus, z->name,
			      READ_ONCE(z->is_err));
	}
	memunmap(out);
unlock:
	mutex_unlock(&sim.ctl_lock);
	return n;
}

void sim_zone_mark_err(struct sim_zone *z)
{
	WRITE_ONCE(z->is_err, true);
}

/*
 * Deliver guest interrupt @irq to @zone_id (FINISH_REQ): through the
 * target cpu's pending list to the device the guest's description gives
 * @irq, with the arch's list register rules (sim_vgic.c).
 */
void sim_zone_inject(u32 zone_id, u32 irq)
{
	struct sim_zone *z;
	unsigned long flags;

	/* A zone that is gone: hvisor skips the entry (hypercall/mod.rs:146-152). */
	spin_lock_irqsave(&sim.irq_lock, flags);
	z = sim_zone_find(zone_id);
	if (z) {
		sim_vgic_post(z, irq);
		atomic64_inc(&sim.injected);
	}
	spin_unlock_irqrestore(&sim.irq_lock, flags);
}
