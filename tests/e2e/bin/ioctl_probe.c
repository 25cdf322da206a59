// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_probe: issue one ioctl on /dev/hvisor and print how it ended, as
 * "<probe>: OK" or "<probe>: <ERRNO NAME>", for the end-to-end scripts.
 *
 *   ioctl_probe [-d DEV] [-u] PROBE
 *
 * -u: open the device as root, then drop to uid/gid 65534 (no
 * capabilities) before the ioctl.
 *
 * PROBEs:
 *   get_info       HVISOR_GET_INFO (prints the info on success)
 *   zone_start [BASE SIZE]
 *                  HVISOR_ZONE_START of zone 1 (cpu 2), a valid-looking
 *                  config of this arch; with BASE and SIZE (hex), its RAM
 *                  is [BASE, BASE + SIZE) and two images are loaded: a
 *                  1 MiB kernel at BASE and a 4 KiB DTB at BASE + SIZE / 2,
 *                  byte i of each being (i * 7 + 3) & 0xff
 *   zone_shutdown [ID]
 *                  HVISOR_ZONE_SHUTDOWN of zone ID (default 1)
 *   zone_list      HVISOR_ZONE_LIST, 32 slots (prints the zones)
 *   unknown        an ioctl number hvisor does not know
 *   short_size     HVISOR_GET_INFO with a size field of 4
 *   big_tail       HVISOR_ZONE_LIST with a bigger struct, non-zero tail
 *   grown_info     HVISOR_GET_INFO as a newer tool would send it: 8 more
 *                  bytes, zero, and the ioctl number of that size
 *   grown_info_tail
 *                  the same with a non-zero tail (a field this module does
 *                  not know)
 *   start_flags    HVISOR_ZONE_START with flags = 1
 *   start_magic M [BASE SIZE]
 *                  zone_start, but saying the tool packed magic M (hex),
 *                  in the layout of M
 *   zone_start_io BASE SIZE IOBASE IOSIZE
 *                  zone_start with BASE and SIZE, plus an io region
 *                  [IOBASE, IOBASE + IOSIZE) (hex)
 *   virtio_attach ZONE0_IPA SIZE [ZONE]
 *                  HVISOR_VIRTIO_ATTACH of one console (this arch's sim
 *                  window and irq) to zone ZONE (default 1), its memory
 *                  the region [ZONE0_IPA, + SIZE) (hex), 1:1
 *   virtio_attach_blk ZONE0_IPA SIZE FILE [append]
 *                  the same with a blk device served from FILE, opened
 *                  read-write (with O_APPEND if "append" follows), zone 1
 *   virtio_detach [ZONE]
 *                  HVISOR_VIRTIO_DETACH of every device of zone ZONE
 *   virtio_list    HVISOR_VIRTIO_LIST, 16 slots (prints the count)
 *   start_v1 [BASE SIZE]
 *                  zone_start through the ioctl of before config_magic
 *                  (32-byte struct): a 0x06 config
 *
 * zone_start packs the layout of the magic GET_INFO reports (0x06 when it
 * fails, e.g. without a hypervisor).
 *
 * Exit status: 0 when the ioctl was issued (whatever its result), 2 on a
 * usage error or when the device cannot be opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../../../include/uapi/hvisor.h"

