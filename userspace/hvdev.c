// SPDX-License-Identifier: GPL-2.0
/*
 * Access to /dev/hvisor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvdev.h"

const char *hvdev_path(void)
{
	const char *p = getenv("HVISOR_DEVICE");

	return p && *p ? p : HVDEV_DEFAULT_PATH;
}

int hvdev_module_version(char *path, size_t path_len, char *buf, size_t len)
{
	const char *sys = getenv("HVISOR_SYSFS");
	FILE *f;
	size_t n;

	snprintf(path, path_len, "%s/module/hvisor/version",
		 sys && *sys ? sys : "/sys");
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return n ? 0 : -EIO;
}

/*
 * GET_INFO refused on a device that is there: another driver, or an
 * hvisor.ko whose UAPI differs from the tool's (the ioctl number carries
 * the struct's size).  Say which, from the loaded module's version.
 */
static void hvdev_skew(const char *path, int err)
{
	char sys[4096], mod[64];
	struct stat st;
	int ret;

	ret = hvdev_module_version(sys, sizeof(sys), mod, sizeof(mod));
	if (ret == -ENOENT) {
		/* .../module/hvisor/version -> .../module/hvisor */
		*strrchr(sys, '/') = '\0';
		if (!stat(sys, &st)) {
			fprintf(stderr,
				"hvisor: %s: not this tool's hvisor.ko (%s): the loaded module \"hvisor\" has no version, as upstream's has none; unload it (rmmod hvisor) and load this one\n",
				path, strerror(err));
			return;
		}
	}
	if (ret) {
		fprintf(stderr, "hvisor: %s: not an hvisor.ko device (%s)\n",
			path, strerror(err));
		return;
	}
	fprintf(stderr,
		"hvisor: %s: hvisor.ko %s is loaded but does not answer this tool's HVISOR_GET_INFO (%s): tool %s speaks UAPI %d; use the tool of that module, or the module of this tool\n",
		path, mod, strerror(err), HVISOR_VERSION, HVISOR_ABI_VERSION);
}

int hvdev_open(struct hvisor_info *info)
{
	const char *path = hvdev_path();
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENXIO || err == ENODEV)
			fprintf(stderr, "hvisor: %s: %s (is the hvisor module loaded?)\n",
				path, strerror(err));
		else if (err == EACCES || err == EPERM)
			fprintf(stderr, "hvisor: %s: %s (run as root)\n", path,
				strerror(err));
		else
			fprintf(stderr, "hvisor: %s: %s\n", path,
				strerror(err));
		return -1;
	}
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(fd, HVISOR_GET_INFO, info)) {
		err = errno;
		if (err == ENODEV)
			fprintf(stderr,
				"hvisor: %s: no hypervisor (ENODEV): this Linux does not run as zone 0 of hvisor\n",
				path);
		else if (err == ENOTTY || err == EINVAL)
			hvdev_skew(path, err);
		else if (err == E2BIG)
			fprintf(stderr,
				"hvisor: %s: hvisor.ko is older than this tool (%s %s): it refuses HVISOR_GET_INFO fields it does not know (E2BIG)\n",
				path, "tool", HVISOR_VERSION);
		else
			fprintf(stderr, "hvisor: %s: HVISOR_GET_INFO: %s\n",
				path, strerror(err));
		close(fd);
		return -1;
	}
	info->backend[sizeof(info->backend) - 1] = '\0';
	return fd;
}
