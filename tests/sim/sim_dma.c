// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's memory is the zone's.  A real zone's virtio driver keeps its
 * rings and buffers in the zone's RAM and gives the device zone IPAs; the
 * sim's guest drivers are zone 0's own virtio drivers, whose memory is zone
 * 0's.  So each sim zone gets a DMA device, the parent of its guest
 * transports, whose dma_map_ops put every ring (dma_alloc_coherent) and
 * bounce every buffer (dma_map_page) into a pool in the zone's first RAM
 * region, and hand the driver the zone IPA of the copy: the address a
 * driver in the zone would use.  The transport offers
 * VIRTIO_F_ACCESS_PLATFORM to its driver so that virtio_ring goes through
 * the DMA API (sim_transport.c).
 *
 * hvisor.ko then sees exactly what it sees under hvisor: zone IPAs that
 * its virtio config's memory_region translates (zonex_ipa -> zone0_ipa,
 * as upstream hvisor-tool's get_virt_addr() does: tools/virtio.c:373 at
 * c724e91; ../shared/reference/upstream-hvisor-tool.md section 3.3, whose
 * x86 example maps zonex_ipa 0x0 to zone0_ipa 0x40300000), pointing into
 * zone RAM, which on the test VMs is no-map or hidden RAM
 * (tests/README.md).  A guest address outside the zone's memory would be
 * refused by hvisor.ko, so a test that passes proves the translation.
 *
 * The pool is the upper half of the region: the lower half holds the
 * images ZONE_START loaded (kernel at RAM + 2 MiB, DTB at RAM start).  One
 * bit per page; a mapping takes whole pages and starts on one, so a
 * bounced buffer is page aligned whatever the original was.  Like
 * swiotlb, each pool page remembers the physical address of the original
 * bytes it holds: the original is copied in when mapped (all directions,
 * so that a device writing less than the whole buffer returns the rest
 * unchanged) and copied back on unmap or sync for the CPU when the device
 * may have written it.
 */
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "sim.h"

#define SIM_DMA_MAX_MAP		SZ_256K		/* max_mapping_size */
#define SIM_DMA_ZONE0_ORDER	10		/* 4 MiB: see dma_pool_in_zone0 */
#define SIM_DMA_MIN_POOL	SZ_1M
#define SIM_DMA_NO_ORIG		((phys_addr_t)-1) /* coherent: no original */

/*
 * The other case hvisor.ko handles, guest memory in zone 0's linear map
 * (its direct-I/O path), which zone RAM cannot give: hvisor.ko refuses
 * System RAM as zone RAM.  A pool in zone 0's own RAM, used instead of
 * zone RAM by the one zone whose transports come first; its zone IPAs are
 * its physical addresses, and the virtio config must map it 1:1 (the
 * parameter reads back as "<phys>+<size>").  Allocated when the module is
 * loaded with it.  Used by virtio_blk_zoneram and the bench.
 */
static struct page *sim_dma_zone0_pages;
static atomic_t sim_dma_zone0_busy = ATOMIC_INIT(0);

static int sim_dma_zone0_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	if (!on || sim_dma_zone0_pages)
		return 0;
	sim_dma_zone0_pages = alloc_pages(GFP_KERNEL | __GFP_ZERO,
					  SIM_DMA_ZONE0_ORDER);
	return sim_dma_zone0_pages ? 0 : -ENOMEM;
}

static int sim_dma_zone0_get(char *buf, const struct kernel_param *kp)
{
	phys_addr_t pa;

	if (!sim_dma_zone0_pages)
		return sysfs_emit(buf, "N\n");
	pa = page_to_phys(sim_dma_zone0_pages);
	return sysfs_emit(buf, "%pa+%#lx\n", &pa,
			  PAGE_SIZE << SIM_DMA_ZONE0_ORDER);
}

static void sim_dma_zone0_free(void *arg)
{
	if (sim_dma_zone0_pages)
		__free_pages(sim_dma_zone0_pages, SIM_DMA_ZONE0_ORDER);
	sim_dma_zone0_pages = NULL;
}

static const struct kernel_param_ops sim_dma_zone0_ops = {
	.set	= sim_dma_zone0_set,
	.get	= sim_dma_zone0_get,
	.free	= sim_dma_zone0_free,
};
module_param_cb(dma_pool_in_zone0, &sim_dma_zone0_ops, NULL, 0444);
MODULE_PARM_DESC(dma_pool_in_zone0,
		 "guest DMA pool in zone 0's linear RAM (4 MiB, IPA = physical), not zone RAM");

