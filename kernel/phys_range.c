// SPDX-License-Identifier: GPL-2.0
/*
 * The host physical ranges zone 0 hands to zones: zone RAM and io regions
 * at ZONE_START, the images written into that RAM, the guest memory a
 * virtio attach maps.  Root asks for them, but the kernel decides: a range
 * must not be zone 0's own RAM or a range one of its drivers claimed, and
 * a range zone 0 maps must be memory zone 0 can positively tell is set
 * aside.  A hole nothing describes is refused: region_intersects() calls it
 * disjoint from System RAM, yet there may be no memory behind it at all
 * (mapping it and touching it oopses), or it may be a device's registers.
 *
 * Everything is decided before anything is mapped, so a bad request never
 * reaches memremap()'s or ioremap()'s own warnings.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/security.h>

#include "arch.h"
#include "phys_range.h"
#include "zone_internal.h"
#include "virtio/guest_mem.h"

/* Intervals collected for one check; more only for absurd firmware. */
#define HV_PHYS_MAX_IV	16

struct hv_phys_set {
	unsigned int n;
	struct hv_phys_iv iv[HV_PHYS_MAX_IV];
};

bool hv_phys_covered(u64 start, u64 last, const struct hv_phys_iv *iv,
		     unsigned int n, u64 *gap)
{
	u64 cur = start;
	unsigned int i;
	bool moved;

	/*
	 * Each pass moves cur past at least one interval that holds it, and
	 * cur only grows, so no interval is used twice: at most n passes.
	 */
	do {
		moved = false;
		for (i = 0; i < n; i++) {
			if (iv[i].start > cur || iv[i].last < cur)
				continue;
			if (iv[i].last >= last)
				return true;
			cur = iv[i].last + 1;	/* < last: cannot wrap */
			moved = true;
		}
	} while (moved);
	*gap = cur;
	return false;
}

static void hv_phys_add(struct hv_phys_set *s, u64 start, u64 last)
{
	/* a full set only ever leaves a gap: a refusal, never an error */
	if (s->n < ARRAY_SIZE(s->iv))
		s->iv[s->n++] = (struct hv_phys_iv){ .start = start, .last = last };
}

/* walk_iomem_res_desc() callbacks: @arg is a struct resource to fill */
static int hv_phys_first(struct resource *res, void *arg)
{
	*(struct resource *)arg = *res;
	return 1;
}

static int hv_phys_add_reserved(struct resource *res, void *arg)
{
	if (!(res->flags & (IORESOURCE_BUSY | IORESOURCE_SYSRAM)))
		hv_phys_add(arg, res->start, res->end);
	return 0;
}

/* The first iomem resource in [@start, @last] with all of @flags. */
static bool hv_phys_find(u64 start, u64 last, unsigned long flags,
			 struct resource *hit)
{
	/* the walk never matches a one-byte window: look at two */
	if (last == start && start != U64_MAX)
		last++;
	return walk_iomem_res_desc(IORES_DESC_NONE, flags, start, last, hit,
				   hv_phys_first) == 1;
}

/*
 * Device tree: memory the firmware describes (/memory nodes; Linux may
 * leave parts unused: no-map, mem=) goes into @mem; a /reserved-memory
 * node with a compatible is a driver's (shared-dma-pool, ramoops...), the
 * first that overlaps [@start, @last] goes into *@claimed (with a
 * reference).  Nothing on machines without a device tree.
 */
static void hv_phys_dt(u64 start, u64 last, struct hv_phys_set *mem,
		       struct device_node **claimed)
{
	struct device_node *np, *rmem;
	struct resource r;
	int i;

	for_each_node_by_type(np, "memory") {
		if (!of_device_is_available(np))
			continue;
		for (i = 0; !of_address_to_resource(np, i, &r); i++)
			if (r.start <= last && r.end >= start)
				hv_phys_add(mem, r.start, r.end);
	}

	*claimed = NULL;
	rmem = of_find_node_by_path("/reserved-memory");
	if (!rmem)
		return;
	for_each_available_child_of_node(rmem, np) {
		if (!of_find_property(np, "compatible", NULL))
			continue;
		for (i = 0; !of_address_to_resource(np, i, &r); i++) {
			if (r.start <= last && r.end >= start) {
				*claimed = np;	/* keeps the loop's reference */
				goto out;
			}
		}
	}
out:
	of_node_put(rmem);
}

