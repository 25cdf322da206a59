// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: HVISOR_VIRTIO_ATTACH validation and all-or-nothing unwinding,
 * through the real attach.o, registry (vdev.o), physical range checks
 * (phys_range.o, against a Reserved iomem range the suite inserts) and
 * guest memory checks.  The device types are this suite's list
 * (hv_vtypes): the real blk and daemon types, and two fake types with the
 * net and console entries' ids and limits (net's real attach check) that
 * count what they create and destroy and fail when told.  Files are shmem
 * files installed as fds of the test thread.  What the suite does not link
 * (zones, bridge, seam, the arch, memremap, upstream's daemon) is faked
 * at link time below.
 */
#include <kunit/test.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/ioport.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_blk.h>

#include "../../common/virtio_limits.h"
#include "../../kernel/arch.h"
#include "../../kernel/bridge.h"
#include "../../kernel/hvisor.h"
#include "../../kernel/seam_internal.h"
#include "../../kernel/updaemon.h"
#include "../../kernel/virtio/attach.h"
#include "../../kernel/virtio/blk.h"
#include "../../kernel/virtio/forward.h"
#include "../../kernel/virtio/mmio.h"
#include "../../kernel/virtio/net_hdr.h"
#include "../../kernel/virtio/vtype.h"

#define HVT_NR_FILES	4
/* zone 0's side of the attached memory: far above anything UML has */
#define HVT_HOST	0x710000000000ULL
/* the device windows the tests use: 0xa000000 + k * 0x200, k < 32 */
#define HVT_WIN_BASE	0xa000000ULL
#define HVT_WIN_LEN	0x200
#define HVT_NR_WINS	32

enum { HVT_NET, HVT_CON };	/* the fake types */

static struct {
	u32 arch;			/* what hvisor_arch_id() says */
	struct hvisor_zone *zone;
	int zone_refs;
	bool zone_fail;
	int mapped;
	struct resource res;		/* Reserved: the attached memory */
	bool res_in;
	struct file *files[HVT_NR_FILES];	/* held by fds[] */
	int fds[HVT_NR_FILES];
	int bad_fd;			/* not open */
	int fail[2];			/* what a fake type's create returns */
	int creates, destroys, refused;	/* by the fake types */
	int destroyed_early;		/* its sysfs object still referenced */
	bool daemon;			/* a daemon takes what is forwarded */
	int forwarded;			/* accesses offered to it */
	int declared;			/* memory ranges declared for its mmap */
	u32 extra[HV_VIRTIO_MAX_ZONE_IRQS];	/* its irqs of no device */
	unsigned int nr_extra;		/* (zone 1 only) */
	unsigned int extra_asked;	/* times it was asked for one */
} hvt;

/* ---- link-time fakes of what the suite does not link ---------------------- */

/* updaemon.c: a daemon that takes all or nothing */
bool hvisor_updaemon_forward(const struct hv_device_req *req, u64 base)
{
	hvt.forwarded++;
	return hvt.daemon;
}

bool hvisor_updaemon_present(void)
{
	return hvt.daemon;
}

int hvisor_updaemon_mem_add(u32 zone_id, u64 start, u64 size)
{
	hvt.declared++;
	return 0;
}

void hvisor_updaemon_mem_del(u32 zone_id, u64 start, u64 size)
{
	hvt.declared--;
}

/* updaemon.c's count, for zone 1: what attach reads of it */
unsigned int hvisor_updaemon_extra_irqs(u32 zone_id, u32 *irqs)
{
	if (zone_id != 1)
		return 0;
	memcpy(irqs, hvt.extra, hvt.nr_extra * sizeof(*irqs));
	return hvt.nr_extra;
}

/* and its verdict: room while attached + extra + @irq stay <= 7 */
bool hvisor_updaemon_extra_irq(u32 zone_id, u32 irq, const u32 *attached,
			       unsigned int nr_attached)
{
	hvt.extra_asked++;
	if (nr_attached + hvt.nr_extra >= HV_VIRTIO_MAX_ZONE_IRQS)
		return false;
	hvt.extra[hvt.nr_extra++] = irq;
	return true;
}

/* bridge.c, seam.c, the arch file */
int hvisor_bridge_inject(u32 zone, u32 irq)
{
	return 0;
}

bool hvisor_hv_irq_event(u32 zone, u32 irq, enum hvisor_irq_event ev)
{
	return false;
}

u32 hvisor_arch_id(void)
{
	return hvt.arch;
}

/* zone_obj.c: one zone device for every id */
struct hvisor_zone *hvisor_zone_get(u32 id)
{
	if (hvt.zone_fail)
		return ERR_PTR(-ENOMEM);
	hvt.zone_refs++;
	return hvt.zone;
}

void hvisor_zone_put(struct hvisor_zone *zone)
{
	hvt.zone_refs--;
}

/* guest_mem_map.c: the Reserved range is no memory to memremap() */
int hv_gmem_map(struct hv_guest_mem *gm)
{
	static u8 fake[64];
	u32 i;

	for (i = 0; i < gm->nr; i++)
		gm->r[i].hva = fake;
	hvt.mapped++;
	return 0;
}

void hv_gmem_unmap(struct hv_guest_mem *gm)
{
	hvt.mapped--;
}

/* ---- the suite's device types --------------------------------------------- */

/* A fake device: served here (a register file), no queue work. */
struct hvt_dev {
	struct hv_virtio_dev dev;
	struct file *file;	/* its reference, for a type that takes one */
	atomic64_t hits;	/* a counter for its sysfs file */
};

static void hvt_config_read(struct hv_virtio_dev *dev, u32 offset, u8 *buf,
			    u32 len)
{
	memset(buf, 0, len);
}

static void hvt_notify(struct hv_virtio_dev *dev, u16 index)
{
}

static void hvt_reset(struct hv_virtio_dev *dev)
{
}

static void hvt_destroy(struct hv_virtio_dev *dev)
{
	struct hvt_dev *t = container_of(dev, struct hvt_dev, dev);

	if (t->file)
		fput(t->file);
	hvt.destroys++;
	/* the memory holds the kobject: freed only after its last put */
	if (kref_read(&dev->attached.kobj.kref))
		hvt.destroyed_early++;
	kfree(t);
}

static const struct hv_virtio_ops hvt_ops = {
	.name = "hvt", .num_queues = 1, .queue_max = 16,
	.config_read = hvt_config_read, .notify = hvt_notify,
	.reset = hvt_reset, .destroy = hvt_destroy,
};

static struct hv_virtio_dev *hvt_create(const struct hv_virtio_dev_info *info,
					const struct hvisor_virtio_device *d,
					struct file *file)
{
	int fail = hvt.fail[d->type == HVISOR_VIRTIO_NET ? HVT_NET : HVT_CON];
	struct hvt_dev *t;
	int err;

	if (fail) {
		hvt.refused++;
		return ERR_PTR(fail);
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	err = hv_virtio_dev_init(&t->dev, &hvt_ops, info->mem, 0);
	if (err) {
		kfree(t);
		return ERR_PTR(err);
	}
	hv_virtio_dev_bind(&t->dev, info, t);
	/* attach's part of the device is attach's to set, whatever is there */
	memset(&t->dev.attached, 0xa5, sizeof(t->dev.attached));
	t->file = file;		/* NULL for a type without one */
	atomic64_set(&t->hits, 7);
	hvt.creates++;
	return &t->dev;
}

static void hvt_backend(struct hv_virtio_dev *dev, struct file *file,
			char *buf, size_t size)
{
	strscpy(buf, file ? "hvt-file" : "hvt", size);
}

static void hvt_tty(struct hv_virtio_dev *dev, char *buf, size_t size)
{
	strscpy(buf, "hvttty", size);
}

static const struct hv_vattr hvt_attrs[] = {
	HV_VATTR_COUNTER("hits", struct hvt_dev, hits),
	{}
};

/* net's entry, but the device: a tap needs CONFIG_NET, UML has none */
static const struct hv_vtype hvt_net_vtype = {
	.id = HVISOR_VIRTIO_NET, .name = "net",
	.max_queues = 1, .takes_file = true, .check = hv_net_check,
	.create = hvt_create, .backend = hvt_backend,
	.attrs = hvt_attrs, .attrs_dir = "statistics",
};

/* console's entry; its tty driver is registered at module load only */
static const struct hv_vtype hvt_con_vtype = {
	.id = HVISOR_VIRTIO_CONSOLE, .name = "console",
	.max_queues = 1, .create = hvt_create, .backend = hvt_backend,
	.tty = hvt_tty, .attrs = hvt_attrs,
};

/* what vtypes.c is to hvisor.ko */
const struct hv_vtype *const hv_vtypes[] = {
	&hv_blk_vtype, &hvt_net_vtype, &hvt_con_vtype, &hv_fwd_vtype,
};

const unsigned int hv_nr_vtypes = ARRAY_SIZE(hv_vtypes);

/* ---- setup ---------------------------------------------------------------- */

static void hvt_zone_release(struct device *dev)
{
	kfree(container_of(dev, struct hvisor_zone, dev));
}

static int hvt_attach_init(struct kunit *test)
{
	struct file *file;
	int i, fd;

	memset(&hvt, 0, sizeof(hvt));
	for (i = 0; i < HVT_NR_FILES; i++)
		hvt.fds[i] = -1;
	hvt.arch = HVISOR_ARCH_ARM64;
	hvt.zone = kzalloc(sizeof(*hvt.zone), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, hvt.zone);
	device_initialize(&hvt.zone->dev);
	hvt.zone->dev.release = hvt_zone_release;
	KUNIT_ASSERT_EQ(test, dev_set_name(&hvt.zone->dev, "hvt-zone1"), 0);
	KUNIT_ASSERT_EQ(test, device_add(&hvt.zone->dev), 0);

	/* what zone 0 may map for a zone (hv_phys_check_gmem()) */
	hvt.res.name = "hvt-attach";
	hvt.res.start = HVT_HOST;
	hvt.res.end = HVT_HOST + SZ_64M - 1;
	hvt.res.flags = IORESOURCE_MEM;
	hvt.res.desc = IORES_DESC_RESERVED;
	KUNIT_ASSERT_EQ(test, insert_resource(&iomem_resource, &hvt.res), 0);
	hvt.res_in = true;

	for (i = 0; i < HVT_NR_FILES; i++) {
		file = shmem_file_setup("hvt-attach", SZ_1M, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(file));
		fd = get_unused_fd_flags(O_CLOEXEC);
		if (fd < 0)
			fput(file);
		KUNIT_ASSERT_GE(test, fd, 0);
		fd_install(fd, file);	/* the fd holds the reference */
		hvt.files[i] = file;
		hvt.fds[i] = fd;
	}
	hvt.bad_fd = get_unused_fd_flags(0);
	KUNIT_ASSERT_GE(test, hvt.bad_fd, 0);
	put_unused_fd(hvt.bad_fd);
	return 0;
}

static void hvt_attach_exit(struct kunit *test)
{
	int i;

	if (!hvt.zone)
		return;		/* init failed first */
	hvisor_virtio_detach_all();
	for (i = 0; i < HVT_NR_FILES; i++)
		if (hvt.fds[i] >= 0)
			close_fd(hvt.fds[i]);
	if (hvt.res_in)
		release_resource(&hvt.res);
	device_unregister(&hvt.zone->dev);
}

/* A request for @nr blk devices at 0xa003000 + i * 0x200, file i. */
static struct hv_attach_req *hvt_req(struct kunit *test, u32 nr)
{
	struct hv_attach_req *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->hdr.size = sizeof(r->hdr);
	r->hdr.zone_id = 1;
	r->hdr.nr_regions = 1;
	r->hdr.nr_devices = nr;
	r->regions = kcalloc(1, sizeof(*r->regions), GFP_KERNEL);
	r->devs = kcalloc(nr, sizeof(*r->devs), GFP_KERNEL);
	r->files = kcalloc(nr, sizeof(*r->files), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, r->regions && r->devs && r->files);
	r->regions[0].zone0_ipa = HVT_HOST;
	r->regions[0].zonex_ipa = 0x40000000;
	r->regions[0].size = SZ_64M;
	for (i = 0; i < nr; i++) {
		r->devs[i].type = HVISOR_VIRTIO_BLK;
		r->devs[i].irq = 40 + i;
		r->devs[i].addr = 0xa003000 + i * 0x200;
		r->devs[i].len = 0x200;
		r->devs[i].fd = hvt.fds[i % HVT_NR_FILES];
		memcpy(r->devs[i].serial, "serial", 6);
	}
	return r;
}

/* A request for a blk, a net (file 1) and a console, in that order. */
static struct hv_attach_req *hvt_req_mixed(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 3);

	r->devs[1].type = HVISOR_VIRTIO_NET;
	r->devs[1].mac[0] = 0x02;
	r->devs[2].type = HVISOR_VIRTIO_CONSOLE;
	r->devs[2].fd = -1;
	return r;
}

/* never called: a probe is unregistered at once */
static bool hvt_probe_take(struct hv_vdev *vdev,
			   const struct hv_device_req *req)
{
	return false;
}

static const struct hv_vdev_mmio_ops hvt_probe_ops = {
	.take = hvt_probe_take,
};

/*
 * How many devices of zone @zone the registry holds at the windows the
 * tests use: a probe there is refused with -EEXIST.
 */
static unsigned int hvt_registered(struct kunit *test, u32 zone)
{
	struct hv_vdev *probe = kunit_kzalloc(test, sizeof(*probe),
					      GFP_KERNEL);
	unsigned int k, n = 0;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, probe);
	probe->zone_id = zone;
	probe->len = HVT_WIN_LEN;
	probe->mmio = &hvt_probe_ops;
	for (k = 0; k < HVT_NR_WINS; k++) {
		probe->base = HVT_WIN_BASE + k * HVT_WIN_LEN;
		err = hvisor_vdev_register(probe);
		if (!err)
			hvisor_vdev_unregister(probe);
		else if (err == -EEXIST)
			n++;
		else
			KUNIT_FAIL(test, "probe refused: %d", err);
	}
	kunit_kfree(test, probe);
	return n;
}

