/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device type gives the attach code (attach.c's table of types):
 * how its attach entry is checked, how it is created, what it is served
 * from, and its sysfs values.  Its register-level behaviour (queues,
 * features, reset, kill, destroy) is its struct hv_virtio_ops.
 */
#ifndef _HVISOR_VIRTIO_VTYPE_H
#define _HVISOR_VIRTIO_VTYPE_H

#include <linux/stddef.h>
#include <linux/types.h>

struct hv_virtio_dev;

/*
 * One read-only value in the device's sysfs directory, "<value>\n": from
 * show, or, without show, the atomic64_t at dev->priv + counter.  A table
 * of them ends with an entry whose name is NULL.
 */
struct hv_vattr {
	const char *name;
	ssize_t (*show)(struct hv_virtio_dev *dev, char *buf);
	size_t counter;
};

#define HV_VATTR_COUNTER(_name, _type, _field)				\
	{ .name = (_name), .counter = offsetof(_type, _field) }
#define HV_VATTR_SHOW(_name, _show)	{ .name = (_name), .show = (_show) }

#endif /* _HVISOR_VIRTIO_VTYPE_H */
