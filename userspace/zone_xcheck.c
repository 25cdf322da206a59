// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-check of a zone config and a virtio config.  Each finding is one
 * line, "hvisor: <virtio file>: <path>: <problem> <zone file>: <path>",
 * and all of them are reported, not only the first.
 *
 * What hvisor does with the zone's regions (zone-config-abi.md §3, §10):
 * a "virtio" region is not mapped but trapped at its physical_start
 * (hv:src/arch/aarch64/zone.rs, MEM_TYPE_VIRTIO), so a device window must
 * lie inside one; a "ram" region maps guest virtual_start to host
 * physical_start, which is what a virtio memory_region restates as
 * zonex_ipa and zone0_ipa.  On arm64 and riscv64 a virtio irq is a GIC
 * INTID or PLIC/APLIC source the zone must own (interrupts_bitmap), as
 * every upstream example of theirs lists it (upstream-hvisor-tool.md §4).
 * Not on x86_64, where virtio irqs are pins of the zone's virtual IOAPIC
 * (upstream's qemu-x86_64 example lists no interrupts while its devices
 * use 10, 11 and 14), nor on loongarch64, where they are CPU interrupt
 * numbers (zone-config-abi.md §10.6), not controller irqs.  hvisor's limit of
 * HV_VIRTIO_MAX_ZONE_IRQS distinct irqs per zone is enforced by
 * virtio_json_parse() itself; the irq range needs the zone's arch, here.
 */
#include <stdio.h>

#include "common/virtio_limits.h"
#include "virtio_config.h"
#include "zone_xcheck.h"

struct xcheck {
	const struct zone_json *z;
	const struct hvisor_zone_head *h;
	const struct virtio_json *v;
	const struct vzone_cfg *vz;
	int errors;
};

__printf(4, 5) static void xerr(struct xcheck *x, const char *vpath,
				const char *zpath, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hvisor: %s: %s: ", x->v->ctx.file, vpath);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s: %s)\n", x->z->ctx.file, zpath);
	x->errors++;
}

