/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "hvisor virtio ..." commands.  Each returns the process exit status:
 * 0 success, 1 failure (bad config, I/O error, refused by the kernel).
 */
#ifndef HVISOR_TOOL_VIRTIO_CMD_H
#define HVISOR_TOOL_VIRTIO_CMD_H

#include <stdbool.h>
#include "common/hv_common.h"

int virtio_check_cmd(const char *file, int zone_id, bool skip_unsupported);
/* @zone_id: only that zone of the file, or -1 for all */
int virtio_attach_cmd(const char *file, int zone_id, bool skip_unsupported);
/* @addr: one device, or 0 for every device of the zone */
int virtio_detach_cmd(u32 zone_id, u64 addr);
int virtio_list_cmd(bool json);

#endif /* HVISOR_TOOL_VIRTIO_CMD_H */
