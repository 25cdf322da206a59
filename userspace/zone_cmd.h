/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "hvisor zone ..." commands.  Each returns the process exit status:
 * 0 success, 1 failure (bad config, I/O error, refused by the kernel).
 */
#ifndef HVISOR_TOOL_ZONE_CMD_H
#define HVISOR_TOOL_ZONE_CMD_H

#include <stdbool.h>
#include "common/hv_common.h"

int zone_check_cmd(const char *file, u32 arch);
int zone_dump_cmd(const char *file, u32 arch);
int zone_start_cmd(const char *file);
int zone_shutdown_cmd(u32 zone_id);
int zone_list_cmd(bool json);

#endif /* HVISOR_TOOL_ZONE_CMD_H */