/* Nothing is held: registry, devices, mappings, zone references, files. */
static void hvt_expect_clean(struct kunit *test)
{
	int i;

	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 0U);
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 2), 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&hv_devices));
	KUNIT_EXPECT_EQ(test, hvt.creates, hvt.destroys);
	KUNIT_EXPECT_EQ(test, hvt.destroyed_early, 0);
	KUNIT_EXPECT_EQ(test, hvt.mapped, 0);
	KUNIT_EXPECT_EQ(test, hvt.declared, 0);
	KUNIT_EXPECT_EQ(test, hvt.zone_refs, 0);
	for (i = 0; i < HVT_NR_FILES; i++)
		KUNIT_EXPECT_EQ(test, file_count(hvt.files[i]), 1L);
}

static struct hv_virtio_dev *hvt_first(void)
{
	return list_first_entry(&hv_devices, struct hv_virtio_dev,
				attached.node);
}

static struct hv_virtio_dev *hvt_last(void)
{
	return list_last_entry(&hv_devices, struct hv_virtio_dev,
			       attached.node);
}

/*
 * The file @name of @dev's sysfs directory: a common one (the ktype's
 * groups) or one generated from its type's table; *@grp its group.
 */
static struct attribute *hvt_attr(struct kunit *test, struct hv_virtio_dev *dev,
				  const char *name,
				  const struct attribute_group **grp)
{
	const struct attribute_group **g = dev->attached.kobj.ktype->default_groups;
	struct attribute **a;

	for (; *g; g++)
		for (a = (*g)->attrs; *a; a++)
			if (!strcmp((*a)->name, name)) {
				*grp = *g;
				return *a;
			}
	*grp = &dev->attached.group;
	for (a = dev->attached.group.attrs; *a; a++)
		if (!strcmp((*a)->name, name))
			return *a;
	KUNIT_FAIL(test, "%s has no file %s", kobject_name(&dev->attached.kobj),
		   name);
	return NULL;
}

