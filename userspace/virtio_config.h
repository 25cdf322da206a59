/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A virtio config JSON file (upstream hvisor-tool's virtio_cfg.json schema,
 * plus "readonly", "serial", "queues" and a string "mac") parsed and
 * validated.  Devices of the types upstream's daemon serves and hvisor.ko
 * does not (gpu, scmi) are parsed too: attach hands their windows to
 * hvisor.ko as served by a daemon (HVISOR_VIRTIO_F_DAEMON) and can write
 * them into a config of their own for upstream's daemon.
 */
#ifndef HVISOR_TOOL_VIRTIO_CONFIG_H
#define HVISOR_TOOL_VIRTIO_CONFIG_H

#include <stdbool.h>

#include "include/uapi/hvisor.h"
#include "json.h"

#define VIRTIO_MIN_LEN		0x200	/* registers (0x100) + device config */
#define VIRTIO_MAX_LEN		0x1000	/* one page, the smallest page size */
#define VIRTIO_NET_HDR_SIZE	12	/* virtio_net_hdr_mrg_rxbuf */

enum vdev_state {
	VDEV_ENABLED,		/* served by hvisor.ko */
	VDEV_DISABLED,		/* "status": "disable": skipped */
	VDEV_DAEMON,		/* gpu, scmi: enabled, left for a daemon */
};

struct vdev_cfg {
	char path[48];		/* "zones[0].devices[2]", for messages */
	const char *type_name;	/* as written */
	u32 type;		/* HVISOR_VIRTIO_*; 0 if disabled */
	enum vdev_state state;
	bool status_missing;
	u64 addr;
	u64 len;
	u32 irq;
	const char *img;	/* blk */
	bool readonly;		/* blk */
	char serial[20];	/* blk, NUL-padded */
	u16 queues;		/* blk, our "queues": 0 when not given */
	const char *tap;	/* net */
	u8 mac[6];		/* net */
	const cJSON *json;	/* the entry as written (VDEV_DAEMON) */
};

/* Enabled: served by hvisor.ko or left for a daemon. */
static inline bool vdev_enabled(const struct vdev_cfg *d)
{
	return d->state != VDEV_DISABLED;
}

struct vzone_cfg {
	char path[24];		/* "zones[0]" */
	u32 id;
	unsigned int nr_regions;
	struct hvisor_virtio_region regions[HVISOR_VIRTIO_MAX_REGIONS];
	const cJSON *json;	/* the zone's entry as written */
	unsigned int nr_devices;	/* entries of "devices", any state */
	struct vdev_cfg devices[HVISOR_VIRTIO_MAX_DEVICES];
};

struct virtio_json {
	struct jctx ctx;
	cJSON *root;
	unsigned int nr_zones;
	struct vzone_cfg zones[HVISOR_MAX_ZONES];
};

/*
 * Load, parse and validate @file: everything that can be checked without
 * opening a backing file.  Notes (disabled devices, a missing "status")
 * go to stderr; devices of a type hvisor.ko does not serve are marked
 * VDEV_DAEMON without a message.  Returns a new virtio_json
 * (virtio_json_free() it) or NULL after a message.
 */
struct virtio_json *virtio_json_parse(const char *file);
void virtio_json_free(struct virtio_json *v);

/* "blk", "net", "console", "gpu", "scmi"; "?" for another type */
const char *virtio_type_name(u32 type);
/* "02:00:00:00:00:01" into @buf (at least 18 bytes) */
const char *virtio_mac_str(char *buf, const u8 *mac);

/*
 * Check that an image exists and is a regular file (not empty) or a block
 * device.  Returns 0, -ENOENT when it does not exist (no message), or -1
 * after a message naming "<dev>.img".
 */
int vdev_stat_img(const struct virtio_json *v, const struct vdev_cfg *d);

/*
 * Add @irq to the @n distinct irqs of a zone in @irqs (room for
 * HV_VIRTIO_MAX_ZONE_IRQS): 0, or -1 if it would be one too many.
 */
int vzone_irqs_add(u32 *irqs, unsigned int *n, u32 irq);
/* "75, 76, 78" into @buf */
const char *vzone_irqs_str(char *buf, size_t size, const u32 *irqs,
			   unsigned int n);

/* Message with the JSON path "<d->path>.<key>" (or <d->path> if !@key). */
__printf(4, 5) void vdev_err(const struct virtio_json *v,
			     const struct vdev_cfg *d, const char *key,
			     const char *fmt, ...);
__printf(4, 5) void vdev_note(const struct virtio_json *v,
			      const struct vdev_cfg *d, const char *key,
			      const char *fmt, ...);

#endif /* HVISOR_TOOL_VIRTIO_CONFIG_H */
