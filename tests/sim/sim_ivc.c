// SPDX-License-Identifier: GPL-2.0
/*
 * IVC as hvisor does it on aarch64 (hv:src/arch/aarch64/ivc.rs), for zone
 * 0's channels:
 *
 *   - zone 0's own ivc_configs (on a board, the root zone config compiled
 *     into hvisor) come from the module parameters: channel ids in ivc=,
 *     zone 0 being peer 0 of each, sizes in ivc_rw_sec_size=,
 *     ivc_out_sec_size=, ivc_max_peers=;
 *   - a sim zone joins a channel through the ivc_configs of its
 *     zone_config at ZONE_START (same checks and messages as hvisor) and
 *     leaves it at shutdown;
 *   - HV_HC_IVC_INFO answers zone 0's channels; the shared memory is one
 *     contiguous allocation, as hvisor's frames;
 *   - the control table: hvisor traps it, the sim cannot, so it is a RAM
 *     page with the registers filled in, and a thread watches ipi_invoke
 *     (left at SIM_IVC_IDLE after each ring it took): a store of a peer
 *     id there rings that peer, like hvisor's set_ispender();
 *   - a sim zone's end of a channel is an echo: rung, it copies the
 *     ringer's out section into its own and rings it back; debugfs turns
 *     the echo off and makes the zone send or ring on its own
 *     (/sys/kernel/debug/hvisor_sim/ivc);
 *   - zone 0's doorbell is a line of the sim's irq domain per channel,
 *     handed to hvisor.ko through the seam's ivc_irq op (where a board
 *     uses the device tree node /hvisor_ivc_device).
 *
 * hvisor has IVC on aarch64 only: elsewhere it answers IVC_INFO with 0 and
 * writes nothing.  The sim models the aarch64 behaviour on every arch when
 * zone 0 has channels, so that the endpoints are tested everywhere; with
 * none it answers as hvisor on this arch would.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sim.h"

#define SIM_IVC_IDLE		0xffffffffU	/* ipi_invoke: no ring pending */
#define SIM_IVC_MAX_PEERS	16
#define SIM_IVC_ROOT_PEER	0		/* zone 0's peer id */
/* after a ring, watch closely this long; then sleep longer */
#define SIM_IVC_BUSY_NS		(100 * NSEC_PER_MSEC)

static unsigned int ivc_ids[HV_IVC_MAX_CONFIGS];
static unsigned int nr_ivc;
module_param_array_named(ivc, ivc_ids, uint, &nr_ivc, 0444);
MODULE_PARM_DESC(ivc, "zone 0's IVC channel ids (at most 2); zone 0 is peer 0 of each");

static unsigned int ivc_rw_sec_size;
module_param(ivc_rw_sec_size, uint, 0444);
MODULE_PARM_DESC(ivc_rw_sec_size, "bytes every peer may write (multiple of 4096)");

static unsigned int ivc_out_sec_size = 0x1000;
module_param(ivc_out_sec_size, uint, 0444);
MODULE_PARM_DESC(ivc_out_sec_size, "bytes of each peer's out section (multiple of 4096)");

static unsigned int ivc_max_peers = 2;
module_param(ivc_max_peers, uint, 0444);
MODULE_PARM_DESC(ivc_max_peers, "peers per channel (2..16)");

struct sim_ivc_peer {
	bool used;
	u32 zone_id;
	u32 irq_num;		/* its interrupt_num */
};

struct sim_ivc {
	u32 ivc_id, max_peers, rw_sec_size, out_sec_size;
	void *shm;		/* rw section, then max_peers out sections */
	size_t shm_size;
	u32 *ct;		/* zone 0's control table page */
	unsigned int virq;	/* zone 0's doorbell */
	struct sim_ivc_peer peer[SIM_IVC_MAX_PEERS];	/* sim_ivc_lock */
	bool quiet;		/* sim zones do not echo (sim_ivc_lock) */
	atomic64_t rings_in;	/* zone 0 rang a sim zone */
	atomic64_t rings_out;	/* zone 0 was rung */
	atomic64_t rings_nopeer;	/* zone 0 rang a peer that is not there */
};

static struct sim_ivc sim_ivcs[HV_IVC_MAX_CONFIGS];
static unsigned int sim_nr_ivcs;
/* Protects every sim_ivc's peer[] and quiet, and the copies of echoes. */
static DEFINE_SPINLOCK(sim_ivc_lock);
static struct task_struct *sim_ivc_thread;

static void *sim_ivc_section(struct sim_ivc *v, u32 peer)
{
	return v->shm + v->rw_sec_size + (size_t)peer * v->out_sec_size;
}