/*
 * The checks of hv_phys_check() but lockdown, against a physical address
 * space ending at @limit (KUnit passes its own).  On a refusal, *@why says
 * why and *@at is the first offending byte.
 */
static int hv_phys_verdict(u64 start, u64 last, enum hv_phys_use use,
			   u64 limit, const char **why, u64 *at)
{
	struct hv_phys_set set = {};
	struct device_node *claimed;
	struct resource hit;

	*at = start;
	if (last > limit) {
		*why = "beyond the physical address space";
		*at = max(start, limit + 1);
		return -ERANGE;
	}
	if (hv_phys_find(start, last, IORESOURCE_SYSTEM_RAM, &hit)) {
		*why = "zone 0's own System RAM";
		*at = hit.start;
		return -EBUSY;
	}
	if (hv_phys_find(start, last, IORESOURCE_MEM | IORESOURCE_BUSY, &hit)) {
		*why = "claimed by a zone 0 driver (busy in /proc/iomem)";
		*at = hit.start;
		return -EADDRINUSE;
	}
	hv_phys_dt(start, last, &set, &claimed);
	if (claimed) {
		*why = "a /reserved-memory node for a driver (it has a compatible)";
		of_node_put(claimed);
		return -EADDRINUSE;
	}
	if (use == HV_PHYS_HANDOVER)
		return 0;
	walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, start, last,
			    &set, hv_phys_add_reserved);
	if (!hv_phys_covered(start, last, set.iv, set.n, at)) {
		*why = "not Reserved in /proc/iomem nor device tree memory: a hole or a device";
		return -ENXIO;
	}
	return 0;
}

int hv_phys_check(u64 start, u64 size, enum hv_phys_use use,
		  const char *fmt, ...)
{
	struct va_format vaf;
	const char *why;
	va_list args;
	u64 last, at;
	int ret;

	if (!size || check_add_overflow(start, size - 1, &last)) {
		why = "empty or wraps the 64-bit space";
		last = start;
		at = start;
		ret = -EINVAL;
	} else if (security_locked_down(LOCKDOWN_DEV_MEM)) {
		why = "the kernel is locked down (physical memory access)";
		at = start;
		ret = -EPERM;
	} else {
		ret = hv_phys_verdict(start, last, use, hvisor_arch_phys_last(),
				      &why, &at);
	}
	if (!ret)
		return 0;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%pV: %#llx-%#llx refused at %#llx: %s\n", &vaf, start, last,
	       at, why);
	va_end(args);
	return ret;
}

/*
 * Is region @i, [@start, @start + @size), consistent with the zones the
 * module started?  Inside zone @zone_id when that zone's memory is known,
 * and in no other zone's.
 */
static int hv_phys_check_zone(u32 zone_id, u32 i, u64 start, u64 size)
{
	u32 other;

	if (hvisor_zones_find_overlap(start, size, &other) == -EBUSY &&
	    other != zone_id) {
		pr_err("virtio attach: memory region %u: %#llx+%#llx is memory of zone %u, not of zone %u\n",
		       i, start, size, other, zone_id);
		return -EACCES;
	}
	if (hvisor_zone_holds(zone_id, start, size) == 0) {
		pr_err("virtio attach: memory region %u: %#llx+%#llx is not inside the memory zone %u was started with\n",
		       i, start, size, zone_id);
		return -EACCES;
	}
	return 0;
}

int hv_phys_check_gmem(u32 zone_id, const struct hv_gmem_region *r, u32 nr)
{
	u32 i;
	int err;

	for (i = 0; i < nr; i++) {
		err = hv_phys_check(r[i].zone0_ipa, r[i].size, HV_PHYS_MAP,
				    "virtio attach: zone %u: memory region %u",
				    zone_id, i);
		if (!err)
			err = hv_phys_check_zone(zone_id, i, r[i].zone0_ipa,
						 r[i].size);
		if (err)
			return err;
	}
	return 0;
}
