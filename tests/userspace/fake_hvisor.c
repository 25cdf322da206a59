// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD stand-in for hvisor.ko, for the tool's tests: answers the
 * /dev/hvisor ioctls on any file descriptor and records what it got.
 *
 *	FAKE_ARCH	enum hvisor_arch to report (default 1, arm64)
 *	FAKE_MAGIC	config magic to report (default 0x06)
 *	FAKE_ERRNO	errno for ZONE_START / ZONE_SHUTDOWN (default 0)
 *	FAKE_OUT	directory for config.bin, images.txt, shutdown.txt
 *
 * ZONE_LIST reports zone 0 (cpus 0-1, "root-linux") and zone 1 (cpus 2-3,
 * "linux2", error).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/uapi/hvisor.h"

static unsigned long env_num(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static FILE *out_file(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", getenv("FAKE_OUT") ?: ".", name);
	return fopen(path, "w");
}

static const size_t arch_size[] = { 0, 120, 32, 8, 88 };

static int fake_start(const struct hvisor_zone_start *s)
{
	const struct hvisor_image *img = (const void *)(uintptr_t)s->images;
	unsigned long err = env_num("FAKE_ERRNO", 0);
	unsigned int i, sum;
	FILE *f;

	f = out_file("config.bin");
	if (f) {
		fwrite((const void *)(uintptr_t)s->config, 1, s->config_size, f);
		fclose(f);
	}
	f = out_file("images.txt");
	if (f) {
		fprintf(f, "size=%u flags=%u config_size=%u nr_images=%u\n",
			s->size, s->flags, s->config_size, s->nr_images);
		for (i = 0; i < s->nr_images; i++) {
			const unsigned char *b = (const void *)(uintptr_t)img[i].buf;
			unsigned long long k;

			for (k = 0, sum = 0; k < img[i].size; k++)
				sum += b[k];
			fprintf(f, "image kind=%u load=0x%llx size=%llu sum=%u\n",
				img[i].kind, (unsigned long long)img[i].load_paddr,
				(unsigned long long)img[i].size, sum);
		}
		fclose(f);
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, void *);
	struct hvisor_info *info;
	struct hvisor_zone_list *l;
	struct hvisor_zone_info *z;
	struct hvisor_zone_id *id;
	unsigned long arch;
	va_list ap;
	void *arg;
	FILE *f;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	switch (req) {
	case HVISOR_GET_INFO:
		info = arg;
		arch = env_num("FAKE_ARCH", HVISOR_ARCH_ARM64);
		memset(info, 0, sizeof(*info));
		info->size = sizeof(*info);
		info->abi_version = HVISOR_ABI_VERSION;
		info->config_magic = env_num("FAKE_MAGIC", 0x06);
		info->arch = arch;
		if (arch < 5)
			info->zone_config_size = HVISOR_ZONE_HEAD_SIZE +
						 arch_size[arch] +
						 HVISOR_ZONE_PCI_SIZE;
		strcpy(info->backend, "fake");
		return 0;
	case HVISOR_ZONE_START:
		return fake_start(arg);
	case HVISOR_ZONE_SHUTDOWN:
		id = arg;
		f = out_file("shutdown.txt");
		if (f) {
			fprintf(f, "size=%u zone_id=%u\n", id->size, id->zone_id);
			fclose(f);
		}
		if (env_num("FAKE_ERRNO", 0)) {
			errno = env_num("FAKE_ERRNO", 0);
			return -1;
		}
		return 0;
	case HVISOR_ZONE_LIST:
		l = arg;
		z = (void *)(uintptr_t)l->zones;
		if (l->count < 2) {
			errno = EINVAL;
			return -1;
		}
		memset(z, 0, 2 * sizeof(*z));
		z[0].zone_id = 0;
		z[0].cpus = 0x3;
		strcpy(z[0].name, "root-linux");
		z[1].zone_id = 1;
		z[1].cpus = 0xc;
		z[1].flags = HVISOR_ZONE_F_ERROR;
		strcpy(z[1].name, "linux2");
		l->count = 2;
		return 0;
	}
	if (!real)
		real = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT,
								  "ioctl");
	return real(fd, req, arg);
}
