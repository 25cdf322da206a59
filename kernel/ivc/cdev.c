// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hivc<ivc_id>: upstream ivc.ko's user interface
 * (include/uapi/hvisor_ivc.h), with every mapping bounded to the channel.
 *
 * Mappings are filled page by page at fault time under the channel's lock,
 * so that removal (which sets gone under it, then zaps every open file's
 * mappings) leaves no page behind: a program still mapping a channel whose
 * hypervisor went away gets SIGBUS, not someone else's memory.
 */
#define pr_fmt(fmt) "hvisor: ivc: " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../../include/uapi/hvisor_ivc.h"
#include "../compat.h"
#include "ivc.h"

struct hvisor_ivc_file {
	struct hvisor_ivc_chan *c;	/* holds a reference */
	struct file *file;
	struct list_head node;		/* in c->files, under c->lock */
};

/*
 * Created when a hypervisor registers, deleted when it goes (ivc.c), so
 * the cdev is allocated each time: a file still open from before holds
 * the old one's reference.
 */
static dev_t hv_ivc_devt;
static struct cdev *hv_ivc_cdev;
static struct class hv_ivc_class = {
	.name	= "hivc",
};

/* Protects hv_ivc_minor[]: open and the channel list look channels up. */
static DEFINE_MUTEX(hv_ivc_minor_lock);
static struct hvisor_ivc_chan *hv_ivc_minor[HV_IVC_MAX_CONFIGS];

static int hv_ivc_open(struct inode *inode, struct file *file)
{
	unsigned int minor = iminor(inode) - MINOR(hv_ivc_devt);
	struct hvisor_ivc_chan *c = NULL;
	struct hvisor_ivc_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_lock(&hv_ivc_minor_lock);
	if (minor < HV_IVC_MAX_CONFIGS)
		c = hv_ivc_minor[minor];
	if (c)
		kobject_get(&c->kobj);
	mutex_unlock(&hv_ivc_minor_lock);
	if (!c) {
		kfree(f);
		return -ENODEV;
	}
	f->c = c;
	f->file = file;
	mutex_lock(&c->lock);
	if (c->gone) {
		mutex_unlock(&c->lock);
		hvisor_ivc_chan_put(c);
		kfree(f);
		return -ENODEV;
	}
	list_add(&f->node, &c->files);
	mutex_unlock(&c->lock);
	file->private_data = f;
	return 0;
}

static int hv_ivc_release(struct inode *inode, struct file *file)
{
	struct hvisor_ivc_file *f = file->private_data;
	struct hvisor_ivc_chan *c = f->c;

	mutex_lock(&c->lock);
	list_del(&f->node);
	mutex_unlock(&c->lock);
	hvisor_ivc_chan_put(c);
	kfree(f);
	return 0;
}

/* POLLIN once per burst of rings, as upstream: the poll that sees it clears it */
static __poll_t hv_ivc_poll(struct file *file, poll_table *wait)
{
	struct hvisor_ivc_chan *c = ((struct hvisor_ivc_file *)file->private_data)->c;

	poll_wait(file, &c->wq, wait);
	if (READ_ONCE(c->gone))
		return EPOLLHUP | EPOLLERR;
	if (atomic_xchg(&c->pending, 0))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/* Physical address of file offset @off of a channel (checked by mmap). */
static u64 hv_ivc_pa(struct hvisor_ivc_chan *c, u64 off)
{
	if (off < HVISOR_IVC_SHMEM_OFFSET)
		return c->d.ct_pa + off;
	return c->d.shmem_pa + (off - HVISOR_IVC_SHMEM_OFFSET);
}

static vm_fault_t hv_ivc_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct hvisor_ivc_chan *c = vma->vm_private_data;
	vm_fault_t ret;
	u64 pa;

	pa = hv_ivc_pa(c, (u64)vmf->pgoff << PAGE_SHIFT);
	mutex_lock(&c->lock);
	if (c->gone)
		ret = VM_FAULT_SIGBUS;
	else
		ret = vmf_insert_pfn_prot(vma, vmf->address, PHYS_PFN(pa),
					  vma->vm_page_prot);
	mutex_unlock(&c->lock);
	return ret;
}

static const struct vm_operations_struct hv_ivc_vm_ops = {
	.fault	= hv_ivc_fault,
};

static int hv_ivc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hvisor_ivc_chan *c = ((struct hvisor_ivc_file *)file->private_data)->c;
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off, shm;

	if (!(vma->vm_flags & VM_SHARED)) {
		pr_warn_ratelimited("hivc%u: mmap refused: MAP_SHARED only\n",
				    c->d.ivc_id);
		return -EINVAL;
	}
	if (vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT)) {
		pr_warn_ratelimited("hivc%u: mmap refused: offset beyond the channel\n",
				    c->d.ivc_id);
		return -ENXIO;
	}
	off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	if (off < HVISOR_IVC_SHMEM_OFFSET) {
		if (off || len != HVISOR_IVC_CT_SIZE) {
			pr_warn_ratelimited("hivc%u: mmap refused: the control table is one page at offset 0, not %lu bytes at %#llx\n",
					    c->d.ivc_id, len, off);
			return -EINVAL;
		}
		/* hvisor's trap page is device memory (table.c) */
		if (!c->ct_is_ram)
			vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	} else {
		shm = off - HVISOR_IVC_SHMEM_OFFSET;
		if (shm >= c->shmem_size || len > c->shmem_size - shm) {
			pr_warn_ratelimited("hivc%u: mmap refused: %lu bytes at offset %#llx end beyond the %llu bytes of shared memory\n",
					    c->d.ivc_id, len, off, c->shmem_size);
			return -ENXIO;
		}
	}
	if (READ_ONCE(c->gone))
		return -ENODEV;
	hv_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &hv_ivc_vm_ops;
	vma->vm_private_data = c;	/* the file, and its reference, outlive it */
	return 0;
}

