/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk backend over an in-kernel struct file (regular file or block
 * device) handed over by the tool as a file descriptor.
 */
#ifndef _HVISOR_VIRTIO_BLK_H
#define _HVISOR_VIRTIO_BLK_H

#include <linux/types.h>
#include <linux/virtio_blk.h>

#include "mmio.h"
#include "vtype.h"

/* Request queues one device may have (VIRTIO_BLK_F_MQ); as the UAPI's. */
#define HV_BLK_MAX_QUEUES	8

struct file;

struct hv_blk_params {
	struct file *file;	/* reference handed over on success */
	bool read_only;		/* offer VIRTIO_BLK_F_RO even if writable */
	char serial[VIRTIO_BLK_ID_BYTES];	/* GET_ID; not NUL-terminated */
	u16 num_queues;		/* 0 or 1: one queue; up to HV_BLK_MAX_QUEUES */
};

/*
 * Create a blk device (not yet registered): checks the file and the queue
 * count (-EINVAL above HV_BLK_MAX_QUEUES), computes the capacity, builds
 * the config space and starts one worker per queue.  Returns the device or
 * an ERR_PTR; on failure the caller keeps its file reference.
 */
struct hv_virtio_dev *hv_blk_create(const struct hv_virtio_dev_info *info,
				    const struct hv_blk_params *params);

/*
 * Tear down a device that is no longer registered: waits for in-flight
 * I/O, stops the workers and drops the file.
 */
void hv_blk_destroy(struct hv_virtio_dev *dev);

/* The blk values in the device's sysfs directory (see vtype.h). */
extern const struct hv_vattr hv_blk_attrs[];

#endif /* _HVISOR_VIRTIO_BLK_H */
