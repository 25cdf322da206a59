/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Upstream hvisor-tool's user ABI on /dev/hvisor, beside ours, so that its
 * unmodified daemon serves the devices hvisor.ko does not (virtio-gpu,
 * -scmi, ...).  The reference is ../shared/reference/upstream-hvisor-tool.md
 * section 1 (ioctl type 1, mmap) and section 2 (the bridge protocol).
 *
 * A daemon that calls INIT_VIRTIO gets a bridge page of its own, a shadow
 * of hvisor's: hvisor.ko plays hvisor's part on it.  The accesses to the
 * devices declared for it (forward.c) and to the windows it announces in
 * its page (mmio_addrs) are queued on the shadow's request ring (and the
 * daemon's eventfd signalled when it sleeps); a blocking one is answered
 * on hvisor's page when the daemon has answered it on the shadow; the
 * daemon's FINISH_REQ injects what its response ring holds.  One daemon
 * at a time; when its file is released (it exited or died) the accesses
 * it still owed are answered 0 and nothing is forwarded any more.
 */
#ifndef _HVISOR_UPDAEMON_H
#define _HVISOR_UPDAEMON_H

#include <linux/types.h>

#include "../include/hvisor/hypervisor.h"

struct file;
struct vm_area_struct;

/* Upstream's ioctl type: none of its numbers collide with ours (0xE8). */
#define HVISOR_UP_IOCTL_TYPE	1

/*
 * An upstream ioctl (_IOC_TYPE(cmd) == HVISOR_UP_IOCTL_TYPE) on @file.
 * Returns what upstream's module returns for the same call, or -errno;
 * -ENOTTY for a number upstream does not have.  CAP_SYS_ADMIN for all.
 */
long hvisor_updaemon_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg);

/*
 * mmap of /dev/hvisor as upstream's daemon does it: offset 0 is the
 * shadow bridge page of this file's daemon (after INIT_VIRTIO); any other
 * offset is a host physical address, mapped only if the whole range lies
 * in the memory of one zone started through hvisor.ko or in memory
 * declared with hvisor_updaemon_mem_add() (upstream maps any address).
 */
int hvisor_updaemon_mmap(struct file *file, struct vm_area_struct *vma);

/*
 * Memory of zone @zone_id that devices declared for the daemon use
 * (forward.c, at attach): the daemon may map it before the zone starts,
 * as upstream's order is (daemon first, then zone start).  Counted: each
 * add is undone by one del.  -ENOSPC beyond 64 distinct ranges.  Checked
 * by the caller (phys_range.c).
 */
int hvisor_updaemon_mem_add(u32 zone_id, u64 start, u64 size);
void hvisor_updaemon_mem_del(u32 zone_id, u64 start, u64 size);

/* @file is released: if it was the daemon, the daemon is gone. */
void hvisor_updaemon_release(struct file *file);

/*
 * Forward @req, an access to a device declared for the daemon whose
 * window starts at @base, from the bridge's fast path (atomic context).
 * True if it took it (a blocking access is answered later); false if
 * there is no daemon or it takes no more: the caller answers as an
 * absent device.
 */
bool hvisor_updaemon_forward(const struct hv_device_req *req, u64 base);

/* Is a daemon attached (INIT_VIRTIO done, file not released)? */
bool hvisor_updaemon_present(void);

/*
 * May the daemon inject @irq into zone @zone_id?  The virtio layer's
 * answer (it knows the irqs of the devices attached to the zone), given
 * through hvisor_updaemon_extra_irq().  Process context.
 */
typedef bool (*hv_upd_irq_ok_fn)(u32 zone_id, u32 irq);

/*
 * Count @irq as one the daemon injects into zone @zone_id that none of
 * the zone's @nr_attached attached devices' irqs @attached is; true if
 * it is one already, or if with the attached ones and the others counted
 * so far it is not one too many (HV_VIRTIO_MAX_ZONE_IRQS).  The caller
 * holds the lock under which devices are attached.
 */
bool hvisor_updaemon_extra_irq(u32 zone_id, u32 irq, const u32 *attached,
			       unsigned int nr_attached);

/*
 * The irqs counted so far for zone @zone_id by hvisor_updaemon_extra_irq()
 * (until the daemon goes), into @irqs (room for HV_VIRTIO_MAX_ZONE_IRQS);
 * returns how many.  For attach, whose count includes them.
 */
unsigned int hvisor_updaemon_extra_irqs(u32 zone_id, u32 *irqs);

/*
 * Called when the bridge starts and stops: forwarding begins and ends
 * (hvisor_vdev_set_unclaimed()).  @irq_ok: see hv_upd_irq_ok_fn.
 */
void hvisor_updaemon_start(hv_upd_irq_ok_fn irq_ok);
void hvisor_updaemon_stop(void);

#endif /* _HVISOR_UPDAEMON_H */
