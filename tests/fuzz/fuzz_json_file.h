/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tool's parsers take a file name: give them the fuzz input as a
 * memfd, named /proc/self/fd/N (a regular file, as the parser requires).
 */
#ifndef HV_FUZZ_JSON_FILE_H
#define HV_FUZZ_JSON_FILE_H

#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_util.h"

static const char *fuzz_json_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		fd = memfd_create("fuzz.json", MFD_CLOEXEC);
		FUZZ_ASSERT(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	FUZZ_ASSERT(ftruncate(fd, 0) == 0);
	FUZZ_ASSERT(pwrite(fd, data, size, 0) == (ssize_t)size);
	return path;
}

#endif /* HV_FUZZ_JSON_FILE_H */
