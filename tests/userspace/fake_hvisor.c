// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD stand-in for hvisor.ko, for the tool's tests: answers the
 * /dev/hvisor ioctls on any file descriptor and records what it got.
 *
 *	FAKE_ARCH	enum hvisor_arch to report (default 1, arm64)
 *	FAKE_MAGIC	config magic to report (default 0x06)
 *	FAKE_ERRNO	errno for ZONE_START / ZONE_SHUTDOWN (default 0)
 *	FAKE_INFO_ERRNO	errno for GET_INFO (default 0)
 *	FAKE_OUT	directory for config.bin, images.txt, shutdown.txt,
 *			virtio.txt
 *	FAKE_VIRTIO_FAIL_ZONE	VIRTIO_ATTACH of this zone fails (with
 *			FAKE_ERRNO, default EBUSY)
 *	FAKE_DETACH_ERRNO	errno for VIRTIO_DETACH (default 0)
 *	FAKE_VIRTIO_LIST	number of canned devices VIRTIO_LIST reports
 *			before those attached by this process (default 0)
 *
 * ZONE_LIST reports zone 0 (cpus 0-1, "root-linux") and zone 1 (cpus 2-3,
 * "linux2", error).
 *
 * VIRTIO_ATTACH and VIRTIO_DETACH append what they got to virtio.txt, with
 * what each passed file descriptor is (/proc/self/fd, fcntl, and for a tap
 * TUNGETIFF and TUNGETVNETHDRSZ on the real device).  VIRTIO_LIST reports
 * the canned devices, then the ones attached by this process, consoles
 * with tty "ttyHV<n>", those served by a daemon with backend "daemon (none
 * attached)".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <unistd.h>
#include <linux/if_tun.h>
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

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* arch_config bytes per enum hvisor_arch, magic 0x06 and 0x05 */
static const size_t arch_size[] = { 0, 120, 32, 8, 88 };
static const size_t arch_size_v5[] = { 0, 88, 32, 8, 88 };

static int (*real_ioctl)(int, unsigned long, void *);

static int call_real(int fd, unsigned long req, void *arg)
{
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, void *))
			     dlsym(RTLD_NEXT, "ioctl");
	return real_ioctl(fd, req, arg);
}

static FILE *virtio_log(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/virtio.txt",
		 getenv("FAKE_OUT") ?: ".");
	return fopen(path, "a");
}

