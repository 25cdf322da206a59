/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "hvisor virtio ..." commands.  Each returns the process exit status:
 * 0 success, 1 failure (bad config, I/O error, refused by the kernel).
 */
#ifndef HVISOR_TOOL_VIRTIO_CMD_H
#define HVISOR_TOOL_VIRTIO_CMD_H

#include <stdbool.h>
#include "common/hv_common.h"

/* What "virtio attach" and "virtio check" are asked to do with a file. */
struct virtio_opts {
	int zone_id;		/* only that zone of the file, or -1 for all */
	/* devices for a daemon (gpu, scmi) are skipped, not attached */
	bool skip_unsupported;
	/* attach: write them into this virtio config for upstream's daemon */
	const char *daemon_config;
};

int virtio_check_cmd(const char *file, const struct virtio_opts *o);
int virtio_attach_cmd(const char *file, const struct virtio_opts *o);
/* @addr: one device, or 0 for every device of the zone */
int virtio_detach_cmd(u32 zone_id, u64 addr);
int virtio_list_cmd(bool json);

#endif /* HVISOR_TOOL_VIRTIO_CMD_H */
