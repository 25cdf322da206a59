/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HVISOR_TOOL_VERSION_CMD_H
#define HVISOR_TOOL_VERSION_CMD_H

int version_cmd(void);

#endif /* HVISOR_TOOL_VERSION_CMD_H */