/* Is @name shown in @dev's directory? */
static bool hvt_visible(struct kunit *test, struct hv_virtio_dev *dev,
			const char *name)
{
	const struct attribute_group *grp;
	struct attribute *a = hvt_attr(test, dev, name, &grp);

	return a && (!grp->is_visible ||
		     grp->is_visible(&dev->attached.kobj, a, 0));
}

/* Read @name of @dev's directory as sysfs would; expect @want. */
static void hvt_show(struct kunit *test, struct hv_virtio_dev *dev,
		     const char *name, const char *want)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);	/* sysfs_emit */
	struct kobject *kobj = &dev->attached.kobj;
	const struct attribute_group *grp;
	struct attribute *a;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_TRUE(test, hvt_visible(test, dev, name));
	a = hvt_attr(test, dev, name, &grp);
	KUNIT_EXPECT_GT(test, kobj->ktype->sysfs_ops->show(kobj, a, buf), 0L);
	if (want)
		KUNIT_EXPECT_STREQ_MSG(test, buf, want, "file %s", name);
}

static void attach_ok_and_detach(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 2);
	struct hv_virtio_dev *dev;

	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 2U);
	KUNIT_EXPECT_EQ(test, hvt.mapped, 1);	/* once for both devices */
	KUNIT_EXPECT_EQ(test, hvt.zone_refs, 2);
	KUNIT_EXPECT_EQ(test, file_count(hvt.files[0]), 2L);

	dev = hvt_first();
	KUNIT_EXPECT_STREQ(test, kobject_name(&dev->attached.kobj),
			   "blk@a003000");
	hvt_show(test, dev, "type", "blk\n");
	hvt_show(test, dev, "addr", "0xa003000\n");
	hvt_show(test, dev, "irq", "40\n");
	hvt_show(test, dev, "queue_sizes", "0\n");
	hvt_show(test, dev, "status", "0x00\n");

	/* one device, then the rest of the zone */
	KUNIT_EXPECT_EQ(test, hv_detach(1, 0xa003200), 1U);
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 1U);
	KUNIT_EXPECT_EQ(test, hvt.mapped, 1);
	KUNIT_EXPECT_EQ(test, hv_detach(1, 0xa003200), 0U);
	KUNIT_EXPECT_EQ(test, hv_detach(2, 0), 0U);
	hv_detach(1, 0);
	hvt_expect_clean(test);
}

