/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HVISOR_VIRTIO_ATTACH / DETACH / LIST: creating the emulated virtio
 * devices of a zone from the tool's typed request, and their sysfs
 * directories /sys/class/hvisor/zone<N>/<type>@<addr>/.
 */
#ifndef _HVISOR_VIRTIO_ATTACH_H
#define _HVISOR_VIRTIO_ATTACH_H

#include <linux/list.h>
#include <linux/types.h>

#include "../../include/uapi/hvisor.h"

/* ioctl handlers; @arg is the user pointer of the ioctl. */
long hvisor_virtio_attach(const void __user *arg);
long hvisor_virtio_detach(const void __user *arg);
long hvisor_virtio_list(void __user *arg);

/*
 * May upstream's daemon inject @irq into zone @zone_id?  Yes for the irq
 * of a device attached to the zone; for another, if with the attached
 * devices' irqs and the others it injected it stays within what hvisor
 * takes (HV_VIRTIO_MAX_ZONE_IRQS).  Serialised with attach.
 */
bool hvisor_virtio_daemon_irq_ok(u32 zone_id, u32 irq);

struct hvisor_zone_head;

/*
 * Zone @zone_id stopped (shut down, or found stopped by itself): quiesce
 * each of its devices at once (hv_virtio_zone_stop()), waiting for no
 * acknowledgment.  They stay attached, marked stopped.  May sleep.
 */
void hvisor_virtio_zone_stopped(u32 zone_id);

/*
 * ZONE_START of @head, before any side effect: the devices attached to
 * its zone id must fit it (their memory inside its RAM regions, mapped
 * the same way; their windows inside its virtio regions if it has any),
 * else -EADDRNOTAVAIL; the memory of every other zone's attached devices
 * must lie outside its RAM and IO regions, else -EADDRINUSE.  One dmesg
 * line naming the device.
 */
int hvisor_virtio_zone_check(const struct hvisor_zone_head *head);

/*
 * Zone @zone_id is about to start (checked by hvisor_virtio_zone_check()):
 * serve its stopped devices again, from reset.  If the start fails,
 * hvisor_virtio_zone_stopped() quiesces them again.
 */
void hvisor_virtio_zone_started(u32 zone_id);

/* Detach everything (module exit, hypervisor gone). */
void hvisor_virtio_detach_all(void);

/*
 * ---- attach.c's own, visible to its KUnit suite only (VISIBLE_IF_KUNIT):
 * tests/kunit/virtio_attach_test.c attaches requests it builds in kernel
 * memory, with device types of its own (vtype.h: it defines hv_vtypes).
 */

struct file;
struct hv_vtype;

/* An attach request, copied from the user. */
struct hv_attach_req {
	struct hvisor_virtio_attach hdr;
	struct hvisor_virtio_region *regions;
	struct hvisor_virtio_device *devs;
	struct file **files;		/* taken by fget(), then by devices */
};

#if IS_ENABLED(CONFIG_KUNIT)
/* The attached devices (struct hv_virtio_dev, by attached.node). */
extern struct list_head hv_devices;
int hv_check_header(const struct hvisor_virtio_attach *hdr);
const struct hv_vtype *hv_vtype_find(u32 id);
/* Attach @r; consumes its files and arrays in all cases. */
long hv_attach(struct hv_attach_req *r);
/* Detach zone @zone_id's devices at @addr (0: all); how many. */
unsigned int hv_detach(u32 zone_id, u64 addr);
#endif

#endif /* _HVISOR_VIRTIO_ATTACH_H */
