// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_attach ZONE ZONE0_IPA ZONEX_IPA SIZE ADDR IRQ IMAGE [ro]
 *
 * Attach one virtio-blk device backed by IMAGE through HVISOR_VIRTIO_ATTACH
 * (until the tool has "hvisor virtio attach").  Exit 77 if hvisor.ko does
 * not know the ioctl yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "uapi/hvisor.h"

int main(int argc, char **argv)
{
	struct hvisor_virtio_region reg;
	struct hvisor_virtio_device dev;
	struct hvisor_virtio_attach a;
	int fd, img;

	if (argc < 8)
		return 2;
	img = open(argv[7], argc > 8 ? O_RDONLY : O_RDWR);
	fd = open("/dev/hvisor", O_RDWR);
	if (img < 0 || fd < 0) {
		perror("open");
		return 1;
	}
	memset(&reg, 0, sizeof(reg));
	memset(&dev, 0, sizeof(dev));
	memset(&a, 0, sizeof(a));
	reg.zone0_ipa = strtoull(argv[2], NULL, 0);
	reg.zonex_ipa = strtoull(argv[3], NULL, 0);
	reg.size = strtoull(argv[4], NULL, 0);
	dev.type = HVISOR_VIRTIO_BLK;
	dev.addr = strtoull(argv[5], NULL, 0);
	dev.len = 0x200;
	dev.irq = strtoul(argv[6], NULL, 0);
	dev.fd = img;
	dev.flags = argc > 8 ? HVISOR_VIRTIO_F_READONLY : 0;
	memcpy(dev.serial, "hvisor-e2e-disk", 15);
	a.size = sizeof(a);
	a.zone_id = strtoul(argv[1], NULL, 0);
	a.nr_regions = 1;
	a.regions = (unsigned long)&reg;
	a.nr_devices = 1;
	a.devices = (unsigned long)&dev;
	if (ioctl(fd, HVISOR_VIRTIO_ATTACH, &a)) {
		perror("HVISOR_VIRTIO_ATTACH");
		return errno == ENOTTY ? 77 : 1;
	}
	return 0;
}