/* "queues": blk up to HVISOR_VIRTIO_MAX_QUEUES; others 0 or 1 only. */
static void attach_num_queues(struct kunit *test)
{
	struct hv_attach_req *r;
	struct hv_virtio_dev *dev;

	r = hvt_req(test, 1);
	r->devs[0].num_queues = HVISOR_VIRTIO_MAX_QUEUES + 1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].num_queues = U16_MAX;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_NET;
	r->devs[0].mac[0] = 0x02;
	r->devs[0].num_queues = 2;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_CONSOLE;
	r->devs[0].fd = -1;
	r->devs[0].num_queues = 2;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	/* 1 passes the checks: the (fake) console type's create refuses */
	hvt.fail[HVT_CON] = -ENOSPC;
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_CONSOLE;
	r->devs[0].fd = -1;
	r->devs[0].num_queues = 1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ENOSPC);
	KUNIT_EXPECT_EQ(test, hvt.refused, 1);
	hvt_expect_clean(test);

	r = hvt_req(test, 1);
	r->devs[0].num_queues = HVISOR_VIRTIO_MAX_QUEUES;
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	dev = hvt_first();
	hvt_show(test, dev, "queue_sizes", "0 0 0 0 0 0 0 0\n");
	KUNIT_EXPECT_TRUE(test, dev->device_features &
			  BIT_ULL(VIRTIO_BLK_F_MQ));
	hv_detach(1, 0);
	hvt_expect_clean(test);
}

static void attach_bad_header(struct kunit *test)
{
	static const struct hvisor_virtio_attach bad[] = {
		{ .zone_id = 0, .nr_regions = 1, .nr_devices = 1 },
		{ .zone_id = HVISOR_MAX_ZONES, .nr_regions = 1, .nr_devices = 1 },
		{ .zone_id = 1, .flags = 1, .nr_regions = 1, .nr_devices = 1 },
		{ .zone_id = 1, .__pad = 1, .nr_regions = 1, .nr_devices = 1 },
		{ .zone_id = 1, .nr_regions = 0, .nr_devices = 1 },
		{ .zone_id = 1, .nr_regions = HVISOR_VIRTIO_MAX_REGIONS + 1,
		  .nr_devices = 1 },
		{ .zone_id = 1, .nr_regions = 1, .nr_devices = 0 },
		{ .zone_id = 1, .nr_regions = 1,
		  .nr_devices = HVISOR_VIRTIO_MAX_DEVICES + 1 },
	};
	struct hvisor_virtio_attach ok = { .zone_id = HVISOR_MAX_ZONES - 1,
		.nr_regions = HVISOR_VIRTIO_MAX_REGIONS,
		.nr_devices = HVISOR_VIRTIO_MAX_DEVICES };
	struct hv_attach_req *r;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, hv_check_header(&bad[i]), -EINVAL,
				    "case %d", i);
	KUNIT_EXPECT_EQ(test, hv_check_header(&ok), 0);

	/* through hv_attach: refused before anything is taken */
	for (i = 0; i < 4; i++) {
		r = hvt_req(test, 1);
		r->hdr.zone_id = bad[i].zone_id;
		r->hdr.flags = bad[i].flags;
		r->hdr.__pad = bad[i].__pad;
		KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	}
	hvt_expect_clean(test);
}

static void attach_bad_region(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 1);

	r->regions[0].size = 0x1234;	/* not page aligned */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->regions[0].zonex_ipa = U64_MAX & PAGE_MASK;	/* wraps */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	hvt_expect_clean(test);
}

static void attach_bad_devices(struct kunit *test)
{
	struct hv_attach_req *r;

	r = hvt_req(test, 1);
	r->devs[0].type = 7;	/* not a type attach knows */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EOPNOTSUPP);
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_NET;	/* MAC left zero */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_NET;
	r->devs[0].mac[0] = 0x03;		/* multicast */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_NET;
	r->devs[0].mac[0] = 0x02;
	r->devs[0].fd = -1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EBADF);
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_CONSOLE;	/* with an fd */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].type = HVISOR_VIRTIO_CONSOLE;
	r->devs[0].flags = HVISOR_VIRTIO_F_READONLY;	/* blk only */
	r->devs[0].fd = -1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].len = 0x100;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].addr = U64_MAX - 0xff;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].addr += 2;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].flags = 2;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].__pad2 = 1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_req(test, 1);
	r->devs[0].fd = -1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EBADF);
	/* two windows of one request overlapping by one byte */
	r = hvt_req(test, 2);
	r->devs[1].addr = r->devs[0].addr + 0x1ff;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	hvt_expect_clean(test);
}

