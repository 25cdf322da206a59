// SPDX-License-Identifier: GPL-2.0
/*
 * Devices served by a daemon: the window in the registry, each access
 * forwarded to upstream's daemon (see forward.h).
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../include/uapi/hvisor.h"
#include "../updaemon.h"
#include "device.h"
#include "forward.h"
#include "vlog.h"

struct hv_fwd {
	struct hv_virtio_dev dev;
	/* the zone's memory, declared for the daemon's mmap while we live */
	u32 zone_id;
	const struct hv_guest_mem *mem;
	atomic64_t forwarded;		/* accesses the daemon took */
	atomic64_t unserved;		/* answered as absent: no daemon */
};

/* The virtio device ids (virtio spec 5) a zone may ask a daemon for. */
static const char *const hv_fwd_names[] = {
	[4] = "rng", [5] = "balloon", [8] = "scsi", [9] = "9p",
	[16] = "gpu", [18] = "input", [19] = "vsock", [20] = "crypto",
	[23] = "iommu", [24] = "mem", [25] = "sound", [26] = "fs",
	[27] = "pmem", [32] = "scmi", [34] = "i2c", [41] = "gpio",
};

/* "gpu", "scmi", ... for virtio device id @type; NULL if not known. */
static const char *hv_fwd_type_name(u32 type)
{
	return type < ARRAY_SIZE(hv_fwd_names) ? hv_fwd_names[type] : NULL;
}

/* Atomic context (the bridge's fast path); never for a stopped zone. */
static bool hv_fwd_take(struct hv_vdev *vdev, const struct hv_device_req *req)
{
	struct hv_fwd *fwd = to_hv_virtio_dev(vdev)->priv;

	if (hvisor_updaemon_forward(req, vdev->base)) {
		atomic64_inc(&fwd->forwarded);
		return true;
	}
	atomic64_inc(&fwd->unserved);
	return false;
}

static const struct hv_vdev_mmio_ops hv_fwd_mmio_ops = {
	.take = hv_fwd_take,
};

static void hv_fwd_undeclare(struct hv_fwd *fwd, u32 n)
{
	while (n--)
		hvisor_updaemon_mem_del(fwd->zone_id, fwd->mem->r[n].zone0_ipa,
					fwd->mem->r[n].size);
}

/*
 * The daemon maps the zone's memory (upstream's order: before the zone
 * starts, when the module does not know the zone's RAM yet): it may map
 * what this device's attach gave, already checked by phys_range.c.
 */
static int hv_fwd_declare(struct hv_fwd *fwd)
{
	u32 i;
	int err;

	for (i = 0; i < fwd->mem->nr; i++) {
		err = hvisor_updaemon_mem_add(fwd->zone_id,
					      fwd->mem->r[i].zone0_ipa,
					      fwd->mem->r[i].size);
		if (err) {
			hv_zone_warn(fwd->zone_id,
				     "daemon device: more than 64 memory regions declared for the daemon\n");
			hv_fwd_undeclare(fwd, i);
			return err;
		}
	}
	return 0;
}

static void hv_fwd_destroy(struct hv_virtio_dev *dev)
{
	struct hv_fwd *fwd = dev->priv;

	hv_fwd_undeclare(fwd, fwd->mem->nr);
	kfree(fwd);
}

static const struct hv_virtio_ops hv_fwd_ops = {
	.name = "daemon",
	.destroy = hv_fwd_destroy,
};

/* Create the device (not registered): the device or an ERR_PTR. */
static struct hv_virtio_dev *
hv_fwd_create(const struct hv_virtio_dev_info *info,
	      const struct hvisor_virtio_device *d, struct file *file)
{
	struct hv_fwd *fwd;
	int err;

	fwd = kzalloc(sizeof(*fwd), GFP_KERNEL);
	if (!fwd)
		return ERR_PTR(-ENOMEM);
	fwd->zone_id = info->zone_id;
	fwd->mem = info->mem;
	err = hv_virtio_remote_init(&fwd->dev, &hv_fwd_ops, &hv_fwd_mmio_ops);
	if (!err)
		err = hv_fwd_declare(fwd);	/* nothing else to undo */
	if (err) {
		kfree(fwd);
		return ERR_PTR(err);
	}
	hv_virtio_dev_bind(&fwd->dev, info, fwd);
	atomic64_set(&fwd->forwarded, 0);
	atomic64_set(&fwd->unserved, 0);
	return &fwd->dev;
}

/* What serves it now: "daemon", or "daemon (none attached)". */
static void hv_fwd_backend(struct hv_virtio_dev *dev, char *buf, size_t size)
{
	strscpy(buf, hvisor_updaemon_present() ? "daemon" :
		"daemon (none attached)", size);
}

/*
 * forwarded (accesses the daemon took), unserved (answered as absent: no
 * daemon attached).
 */
static const struct hv_vattr hv_fwd_attrs[] = {
	HV_VATTR_COUNTER("forwarded", struct hv_fwd, forwarded),
	HV_VATTR_COUNTER("unserved", struct hv_fwd, unserved),
	{}
};

const struct hv_vtype hv_fwd_vtype = {
	.id = 0, .name_of = hv_fwd_type_name,
	.flags = HVISOR_VIRTIO_F_DAEMON, .needs = HVISOR_VIRTIO_F_DAEMON,
	.max_queues = 1, .create = hv_fwd_create,
	.backend_now = hv_fwd_backend, .attrs = hv_fwd_attrs,
};
