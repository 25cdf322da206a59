// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/hvisor_sim/:
 *   mmio_latency      round trip histogram (log2 ns buckets, p50, p99);
 *                     write anything to reset it
 *   bridge            ring indexes and counters
 *   zone<N>/config    the zone_config as the sim read it at ZONE_START
 *   zone<N>/kernel_sum, dtb_sum
 *                     crc32 of the images in zone RAM at ZONE_START
 *   zone<N>/devices   the zone's guest virtio devices
 *   zone<N>/rescan    write anything: probe the virtio slots again
 *   zone<N>/mmio      raw 32-bit register accesses ("w ADDR VAL", "r ADDR")
 *   irq_stats, zone<N>/irq_stats
 *                     guest interrupt delivery (sim_vgic.c); irq_stats
 *                     also zone 0's wake-ups: sent, lost, dropped, and
 *                     handled per cpu (sim_wakeup.c)
 *   virtio_irqs       the guests' device descriptions: "ZONE ADDR IRQ"
 *                     per virtio slot; write lines to set (IRQ 0 removes)
 *   ivc               zone 0's IVC channels and their sim peers; commands
 *                     "echo ID 0|1", "send ID TEXT", "ring ID" (sim_ivc.c)
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "sim.h"

void sim_hist_record(struct sim_latency *l, u64 ns)
{
	unsigned int b = ns ? ilog2(ns) : 0;
	s64 max = atomic64_read(&l->max_ns);

	atomic64_inc(&l->bucket[min_t(unsigned int, b, SIM_LAT_BUCKETS - 1)]);
	atomic64_inc(&l->count);
	atomic64_add(ns, &l->sum_ns);
	while ((s64)ns > max &&
	       !atomic64_try_cmpxchg(&l->max_ns, &max, ns))
		;
}

void sim_latency_record(u64 ns)
{
	sim_hist_record(&sim.lat, ns);
}

void sim_hist_reset(struct sim_latency *l)
{
	unsigned int b;

	for (b = 0; b < SIM_LAT_BUCKETS; b++)
		atomic64_set(&l->bucket[b], 0);
	atomic64_set(&l->count, 0);
	atomic64_set(&l->sum_ns, 0);
	atomic64_set(&l->max_ns, 0);
}

/* Upper bound of the bucket holding the @pct-th percentile, in ns. */
static u64 sim_latency_pct(const u64 *bucket, u64 count, unsigned int pct)
{
	u64 seen = 0;
	unsigned int b;

	for (b = 0; b < SIM_LAT_BUCKETS; b++) {
		seen += bucket[b];
		if (seen * 100 >= count * pct)
			return b >= 63 ? U64_MAX : 1ULL << (b + 1);
	}
	return 0;
}

/* Count, mean, max, p50, p99 of @l, prefixed by @name (may be ""). */
void sim_hist_show(struct seq_file *m, const char *name, struct sim_latency *l,
		   bool buckets)
{
	u64 bucket[SIM_LAT_BUCKETS], count = 0;
	unsigned int b;

	for (b = 0; b < SIM_LAT_BUCKETS; b++) {
		bucket[b] = atomic64_read(&l->bucket[b]);
		count += bucket[b];
	}
	seq_printf(m, "%scount: %llu\n", name, count);
	if (!count)
		return;
	seq_printf(m, "%savg_ns: %llu\n", name,
		   div64_u64(atomic64_read(&l->sum_ns), count));
	seq_printf(m, "%smax_ns: %lld\n", name, atomic64_read(&l->max_ns));
	seq_printf(m, "%sp50_ns: < %llu\n", name,
		   sim_latency_pct(bucket, count, 50));
	seq_printf(m, "%sp99_ns: < %llu\n", name,
		   sim_latency_pct(bucket, count, 99));
	if (!buckets)
		return;
	seq_puts(m, "buckets (ns, count):\n");
	for (b = 0; b < SIM_LAT_BUCKETS; b++)
		if (bucket[b])
			seq_printf(m, "  [%llu, %llu) %llu\n", 1ULL << b,
				   b >= 63 ? U64_MAX : 1ULL << (b + 1), bucket[b]);
}