static void attach_bad_fd_unwinds(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 3);

	r->devs[2].fd = hvt.bad_fd;	/* not open */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EBADF);
	hvt_expect_clean(test);
}

static void attach_conflict_unwinds(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 1);

	/* an existing device where the second one of the next request goes */
	r->devs[0].addr = 0xa003200;
	r->devs[0].fd = hvt.fds[3];
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);

	r = hvt_req(test, 3);
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EEXIST);
	/* only the first attachment is left */
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 1U);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&hv_devices), 1U);
	KUNIT_EXPECT_EQ(test, hvt.mapped, 1);
	KUNIT_EXPECT_EQ(test, hvt.zone_refs, 1);
	KUNIT_EXPECT_EQ(test, file_count(hvt.files[0]), 1L);
	KUNIT_EXPECT_EQ(test, file_count(hvt.files[1]), 1L);
	KUNIT_EXPECT_EQ(test, file_count(hvt.files[2]), 1L);
	hvisor_virtio_detach_all();
	hvt_expect_clean(test);
}

/*
 * A type's create that refuses (a net whose file is no tap, no console
 * minor left) unwinds the devices created before it, whatever their type.
 */
static void attach_backend_failure_unwinds(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 3);
	struct hv_virtio_dev *net;

	hvt.fail[HVT_CON] = -ENOSPC;
	r->devs[1].type = HVISOR_VIRTIO_CONSOLE;
	r->devs[1].fd = -1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ENOSPC);
	hvt_expect_clean(test);
	hvt.fail[HVT_NET] = -EBADFD;
	r = hvt_req(test, 2);
	r->devs[1].type = HVISOR_VIRTIO_NET;
	r->devs[1].mac[0] = 0x02;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EBADFD);
	hvt_expect_clean(test);
	KUNIT_EXPECT_EQ(test, file_count(hvt.files[1]), 1L);
	KUNIT_EXPECT_EQ(test, hvt.refused, 2);

	/* a net created (its file taken), then the console refuses */
	hvt.fail[HVT_NET] = 0;
	r = hvt_req_mixed(test);
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ENOSPC);
	KUNIT_EXPECT_EQ(test, hvt.creates, 1);
	hvt_expect_clean(test);

	/* and all three when nothing refuses: net's files in statistics/ */
	hvt.fail[HVT_CON] = 0;
	r = hvt_req_mixed(test);
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	KUNIT_EXPECT_EQ(test, hvt.creates, 3);
	KUNIT_EXPECT_EQ(test, file_count(hvt.files[1]), 2L);
	net = list_next_entry(hvt_first(), attached.node);
	KUNIT_EXPECT_STREQ(test, net->attached.group.name, "statistics");
	hvt_show(test, net, "backend", "hvt-file\n");
	KUNIT_EXPECT_NULL(test, hvt_last()->attached.group.name);
	hvt_show(test, hvt_last(), "backend", "hvt\n");
	hvt_show(test, hvt_last(), "hits", "7\n");
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 3U);
	KUNIT_EXPECT_EQ(test, hv_detach(1, 0), 3U);
	hvt_expect_clean(test);
}

static void attach_zone_failure_unwinds(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 2);

	hvt.zone_fail = true;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ENOMEM);
	hvt_expect_clean(test);
}

/* Irq numbers outside what hvisor injects on the arch: -ERANGE. */
static void attach_irq_range(struct kunit *test)
{
	static const struct {
		u32 arch, min, max;
	} ranges[] = {
		{ HVISOR_ARCH_ARM64, 32, 1019 },
		{ HVISOR_ARCH_RISCV64, 1, 1023 },
		{ HVISOR_ARCH_LOONGARCH64, 1, 12 },
		{ HVISOR_ARCH_X86_64, 1, 23 },
	};
	struct hv_attach_req *r;
	int i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		hvt.arch = ranges[i].arch;
		r = hvt_req(test, 1);
		r->devs[0].irq = ranges[i].min - 1;
		KUNIT_EXPECT_EQ_MSG(test, hv_attach(r), (long)-ERANGE,
				    "arch %u irq %u", hvt.arch, r->devs[0].irq);
		r = hvt_req(test, 1);
		r->devs[0].irq = ranges[i].max + 1;
		KUNIT_EXPECT_EQ_MSG(test, hv_attach(r), (long)-ERANGE,
				    "arch %u irq %u", hvt.arch, ranges[i].max + 1);
		r = hvt_req(test, 1);
		r->devs[0].irq = U32_MAX;
		KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ERANGE);
		hvt_expect_clean(test);

		r = hvt_req(test, 2);
		r->devs[0].irq = ranges[i].min;
		r->devs[1].irq = ranges[i].max;
		KUNIT_EXPECT_EQ_MSG(test, hv_attach(r), 0L, "arch %u", hvt.arch);
		hv_detach(1, 0);
		hvt_expect_clean(test);
	}
	hvt.arch = HVISOR_ARCH_NONE;	/* unknown: nothing is injectable */
	r = hvt_req(test, 1);
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ERANGE);
	hvt_expect_clean(test);
}

/* A request for @nr blk devices with @irqs, sharing the test's files. */
static struct hv_attach_req *hvt_req_irqs(struct kunit *test, u64 base,
					  const u32 *irqs, u32 nr)
{
	struct hv_attach_req *r = hvt_req(test, nr);
	u32 i;

	for (i = 0; i < nr; i++) {
		r->devs[i].irq = irqs[i];
		r->devs[i].addr = base + i * 0x200;
		r->devs[i].fd = hvt.fds[i % HVT_NR_FILES];
	}
	return r;
}