struct sim_dma {
	struct device dev;		/* parent of the zone's transports */
	u64 dma_mask;
	u32 zone_id;
	phys_addr_t phys;		/* pool, zone 0 physical */
	u64 ipa;			/* pool, zone IPA (what devices get) */
	u64 size;
	void *va;			/* memremap of [phys, phys + size) */
	bool zone0;			/* the dma_pool_in_zone0 pages */
	unsigned long npages;
	/* Protects map and orig; taken from any context (xmit paths). */
	spinlock_t lock;
	unsigned long *map;		/* pool pages in use */
	phys_addr_t *orig;		/* per pool page: original bytes */
};

static struct sim_dma *to_sim_dma(struct device *dev)
{
	return container_of(dev, struct sim_dma, dev);
}

/* Pool page index of @addr, or -1 if [@addr, @addr + @size) is not ours. */
static long sim_dma_index(struct sim_dma *sd, dma_addr_t addr, size_t size)
{
	u64 off;

	if (addr < sd->ipa || !size)
		return -1;
	off = addr - sd->ipa;
	if (off >= sd->size || size > sd->size - off)
		return -1;
	return off >> PAGE_SHIFT;
}

/* Take @size bytes of whole pages; their first index or -1. */
static long sim_dma_take(struct sim_dma *sd, size_t size, phys_addr_t orig)
{
	unsigned long first, n = PFN_UP(size), i, flags;

	spin_lock_irqsave(&sd->lock, flags);
	first = bitmap_find_next_zero_area(sd->map, sd->npages, 0, n, 0);
	if (first >= sd->npages) {
		spin_unlock_irqrestore(&sd->lock, flags);
		return -1;
	}
	bitmap_set(sd->map, first, n);
	spin_unlock_irqrestore(&sd->lock, flags);

	/* The pages are ours now: record what they shadow. */
	for (i = 0; i < n; i++)
		sd->orig[first + i] = orig == SIM_DMA_NO_ORIG ? orig :
				      orig + i * PAGE_SIZE;
	return first;
}

static void sim_dma_give(struct sim_dma *sd, long first, size_t size)
{
	unsigned long flags;

	spin_lock_irqsave(&sd->lock, flags);
	bitmap_clear(sd->map, first, PFN_UP(size));
	spin_unlock_irqrestore(&sd->lock, flags);
}

/*
 * Copy between the pool at @addr and the original bytes it shadows,
 * a page of the original at a time (it may be highmem).
 */
static void sim_dma_copy(struct sim_dma *sd, dma_addr_t addr, size_t size,
			 bool to_pool)
{
	u64 off = addr - sd->ipa;
	phys_addr_t orig;
	size_t chunk;
	u8 *pool, *p;

	while (size) {
		orig = sd->orig[off >> PAGE_SHIFT];
		if (WARN_ON_ONCE(orig == SIM_DMA_NO_ORIG))
			return;
		orig += offset_in_page(off);
		chunk = min_t(size_t, size, PAGE_SIZE - offset_in_page(orig));
		chunk = min_t(size_t, chunk, PAGE_SIZE - offset_in_page(off));
		pool = (u8 *)sd->va + off;
		p = kmap_local_page(pfn_to_page(PHYS_PFN(orig)));
		if (to_pool)
			memcpy(pool, p + offset_in_page(orig), chunk);
		else
			memcpy(p + offset_in_page(orig), pool, chunk);
		kunmap_local(p);
		off += chunk;
		size -= chunk;
	}
}

static void *sim_dma_alloc(struct device *dev, size_t size,
			   dma_addr_t *dma_handle, gfp_t gfp,
			   unsigned long attrs)
{
	struct sim_dma *sd = to_sim_dma(dev);
	long i = sim_dma_take(sd, size, SIM_DMA_NO_ORIG);
	void *va;

	if (i < 0)
		return NULL;
	va = (u8 *)sd->va + ((u64)i << PAGE_SHIFT);
	memset(va, 0, PFN_UP(size) << PAGE_SHIFT);
	*dma_handle = sd->ipa + ((u64)i << PAGE_SHIFT);
	return va;
}

static void sim_dma_free(struct device *dev, size_t size, void *vaddr,
			 dma_addr_t dma_handle, unsigned long attrs)
{
	struct sim_dma *sd = to_sim_dma(dev);
	long i = sim_dma_index(sd, dma_handle, size);

	if (WARN_ON_ONCE(i < 0 || (u8 *)vaddr != (u8 *)sd->va +
			 ((u64)i << PAGE_SHIFT)))
		return;
	sim_dma_give(sd, i, size);
}

