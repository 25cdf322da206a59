// SPDX-License-Identifier: GPL-2.0
/*
 * blk_ioctl DEV zeroout|discard OFFSET LEN
 *
 * Issue BLKZEROOUT or BLKDISCARD on a block device (busybox has no
 * "blkdiscard -z").  Exit 0 on success, 1 with the errno otherwise.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uint64_t range[2];
	unsigned long req;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: blk_ioctl DEV zeroout|discard OFFSET LEN\n");
		return 2;
	}
	if (!strcmp(argv[2], "zeroout"))
		req = BLKZEROOUT;
	else if (!strcmp(argv[2], "discard"))
		req = BLKDISCARD;
	else
		return 2;
	range[0] = strtoull(argv[3], NULL, 0);
	range[1] = strtoull(argv[4], NULL, 0);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || ioctl(fd, req, range) < 0) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	return 0;
}