/* At most 7 distinct irqs per zone, counted across attaches. */
static void attach_irq_budget(struct kunit *test)
{
	static const u32 first[] = { 40, 41, 42, 43 };
	static const u32 more[] = { 44, 45, 46, 40, 41 };	/* 7 in all */
	static const u32 eighth[] = { 40, 47 };
	static const u32 one_call[] = { 50, 51, 52, 53, 54, 55, 56, 57 };
	static const u32 shared[] = { 50, 51, 52, 53, 54, 55, 56, 50, 51 };
	struct hv_attach_req *r;

	/* eight distinct in one request: refused before anything is taken */
	r = hvt_req_irqs(test, 0xa000000, one_call, ARRAY_SIZE(one_call));
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ENOSPC);
	hvt_expect_clean(test);
	/* nine devices, seven distinct irqs: fine */
	r = hvt_req_irqs(test, 0xa000000, shared, ARRAY_SIZE(shared));
	KUNIT_EXPECT_EQ(test, hv_attach(r), 0L);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&hv_devices), 9U);
	hv_detach(1, 0);
	hvt_expect_clean(test);

	/* across attaches: 4 + 3 new = 7, then an 8th is refused */
	r = hvt_req_irqs(test, 0xa000000, first, ARRAY_SIZE(first));
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	r = hvt_req_irqs(test, 0xa001000, more, ARRAY_SIZE(more));
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&hv_devices), 9U);
	r = hvt_req_irqs(test, 0xa002000, eighth, ARRAY_SIZE(eighth));
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ENOSPC);
	/* nothing of the refused request is left */
	KUNIT_EXPECT_EQ(test, list_count_nodes(&hv_devices), 9U);
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 9U);
	KUNIT_EXPECT_EQ(test, hvt.mapped, 2);
	KUNIT_EXPECT_EQ(test, hvt.zone_refs, 9);
	/* an existing irq is no new one */
	r = hvt_req_irqs(test, 0xa002000, eighth, 1);
	KUNIT_EXPECT_EQ(test, hv_attach(r), 0L);
	/* other zones count on their own */
	r = hvt_req_irqs(test, 0xa003000, one_call, 7);
	r->hdr.zone_id = 2;
	KUNIT_EXPECT_EQ(test, hv_attach(r), 0L);
	hv_detach(2, 0);
	/* detaching the only device with irq 46 frees its slot */
	KUNIT_EXPECT_EQ(test, hv_detach(1, 0xa001000 + 2 * 0x200), 1U);
	r = hvt_req_irqs(test, 0xa002200, &eighth[1], 1);
	KUNIT_EXPECT_EQ(test, hv_attach(r), 0L);
	hvisor_virtio_detach_all();
	hvt_expect_clean(test);
}

/*
 * The irqs upstream's daemon injects for devices not declared count with
 * the attached ones: together at most 7, whoever comes first.
 */
static void attach_irq_budget_daemon(struct kunit *test)
{
	static const u32 five[] = { 40, 41, 42, 43, 44 };
	static const u32 two[] = { 45, 46 };
	struct hv_attach_req *r;

	r = hvt_req_irqs(test, 0xa000000, five, ARRAY_SIZE(five));
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	/* an attached device's irq: no question asked */
	KUNIT_EXPECT_TRUE(test, hvisor_virtio_daemon_irq_ok(1, 42));
	KUNIT_EXPECT_EQ(test, hvt.extra_asked, 0U);
	/* another: the daemon's count decides, told the attached five */
	KUNIT_EXPECT_TRUE(test, hvisor_virtio_daemon_irq_ok(1, 60));
	KUNIT_EXPECT_EQ(test, hvt.extra_asked, 1U);
	KUNIT_EXPECT_EQ(test, hvt.nr_extra, 1U);
	/* 5 attached + irq 60 + two more would be 8: refused */
	r = hvt_req_irqs(test, 0xa001000, two, ARRAY_SIZE(two));
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-ENOSPC);
	/* one more fits: 7 */
	r = hvt_req_irqs(test, 0xa001000, two, 1);
	KUNIT_EXPECT_EQ(test, hv_attach(r), 0L);
	KUNIT_EXPECT_FALSE(test, hvisor_virtio_daemon_irq_ok(1, 61));
	hvisor_virtio_detach_all();
	hvt.nr_extra = 0;
	hvt.extra_asked = 0;
	hvt_expect_clean(test);
}

/* ---- the device-type table and the sysfs files it generates ---- */

/*
 * Every type of the list (the suite's: blk and the daemon's are the real
 * ones) is complete, found by its id, and nothing else is.
 */
static void attach_vtype_table(struct kunit *test)
{
	const struct hv_vtype *any = NULL;
	unsigned int i;

	for (i = 0; i < hv_nr_vtypes; i++) {
		const struct hv_vtype *t = hv_vtypes[i];

		if (t->id)
			KUNIT_EXPECT_PTR_EQ(test, hv_vtype_find(t->id), t);
		else
			any = t;
		KUNIT_EXPECT_TRUE(test, t->name || t->name_of);
		KUNIT_EXPECT_NOT_NULL(test, t->create);
		KUNIT_EXPECT_TRUE(test, t->backend || t->backend_now);
		KUNIT_EXPECT_NOT_NULL(test, t->attrs);
	}
	/* every other id up to HVISOR_VIRTIO_MAX_TYPE: a daemon's */
	KUNIT_ASSERT_NOT_NULL(test, any);
	KUNIT_EXPECT_EQ(test, any->needs, HVISOR_VIRTIO_F_DAEMON);
	KUNIT_EXPECT_PTR_EQ(test, hv_vtype_find(HVISOR_VIRTIO_GPU), any);
	KUNIT_EXPECT_PTR_EQ(test, hv_vtype_find(HVISOR_VIRTIO_MAX_TYPE), any);
	KUNIT_EXPECT_NULL(test, hv_vtype_find(0));
	KUNIT_EXPECT_NULL(test, hv_vtype_find(HVISOR_VIRTIO_MAX_TYPE + 1));
	KUNIT_EXPECT_NULL(test, hv_vtype_find(U32_MAX));
}