/* hvisor's set_ispender() for zone 0's line: the doorbell. */
static void sim_ivc_ring_root(struct sim_ivc *v)
{
	atomic64_inc(&v->rings_out);
	generic_handle_irq_safe(v->virq);
}

/* Zone 0 stored @peer into ipi_invoke of channel @v. */
static void sim_ivc_rung(struct sim_ivc *v, u32 peer)
{
	bool echo = false;

	if (peer == SIM_IVC_ROOT_PEER) {	/* zone 0 rings itself */
		sim_ivc_ring_root(v);
		return;
	}
	spin_lock(&sim_ivc_lock);
	if (peer >= v->max_peers || !v->peer[peer].used) {
		spin_unlock(&sim_ivc_lock);
		atomic64_inc(&v->rings_nopeer);
		/* hvisor's message; it fails the guest's access */
		pr_err_ratelimited("hvisor_sim: zone 0 has no peer %u\n", peer);
		return;
	}
	atomic64_inc(&v->rings_in);
	if (!v->quiet) {
		memcpy(sim_ivc_section(v, peer),
		       sim_ivc_section(v, SIM_IVC_ROOT_PEER), v->out_sec_size);
		echo = true;
	}
	spin_unlock(&sim_ivc_lock);
	if (echo)
		sim_ivc_ring_root(v);
}

static int sim_ivc_watch(void *unused)
{
	u64 last = 0;
	unsigned int i;
	u32 peer;
	bool rung;

	while (!kthread_should_stop()) {
		rung = false;
		for (i = 0; i < sim_nr_ivcs; i++) {
			u32 *ipi = &sim_ivcs[i].ct[HV_IVC_CT_IPI_INVOKE / 4];

			if (READ_ONCE(*ipi) == SIM_IVC_IDLE)
				continue;
			/* fully ordered: the message stored before the ring */
			peer = xchg(ipi, SIM_IVC_IDLE);
			sim_ivc_rung(&sim_ivcs[i], peer);
			rung = true;
		}
		if (rung)
			last = ktime_get_ns();
		if (ktime_get_ns() - last < SIM_IVC_BUSY_NS)
			usleep_range(10, 20);
		else
			usleep_range(500, 1000);
	}
	return 0;
}

/* HV_HC_IVC_INFO: zone 0's channels into the struct hv_ivc_info at @pa. */
long sim_ivc_info(phys_addr_t pa)
{
	struct hv_ivc_info *info;
	unsigned int i;

	if (!sim_nr_ivcs) {
		if (sim.arch == HVISOR_ARCH_ARM64)
			return -ENODEV;
		pr_warn_ratelimited("hvisor_sim: ivc not supported on this arch\n");
		return 0;
	}
	info = memremap(pa, sizeof(*info), MEMREMAP_WB);
	if (!info)
		return -EFAULT;
	memset(info, 0, sizeof(*info));
	info->len = sim_nr_ivcs;
	for (i = 0; i < sim_nr_ivcs; i++) {
		info->ct_ipas[i] = virt_to_phys(sim_ivcs[i].ct);
		info->shmem_ipas[i] = virt_to_phys(sim_ivcs[i].shm);
		info->ivc_ids[i] = sim_ivcs[i].ivc_id;
		info->ivc_irqs[i] = sim_ivcs[i].virq;
	}
	memunmap(info);
	return 0;
}

/* The seam's ivc_irq op: zone 0's doorbell of channel @index. */
int sim_ivc_irq(unsigned int index)
{
	return index < sim_nr_ivcs ? sim_ivcs[index].virq : -ENXIO;
}

static struct sim_ivc *sim_ivc_find(u32 ivc_id)
{
	unsigned int i;

	for (i = 0; i < sim_nr_ivcs; i++)
		if (sim_ivcs[i].ivc_id == ivc_id)
			return &sim_ivcs[i];
	return NULL;
}

/*
 * ZONE_START: zone @z joins the channels of its ivc_configs.  Like
 * hvisor's ivc_init(), a bad entry is logged and ends the walk without
 * failing the start.  Under sim.ctl_lock.
 */
