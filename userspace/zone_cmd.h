/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "hvisor zone ..." commands.  Each returns the process exit status:
 * 0 success, 1 failure (bad config, I/O error, refused by the kernel).
 */
#ifndef HVISOR_TOOL_ZONE_CMD_H
#define HVISOR_TOOL_ZONE_CMD_H

#include <stdbool.h>
#include "common/hv_common.h"

/*
 * @magic: the zone config magic to check, or 0 for the lowest that carries
 * the file.  @vfile: a virtio config to cross-check against the zone, or
 * NULL.
 */
int zone_check_cmd(const char *file, u32 arch, u64 magic, const char *vfile);
/* The bytes ZONE_START would pass for @magic, to @out ("-": stdout). */
int zone_pack_cmd(const char *file, u32 arch, u64 magic, const char *out);
int zone_start_cmd(const char *file);
int zone_shutdown_cmd(u32 zone_id);
int zone_list_cmd(bool json);

#endif /* HVISOR_TOOL_ZONE_CMD_H */