/* One gpu and one scmi served by a daemon, beside a blk at 0xa003000. */
static struct hv_attach_req *hvt_daemon_req(struct kunit *test)
{
	struct hv_attach_req *r = hvt_req(test, 3);
	u32 i;

	r->devs[1].type = HVISOR_VIRTIO_GPU;
	r->devs[2].type = HVISOR_VIRTIO_SCMI;
	for (i = 1; i < 3; i++) {
		r->devs[i].fd = -1;
		r->devs[i].flags = HVISOR_VIRTIO_F_DAEMON;
		memset(r->devs[i].serial, 0, sizeof(r->devs[i].serial));
	}
	return r;
}

/*
 * Devices served by a daemon: the flag is required for them and refused
 * for the types served here; they are registered, take whole accesses
 * (forwarded, or counted unserved without a daemon; not once the zone
 * stopped), and name their type in sysfs and LIST.
 */
static void attach_daemon(struct kunit *test)
{
	struct hv_device_req req = { .src_zone = 1, .address = 0xa003200,
				     .size = 4 };
	struct hv_virtio_dev *gpu, *last;
	struct hv_attach_req *r;

	r = hvt_daemon_req(test);
	r->devs[1].flags = 0;			/* a gpu without the flag */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EOPNOTSUPP);
	r = hvt_daemon_req(test);
	r->devs[0].flags = HVISOR_VIRTIO_F_DAEMON;	/* blk is ours */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_daemon_req(test);
	r->devs[2].fd = hvt.fds[0];		/* no file for a daemon's */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	r = hvt_daemon_req(test);
	r->devs[2].type = HVISOR_VIRTIO_MAX_TYPE + 1;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EOPNOTSUPP);
	r = hvt_daemon_req(test);
	r->devs[2].addr = r->devs[1].addr + 0x100;	/* overlaps the gpu */
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EINVAL);
	hvt_expect_clean(test);

	r = hvt_daemon_req(test);
	r->devs[2].type = 17;			/* no name: "virtio17" */
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 3U);
	gpu = list_next_entry(hvt_first(), attached.node);
	KUNIT_EXPECT_STREQ(test, kobject_name(&gpu->attached.kobj),
			   "gpu@a003200");
	last = hvt_last();
	KUNIT_EXPECT_STREQ(test, kobject_name(&last->attached.kobj),
			   "virtio17@a003400");
	/* the daemon may map each region, once per device of its own */
	KUNIT_EXPECT_EQ(test, hvt.declared, 2 * (int)r->hdr.nr_regions);
	hvt_show(test, gpu, "type", "gpu\n");
	hvt_show(test, gpu, "backend", "daemon (none attached)\n");
	/* no register file to show; a blk has one */
	KUNIT_EXPECT_FALSE(test, hvt_visible(test, gpu, "status"));
	KUNIT_EXPECT_FALSE(test, hvt_visible(test, gpu, "queue_sizes"));
	KUNIT_EXPECT_TRUE(test, hvt_visible(test, hvt_first(), "status"));

	/* a device of the same zone over its window: refused */
	r = hvt_req(test, 1);
	r->devs[0].addr = 0xa003200;
	r->devs[0].irq = 41;
	KUNIT_EXPECT_EQ(test, hv_attach(r), (long)-EEXIST);

	/* no daemon: unserved; a daemon: forwarded */
	KUNIT_EXPECT_TRUE(test, gpu->vdev.mmio->take(&gpu->vdev, &req) ==
			  false);
	hvt.daemon = true;
	KUNIT_EXPECT_TRUE(test, gpu->vdev.mmio->take(&gpu->vdev, &req));
	KUNIT_EXPECT_EQ(test, hvt.forwarded, 2);
	hvt_show(test, gpu, "backend", "daemon\n");
	KUNIT_EXPECT_STREQ(test, gpu->attached.files[0].ka.attr.name,
			   "forwarded");
	hvt_show(test, gpu, "forwarded", "1\n");
	KUNIT_EXPECT_STREQ(test, gpu->attached.files[1].ka.attr.name,
			   "unserved");
	hvt_show(test, gpu, "unserved", "1\n");
	hvisor_virtio_zone_stopped(1);
	hvt_show(test, gpu, "state", "zone-stopped\n");
	KUNIT_EXPECT_TRUE(test, hvisor_vdev_stopped(&gpu->vdev));
	hvisor_virtio_zone_started(1);
	hvt_show(test, gpu, "state", "serving\n");
	KUNIT_EXPECT_FALSE(test, hvisor_vdev_stopped(&gpu->vdev));

	KUNIT_EXPECT_EQ(test, hv_detach(1, 0xa003200), 1U);
	KUNIT_EXPECT_EQ(test, hv_detach(1, 0), 2U);
	hvt_expect_clean(test);
}

/* A blk's files are generated from its type's table: counters and shows. */
static void attach_vtype_attrs(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct hv_attach_req *r;
	const struct hv_vattr *attrs = hv_blk_vtype.attrs;
	struct hv_virtio_attached *at;
	struct hv_vattr_file *va;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	r = hvt_req(test, 1);
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	at = &hvt_first()->attached;
	KUNIT_EXPECT_STREQ(test, at->type->name, "blk");
	KUNIT_EXPECT_NULL(test, at->group.name);	/* no subdirectory */
	for (i = 0; attrs[i].name; i++) {
		va = &at->files[i];
		KUNIT_EXPECT_PTR_EQ(test, at->attr_list[i], &va->ka.attr);
		KUNIT_EXPECT_STREQ(test, va->ka.attr.name, attrs[i].name);
		KUNIT_EXPECT_EQ(test, va->ka.attr.mode, (umode_t)0444);
		KUNIT_EXPECT_GT(test, va->ka.show(&at->kobj, &va->ka, buf), 0L);
		if (!strcmp(va->ka.attr.name, "requests"))
			KUNIT_EXPECT_STREQ(test, buf, "0\n");
		if (!strcmp(va->ka.attr.name, "queue_requests"))
			KUNIT_EXPECT_STREQ(test, buf, "0\n");
	}
	KUNIT_EXPECT_EQ(test, i, 6U);
	KUNIT_EXPECT_NULL(test, at->attr_list[i]);
	hv_detach(1, 0);
	hvt_expect_clean(test);
}

