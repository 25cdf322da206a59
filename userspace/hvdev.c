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
#include <unistd.h>

#include "hvdev.h"

const char *hvdev_path(void)
{
	const char *p = getenv("HVISOR_DEVICE");

	return p && *p ? p : HVDEV_DEFAULT_PATH;
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
			fprintf(stderr, "hvisor: %s: not an hvisor.ko device (%s)\n",
				path, strerror(err));
		else
			fprintf(stderr, "hvisor: %s: HVISOR_GET_INFO: %s\n",
				path, strerror(err));
		close(fd);
		return -1;
	}
	info->backend[sizeof(info->backend) - 1] = '\0';
	return fd;
}
