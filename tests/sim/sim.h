/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisor_sim: a software model of the hvisor hypervisor for hvisor.ko.
 *
 * It plugs into hvisor.ko's seam (include/hvisor/seam.h) and plays both
 * parts hvisor plays on a board:
 *   - the hypervisor: hypercalls, zone bookkeeping, the wake-up irq of
 *     zone 0 and the injection of guest interrupts (sim_hypercall.c,
 *     sim_zone.c, sim_irq.c, sim_wakeup.c, sim_vgic.c);
 *   - the trap path of a guest vCPU: every register access of a sim guest
 *     device becomes a device_req on the bridge page (sim_trap.c), and
 *     the guest devices themselves are virtio transports that Linux's own
 *     virtio drivers bind to (sim_transport.c).
 */
#ifndef _HVISOR_SIM_H
#define _HVISOR_SIM_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <hvisor/hypervisor.h>
#include <uapi/hvisor.h>

#define SIM_NAME		"hvisor-sim"
#define SIM_ROOT_CPUS		0x3ULL	/* zone 0 owns sim cpus 0 and 1 */
#define SIM_ROOT_NAME		"root-linux"
#define SIM_MMIO_SLOT		0x200	/* one virtio-mmio transport */
#define SIM_NR_IRQS		256	/* size of the sim irq domain */
#define SIM_LAT_BUCKETS		64	/* log2(ns) buckets */

/*
 * What became of the guest interrupts FINISH_REQ asked for (sim_vgic.c):
 * per zone and in total.
 */
struct sim_irq_stats {
	atomic64_t requests;	/* res_list entries for a live zone */
	atomic64_t list_merged;	/* already on the target cpu's pending list */
	atomic64_t overflow;	/* 8th distinct pending irq: hvisor asserts */
	atomic64_t delivered;	/* raised the guest's line */
	atomic64_t dropped;	/* GIC: pending or active in the guest */
	atomic64_t merged;	/* vPLIC/IOAPIC: into a pending irq */
	atomic64_t masked;	/* the owner has no handler (no driver) */
	atomic64_t unowned;	/* no guest device has this irq: a bug */
};

struct platform_device;
struct irq_domain;
struct fwnode_handle;
struct dentry;
struct device;
struct sim_dma;
struct seq_file;

/* MMIO round trip latency, request queued -> cfg completion seen. */
struct sim_latency {
	atomic64_t bucket[SIM_LAT_BUCKETS];	/* [2^i, 2^(i+1)) ns */
	atomic64_t count;
	atomic64_t sum_ns;
	atomic64_t max_ns;
};

struct sim {
	unsigned int ncpus;		/* cpus of the simulated machine */
	u64 magic;			/* what CONFIG_CHECK answers */
	unsigned int config_abi;	/* zone_config layout read: 5 or 6 */
	u64 ecam_base;			/* GET_ECAM_BASE's answer (x86, 6) */
	u32 arch;			/* native enum hvisor_arch */
	size_t config_size;		/* native zone_config size, config_abi */

	/*
	 * Serialises zone start, shutdown and list, and the zone list's
	 * membership as seen by them.  Held while guest devices are torn
	 * down (which waits for hvisor.ko's answers), so nothing on the
	 * answering side (FINISH_REQ, the wake-up irq) may take it.
	 */
	struct mutex ctl_lock;
	/*
	 * Protects the zone list and every zone's transport list for
	 * readers that cannot take ctl_lock: FINISH_REQ walks them to
	 * inject guest interrupts.  Writers hold ctl_lock (zone list) or
	 * the zone's probe_lock (transport list) as well.
	 */
	spinlock_t irq_lock;
	struct list_head zones;		/* struct sim_zone, in start order */
	bool exiting;			/* unloading: no new zone (ctl_lock) */

	/*
	 * The producer side of req_list, like hvisor's req_lock: slot
	 * stores and req_rear.  Also guards swapping @bridge.
	 */
	spinlock_t req_lock;
	struct hv_virtio_bridge *bridge;	/* NULL until INIT_VIRTIO */
	phys_addr_t bridge_pa;

	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	unsigned int wakeup_virq;

	struct platform_device *pdev;	/* parent of the guest devices */
	struct dentry *dbg;		/* /sys/kernel/debug/hvisor_sim */
	struct sim_latency lat;
	atomic64_t wakeups;		/* wake-up events sent (sim_wakeup.c) */
	atomic64_t wakeups_lost;	/* need_wakeup read stale (sim_trap.c) */
	atomic64_t injected;		/* guest irqs delivered */
	atomic64_t timeouts;		/* answers that never came */
};

extern struct sim sim;

struct sim_zone {
	u32 id;
	u64 cpus;
	char name[HVISOR_NAME_MAXLEN + 1];
	void *config;			/* copy of the zone_config */
	struct hvisor_zone_head *head;	/* == config */
	/* read in the layout of sim.config_abi at ZONE_START */
	unsigned int config_abi;
	u64 gic_version;		/* arm64: its GIC tag */
	u64 num_pci_bus, num_pci_devs;
	u64 ecam0;			/* pci_config[0].ecam_base */
	u32 pci_virtual_devs;		/* dev_type 1 among them */
	bool kernel_sum_ok, dtb_sum_ok;
	u32 kernel_sum, dtb_sum;	/* crc32 of the images at start */
	bool is_err;			/* an access went unanswered */
	/* halt_zone: dead, its accesses no longer reach hvisor (READ_ONCE) */
	bool halted;