/* A zone's RAM region for hvisor_virtio_zone_check(). */
static void hvt_head_region(struct hvisor_zone_head *head, u32 i, u32 type,
			    u64 host, u64 guest, u64 size)
{
	head->memory_regions[i].type = type;
	head->memory_regions[i].physical_start = host;
	head->memory_regions[i].virtual_start = guest;
	head->memory_regions[i].size = size;
	head->num_memory_regions = max(head->num_memory_regions, i + 1);
}

static void hvt_expect_state(struct kunit *test, struct hv_virtio_dev *dev,
			     const char *want)
{
	hvt_show(test, dev, "state", want);
}

/*
 * A zone stops: its devices (not another zone's) are quiesced and kept;
 * a start of that zone re-validates them, of another zone refuses their
 * memory; started again, they serve.
 */
static void attach_zone_life(struct kunit *test)
{
	struct hvisor_zone_head *head;
	struct hv_attach_req *r;
	struct hv_virtio_dev *first, *last;

	head = kunit_kzalloc(test, sizeof(*head), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, head);
	r = hvt_req(test, 2);	/* HVT_HOST+64M at 0x40000000 */
	KUNIT_ASSERT_EQ(test, hv_attach(r), 0L);
	first = hvt_first();
	last = hvt_last();

	hvisor_virtio_zone_stopped(2);
	hvt_expect_state(test, first, "serving\n");
	hvisor_virtio_zone_stopped(1);
	hvt_expect_state(test, first, "zone-stopped\n");
	hvt_expect_state(test, last, "zone-stopped\n");
	KUNIT_EXPECT_TRUE(test, hvisor_vdev_stopped(&first->vdev));
	KUNIT_EXPECT_EQ(test, hvt_registered(test, 1), 2U);
	KUNIT_EXPECT_EQ(test, hvt.mapped, 1);

	/* the same zone, the same RAM: fits */
	head->zone_id = 1;
	hvt_head_region(head, 0, HVISOR_MEM_TYPE_RAM, HVT_HOST, 0x40000000,
			SZ_64M);
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), 0);
	/* less RAM, or seen elsewhere by the guest: does not */
	head->memory_regions[0].size = SZ_32M;
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), -EADDRNOTAVAIL);
	head->memory_regions[0].size = SZ_64M;
	head->memory_regions[0].virtual_start = 0x50000000;
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), -EADDRNOTAVAIL);
	head->memory_regions[0].virtual_start = 0x40000000;
	/* virtio regions: every window in one of them */
	hvt_head_region(head, 1, HVISOR_MEM_TYPE_VIRTIO, 0, 0xa003000, 0x200);
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), -EADDRNOTAVAIL);
	hvt_head_region(head, 2, HVISOR_MEM_TYPE_VIRTIO, 0, 0xa003200, 0x200);
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), 0);

	/* another zone: its RAM or IO over the attached memory is refused */
	head->zone_id = 2;
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), -EADDRINUSE);
	hvt_head_region(head, 0, HVISOR_MEM_TYPE_RAM, HVT_HOST + SZ_256M,
			0x40000000, SZ_64M);
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), 0);
	hvt_head_region(head, 1, HVISOR_MEM_TYPE_IO, HVT_HOST + 0x3fff000,
			HVT_HOST + 0x3fff000, 0x1000);
	KUNIT_EXPECT_EQ(test, hvisor_virtio_zone_check(head), -EADDRINUSE);

	/* zone 1 starts again: served, from reset */
	hvisor_virtio_zone_started(2);
	hvt_expect_state(test, first, "zone-stopped\n");
	hvisor_virtio_zone_started(1);
	hvt_expect_state(test, first, "serving\n");
	hvt_expect_state(test, last, "serving\n");
	KUNIT_EXPECT_FALSE(test, hvisor_vdev_stopped(&first->vdev));
	KUNIT_EXPECT_EQ(test, hv_virtio_status(first), 0U);

	/* stopped again, then detached: no driver to wait for */
	hvisor_virtio_zone_stopped(1);
	KUNIT_EXPECT_EQ(test, hv_detach(1, 0), 2U);
	hvt_expect_clean(test);
}

static struct kunit_case hv_attach_cases[] = {
	KUNIT_CASE(attach_ok_and_detach),
	KUNIT_CASE(attach_zone_life),
	KUNIT_CASE(attach_bad_header),
	KUNIT_CASE(attach_bad_region),
	KUNIT_CASE(attach_bad_devices),
	KUNIT_CASE(attach_num_queues),
	KUNIT_CASE(attach_bad_fd_unwinds),
	KUNIT_CASE(attach_conflict_unwinds),
	KUNIT_CASE(attach_backend_failure_unwinds),
	KUNIT_CASE(attach_zone_failure_unwinds),
	KUNIT_CASE(attach_irq_range),
	KUNIT_CASE(attach_irq_budget),
	KUNIT_CASE(attach_vtype_table),
	KUNIT_CASE(attach_vtype_attrs),
	KUNIT_CASE(attach_daemon),
	KUNIT_CASE(attach_irq_budget_daemon),
	{}
};

static struct kunit_suite hv_attach_suite = {
	.name = "hvisor_virtio_attach",
	.init = hvt_attach_init,
	.exit = hvt_attach_exit,
	.test_cases = hv_attach_cases,
};

kunit_test_suite(hv_attach_suite);

MODULE_LICENSE("GPL");
