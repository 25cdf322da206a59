/* SPDX-License-Identifier: GPL-2.0 */
/* Zone objects and zone ioctls, inside hvisor.ko. */
#ifndef _HVISOR_ZONE_INTERNAL_H
#define _HVISOR_ZONE_INTERNAL_H

#include <linux/compiler_types.h>
#include <linux/types.h>

#include "hvisor.h"

/* /sys/class/hvisor */
int hvisor_zone_objs_init(void);
void hvisor_zone_objs_exit(void);

/*
 * Zone @id was started through us: create or update its object, with the
 * host physical ranges (RAM and IO) it owns.
 */
int hvisor_zone_started(u32 id, const char *name, u64 cpus,
			const struct hvisor_zone_range *ranges,
			unsigned int nr_ranges);
/* Zone @id is no longer running (shut down through us). */
void hvisor_zone_stopped(u32 id);
/*
 * Reconcile with the hypervisor's list: drop zones that stopped, and
 * return their ids as a mask (bit i: zone i, i < HVISOR_MAX_ZONES).
 */
u32 hvisor_zones_sync(const struct hv_zone_info *list, unsigned int n);
/* Was zone @id started through us (so its memory is known)? */
bool hvisor_zone_is_started(u32 id);
/*
 * -EBUSY and *@zone_id if [@start, @start + @size) overlaps a range of a
 * zone started through us; 0 otherwise.
 */
int hvisor_zones_find_overlap(u64 start, u64 size, u32 *zone_id);
/*
 * Is [@start, @start + @size) inside one range of zone @id?  1 if so, 0 if
 * not, -ENOENT if zone @id was not started through us (memory unknown).
 */
int hvisor_zone_holds(u32 id, u64 start, u64 size);

/* Forget the zones started through a hypervisor that just went away. */
void hvisor_zones_hv_gone(void);

/*
 * What the ioctls below do, for callers with their own argument format
 * (updaemon.c plays upstream's): the hypervisor's CONFIG_MAGIC_VERSION;
 * its zone list (a kcalloc'd array, reconciled with ours; returns the
 * count or -errno); the shutdown of zone @zone_id (not 0).  Each checks
 * that a hypervisor is there; -errno after one dmesg line.
 */
long hvisor_zone_config_magic(u64 *out);
long hvisor_zone_list(struct hv_zone_info **listp);
long hvisor_zone_shutdown(u32 zone_id);

/* The ioctls of /dev/hvisor (kernel/zone.c). */
long hvisor_ioctl_get_info(void __user *uarg);
long hvisor_ioctl_zone_start(void __user *uarg);
long hvisor_ioctl_zone_shutdown(void __user *uarg);
long hvisor_ioctl_zone_list(void __user *uarg);

#endif /* _HVISOR_ZONE_INTERNAL_H */