void sim_ivc_zone_start(struct sim_zone *z)
{
	const struct hvisor_zone_head *h = z->head;
	unsigned int i, n = min_t(u32, h->num_ivc_configs, HV_IVC_MAX_CONFIGS);

	for (i = 0; i < n; i++) {
		const struct hvisor_ivc_config *c = &h->ivc_configs[i];
		struct sim_ivc *v = sim_ivc_find(c->ivc_id);

		if (!v) {
			pr_err("hvisor_sim: zone %u: ivc %u has no zone 0 end; the sim models zone 0's channels only\n",
			       z->id, c->ivc_id);
			return;
		}
		if (c->max_peers != v->max_peers ||
		    c->rw_sec_size != v->rw_sec_size ||
		    c->out_sec_size != v->out_sec_size) {
			pr_err("hvisor_sim: zone %u: ivc config conflicts!!!\n",
			       z->id);
			return;
		}
		spin_lock(&sim_ivc_lock);
		if (c->peer_id >= v->max_peers || v->peer[c->peer_id].used) {
			spin_unlock(&sim_ivc_lock);
			pr_err("hvisor_sim: zone %u: can't be peer %u of ivc_id %u\n",
			       z->id, c->peer_id, c->ivc_id);
			return;
		}
		v->peer[c->peer_id] = (struct sim_ivc_peer){
			.used = true,
			.zone_id = z->id,
			.irq_num = c->interrupt_num,
		};
		spin_unlock(&sim_ivc_lock);
		pr_info("hvisor_sim: zone %u is peer %u of ivc %u\n", z->id,
			c->peer_id, c->ivc_id);
	}
}

/* Zone @z shut down: it leaves its channels.  Under sim.ctl_lock. */
void sim_ivc_zone_stop(struct sim_zone *z)
{
	unsigned int i, p;

	spin_lock(&sim_ivc_lock);
	for (i = 0; i < sim_nr_ivcs; i++)
		for (p = 0; p < SIM_IVC_MAX_PEERS; p++)
			if (p != SIM_IVC_ROOT_PEER && sim_ivcs[i].peer[p].used &&
			    sim_ivcs[i].peer[p].zone_id == z->id)
				sim_ivcs[i].peer[p].used = false;
	spin_unlock(&sim_ivc_lock);
}

/* A sim zone's end of @v, or -ENODEV: the first peer that is not zone 0. */
static int sim_ivc_zone_peer(struct sim_ivc *v)
{
	unsigned int p;

	for (p = 0; p < v->max_peers; p++)
		if (p != SIM_IVC_ROOT_PEER && v->peer[p].used)
			return p;
	return -ENODEV;
}

static int sim_ivc_show(struct seq_file *m, void *unused)
{
	unsigned int i, p;

	for (i = 0; i < sim_nr_ivcs; i++) {
		struct sim_ivc *v = &sim_ivcs[i];

		seq_printf(m, "ivc %u: max_peers %u rw %u out %u shm %zu virq %u echo %d rings_in %lld rings_out %lld rings_nopeer %lld peers:",
			   v->ivc_id, v->max_peers, v->rw_sec_size,
			   v->out_sec_size, v->shm_size, v->virq, !v->quiet,
			   atomic64_read(&v->rings_in),
			   atomic64_read(&v->rings_out),
			   atomic64_read(&v->rings_nopeer));
		spin_lock(&sim_ivc_lock);
		for (p = 0; p < v->max_peers; p++)
			if (v->peer[p].used)
				seq_printf(m, " %u=zone%u/irq%u", p,
					   v->peer[p].zone_id,
					   v->peer[p].irq_num);
		spin_unlock(&sim_ivc_lock);
		seq_putc(m, '\n');
	}
	return 0;
}

static int sim_ivc_open(struct inode *inode, struct file *file)
{
	return single_open(file, sim_ivc_show, NULL);
}

/*
 * "echo ID 0|1"   the sim zones of channel ID answer rings (1) or not
 * "send ID TEXT"  its sim zone writes TEXT (and a NUL) to its out section
 *                 and rings zone 0
 * "ring ID"       its sim zone rings zone 0
 */
static ssize_t sim_ivc_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[256], cmd[8], text[200] = "";
	unsigned int id, arg;
	struct sim_ivc *v;
	int n, peer;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%7s %u %199[^\n]", cmd, &id, text);
	if (n < 2)
		return -EINVAL;
	v = sim_ivc_find(id);
	if (!v)
		return -ENOENT;
	if (!strcmp(cmd, "echo")) {
		if (n != 3 || kstrtouint(text, 0, &arg))
			return -EINVAL;
		spin_lock(&sim_ivc_lock);
		v->quiet = !arg;
		spin_unlock(&sim_ivc_lock);
		return len;
	}
	if (strcmp(cmd, "send") && strcmp(cmd, "ring"))
		return -EINVAL;
	spin_lock(&sim_ivc_lock);
	peer = sim_ivc_zone_peer(v);
	if (peer >= 0 && !strcmp(cmd, "send"))
		strscpy(sim_ivc_section(v, peer), text,
			min_t(size_t, v->out_sec_size, sizeof(text)));
	spin_unlock(&sim_ivc_lock);
	if (peer < 0)
		return peer;
	sim_ivc_ring_root(v);
	return len;
}

