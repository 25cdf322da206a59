// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor version: what this tool, the loaded hvisor.ko and the hypervisor
 * underneath are.  Prints what it can find out and says what it cannot;
 * a missing module is not an error (exit 0).
 *
 * The module's version is its MODULE_VERSION, from sysfs; the UAPI and the
 * hypervisor's zone config magic come from HVISOR_GET_INFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hvdev.h"
#include "version_cmd.h"

static const char *magic_name(__u64 magic)
{
	switch (magic) {
	case HVISOR_CONFIG_MAGIC_V5:
		return "hvisor v0.4";
	case HVISOR_CONFIG_MAGIC_V6:
		return "hvisor after v0.4";
	default:
		return "unknown to this tool: zone start will refuse";
	}
}

int version_cmd(void)
{
	const char *dev = hvdev_path();
	struct hvisor_info info;
	char path[4096], mod[64];
	int fd, err;

	printf("tool:        hvisor %s\n", HVISOR_VERSION);
	printf("uapi:        %d (zone config magics 0x%02x, 0x%02x)\n",
	       HVISOR_ABI_VERSION, HVISOR_CONFIG_MAGIC_V5,
	       HVISOR_CONFIG_MAGIC_V6);

	err = hvdev_module_version(path, sizeof(path), mod, sizeof(mod));
	if (!err)
		printf("module:      hvisor.ko %s%s\n", mod,
		       strcmp(mod, HVISOR_VERSION) ?
		       " (not this tool's version)" : "");
	else if (err == -ENOENT)
		printf("module:      not loaded (no %s)\n", path);
	else
		printf("module:      unknown (%s: %s)\n", path, strerror(-err));

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("hypervisor:  unknown (%s: %s)\n", dev, strerror(errno));
		return 0;
	}
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	if (ioctl(fd, HVISOR_GET_INFO, &info)) {
		err = errno;
		printf("hypervisor:  unknown (%s: HVISOR_GET_INFO: %s)\n", dev,
		       err == ENODEV ? "no hypervisor: this Linux is not zone 0 of hvisor" :
		       strerror(err));
		close(fd);
		return 0;
	}
	close(fd);
	info.backend[sizeof(info.backend) - 1] = '\0';
	printf("module uapi: %u%s\n", info.abi_version,
	       info.abi_version == HVISOR_ABI_VERSION ? "" :
	       " (differs from the tool's)");
	printf("hypervisor:  %s, zone config magic 0x%02llx (%s)\n",
	       info.backend, (unsigned long long)info.config_magic,
	       magic_name(info.config_magic));
	return 0;
}
