// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of emulated MMIO devices, keyed by (zone, guest physical
 * window).  The bridge consumer dispatches every trapped access through
 * hvisor_vdev_dispatch().  One mutex covers the list and every dispatch, so
 * that hvisor_vdev_unregister() returning means no access to that device runs;
 * device callbacks therefore must not (un)register devices.
 */
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/overflow.h>

#include "../include/hvisor/hypervisor.h"
#include "vdev.h"

static LIST_HEAD(hv_vdevs);
static DEFINE_MUTEX(hv_vdev_lock);

/* Last byte of a window; false if it is empty or wraps around. */
static bool hv_vdev_last(u64 base, u64 len, u64 *last)
{
	return len && !check_add_overflow(base, len - 1, last);
}

int hvisor_vdev_register(struct hv_vdev *vdev)
{
	struct hv_vdev *other;
	u64 last, olast;
	int ret = 0;

	if (!vdev->mmio || !vdev->mmio->read || !vdev->mmio->write ||
	    !hv_vdev_last(vdev->base, vdev->len, &last))
		return -EINVAL;

	mutex_lock(&hv_vdev_lock);
	list_for_each_entry(other, &hv_vdevs, node) {
		if (other->zone_id != vdev->zone_id)
			continue;
		olast = other->base + other->len - 1;	/* checked when added */
		if (vdev->base <= olast && other->base <= last) {
			ret = -EEXIST;
			goto out_unlock;
		}
	}
	list_add_tail(&vdev->node, &hv_vdevs);
out_unlock:
	mutex_unlock(&hv_vdev_lock);
	return ret;
}

void hvisor_vdev_unregister(struct hv_vdev *vdev)
{
	mutex_lock(&hv_vdev_lock);
	list_del_init(&vdev->node);
	mutex_unlock(&hv_vdev_lock);
}

static struct hv_vdev *hv_vdev_find_locked(u32 zone, u64 addr, u64 size)
{
	struct hv_vdev *vdev;

	list_for_each_entry(vdev, &hv_vdevs, node) {
		if (vdev->zone_id != zone || addr < vdev->base)
			continue;
		/* [addr, addr + size) inside [base, base + len), no overflow */
		if (size <= vdev->len && addr - vdev->base <= vdev->len - size)
			return vdev;
	}
	return NULL;
}

u64 hvisor_vdev_dispatch(const struct hv_device_req *req)
{
	struct hv_vdev *vdev;
	u64 mask, value = 0;
	u32 size;

	switch (req->size) {
	case 1:
	case 2:
	case 4:
	case 8:
		size = req->size;
		break;
	default:
		return 0;
	}
	mask = size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;

	mutex_lock(&hv_vdev_lock);
	vdev = hv_vdev_find_locked(req->src_zone, req->address, size);
	if (vdev) {
		if (req->is_write)
			vdev->mmio->write(vdev, req->address - vdev->base,
					  req->value & mask, size);
		else
			value = vdev->mmio->read(vdev, req->address - vdev->base,
						 size) & mask;
	}
	mutex_unlock(&hv_vdev_lock);
	return value;
}
