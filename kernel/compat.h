/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel interfaces hvisor.ko (and the test simulator) use that changed
 * between Linux 5.10 and today, in one place.  Each entry names the
 * release that changed it.  Built and tested here against Debian 12's 6.1
 * and 6.12; the branches for older kernels (5.10, 5.15) follow the
 * kernel's history and are not built here.
 *
 * Interfaces that changed but need no shim:
 *   - struct class lost .owner in 6.4: never set (it was unused before).
 *   - call_{read,write}_iter() went in 6.10: f_op->{read,write}_iter()
 *     are called directly, which is all they ever did.
 *   - class_register() takes a const struct class since 6.4: a
 *     non-const one converts.
 */
#ifndef HVISOR_COMPAT_H
#define HVISOR_COMPAT_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/uio.h>
#include <linux/version.h>

/* The one comparison with the kernel's version; every shim below uses it. */
#define HV_KERNEL_AT_LEAST(major, minor) \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(major, minor, 0))

/*
 * iov_iter directions: ITER_SOURCE/ITER_DEST (6.1, also in some older
 * stable trees) are the READ/WRITE they replace.
 */
#ifndef ITER_SOURCE
#define ITER_SOURCE	WRITE
#define ITER_DEST	READ
#endif

/* bvec_set_page() is 6.4 (backported to some stable trees): our own. */
static inline void hv_bvec_set_page(struct bio_vec *bv, struct page *page,
				    unsigned int len, unsigned int offset)
{
	bv->bv_page = page;
	bv->bv_len = len;
	bv->bv_offset = offset;
}

/* Size of a block device, in bytes: bdev_nr_bytes() is 5.16. */
#if HV_KERNEL_AT_LEAST(5, 16)
#define hv_bdev_nr_bytes(bdev)	bdev_nr_bytes(bdev)
#else
#define hv_bdev_nr_bytes(bdev)	i_size_read((bdev)->bd_inode)
#endif

/* The kiocb flags of a file: cached in file->f_iocb_flags since 6.0. */
#if HV_KERNEL_AT_LEAST(6, 0)
#define hv_file_iocb_flags(file)	((file)->f_iocb_flags)
#else
#define hv_file_iocb_flags(file)	iocb_flags(file)
#endif

/* Can @file do O_DIRECT?  FMODE_CAN_ODIRECT is 5.19; before, a_ops said. */
static inline bool hv_file_can_odirect(const struct file *file)
{
#if HV_KERNEL_AT_LEAST(5, 19)
	return file->f_mode & FMODE_CAN_ODIRECT;
#else
	return file->f_mapping && file->f_mapping->a_ops &&
	       file->f_mapping->a_ops->direct_IO;
#endif
}

/*
 * kiocb.ki_complete lost its third argument (res2) in 5.16.
 * HV_DEFINE_KI_COMPLETE(name, fn) defines the callback @name with this
 * kernel's signature, calling void fn(struct kiocb *, long).
 */
#if HV_KERNEL_AT_LEAST(5, 16)
#define HV_DEFINE_KI_COMPLETE(name, fn)					\
static void name(struct kiocb *iocb, long ret)				\
{									\
	fn(iocb, ret);							\
}
#else
#define HV_DEFINE_KI_COMPLETE(name, fn)					\
static void name(struct kiocb *iocb, long ret, long ret2)		\
{									\
	fn(iocb, ret);							\
}
#endif

/*
 * tty_operations.write: (const u8 *, size_t) -> ssize_t since 6.6, before
 * (const unsigned char *, int) -> int.  HV_DEFINE_TTY_WRITE(name, fn)
 * defines @name with this kernel's signature, calling
 * ssize_t fn(struct tty_struct *, const u8 *, size_t).
 */
#if HV_KERNEL_AT_LEAST(6, 6)
#define HV_DEFINE_TTY_WRITE(name, fn)					\
static ssize_t name(struct tty_struct *tty, const u8 *buf, size_t count) \
{									\
	return fn(tty, buf, count);					\
}
#else
#define HV_DEFINE_TTY_WRITE(name, fn)					\
static int name(struct tty_struct *tty, const unsigned char *buf,	\
		int count)						\
{									\
	return count <= 0 ? 0 : fn(tty, buf, count);			\
}
#endif

/* tty_operations.write_room and .chars_in_buffer: unsigned int since 5.14 */
#if HV_KERNEL_AT_LEAST(5, 14)
typedef unsigned int hv_tty_room_t;
#else
typedef int hv_tty_room_t;
#endif

/* tty_operations.set_termios: the old termios is const since 6.1 */
#if HV_KERNEL_AT_LEAST(6, 1)
typedef const struct ktermios hv_old_termios_t;
#else
typedef struct ktermios hv_old_termios_t;
#endif

/*
 * For the simulator (test VMs only; it needs 5.19 or later for
 * generic_handle_irq_safe() and virtio_config_ops.synchronize_cbs):
 * virtio_config_ops.find_vqs takes a struct virtqueue_info array since
 * 6.11, separate callback, name and ctx arrays before.
 */
#define HV_HAVE_VIRTQUEUE_INFO	HV_KERNEL_AT_LEAST(6, 11)

/* vm_flags became read-only behind vm_flags_set() in 6.3 */
#if HV_KERNEL_AT_LEAST(6, 3)
#define hv_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define hv_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

/* eventfd_signal() lost its count argument in 6.8: it always added 1. */
#if HV_KERNEL_AT_LEAST(6, 8)
#define hv_eventfd_signal(ctx)	eventfd_signal(ctx)
#else
#define hv_eventfd_signal(ctx)	eventfd_signal((ctx), 1)
#endif

#endif /* HVISOR_COMPAT_H */