static dma_addr_t sim_dma_map_page(struct device *dev, struct page *page,
				   unsigned long offset, size_t size,
				   enum dma_data_direction dir,
				   unsigned long attrs)
{
	struct sim_dma *sd = to_sim_dma(dev);
	dma_addr_t addr;
	long i;

	if (!size || size > SIM_DMA_MAX_MAP)
		return DMA_MAPPING_ERROR;
	i = sim_dma_take(sd, size, page_to_phys(page) + offset);
	if (i < 0) {
		pr_err_ratelimited("hvisor_sim: zone %u: guest DMA pool full\n",
				   sd->zone_id);
		return DMA_MAPPING_ERROR;
	}
	addr = sd->ipa + ((u64)i << PAGE_SHIFT);
	sim_dma_copy(sd, addr, size, true);
	return addr;
}

static void sim_dma_unmap_page(struct device *dev, dma_addr_t addr,
			       size_t size, enum dma_data_direction dir,
			       unsigned long attrs)
{
	struct sim_dma *sd = to_sim_dma(dev);
	long i = sim_dma_index(sd, addr, size);

	if (WARN_ON_ONCE(i < 0))
		return;
	if (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL)
		sim_dma_copy(sd, addr, size, false);
	sim_dma_give(sd, i, size);
}

static void sim_dma_sync_for_cpu(struct device *dev, dma_addr_t addr,
				 size_t size, enum dma_data_direction dir)
{
	struct sim_dma *sd = to_sim_dma(dev);

	if (WARN_ON_ONCE(sim_dma_index(sd, addr, size) < 0))
		return;
	if (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL)
		sim_dma_copy(sd, addr, size, false);
}

static void sim_dma_sync_for_device(struct device *dev, dma_addr_t addr,
				    size_t size, enum dma_data_direction dir)
{
	struct sim_dma *sd = to_sim_dma(dev);

	if (WARN_ON_ONCE(sim_dma_index(sd, addr, size) < 0))
		return;
	if (dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL)
		sim_dma_copy(sd, addr, size, true);
}

static void sim_dma_unmap_sg(struct device *dev, struct scatterlist *sgl,
			     int nents, enum dma_data_direction dir,
			     unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		sim_dma_unmap_page(dev, sg_dma_address(sg), sg_dma_len(sg),
				   dir, attrs);
}