static const char *errno_name(int e)
{
	static char buf[32];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ERANGE: return "ERANGE";
	case EPROTO: return "EPROTO";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EINTR: return "EINTR";
	case EACCES: return "EACCES";
	case ENXIO: return "ENXIO";
	case EADDRINUSE: return "EADDRINUSE";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* Size of this machine's zone_config for @magic (5 or 6). */
static size_t native_config_size(__u32 magic)
{
	size_t arch = 0, pci = magic == 5 ? HVISOR_ZONE_PCI_SIZE_V5 :
					    HVISOR_ZONE_PCI_SIZE;
	struct utsname u;

	if (uname(&u))
		return 0;
	if (!strcmp(u.machine, "x86_64"))
		arch = sizeof(struct hvisor_arch_x86_64);
	else if (!strcmp(u.machine, "aarch64"))
		arch = magic == 5 ? sizeof(struct hvisor_arch_arm64_v5) :
				    sizeof(struct hvisor_arch_arm64);
	else if (!strcmp(u.machine, "riscv64"))
		arch = sizeof(struct hvisor_arch_riscv64);
	else if (!strcmp(u.machine, "loongarch64"))
		arch = sizeof(struct hvisor_arch_loongarch64);
	return arch ? HVISOR_ZONE_HEAD_SIZE + arch + pci : 0;
}

/* The hypervisor's magic, 0x06 when GET_INFO fails. */
static __u32 hv_magic(int fd)
{
	struct hvisor_info info = { .size = sizeof(info) };

	if (ioctl(fd, HVISOR_GET_INFO, &info))
		return HVISOR_CONFIG_MAGIC_V6;
	return info.config_magic;
}

static unsigned char *pattern(size_t size)
{
	unsigned char *p = malloc(size);
	size_t i;

	for (i = 0; p && i < size; i++)
		p[i] = (i * 7 + 3) & 0xff;
	return p;
}

/* @magic: the layout to pack and say; @v1: the 32-byte ioctl (0x06) */
static __u64 io_base, io_size;	/* zone_start_io */

static int do_zone_start(int fd, __u32 flags, __u64 base, __u64 ram,
			 __u32 magic, int v1)
{
	size_t size = native_config_size(magic);
	struct hvisor_zone_start zs = { .size = sizeof(zs), .flags = flags,
					.config_magic = magic };
	struct hvisor_image imgs[2];
	struct hvisor_zone_head *head;
	void *cfg;

	cfg = calloc(1, size ? size : 4096);
	if (!cfg)
		return -1;
	head = cfg;
	head->zone_id = 1;
	head->cpus = 1ULL << 2;		/* the sim's zone 0 has cpus 0 and 1 */
	head->num_memory_regions = 1;
	head->memory_regions[0].type = HVISOR_MEM_TYPE_RAM;
	head->memory_regions[0].physical_start = base ? base : 0x50000000;
	head->memory_regions[0].virtual_start = base ? base : 0x50000000;
	head->memory_regions[0].size = ram ? ram : 0x10000000;
	if (io_size) {
		head->num_memory_regions = 2;
		head->memory_regions[1].type = HVISOR_MEM_TYPE_IO;
		head->memory_regions[1].physical_start = io_base;
		head->memory_regions[1].virtual_start = io_base;
		head->memory_regions[1].size = io_size;
	}
	head->entry_point = head->memory_regions[0].virtual_start;
	snprintf(head->name, sizeof(head->name), "probe");
	if (base && ram) {
		head->kernel_load_paddr = base;
		head->dtb_load_paddr = base + ram / 2;
		imgs[0] = (struct hvisor_image) {
			.buf = (uintptr_t)pattern(1 << 20), .size = 1 << 20,
			.load_paddr = base, .kind = HVISOR_IMAGE_KERNEL,
		};
		imgs[1] = (struct hvisor_image) {
			.buf = (uintptr_t)pattern(4096), .size = 4096,
			.load_paddr = base + ram / 2, .kind = HVISOR_IMAGE_DTB,
		};
		zs.nr_images = 2;
		zs.images = (uintptr_t)imgs;
	}
	zs.config = (uintptr_t)cfg;
	zs.config_size = size;
	if (v1) {
		zs.size = HVISOR_ZONE_START_SIZE_V1;
		return ioctl(fd, HVISOR_ZONE_START_V1, &zs);
	}
	return ioctl(fd, HVISOR_ZONE_START, &zs);
}

/*
 * One device in this arch's sim window, zone @zone, memory 1:1: a console
 * (@file_fd -1) or a blk device served from @file_fd.
 */
static int do_virtio_attach(int fd, __u64 base, __u64 size, __u32 zone,
			    int file_fd)
{
	struct hvisor_virtio_region reg = {
		.zone0_ipa = base, .zonex_ipa = base, .size = size,
	};
	struct hvisor_virtio_device dev = {
		.type = file_fd < 0 ? HVISOR_VIRTIO_CONSOLE : HVISOR_VIRTIO_BLK,
		.len = 0x200, .fd = file_fd,
	};
	struct hvisor_virtio_attach att = {
		.size = sizeof(att), .zone_id = zone, .nr_regions = 1,
		.regions = (uintptr_t)&reg, .nr_devices = 1,
		.devices = (uintptr_t)&dev,
	};
	struct utsname u;

	if (uname(&u))
		return -1;
	if (!strcmp(u.machine, "x86_64")) {
		dev.addr = 0x7f00000400;
		dev.irq = 14;
	} else {
		dev.addr = 0x0b000400;
		dev.irq = 78;
	}
	return ioctl(fd, HVISOR_VIRTIO_ATTACH, &att);
}

static int do_virtio_list(int fd)
{
	struct hvisor_virtio_info info[16];
	struct hvisor_virtio_list l = {
		.size = sizeof(l), .count = 16, .devices = (uintptr_t)info,
	};
	int ret = ioctl(fd, HVISOR_VIRTIO_LIST, &l);

	if (!ret)
		printf("%u devices\n", l.count);
	return ret;
}

static int do_zone_list(int fd, int big_tail)
{
	struct hvisor_zone_info zones[HVISOR_MAX_ZONES];
	struct {
		struct hvisor_zone_list zl;
		__u64 tail;
	} arg = {
		.zl = { .size = sizeof(arg.zl), .count = HVISOR_MAX_ZONES,
			.zones = (uintptr_t)zones },
	};
	unsigned int i;
	int ret;

	if (big_tail) {
		arg.zl.size = sizeof(arg);
		arg.tail = 1;
	}
	ret = ioctl(fd, HVISOR_ZONE_LIST, &arg);
	if (!ret)
		for (i = 0; i < arg.zl.count; i++)
			printf("zone %u cpus 0x%llx name \"%s\"%s\n",
			       zones[i].zone_id, (unsigned long long)zones[i].cpus,
			       zones[i].name,
			       zones[i].flags & HVISOR_ZONE_F_ERROR ? " error" : "");
	return ret;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/hvisor";
	struct hvisor_info info;
	const char *probe;
	int fd, ret, unpriv = 0;

	if (argc >= 4 && !strcmp(argv[1], "-d")) {
		dev = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc >= 2 && !strcmp(argv[1], "-u")) {
		unpriv = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: ioctl_probe [-d DEV] [-u] PROBE [ARGS]\n");
		return 2;
	}
	probe = argv[1];
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "ioctl_probe: %s: %s\n", dev, strerror(errno));
		return 2;
	}

	if (unpriv && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		fprintf(stderr, "ioctl_probe: cannot drop privileges: %s\n",
			strerror(errno));
		return 2;
	}

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	if (!strcmp(probe, "get_info")) {
		ret = ioctl(fd, HVISOR_GET_INFO, &info);
		if (!ret)
			printf("abi %u magic 0x%llx arch %u config_size %u backend \"%.16s\"\n",
			       info.abi_version,
			       (unsigned long long)info.config_magic, info.arch,
			       info.zone_config_size, info.backend);
	} else if (!strcmp(probe, "short_size")) {
		info.size = 4;
		ret = ioctl(fd, HVISOR_GET_INFO, &info);
	} else if (!strcmp(probe, "zone_start")) {
		if (argc == 4)
			ret = do_zone_start(fd, 0, strtoull(argv[2], NULL, 16),
					    strtoull(argv[3], NULL, 16),
					    hv_magic(fd), 0);
		else
			ret = do_zone_start(fd, 0, 0, 0, hv_magic(fd), 0);
	} else if (!strcmp(probe, "zone_start_io") && argc == 6) {
		io_base = strtoull(argv[4], NULL, 16);
		io_size = strtoull(argv[5], NULL, 16);
		ret = do_zone_start(fd, 0, strtoull(argv[2], NULL, 16),
				    strtoull(argv[3], NULL, 16), hv_magic(fd), 0);
	} else if (!strcmp(probe, "virtio_attach") && argc >= 4) {
		ret = do_virtio_attach(fd, strtoull(argv[2], NULL, 16),
				       strtoull(argv[3], NULL, 16),
				       argc > 4 ? strtoul(argv[4], NULL, 0) : 1,
				       -1);
	} else if (!strcmp(probe, "virtio_attach_blk") && argc >= 5) {
		int flags = O_RDWR;
		int file_fd;

		if (argc > 5 && !strcmp(argv[5], "append"))
			flags |= O_APPEND;
		file_fd = open(argv[4], flags);
		if (file_fd < 0) {
			perror(argv[4]);
			return 1;
		}
		ret = do_virtio_attach(fd, strtoull(argv[2], NULL, 16),
				       strtoull(argv[3], NULL, 16), 1, file_fd);
	} else if (!strcmp(probe, "virtio_detach")) {
		struct hvisor_virtio_detach d = {
			.size = sizeof(d),
			.zone_id = argc > 2 ? strtoul(argv[2], NULL, 0) : 1,
		};

		ret = ioctl(fd, HVISOR_VIRTIO_DETACH, &d);
	} else if (!strcmp(probe, "virtio_list")) {
		ret = do_virtio_list(fd);
	} else if (!strcmp(probe, "start_magic") && argc >= 3) {
		__u32 m = strtoul(argv[2], NULL, 16);

		if (argc == 5)
			ret = do_zone_start(fd, 0, strtoull(argv[3], NULL, 16),
					    strtoull(argv[4], NULL, 16), m, 0);
		else
			ret = do_zone_start(fd, 0, 0, 0, m, 0);
	} else if (!strcmp(probe, "start_v1")) {
		if (argc == 4)
			ret = do_zone_start(fd, 0, strtoull(argv[2], NULL, 16),
					    strtoull(argv[3], NULL, 16), 6, 1);
		else
			ret = do_zone_start(fd, 0, 0, 0, 6, 1);
	} else if (!strcmp(probe, "start_flags")) {
		ret = do_zone_start(fd, 1, 0, 0, hv_magic(fd), 0);
	} else if (!strcmp(probe, "zone_shutdown")) {
		struct hvisor_zone_id zid = {
			.size = sizeof(zid),
			.zone_id = argc > 2 ? strtoul(argv[2], NULL, 0) : 1,
		};

		ret = ioctl(fd, HVISOR_ZONE_SHUTDOWN, &zid);
	} else if (!strcmp(probe, "zone_list")) {
		ret = do_zone_list(fd, 0);
	} else if (!strcmp(probe, "big_tail")) {
		ret = do_zone_list(fd, 1);
	} else if (!strcmp(probe, "grown_info") ||
		   !strcmp(probe, "grown_info_tail")) {
		struct {
			struct hvisor_info info;
			__u64 tail;
		} grown = {
			.info = { .size = sizeof(grown) },
			.tail = !strcmp(probe, "grown_info_tail"),
		};

		ret = ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, HVISOR_IOCTL_TYPE,
				     _IOC_NR(HVISOR_GET_INFO), sizeof(grown)),
			    &grown);
		if (!ret)
			printf("abi %u magic 0x%llx backend \"%.16s\"\n",
			       grown.info.abi_version,
			       (unsigned long long)grown.info.config_magic,
			       grown.info.backend);
	} else if (!strcmp(probe, "unknown")) {
		ret = ioctl(fd, _IOWR(HVISOR_IOCTL_TYPE, 0x7f, struct hvisor_info),
			    &info);
	} else {
		fprintf(stderr, "ioctl_probe: unknown probe '%s'\n", probe);
		close(fd);
		return 2;
	}
	printf("%s: %s\n", probe, ret ? errno_name(errno) : "OK");
	close(fd);
	return 0;
}
