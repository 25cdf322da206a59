/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device type gives the attach code: how its attach entry is
 * checked, how it is created, what it is served from, and its sysfs
 * values.  Each type defines its struct hv_vtype in its own file; the list
 * of them is vtypes.c.  Its register-level behaviour (queues, features,
 * reset, kill, destroy) is its struct hv_virtio_ops.
 */
#ifndef _HVISOR_VIRTIO_VTYPE_H
#define _HVISOR_VIRTIO_VTYPE_H

#include <linux/stddef.h>
#include <linux/types.h>

struct file;
struct hv_virtio_dev;
struct hv_virtio_dev_info;
struct hvisor_virtio_attach;
struct hvisor_virtio_device;

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

/* The longest name of a type, for one id, with its NUL ("virtio17"). */
#define HV_VTYPE_NAME_MAX	16

/* A device type, as attach sees it. */
struct hv_vtype {
	/*
	 * HVISOR_VIRTIO_*; 0: any id from 1 to HVISOR_VIRTIO_MAX_TYPE that
	 * no other type has (the devices served by a daemon).
	 */
	u32 id;
	const char *name;		/* <name>@<addr> in sysfs, messages */
	/* Optional, instead of name: the name of id (id 0), NULL if none. */
	const char *(*name_of)(u32 id);
	u32 flags;			/* HVISOR_VIRTIO_F_* it accepts */
	u32 needs;			/* of which it requires */
	u16 max_queues;			/* num_queues at most (0: default) */
	bool takes_file;		/* fd >= 0 required; else fd == -1 */
	/* Optional: checks of its own fields; 0 or -errno + one dmesg line. */
	int (*check)(const struct hvisor_virtio_device *d, u32 i);
	/* Optional: checks of its file; 0 or -errno + one dmesg line. */
	int (*check_file)(const struct hvisor_virtio_attach *hdr,
			  u32 i, struct file *file);
	/* Create, not registered; takes @file's reference on success. */
	struct hv_virtio_dev *(*create)(const struct hv_virtio_dev_info *info,
					const struct hvisor_virtio_device *d,
					struct file *file);
	/* What it is served from, for sysfs `backend` and LIST ... */
	void (*backend)(struct hv_virtio_dev *dev, struct file *file,
			char *buf, size_t size);
	/* ... or instead, asked each time: what serves it now. */
	void (*backend_now)(struct hv_virtio_dev *dev, char *buf, size_t size);
	/* Optional: its zone-0 tty, for LIST. */
	void (*tty)(struct hv_virtio_dev *dev, char *buf, size_t size);
	const struct hv_vattr *attrs;	/* its sysfs values */
	const char *attrs_dir;		/* their subdirectory; NULL: none */
};

/*
 * The types attach knows (vtypes.c; a KUnit suite brings its own): at most
 * one entry of id 0, no id twice.
 */
extern const struct hv_vtype *const hv_vtypes[];
extern const unsigned int hv_nr_vtypes;

#endif /* _HVISOR_VIRTIO_VTYPE_H */