/* [a, a + alen) inside [b, b + blen), neither wrapping */
static bool inside(u64 a, u64 alen, u64 b, u64 blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

/*
 * The zone's RAM regions that map guest @ipa on: the one holding it,
 * then each one that continues it in both guest and host addresses.
 * Returns the index of the first (or -1), with the run's guest end in
 * *@end and the host address of @ipa in *@host.
 */
static int ram_run(const struct hvisor_zone_head *h, u64 ipa, u64 *end,
		   u64 *host)
{
	const struct hvisor_memory_region *r = h->memory_regions, *p;
	unsigned int i, j;
	u64 pend;
	int first = -1;

	for (i = 0; i < h->num_memory_regions; i++) {
		if (r[i].type != HVISOR_MEM_TYPE_RAM ||
		    !inside(ipa, 1, r[i].virtual_start, r[i].size))
			continue;
		first = i;
		break;
	}
	if (first < 0)
		return -1;
	p = &r[first];
	*host = p->physical_start + (ipa - p->virtual_start);
	*end = p->virtual_start + p->size;
	pend = p->physical_start + p->size;
	for (j = 0; j < h->num_memory_regions; j++) {
		for (i = 0; i < h->num_memory_regions; i++) {
			if (r[i].type != HVISOR_MEM_TYPE_RAM ||
			    r[i].virtual_start != *end ||
			    r[i].physical_start != pend || !r[i].size)
				continue;
			*end += r[i].size;
			pend += r[i].size;
		}
	}
	return first;
}

/* The virtio memory_region: guest RAM of the zone, at the same host place. */
static void xcheck_regions(struct xcheck *x)
{
	const struct hvisor_virtio_region *m;
	char vpath[64], zpath[64];
	unsigned int i;
	u64 end, host;
	int k;

	for (i = 0; i < x->vz->nr_regions; i++) {
		m = &x->vz->regions[i];
		snprintf(vpath, sizeof(vpath), "%s.memory_region[%u]",
			 x->vz->path, i);
		k = ram_run(x->h, m->zonex_ipa, &end, &host);
		if (k < 0) {
			xerr(x, vpath, "memory_regions",
			     "zonex_ipa 0x%llx is not guest RAM of the zone: no \"type\": \"ram\" region has it in [virtual_start, virtual_start + size)",
			     (unsigned long long)m->zonex_ipa);
			continue;
		}
		snprintf(zpath, sizeof(zpath), "memory_regions[%d]", k);
		if (host != m->zone0_ipa)
			xerr(x, vpath, zpath,
			     "zone0_ipa 0x%llx, but the zone maps guest 0x%llx from host 0x%llx",
			     (unsigned long long)m->zone0_ipa,
			     (unsigned long long)m->zonex_ipa,
			     (unsigned long long)host);
		if (m->size > end - m->zonex_ipa)
			xerr(x, vpath, zpath,
			     "size 0x%llx: guest [0x%llx, 0x%llx) runs past the zone's RAM, which ends at 0x%llx; the backend could reach zone 0 memory the guest does not own",
			     (unsigned long long)m->size,
			     (unsigned long long)m->zonex_ipa,
			     (unsigned long long)(m->zonex_ipa + m->size),
			     (unsigned long long)end);
	}
}

static bool zone_owns_irq(const struct hvisor_zone_head *h, u32 irq)
{
	return irq < HVISOR_MAX_INTERRUPTS &&
	       (h->interrupts_bitmap[irq / 32] & (1U << (irq % 32)));
}

static void xcheck_devices(struct xcheck *x)
{
	const struct hvisor_memory_region *r = x->h->memory_regions;
	u32 min, max;
	bool ranged = hv_virtio_irq_range(x->z->arch, &min, &max);
	const struct vdev_cfg *d;
	char vpath[80];
	unsigned int i, j;

	for (i = 0; i < x->vz->nr_devices; i++) {
		d = &x->vz->devices[i];
		if (!vdev_enabled(d))	/* a daemon's too: hvisor traps it */
			continue;
		for (j = 0; j < x->h->num_memory_regions; j++)
			if (r[j].type == HVISOR_MEM_TYPE_VIRTIO &&
			    inside(d->addr, d->len, r[j].physical_start,
				   r[j].size))
				break;
		if (j == x->h->num_memory_regions)
			xerr(x, d->path, "memory_regions",
			     "window [0x%llx, 0x%llx) is not inside any \"type\": \"virtio\" region of the zone, so hvisor would not trap it",
			     (unsigned long long)d->addr,
			     (unsigned long long)(d->addr + d->len));
		snprintf(vpath, sizeof(vpath), "%s.irq", d->path);
		if (ranged && (d->irq < min || d->irq > max))
			xerr(x, vpath, "arch",
			     "%u is out of range for hvisor on %s (%u to %u)",
			     d->irq, hv_arch_name(x->z->arch), min, max);
		else if ((x->z->arch == HVISOR_ARCH_ARM64 ||
			  x->z->arch == HVISOR_ARCH_RISCV64) &&
			 !zone_owns_irq(x->h, d->irq))
			xerr(x, vpath, "interrupts",
			     "%u is not one of the zone's interrupts, so hvisor would not inject it",
			     d->irq);
	}
}

int zone_xcheck(const struct zone_json *z, const char *vfile)
{
	struct xcheck x = { .z = z, .h = hv_zone_head(z->cfg) };
	char ids[64];
	size_t len = 0;
	unsigned int i;

	x.v = virtio_json_parse(vfile);
	if (!x.v)
		return -1;
	for (i = 0; i < x.v->nr_zones; i++)
		if (x.v->zones[i].id == x.h->zone_id)
			x.vz = &x.v->zones[i];
	if (!x.vz) {
		ids[0] = '\0';
		for (i = 0; i < x.v->nr_zones && len < sizeof(ids); i++)
			len += snprintf(ids + len, sizeof(ids) - len, "%s%u",
					i ? ", " : "", x.v->zones[i].id);
		xerr(&x, "zones[].id", "zone_id",
		     "no entry for zone %u (the file has %s%s)",
		     x.h->zone_id, x.v->nr_zones ? "ids " : "no zones",
		     ids);
	} else {
		xcheck_regions(&x);
		xcheck_devices(&x);
	}
	virtio_json_free((struct virtio_json *)x.v);
	return x.errors;
}