static const struct file_operations sim_ivc_fops = {
	.owner		= THIS_MODULE,
	.open		= sim_ivc_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
	.write		= sim_ivc_write,
};

void sim_ivc_debugfs_init(void)
{
	if (sim_nr_ivcs)
		debugfs_create_file("ivc", 0600, sim.dbg, NULL, &sim_ivc_fops);
}

static bool sim_ivc_param_ok(void)
{
	unsigned int i, j;

	if (ivc_max_peers < 2 || ivc_max_peers > SIM_IVC_MAX_PEERS ||
	    !PAGE_ALIGNED(ivc_rw_sec_size) || !PAGE_ALIGNED(ivc_out_sec_size) ||
	    !ivc_out_sec_size || ivc_out_sec_size > SZ_16M ||
	    ivc_rw_sec_size > SZ_16M) {
		pr_err("hvisor_sim: ivc: %u peers, sections %u/%u bytes: want 2..%u peers and whole pages up to 16 MiB\n",
		       ivc_max_peers, ivc_rw_sec_size, ivc_out_sec_size,
		       SIM_IVC_MAX_PEERS);
		return false;
	}
	for (i = 0; i < nr_ivc; i++)
		for (j = 0; j < i; j++)
			if (ivc_ids[i] == ivc_ids[j]) {
				pr_err("hvisor_sim: ivc: channel %u given twice\n",
				       ivc_ids[i]);
				return false;
			}
	return true;
}

static void sim_ivc_free(struct sim_ivc *v)
{
	if (v->virq)
		sim_irq_free(v->virq);
	if (v->shm)
		free_pages_exact(v->shm, v->shm_size);
	if (v->ct)
		free_page((unsigned long)v->ct);
	memset(v, 0, sizeof(*v));
}

static int sim_ivc_create(struct sim_ivc *v, u32 ivc_id)
{
	int virq;

	v->ivc_id = ivc_id;
	v->max_peers = ivc_max_peers;
	v->rw_sec_size = ivc_rw_sec_size;
	v->out_sec_size = ivc_out_sec_size;
	v->shm_size = ivc_rw_sec_size + (size_t)ivc_max_peers * ivc_out_sec_size;
	v->shm = alloc_pages_exact(v->shm_size, GFP_KERNEL | __GFP_ZERO);
	v->ct = (u32 *)get_zeroed_page(GFP_KERNEL);
	virq = sim_irq_alloc();
	if (virq > 0)
		v->virq = virq;
	if (!v->shm || !v->ct || virq <= 0) {
		sim_ivc_free(v);
		return -ENOMEM;
	}
	v->ct[HV_IVC_CT_IVC_ID / 4] = ivc_id;
	v->ct[HV_IVC_CT_MAX_PEERS / 4] = v->max_peers;
	v->ct[HV_IVC_CT_RW_SEC_SIZE / 4] = v->rw_sec_size;
	v->ct[HV_IVC_CT_OUT_SEC_SIZE / 4] = v->out_sec_size;
	v->ct[HV_IVC_CT_PEER_ID / 4] = SIM_IVC_ROOT_PEER;
	v->ct[HV_IVC_CT_IPI_INVOKE / 4] = SIM_IVC_IDLE;
	v->peer[SIM_IVC_ROOT_PEER] = (struct sim_ivc_peer){
		.used = true,
		.irq_num = virq,
	};
	return 0;
}

/* After sim_irq_init(), before hvisor.ko asks IVC_INFO. */
int sim_ivc_init(void)
{
	int err;

	if (!nr_ivc)
		return 0;
	if (!sim_ivc_param_ok())
		return -EINVAL;
	for (sim_nr_ivcs = 0; sim_nr_ivcs < nr_ivc; sim_nr_ivcs++) {
		err = sim_ivc_create(&sim_ivcs[sim_nr_ivcs], ivc_ids[sim_nr_ivcs]);
		if (err)
			goto free;
	}
	sim_ivc_thread = kthread_run(sim_ivc_watch, NULL, "hvisor_sim_ivc");
	if (IS_ERR(sim_ivc_thread)) {
		err = PTR_ERR(sim_ivc_thread);
		sim_ivc_thread = NULL;
		goto free;
	}
	return 0;

free:
	sim_ivc_exit();
	return err;
}

/* After hvisor.ko let go of the channels (hvisor_hv_unregister). */
void sim_ivc_exit(void)
{
	if (sim_ivc_thread)
		kthread_stop(sim_ivc_thread);
	sim_ivc_thread = NULL;
	while (sim_nr_ivcs)
		sim_ivc_free(&sim_ivcs[--sim_nr_ivcs]);
}