/* /sys/class/net/<name>/tun_flags, as the kernel backend checks it */
static const char *sys_tun_flags(const char *name, char *buf, size_t size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", name);
	f = fopen(path, "r");
	if (!f || !fgets(buf, size, f))
		snprintf(buf, size, "none");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* What a passed fd is: "none", "file:<path> mode=ro|rw|wo", "tun:..." */
static void describe_fd(FILE *f, int fd)
{
	char link[64], target[PATH_MAX];
	int fl, fdfl, hdr = -1;
	struct ifreq ifr;
	ssize_t n;

	if (fd < 0) {
		fprintf(f, "fd=none(%d)", fd);
		return;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		fprintf(f, "fd=bad(%d)", fd);
		return;
	}
	target[n] = '\0';
	fl = fcntl(fd, F_GETFL);
	fdfl = fcntl(fd, F_GETFD);
	if (!strcmp(target, "/dev/net/tun")) {
		memset(&ifr, 0, sizeof(ifr));
		if (call_real(fd, TUNGETIFF, &ifr))
			fprintf(f, "fd=tun:unattached");
		else
			fprintf(f, "fd=tun:%s tun_flags=0x%x sys_tun_flags=%s",
				ifr.ifr_name,
				(unsigned int)(unsigned short)ifr.ifr_flags,
				sys_tun_flags(ifr.ifr_name, target,
					      sizeof(target)));
		if (call_real(fd, TUNGETVNETHDRSZ, &hdr))
			hdr = -1;
		fprintf(f, " vnet_hdr_sz=%d", hdr);
	} else {
		fprintf(f, "fd=file:%s mode=%s", target,
			(fl & O_ACCMODE) == O_RDONLY ? "ro" :
			(fl & O_ACCMODE) == O_RDWR ? "rw" : "wo");
	}
	fprintf(f, " cloexec=%d", !!(fdfl & FD_CLOEXEC));
}

/* devices attached by this process, for VIRTIO_LIST */
#define FAKE_MAX_VDEVS	256
static struct hvisor_virtio_info vdevs[FAKE_MAX_VDEVS];
static unsigned int nr_vdevs, nr_consoles;

static int fake_virtio_attach(const struct hvisor_virtio_attach *a)
{
	const struct hvisor_virtio_region *r = (const void *)(uintptr_t)a->regions;
	const struct hvisor_virtio_device *d = (const void *)(uintptr_t)a->devices;
	unsigned long fail = env_num("FAKE_VIRTIO_FAIL_ZONE", 0);
	struct hvisor_virtio_info *v;
	unsigned int i;
	FILE *f;

	f = virtio_log();
	if (f) {
		fprintf(f, "attach size=%u flags=%u zone=%u nr_regions=%u nr_devices=%u pad=%u\n",
			a->size, a->flags, a->zone_id, a->nr_regions,
			a->nr_devices, a->__pad);
		for (i = 0; i < a->nr_regions; i++)
			fprintf(f, "region zone0=0x%llx zonex=0x%llx size=0x%llx\n",
				(unsigned long long)r[i].zone0_ipa,
				(unsigned long long)r[i].zonex_ipa,
				(unsigned long long)r[i].size);
		for (i = 0; i < a->nr_devices; i++) {
			fprintf(f,
				"device type=%u irq=%u addr=0x%llx len=0x%llx flags=%u mac=%02x:%02x:%02x:%02x:%02x:%02x serial=\"%.20s\" queues=%u pad=%u,%u,%u ",
				d[i].type, d[i].irq,
				(unsigned long long)d[i].addr,
				(unsigned long long)d[i].len, d[i].flags,
				d[i].mac[0], d[i].mac[1], d[i].mac[2],
				d[i].mac[3], d[i].mac[4], d[i].mac[5],
				d[i].serial, d[i].num_queues,
				d[i].__pad[0], d[i].__pad[1],
				d[i].__pad2);
			describe_fd(f, d[i].fd);
			fprintf(f, "\n");
		}
		fclose(f);
	}
	if (fail && fail == a->zone_id) {
		errno = env_num("FAKE_ERRNO", EBUSY);
		return -1;
	}
	for (i = 0; i < a->nr_devices && nr_vdevs < FAKE_MAX_VDEVS; i++) {
		v = &vdevs[nr_vdevs++];
		memset(v, 0, sizeof(*v));
		v->zone_id = a->zone_id;
		v->type = d[i].type;
		v->addr = d[i].addr;
		v->len = d[i].len;
		v->irq = d[i].irq;
		if (d[i].type == HVISOR_VIRTIO_CONSOLE)
			snprintf(v->tty, sizeof(v->tty), "ttyHV%u",
				 nr_consoles++);
		/* as hvisor.ko says it while no daemon is attached */
		if (d[i].flags & HVISOR_VIRTIO_F_DAEMON)
			snprintf(v->backend, sizeof(v->backend),
				 "daemon (none attached)");
	}
	return 0;
}

static int fake_virtio_detach(const struct hvisor_virtio_detach *d)
{
	unsigned long err = env_num("FAKE_DETACH_ERRNO", 0);
	FILE *f = virtio_log();

	if (f) {
		fprintf(f, "detach size=%u zone=%u addr=0x%llx\n", d->size,
			d->zone_id, (unsigned long long)d->addr);
		fclose(f);
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static const struct hvisor_virtio_info canned[] = {
	{ .zone_id = 1, .type = HVISOR_VIRTIO_BLK, .addr = 0xa003c00,
	  .len = 0x200, .irq = 78, .status = 0xf, .features = 0x130000254,
	  .backend = "/srv/zone1/rootfs.ext4" },
	{ .zone_id = 1, .type = HVISOR_VIRTIO_NET, .addr = 0xa003600,
	  .len = 0x200, .irq = 75, .status = 0x4f, .features = 0x100010020,
	  .backend = "tap0" },
	{ .zone_id = 1, .type = HVISOR_VIRTIO_CONSOLE, .addr = 0xa003800,
	  .len = 0x200, .irq = 76, .status = 0, .features = 0,
	  .tty = "ttyHV0" },
	{ .zone_id = 2, .type = HVISOR_VIRTIO_BLK, .addr = 0xa004000,
	  .len = 0x200, .irq = 80, .status = 0x3, .features = 0,
	  .backend = "/dev/vdb" },
	{ .zone_id = 2, .type = HVISOR_VIRTIO_GPU, .addr = 0xa004200,
	  .len = 0x200, .irq = 81, .backend = "daemon" },
};

#define NR_CANNED	ARRAY_SIZE(canned)

static int fake_virtio_list(struct hvisor_virtio_list *l)
{
	struct hvisor_virtio_info *out = (void *)(uintptr_t)l->devices;
	unsigned long nc = env_num("FAKE_VIRTIO_LIST", 0);
	unsigned int n = 0, i;

	if (l->size != sizeof(*l)) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < nc && n < l->count; i++, n++) {
		out[n] = canned[i % NR_CANNED];
		if (i >= NR_CANNED)
			out[n].addr += 0x10000 * i;
	}
	for (i = 0; i < nr_vdevs && n < l->count; i++, n++)
		out[n] = vdevs[i];
	l->count = n;
	return 0;
}

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
		fprintf(f, "size=%u flags=%u config_size=%u nr_images=%u config_magic=%u pad=%u\n",
			s->size, s->flags, s->config_size, s->nr_images,
			s->config_magic, s->__pad);
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
		if (env_num("FAKE_INFO_ERRNO", 0)) {
			errno = env_num("FAKE_INFO_ERRNO", 0);
			return -1;
		}
		info = arg;
		arch = env_num("FAKE_ARCH", HVISOR_ARCH_ARM64);
		memset(info, 0, sizeof(*info));
		info->size = sizeof(*info);
		info->abi_version = HVISOR_ABI_VERSION;
		info->config_magic = env_num("FAKE_MAGIC", 0x06);
		info->arch = arch;
		/* as hvisor.ko: 0 for a magic it does not know */
		if (arch < 5 && info->config_magic == 6)
			info->zone_config_size = HVISOR_ZONE_HEAD_SIZE +
						 arch_size[arch] +
						 HVISOR_ZONE_PCI_SIZE;
		else if (arch < 5 && info->config_magic == 5)
			info->zone_config_size = HVISOR_ZONE_HEAD_SIZE +
						 arch_size_v5[arch] +
						 HVISOR_ZONE_PCI_SIZE_V5;
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
	case HVISOR_VIRTIO_ATTACH:
		return fake_virtio_attach(arg);
	case HVISOR_VIRTIO_DETACH:
		return fake_virtio_detach(arg);
	case HVISOR_VIRTIO_LIST:
		return fake_virtio_list(arg);
	}
	return call_real(fd, req, arg);
}
