/* SPDX-License-Identifier: GPL-2.0 */
/* A zone's images at ZONE_START (kernel/zone_image.c), inside hvisor.ko. */
#ifndef _HVISOR_ZONE_IMAGE_H
#define _HVISOR_ZONE_IMAGE_H

#include <linux/types.h>

#include "../common/zone_check.h"
#include "../include/uapi/hvisor.h"

/*
 * Check the @n images @img for what hv_zone_check() does not look at
 * (known kind, zero padding, one kernel and one DTB at most, each at the
 * address @head gives for it) and fill @out for hv_zone_check().  0, or
 * -EINVAL and one dmesg line.
 */
int hvisor_check_images(const struct hvisor_zone_head *head,
			const struct hvisor_image *img, unsigned int n,
			struct hv_zone_image *out);

/*
 * Copy image @idx of zone @zone_id from the tool into the zone's RAM (an
 * image hv_zone_check() placed inside a RAM region).  0 or -errno
 * (-EFAULT, -EINTR on a fatal signal, -ENOMEM if it cannot be mapped).
 */
int hvisor_load_image(u32 zone_id, unsigned int idx,
		      const struct hvisor_image *img);

#endif /* _HVISOR_ZONE_IMAGE_H */