	/* vCPU slots: hvisor logical cpu ids of the zone, cfg slots. */
	unsigned int nr_vcpus;
	u32 vcpu[HVISOR_MAX_CPUS];
	/*
	 * vcpu_lock[i] is held by the one access in flight on vcpu[i]: it
	 * owns cfg_flags[vcpu[i]] and cfg_values[vcpu[i]] until answered.
	 */
	struct mutex vcpu_lock[HVISOR_MAX_CPUS];
	atomic_t vcpu_next;		/* round robin start for vcpu_lock */

	/* Serialises probing and removal of this zone's transports. */
	struct mutex probe_lock;
	struct list_head transports;	/* under probe_lock + sim.irq_lock */
	struct sim_dma *dma;		/* transports' DMA parent (probe_lock) */
	struct work_struct probe_work;	/* first probe after ZONE_START */

	struct list_head node;		/* in sim.zones */
	struct dentry *dbg;
	/* Last value read through debugfs mmio; under probe_lock. */
	u32 raw_value;
	struct sim_irq_stats istats;	/* sim_vgic.c */
};

/* One guest virtio-mmio transport in a sim zone's virtio region. */
struct sim_transport {
	struct virtio_device vdev;
	struct sim_zone *zone;
	u64 base;			/* guest physical address of the slot */
	u64 region_start;		/* its memory region (notify rule) */
	u32 device_id;
	unsigned int virq;		/* the guest's interrupt line */
	u32 irq_id;			/* its hvisor irq at probe (0: none) */
	u8 vstate;			/* SIM_VGIC_* (sim_vgic.c's lock) */
	bool irq_requested;
	bool dev_platform;		/* device offered ACCESS_PLATFORM */
	unsigned long pending_notify;	/* vq indexes whose kick is deferred */
	struct work_struct notify_work;
	struct list_head node;		/* in zone->transports */
};

/* sim_irq.c */
int sim_irq_init(void);
void sim_irq_exit(void);
int sim_irq_alloc(void);
void sim_irq_free(unsigned int virq);

/* sim_vgic.c: the guest's interrupt controller as hvisor drives it */
void sim_vgic_init(void);
void sim_vgic_exit(void);
void sim_vgic_post(struct sim_zone *z, u32 irq);
u32 sim_vgic_irq_of(struct sim_zone *z, u64 base);
void sim_vgic_request(struct sim_transport *t);
void sim_vgic_ack(struct sim_transport *t);
void sim_vgic_eoi(struct sim_transport *t);
void sim_vgic_debugfs_init(void);
void sim_vgic_debugfs_zone(struct sim_zone *z);
bool sim_vgic_is_gic(void);

/* sim_wakeup.c: zone 0's wake-up irq, by IPI to another zone 0 cpu */
void sim_wakeup_init(void);
void sim_wakeup_exit(void);
void sim_wakeup_send(void);
void sim_wakeup_stats_show(struct seq_file *m);
void sim_wakeup_latency_reset(void);

/* sim_hypercall.c */
long sim_hypercall(unsigned long code, unsigned long arg0, unsigned long arg1);
void sim_bridge_release(void);

/* sim_zone.c */
long sim_zone_start(phys_addr_t pa, unsigned long size);
long sim_zone_shutdown(unsigned long id);
long sim_zone_halt(unsigned long id);
long sim_zone_list(phys_addr_t pa, unsigned long cnt);
void sim_zone_inject(u32 zone_id, u32 irq);
void sim_zones_destroy(void);
void sim_zone_mark_err(struct sim_zone *z);

/* sim_trap.c */
u64 sim_trap_read(struct sim_zone *z, u64 addr, u64 region_start, u32 size);
void sim_trap_write(struct sim_zone *z, u64 addr, u64 region_start, u32 size,
		    u64 value);
int sim_trap_post(struct sim_zone *z, u64 addr, u32 size, u64 value,
		  bool may_wait);

/* sim_transport.c */
int sim_transport_rescan(struct sim_zone *z);
void sim_transport_remove_all(struct sim_zone *z);
void sim_transport_probe_work(struct work_struct *work);
int sim_transport_raw(struct sim_zone *z, u64 addr, bool write, u32 *value);

/* sim_dma.c */
struct device *sim_dma_get(struct sim_zone *z);
void sim_dma_put(struct sim_zone *z);

/* sim_ivc.c: zone 0's IVC channels */
int sim_ivc_init(void);
void sim_ivc_exit(void);
void sim_ivc_debugfs_init(void);
long sim_ivc_info(phys_addr_t pa);
int sim_ivc_irq(unsigned int index);
void sim_ivc_zone_start(struct sim_zone *z);
void sim_ivc_zone_stop(struct sim_zone *z);

/* sim_debugfs.c */
void sim_debugfs_init(void);
void sim_debugfs_exit(void);
void sim_debugfs_zone_add(struct sim_zone *z);
void sim_debugfs_zone_del(struct sim_zone *z);
void sim_latency_record(u64 ns);
void sim_hist_record(struct sim_latency *l, u64 ns);
void sim_hist_reset(struct sim_latency *l);
void sim_hist_show(struct seq_file *m, const char *name, struct sim_latency *l,
		   bool buckets);

#endif /* _HVISOR_SIM_H */
