/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl structs of include/uapi/hvisor.h that start with their own
 * __u32 size, read in one place for the zone and the virtio ioctls.
 */
#ifndef _HVISOR_UARG_H
#define _HVISOR_UARG_H

#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

/*
 * Read such a struct into @dst (@ksize bytes): older, smaller structs than
 * ours are refused (every field of version 1 is needed), bigger ones, up
 * to a page, are accepted if their tail is zero (copy_struct_from_user).
 */
static inline int hvisor_copy_arg(void *dst, size_t ksize,
				  const void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < ksize)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(dst, ksize, uarg, usize);
}

#endif /* _HVISOR_UARG_H */
