/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IVC endpoints of zone 0 (include/uapi/hvisor_ivc.h): the channels hvisor
 * reports through HV_HC_IVC_INFO, one /dev/hivc<ivc_id> and one
 * /sys/class/hvisor/zone0/ivc<ivc_id>/ each.
 *
 *   ivc.c    start and stop: the channel table, its lock
 *   info.c   asks hvisor for the channels and checks its answer
 *   table.c  the control table: mapped, read, rung
 *   chan.c   a channel's life: doorbell irq, sysfs, removal
 *   cdev.c   /dev/hivc<id>: open, poll, mmap, ioctl, write
 */
#ifndef _HVISOR_IVC_H
#define _HVISOR_IVC_H

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "../../include/hvisor/hypervisor.h"

struct device;
struct hvisor_zone;

/* One channel as IVC_INFO reported it, checked (info.c). */
struct hvisor_ivc_desc {
	unsigned int index;	/* in IVC_INFO's answer: irq index, minor */
	u32 ivc_id;
	u32 hv_irq;		/* hvisor's interrupt number, for sysfs */
	u64 ct_pa;		/* control table, page aligned */
	u64 shmem_pa;		/* shared memory, page aligned */
};

struct hvisor_ivc_chan {
	struct kobject kobj;		/* zone0/ivc<id>; its refcount frees us */
	struct hvisor_ivc_desc d;
	/* read from the control table at creation */
	u32 max_peers, rw_sec_size, out_sec_size, peer_id;
	u64 shmem_size;			/* rw_sec_size + max_peers * out_sec_size */
	/* the kernel's view of the control table (table.c) */
	bool ct_is_ram;			/* RAM (the sim), not hvisor's trap page */
	void *ct_ram;
	void __iomem *ct_io;

	int irq;			/* Linux irq of the doorbell, or 0 */
	wait_queue_head_t wq;		/* pollers; woken by a ring and by removal */
	atomic_t pending;		/* rings not yet reported by poll */
	atomic64_t received;		/* doorbell irqs taken */
	atomic64_t sent;		/* rings through write(2) */

	/*
	 * Protects @gone and @files, and orders every page inserted into a
	 * user mapping against removal: once @gone is set under it, no new
	 * page is inserted and the mappings of @files are zapped.
	 */
	struct mutex lock;
	bool gone;
	struct list_head files;		/* struct hvisor_ivc_file, open files */
	struct device *dev;		/* /dev/hivc<id>; NULL once gone */
};

/* info.c: ask hvisor; fills @d[], returns how many (>= 0) or -errno. */
int hvisor_ivc_info(struct hvisor_ivc_desc *d, unsigned int max);

/* table.c */
int hvisor_ivc_table_map(struct hvisor_ivc_chan *c);
void hvisor_ivc_table_unmap(struct hvisor_ivc_chan *c);
u32 hvisor_ivc_table_read(struct hvisor_ivc_chan *c, unsigned int reg);
void hvisor_ivc_table_ring(struct hvisor_ivc_chan *c, u32 peer);

/* chan.c */
struct hvisor_ivc_chan *hvisor_ivc_chan_create(const struct hvisor_ivc_desc *d,
					       struct hvisor_zone *zone0);
void hvisor_ivc_chan_remove(struct hvisor_ivc_chan *c);
void hvisor_ivc_chan_put(struct hvisor_ivc_chan *c);

/* cdev.c */
int hvisor_ivc_cdev_init(void);
void hvisor_ivc_cdev_exit(void);
int hvisor_ivc_cdev_add(struct hvisor_ivc_chan *c);
void hvisor_ivc_cdev_del(struct hvisor_ivc_chan *c);

/*
 * ivc.c, called by the seam: learn zone 0's channels from the hypervisor
 * that just registered and create their endpoints; remove them all before
 * it unregisters.  Under the seam lock.
 */
void hvisor_ivc_start(void);
void hvisor_ivc_stop(void);

#endif /* _HVISOR_IVC_H */
