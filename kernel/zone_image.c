// SPDX-License-Identifier: GPL-2.0
/*
 * A zone's images (kernel, DTB, others) for ZONE_START: checked against
 * the config, then copied from the tool straight into the zone's RAM.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/errno.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include "arch.h"
#include "zone_image.h"

/* Images are copied in slices, so that a big kernel never hogs a cpu. */
#define HVISOR_COPY_CHUNK	SZ_1M

/*
 * The images to load, validated for what hv_zone_check() does not look at:
 * known kind, zero padding, one kernel and one DTB at most, each at the
 * address the config gives for it.
 */
int hvisor_check_images(const struct hvisor_zone_head *head,
			const struct hvisor_image *img, unsigned int n,
			struct hv_zone_image *out)
{
	bool have_kernel = false, have_dtb = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const char *msg = NULL;

		if (img[i].__pad)
			msg = "padding is not zero";
		else if (!img[i].size)
			msg = "empty image";
		else if (img[i].kind == HVISOR_IMAGE_KERNEL && have_kernel)
			msg = "second kernel image";
		else if (img[i].kind == HVISOR_IMAGE_KERNEL &&
			 img[i].load_paddr != head->kernel_load_paddr)
			msg = "kernel image not at kernel_load_paddr";
		else if (img[i].kind == HVISOR_IMAGE_DTB && have_dtb)
			msg = "second dtb image";
		else if (img[i].kind == HVISOR_IMAGE_DTB &&
			 img[i].load_paddr != head->dtb_load_paddr)
			msg = "dtb image not at dtb_load_paddr";
		else if (img[i].kind != HVISOR_IMAGE_KERNEL &&
			 img[i].kind != HVISOR_IMAGE_DTB &&
			 img[i].kind != HVISOR_IMAGE_OTHER)
			msg = "unknown kind";
		if (msg) {
			pr_err("zone %u: images[%u]: %s\n", head->zone_id, i, msg);
			return -EINVAL;
		}
		have_kernel |= img[i].kind == HVISOR_IMAGE_KERNEL;
		have_dtb |= img[i].kind == HVISOR_IMAGE_DTB;
		out[i].load_paddr = img[i].load_paddr;
		out[i].size = img[i].size;
		out[i].kind = img[i].kind;
	}
	return 0;
}

/* Copy one image from userspace straight into the zone's RAM. */
int hvisor_load_image(u32 zone_id, unsigned int idx,
		      const struct hvisor_image *img)
{
	const u8 __user *src = u64_to_user_ptr(img->buf);
	phys_addr_t map_start = img->load_paddr & PAGE_MASK;
	size_t offset = img->load_paddr - map_start;
	size_t map_len, done, chunk;
	u8 *va;
	int ret = 0;

	/* hv_zone_check() made sure the image fits in a RAM region */
	map_len = PAGE_ALIGN(offset + img->size);
	va = memremap(map_start, map_len, MEMREMAP_WB);
	if (!va) {
		pr_err("zone %u: images[%u]: cannot map 0x%llx+0x%llx\n",
		       zone_id, idx, img->load_paddr, img->size);
		return -ENOMEM;
	}
	for (done = 0; done < img->size; done += chunk) {
		chunk = min_t(u64, img->size - done, HVISOR_COPY_CHUNK);
		if (copy_from_user(va + offset + done, src + done, chunk)) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	if (!ret)
		hvisor_arch_sync_image(va + offset, img->size);
	memunmap(va);
	return ret;
}