static int sim_dma_map_sg(struct device *dev, struct scatterlist *sgl,
			  int nents, enum dma_data_direction dir,
			  unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg_dma_address(sg) = sim_dma_map_page(dev, sg_page(sg),
						      sg->offset, sg->length,
						      dir, attrs);
		if (sg_dma_address(sg) == DMA_MAPPING_ERROR) {
			sim_dma_unmap_sg(dev, sgl, i, dir, attrs);
			return -ENOMEM;
		}
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

static void sim_dma_sync_sg_for_cpu(struct device *dev,
				    struct scatterlist *sgl, int nents,
				    enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		sim_dma_sync_for_cpu(dev, sg_dma_address(sg), sg_dma_len(sg),
				     dir);
}

static void sim_dma_sync_sg_for_device(struct device *dev,
				       struct scatterlist *sgl, int nents,
				       enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		sim_dma_sync_for_device(dev, sg_dma_address(sg),
					sg_dma_len(sg), dir);
}

static size_t sim_dma_max_mapping_size(struct device *dev)
{
	return SIM_DMA_MAX_MAP;
}

static const struct dma_map_ops sim_dma_ops = {
	.alloc			= sim_dma_alloc,
	.free			= sim_dma_free,
	.map_page		= sim_dma_map_page,
	.unmap_page		= sim_dma_unmap_page,
	.map_sg			= sim_dma_map_sg,
	.unmap_sg		= sim_dma_unmap_sg,
	.sync_single_for_cpu	= sim_dma_sync_for_cpu,
	.sync_single_for_device	= sim_dma_sync_for_device,
	.sync_sg_for_cpu	= sim_dma_sync_sg_for_cpu,
	.sync_sg_for_device	= sim_dma_sync_sg_for_device,
	.max_mapping_size	= sim_dma_max_mapping_size,
};

static void sim_dma_release(struct device *dev)
{
	struct sim_dma *sd = to_sim_dma(dev);

	if (sd->zone0)
		atomic_set(&sim_dma_zone0_busy, 0);
	else if (sd->va)
		memunmap(sd->va);
	kvfree(sd->orig);
	bitmap_free(sd->map);
	kfree(sd);
}

/* The zone's first RAM region: where its guest keeps rings and buffers. */
static const struct hvisor_memory_region *sim_dma_ram(struct sim_zone *z)
{
	u32 i;

	for (i = 0; i < z->head->num_memory_regions; i++)
		if (z->head->memory_regions[i].type == HVISOR_MEM_TYPE_RAM)
			return &z->head->memory_regions[i];
	return NULL;
}

/*
 * The DMA device of zone @z, created on first use (under z->probe_lock):
 * the parent for its transports' virtio devices.  NULL on failure (said).
 */
struct device *sim_dma_get(struct sim_zone *z)
{
	const struct hvisor_memory_region *r;
	struct sim_dma *sd;
	u64 half;
	int err;

	if (z->dma)
		return &z->dma->dev;
	r = sim_dma_ram(z);
	half = r ? round_down(r->size / 2, PAGE_SIZE) : 0;
	if (sim_dma_zone0_pages) {
		if (atomic_cmpxchg(&sim_dma_zone0_busy, 0, 1)) {
			pr_err("hvisor_sim: zone %u: dma_pool_in_zone0 is in use by another zone\n",
			       z->id);
			return NULL;
		}
		half = PAGE_SIZE << SIM_DMA_ZONE0_ORDER;
	} else if (half < SIM_DMA_MIN_POOL) {
		pr_err("hvisor_sim: zone %u: no RAM region of %u KiB or more for the guest's DMA pool\n",
		       z->id, 2 * SIM_DMA_MIN_POOL / SZ_1K);
		return NULL;
	}

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd) {
		if (sim_dma_zone0_pages)
			atomic_set(&sim_dma_zone0_busy, 0);
		return NULL;
	}
	sd->zone_id = z->id;
	if (sim_dma_zone0_pages) {
		sd->zone0 = true;
		sd->phys = page_to_phys(sim_dma_zone0_pages);
		sd->ipa = sd->phys;
		sd->va = page_address(sim_dma_zone0_pages);
	} else {
		sd->phys = r->physical_start + r->size - half;
		sd->ipa = r->virtual_start + r->size - half;
	}
	sd->size = half;
	sd->npages = half >> PAGE_SHIFT;
	spin_lock_init(&sd->lock);
	device_initialize(&sd->dev);	/* from here on, put_device frees */
	sd->dev.parent = &sim.pdev->dev;
	sd->dev.release = sim_dma_release;
	sd->dma_mask = DMA_BIT_MASK(64);
	sd->dev.dma_mask = &sd->dma_mask;
	sd->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	set_dma_ops(&sd->dev, &sim_dma_ops);

	sd->map = bitmap_zalloc(sd->npages, GFP_KERNEL);
	sd->orig = kvcalloc(sd->npages, sizeof(*sd->orig), GFP_KERNEL);
	if (!sd->map || !sd->orig) {
		err = -ENOMEM;
		goto put_dev;
	}
	if (!sd->zone0)
		sd->va = memremap(sd->phys, sd->size, MEMREMAP_WB);
	if (!sd->va) {
		pr_err("hvisor_sim: zone %u: cannot map its DMA pool %pa+%#llx\n",
		       z->id, &sd->phys, sd->size);
		err = -ENOMEM;
		goto put_dev;
	}
	err = dev_set_name(&sd->dev, "zone%u-dma", z->id);
	if (err)
		goto put_dev;
	err = device_add(&sd->dev);
	if (err)
		goto put_dev;
	pr_info("hvisor_sim: zone %u: guest DMA pool %pa+%#llx at zone IPA %#llx\n",
		z->id, &sd->phys, sd->size, sd->ipa);
	z->dma = sd;
	return &sd->dev;

put_dev:
	put_device(&sd->dev);
	return NULL;
}

/* After the zone's last transport is gone (under z->probe_lock). */
void sim_dma_put(struct sim_zone *z)
{
	struct sim_dma *sd = z->dma;
	unsigned long used;

	if (!sd)
		return;
	z->dma = NULL;
	used = bitmap_weight(sd->map, sd->npages);
	if (used)
		pr_err("hvisor_sim: zone %u: %lu pages of its DMA pool still mapped\n",
		       z->id, used);
	device_unregister(&sd->dev);
}