static int mmio_latency_show(struct seq_file *m, void *v)
{
	sim_hist_show(m, "", &sim.lat, true);
	return 0;
}

static int mmio_latency_open(struct inode *inode, struct file *file)
{
	return single_open(file, mmio_latency_show, inode->i_private);
}

/* Any write: start over, the wake-up's stages too. */
static ssize_t mmio_latency_write(struct file *file, const char __user *buf,
				  size_t len, loff_t *ppos)
{
	sim_hist_reset(&sim.lat);
	sim_wakeup_latency_reset();
	return len;
}

static const struct file_operations mmio_latency_fops = {
	.owner		= THIS_MODULE,
	.open		= mmio_latency_open,
	.read		= seq_read,
	.write		= mmio_latency_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int bridge_show(struct seq_file *m, void *v)
{
	struct hv_virtio_bridge *b = READ_ONCE(sim.bridge);

	if (b) {
		seq_printf(m, "pa: %pa\n", &sim.bridge_pa);
		seq_printf(m, "req_front: %u\nreq_rear: %u\n",
			   READ_ONCE(b->req_front), READ_ONCE(b->req_rear));
		seq_printf(m, "res_front: %u\nres_rear: %u\n",
			   READ_ONCE(b->res_front), READ_ONCE(b->res_rear));
		seq_printf(m, "need_wakeup: %u\n", READ_ONCE(b->need_wakeup));
	} else {
		seq_puts(m, "pa: none\n");
	}
	seq_printf(m, "wakeup_irq: %u\n", sim.wakeup_virq);
	seq_printf(m, "wakeups: %lld\n", atomic64_read(&sim.wakeups));
	seq_printf(m, "injected: %lld\n", atomic64_read(&sim.injected));
	seq_printf(m, "timeouts: %lld\n", atomic64_read(&sim.timeouts));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bridge);

static const char *const sim_mem_type[] = { "ram", "io", "virtio" };

static int config_show(struct seq_file *m, void *v)
{
	struct sim_zone *z = m->private;
	const struct hvisor_zone_head *h = z->head;
	u32 i;

	seq_printf(m, "id: %u\nname: %s\ncpus: %#llx\n", z->id, z->name, z->cpus);
	seq_printf(m, "config_abi: %u\n", z->config_abi);
	if (sim.arch == HVISOR_ARCH_ARM64)
		seq_printf(m, "gic_version: %llu\n", z->gic_version);
	seq_printf(m, "pci: %llu buses, %llu devices, %u virtual\n",
		   z->num_pci_bus, z->num_pci_devs, z->pci_virtual_devs);
	if (z->num_pci_bus)
		seq_printf(m, "ecam0: %#llx\n", z->ecam0);
	seq_printf(m, "entry: %#llx\n", h->entry_point);
	seq_printf(m, "kernel: %#llx size %#llx\n", h->kernel_load_paddr,
		   h->kernel_size);
	seq_printf(m, "dtb: %#llx size %#llx\n", h->dtb_load_paddr, h->dtb_size);
	seq_printf(m, "regions: %u\n", h->num_memory_regions);
	for (i = 0; i < h->num_memory_regions; i++) {
		const struct hvisor_memory_region *r = &h->memory_regions[i];

		seq_printf(m, "  %s phys %#llx virt %#llx size %#llx\n",
			   sim_mem_type[r->type], r->physical_start,
			   r->virtual_start, r->size);
	}
	seq_printf(m, "is_err: %d\n", READ_ONCE(z->is_err));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(config);

static int kernel_sum_show(struct seq_file *m, void *v)
{
	struct sim_zone *z = m->private;

	if (z->kernel_sum_ok)
		seq_printf(m, "%08x\n", z->kernel_sum);
	else
		seq_puts(m, "none\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kernel_sum);

static int dtb_sum_show(struct seq_file *m, void *v)
{
	struct sim_zone *z = m->private;

	if (z->dtb_sum_ok)
		seq_printf(m, "%08x\n", z->dtb_sum);
	else
		seq_puts(m, "none\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dtb_sum);

static int devices_show(struct seq_file *m, void *v)
{
	struct sim_zone *z = m->private;
	struct sim_transport *t;

	mutex_lock(&z->probe_lock);
	list_for_each_entry(t, &z->transports, node)
		seq_printf(m, "%#llx id %u %s irq %u hvisor irq %u\n", t->base,
			   t->device_id, dev_name(&t->vdev.dev), t->virq,
			   t->irq_id);
	mutex_unlock(&z->probe_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(devices);

static ssize_t rescan_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct sim_zone *z = file_inode(file)->i_private;

	flush_work(&z->probe_work);
	sim_transport_rescan(z);
	return len;
}

static const struct file_operations rescan_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= rescan_write,
	.llseek	= noop_llseek,
};

/*
 * zone<N>/mmio: raw register accesses for hostile-guest tests.  Write
 * "w ADDR VALUE" (32-bit store) or "r ADDR" (32-bit load); reading the file
 * returns the value of the last load.  ADDR is a guest physical address
 * in one of the zone's virtio regions.
 */
static int mmio_show(struct seq_file *m, void *v)
{
	struct sim_zone *z = m->private;

	mutex_lock(&z->probe_lock);
	seq_printf(m, "%#x\n", z->raw_value);
	mutex_unlock(&z->probe_lock);
	return 0;
}

static int mmio_open(struct inode *inode, struct file *file)
{
	return single_open(file, mmio_show, inode->i_private);
}

static ssize_t mmio_write(struct file *file, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	struct sim_zone *z = file_inode(file)->i_private;
	char buf[64], op;
	u32 value = 0;
	u64 addr;
	int n, err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%c %llx %x", &op, &addr, &value);
	if (!(n == 3 && op == 'w') && !(n == 2 && op == 'r'))
		return -EINVAL;
	mutex_lock(&z->probe_lock);
	err = sim_transport_raw(z, addr, op == 'w', &value);
	if (!err && op == 'r')
		z->raw_value = value;
	mutex_unlock(&z->probe_lock);
	return err ? err : len;
}

static const struct file_operations mmio_fops = {
	.owner		= THIS_MODULE,
	.open		= mmio_open,
	.read		= seq_read,
	.write		= mmio_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

void sim_debugfs_zone_add(struct sim_zone *z)
{
	char name[16];

	snprintf(name, sizeof(name), "zone%u", z->id);
	z->dbg = debugfs_create_dir(name, sim.dbg);
	debugfs_create_file("config", 0444, z->dbg, z, &config_fops);
	debugfs_create_file("kernel_sum", 0444, z->dbg, z, &kernel_sum_fops);
	debugfs_create_file("dtb_sum", 0444, z->dbg, z, &dtb_sum_fops);
	debugfs_create_file("devices", 0444, z->dbg, z, &devices_fops);
	debugfs_create_file("rescan", 0200, z->dbg, z, &rescan_fops);
	debugfs_create_file("mmio", 0600, z->dbg, z, &mmio_fops);
	sim_vgic_debugfs_zone(z);
}

void sim_debugfs_zone_del(struct sim_zone *z)
{
	debugfs_remove_recursive(z->dbg);
	z->dbg = NULL;
}

/*
 * halt_zone: write a zone id; the zone stops by itself (sim_zone_halt()),
 * its devices left as they were.  Tests of what zone 0 does about it.
 */
static ssize_t halt_zone_write(struct file *file, const char __user *buf,
			       size_t len, loff_t *ppos)
{
	unsigned long id;
	long ret;

	ret = kstrtoul_from_user(buf, len, 0, &id);
	if (!ret)
		ret = sim_zone_halt(id);
	return ret ? ret : len;
}

static const struct file_operations halt_zone_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= halt_zone_write,
	.llseek	= noop_llseek,
};

void sim_debugfs_init(void)
{
	sim.dbg = debugfs_create_dir("hvisor_sim", NULL);
	debugfs_create_file("mmio_latency", 0644, sim.dbg, NULL,
			    &mmio_latency_fops);
	debugfs_create_file("bridge", 0444, sim.dbg, NULL, &bridge_fops);
	debugfs_create_file("halt_zone", 0200, sim.dbg, NULL, &halt_zone_fops);
	sim_vgic_debugfs_init();
}

void sim_debugfs_exit(void)
{
	debugfs_remove_recursive(sim.dbg);
	sim.dbg = NULL;
}
