/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/hvisor: opening it and asking what is behind it.
 */
#ifndef HVISOR_TOOL_HVDEV_H
#define HVISOR_TOOL_HVDEV_H

#include <stddef.h>

#include "include/uapi/hvisor.h"

#define HVDEV_DEFAULT_PATH	"/dev/hvisor"

/* The device node: $HVISOR_DEVICE if set (for tests), else /dev/hvisor. */
const char *hvdev_path(void);

/*
 * Open the device and fill @info with HVISOR_GET_INFO.  Returns the file
 * descriptor, or -1 after a message that says what to do (load the module,
 * run on hvisor, run as root).
 */
int hvdev_open(struct hvisor_info *info);

/*
 * The loaded module's MODULE_VERSION (sysfs, or $HVISOR_SYSFS for tests)
 * into @buf, the file read into @path.  0, or a negative errno.
 */
int hvdev_module_version(char *path, size_t path_len, char *buf, size_t len);

#endif /* HVISOR_TOOL_HVDEV_H */