static long hv_ivc_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct ivc_user_info info = { };
	unsigned int i;

	/* the size bits hold a pointer's size: 4 for a 32-bit task */
	if ((cmd & ~_IOC(0, 0, 0, _IOC_SIZEMASK)) !=
	    (HVISOR_IVC_USER_INFO & ~_IOC(0, 0, 0, _IOC_SIZEMASK)))
		return -ENOTTY;
	mutex_lock(&hv_ivc_minor_lock);
	for (i = 0; i < HV_IVC_MAX_CONFIGS; i++)
		if (hv_ivc_minor[i])
			info.ivc_ids[info.len++] = hv_ivc_minor[i]->d.ivc_id;
	mutex_unlock(&hv_ivc_minor_lock);
	if (copy_to_user((void __user *)arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/* hvisor.ko's addition: write a __u32 peer id to ring it, counted. */
static ssize_t hv_ivc_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct hvisor_ivc_chan *c = ((struct hvisor_ivc_file *)file->private_data)->c;
	u32 peer;
	int ret = sizeof(peer);

	if (count != sizeof(peer))
		return -EINVAL;
	if (copy_from_user(&peer, buf, sizeof(peer)))
		return -EFAULT;
	if (peer >= c->max_peers) {
		pr_warn_ratelimited("hivc%u: ring refused: peer %u of %u\n",
				    c->d.ivc_id, peer, c->max_peers);
		return -EINVAL;
	}
	mutex_lock(&c->lock);
	if (c->gone) {
		ret = -ENODEV;
	} else {
		hvisor_ivc_table_ring(c, peer);
		atomic64_inc(&c->sent);
	}
	mutex_unlock(&c->lock);
	return ret;
}

static const struct file_operations hv_ivc_fops = {
	.owner		= THIS_MODULE,
	.open		= hv_ivc_open,
	.release	= hv_ivc_release,
	.poll		= hv_ivc_poll,
	.mmap		= hv_ivc_mmap,
	.write		= hv_ivc_write,
	.unlocked_ioctl	= hv_ivc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

int hvisor_ivc_cdev_add(struct hvisor_ivc_chan *c)
{
	dev_t devt = hv_ivc_devt + c->d.index;
	struct device *dev;

	dev = device_create(&hv_ivc_class, NULL, devt, c, "hivc%u",
			    c->d.ivc_id);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	c->dev = dev;
	mutex_lock(&hv_ivc_minor_lock);
	hv_ivc_minor[c->d.index] = c;
	mutex_unlock(&hv_ivc_minor_lock);
	return 0;
}

void hvisor_ivc_cdev_del(struct hvisor_ivc_chan *c)
{
	struct hvisor_ivc_file *f;

	mutex_lock(&hv_ivc_minor_lock);
	hv_ivc_minor[c->d.index] = NULL;
	mutex_unlock(&hv_ivc_minor_lock);
	device_destroy(&hv_ivc_class, hv_ivc_devt + c->d.index);
	c->dev = NULL;

	mutex_lock(&c->lock);
	c->gone = true;
	list_for_each_entry(f, &c->files, node)
		unmap_mapping_range(f->file->f_mapping, 0, 0, 1);
	mutex_unlock(&c->lock);
	wake_up_interruptible(&c->wq);	/* pollers see POLLHUP */
}

int hvisor_ivc_cdev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&hv_ivc_devt, 0, HV_IVC_MAX_CONFIGS, "hivc");
	if (ret)
		return ret;
	ret = class_register(&hv_ivc_class);
	if (ret)
		goto unregister_region;
	hv_ivc_cdev = cdev_alloc();
	if (!hv_ivc_cdev) {
		ret = -ENOMEM;
		goto unregister_class;
	}
	hv_ivc_cdev->ops = &hv_ivc_fops;
	hv_ivc_cdev->owner = THIS_MODULE;
	ret = cdev_add(hv_ivc_cdev, hv_ivc_devt, HV_IVC_MAX_CONFIGS);
	if (ret) {
		kobject_put(&hv_ivc_cdev->kobj);	/* frees it */
		hv_ivc_cdev = NULL;
		goto unregister_class;
	}
	return 0;

unregister_class:
	class_unregister(&hv_ivc_class);
unregister_region:
	unregister_chrdev_region(hv_ivc_devt, HV_IVC_MAX_CONFIGS);
	return ret;
}

void hvisor_ivc_cdev_exit(void)
{
	class_unregister(&hv_ivc_class);
	cdev_del(hv_ivc_cdev);
	hv_ivc_cdev = NULL;
	unregister_chrdev_region(hv_ivc_devt, HV_IVC_MAX_CONFIGS);
}
