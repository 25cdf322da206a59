// SPDX-License-Identifier: GPL-2.0
/*
 * dm_delay: a device-mapper "delay" target over a block device, without
 * dmsetup (the test VM has no libdevmapper): the three ioctls dmsetup
 * create issues, on /dev/mapper/control.
 *
 *   dm_delay create NAME DEV SECTORS READ_MS [WRITE_MS]
 *       table "0 SECTORS delay DEV 0 READ_MS DEV 0 WRITE_MS" (WRITE_MS
 *       default 0); prints the new disk's name, "dm-<minor>"
 *   dm_delay remove NAME
 *
 * Every read bio is held READ_MS before it reaches DEV: a request of a
 * zone served from such a disk stays in flight for that long, whatever
 * the host's speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define CONTROL "/dev/mapper/control"

static union {
	struct dm_ioctl io;
	char bytes[16384];
} buf;

static void dm_init(const char *name, size_t size)
{
	memset(&buf, 0, sizeof(buf));
	buf.io.version[0] = DM_VERSION_MAJOR;	/* minor 0: any 4.x kernel */
	buf.io.data_size = size;
	buf.io.data_start = sizeof(struct dm_ioctl);
	snprintf(buf.io.name, sizeof(buf.io.name), "%s", name);
}

static int dm_call(int fd, unsigned long cmd, const char *what)
{
	if (ioctl(fd, cmd, &buf) == 0)
		return 0;
	fprintf(stderr, "dm_delay: %s %s: %s\n", what, buf.io.name,
		strerror(errno));
	return -1;
}

static int create(int fd, const char *name, const char *dev,
		  unsigned long long sectors, unsigned long rd_ms,
		  unsigned long wr_ms)
{
	struct dm_target_spec *t;
	char params[512];
	size_t len;

	len = snprintf(params, sizeof(params), "%s 0 %lu %s 0 %lu", dev, rd_ms,
		       dev, wr_ms);
	if (len >= sizeof(params)) {
		fprintf(stderr, "dm_delay: device name too long\n");
		return -1;
	}
	dm_init(name, sizeof(buf.io));
	if (dm_call(fd, DM_DEV_CREATE, "create"))
		return -1;

	/* one target spec, its parameters after it, NUL, 8-byte aligned */
	len = (sizeof(struct dm_ioctl) + sizeof(*t) + len + 1 + 7) & ~(size_t)7;
	dm_init(name, len);
	buf.io.target_count = 1;
	t = (struct dm_target_spec *)(buf.bytes + sizeof(struct dm_ioctl));
	t->sector_start = 0;
	t->length = sectors;
	snprintf(t->target_type, sizeof(t->target_type), "delay");
	strcpy((char *)(t + 1), params);
	if (dm_call(fd, DM_TABLE_LOAD, "load table of"))
		goto undo;

	dm_init(name, sizeof(buf.io));	/* flags 0: resume */
	if (dm_call(fd, DM_DEV_SUSPEND, "resume"))
		goto undo;
	printf("dm-%u\n", minor(buf.io.dev));
	return 0;
undo:
	dm_init(name, sizeof(buf.io));
	dm_call(fd, DM_DEV_REMOVE, "remove");
	return -1;
}

int main(int argc, char **argv)
{
	int fd, ret;

	if (argc == 6 || argc == 7) {
		if (strcmp(argv[1], "create"))
			goto usage;
	} else if (argc != 3 || strcmp(argv[1], "remove")) {
		goto usage;
	}
	fd = open(CONTROL, O_RDWR);
	if (fd < 0) {
		perror("dm_delay: " CONTROL);
		return 1;
	}
	if (argc == 3) {
		dm_init(argv[2], sizeof(buf.io));
		ret = dm_call(fd, DM_DEV_REMOVE, "remove");
	} else {
		ret = create(fd, argv[2], argv[3], strtoull(argv[4], NULL, 0),
			     strtoul(argv[5], NULL, 0),
			     argc == 7 ? strtoul(argv[6], NULL, 0) : 0);
	}
	close(fd);
	return ret ? 1 : 0;
usage:
	fprintf(stderr,
		"usage: dm_delay create NAME DEV SECTORS READ_MS [WRITE_MS]\n"
		"       dm_delay remove NAME\n");
	return 2;
}
