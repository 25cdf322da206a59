// SPDX-License-Identifier: GPL-2.0
/*
 * Attach / detach / list of emulated virtio devices.
 *
 * An attach request is validated completely (sizes, flags, padding,
 * regions, device windows, file descriptors) before anything is created;
 * then the guest memory is mapped once for all devices of the request, the
 * devices are created and registered, and their sysfs directories added.
 * Any failure unwinds everything done so far: nothing is left half
 * attached.
 */
#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "../../common/virtio_limits.h"
#include "../../common/zone_check.h"
#include "../arch.h"
#include "../bridge.h"
#include "../hvisor.h"
#include "../phys_range.h"
#include "../seam_internal.h"
#include "../uarg.h"
#include "../updaemon.h"
#include "attach.h"
#include "mmio.h"
#include "vlog.h"
#include "vtype.h"

static_assert(HV_GMEM_MAX_REGIONS >= HVISOR_VIRTIO_MAX_REGIONS);
static_assert(sizeof(struct hvisor_virtio_device) == 64);

/* The guest memory of one attach request, shared by its devices. */
struct hv_gmem_share {
	struct hv_guest_mem mem;
	refcount_t users;		/* attached devices using mem */
};

/* ---- the device types ---------------------------------------------- */

/* The type of virtio device id @id: its own, or the one of any id. */
VISIBLE_IF_KUNIT const struct hv_vtype *hv_vtype_find(u32 id)
{
	const struct hv_vtype *any = NULL;
	unsigned int i;

	if (!id || id > HVISOR_VIRTIO_MAX_TYPE)
		return NULL;
	for (i = 0; i < hv_nr_vtypes; i++) {
		if (hv_vtypes[i]->id == id)
			return hv_vtypes[i];
		if (!hv_vtypes[i]->id)
			any = hv_vtypes[i];
	}
	return any;
}

/* The name of devices of @type with id @id: "blk", "gpu", "virtio17". */
static const char *hv_vtype_name(const struct hv_vtype *type, u32 id,
				 char *buf)
{
	const char *name = type->name_of ? type->name_of(id) : type->name;

	if (name)
		strscpy(buf, name, HV_VTYPE_NAME_MAX);
	else
		snprintf(buf, HV_VTYPE_NAME_MAX, "virtio%u", id);
	return buf;
}

/* ---- attached devices ----------------------------------------------- */

/* Protects hv_devices and serialises attach, detach and list. */
static DEFINE_MUTEX(hv_attach_lock);
VISIBLE_IF_KUNIT LIST_HEAD(hv_devices);

static int hv_dev_inject(struct hv_virtio_dev *dev)
{
	return hvisor_bridge_inject(dev->vdev.zone_id, dev->irq);
}

static bool hv_dev_line_event(struct hv_virtio_dev *dev,
			      enum hvisor_irq_event ev)
{
	return hvisor_hv_irq_event(dev->vdev.zone_id, dev->irq, ev);
}

/* ---- sysfs ---------------------------------------------------------- */

static struct hv_virtio_dev *to_dev(struct kobject *kobj)
{
	return container_of(kobj, struct hv_virtio_dev, attached.kobj);
}

#define HV_DEV_ATTR(_name, _fmt, _expr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct hv_virtio_dev *dev = to_dev(kobj);			\
									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct kobj_attribute hv_attr_##_name = __ATTR_RO(_name)

HV_DEV_ATTR(type, "%s", dev->attached.name);
HV_DEV_ATTR(addr, "%#llx", dev->vdev.base);
HV_DEV_ATTR(irq, "%u", dev->irq);
HV_DEV_ATTR(device_features, "%#018llx", dev->device_features);
HV_DEV_ATTR(features, "%#018llx", READ_ONCE(dev->features));
HV_DEV_ATTR(status, "%#04x", hv_virtio_status(dev));
HV_DEV_ATTR(notifies, "%lld", atomic64_read(&dev->notifies));
HV_DEV_ATTR(injects, "%lld", atomic64_read(&dev->injects));
HV_DEV_ATTR(reinjects, "%lld", atomic64_read(&dev->reinjects));
HV_DEV_ATTR(inject_errors, "%lld", atomic64_read(&dev->inject_errors));
HV_DEV_ATTR(bad_accesses, "%lld", atomic64_read(&dev->bad_accesses));
HV_DEV_ATTR(yields, "%lld", atomic64_read(&dev->yields));
HV_DEV_ATTR(deferred, "%lld", atomic64_read(&dev->vdev.deferrals));
HV_DEV_ATTR(deferred_dropped, "%lld",
	    atomic64_read(&dev->vdev.defer_dropped));
HV_DEV_ATTR(state, "%s",
	    hv_virtio_zone_stopped(dev) ? "zone-stopped" : "serving");

static ssize_t queue_sizes_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct hv_virtio_dev *dev = to_dev(kobj);
	int len = 0;
	u16 i;

	for (i = 0; i < dev->num_queues; i++)
		len += sysfs_emit_at(buf, len, "%s%u", i ? " " : "",
				     READ_ONCE(dev->vqs[i].num));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static struct kobj_attribute hv_attr_queue_sizes = __ATTR_RO(queue_sizes);

/* What serves @dev now, into @buf. */
static void hv_dev_backend(struct hv_virtio_dev *dev, char *buf, size_t size)
{
	if (dev->attached.type->backend_now)
		dev->attached.type->backend_now(dev, buf, size);
	else
		strscpy(buf, dev->attached.backend, size);
}

static ssize_t backend_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	char backend[sizeof(to_dev(kobj)->attached.backend)];

	hv_dev_backend(to_dev(kobj), backend, sizeof(backend));
	return sysfs_emit(buf, "%s\n", backend);
}

static struct kobj_attribute hv_attr_backend = __ATTR_RO(backend);

/* Every device's */
static struct attribute *hv_vattr_files[] = {
	&hv_attr_type.attr,
	&hv_attr_addr.attr,
	&hv_attr_irq.attr,
	&hv_attr_backend.attr,
	&hv_attr_state.attr,
	NULL,
};

/* A device served here: its register file, queues, interrupts. */
static struct attribute *hv_dev_regs_attrs[] = {
	&hv_attr_device_features.attr,
	&hv_attr_features.attr,
	&hv_attr_status.attr,
	&hv_attr_queue_sizes.attr,
	&hv_attr_notifies.attr,
	&hv_attr_injects.attr,
	&hv_attr_reinjects.attr,
	&hv_attr_inject_errors.attr,
	&hv_attr_bad_accesses.attr,
	&hv_attr_yields.attr,
	&hv_attr_deferred.attr,
	&hv_attr_deferred_dropped.attr,
	NULL,
};

/* None of those for a device served elsewhere: it takes whole accesses. */
static umode_t hv_dev_regs_visible(struct kobject *kobj,
				   struct attribute *attr, int n)
{
	return to_dev(kobj)->vdev.mmio->take ? 0 : attr->mode;
}

static const struct attribute_group hv_dev_group = {
	.attrs = hv_vattr_files,
};

static const struct attribute_group hv_dev_regs_group = {
	.attrs = hv_dev_regs_attrs,
	.is_visible = hv_dev_regs_visible,
};

static const struct attribute_group *hv_dev_groups[] = {
	&hv_dev_group,
	&hv_dev_regs_group,
	NULL,
};

static ssize_t hv_vattr_file_show(struct kobject *kobj,
				  struct kobj_attribute *ka, char *buf)
{
	const struct hv_vattr *a = container_of(ka, struct hv_vattr_file,
						ka)->a;
	struct hv_virtio_dev *dev = to_dev(kobj);

	if (a->show)
		return a->show(dev, buf);
	return sysfs_emit(buf, "%lld\n",
			  atomic64_read((atomic64_t *)((u8 *)dev->priv +
						       a->counter)));
}

/* The type's values as files, in the directory once that is added. */
static int hv_dev_sysfs_add(struct hv_virtio_dev *dev)
{
	struct hv_virtio_attached *at = &dev->attached;
	const struct hv_vattr *a = at->type->attrs;
	unsigned int i, n = 0;

	while (a[n].name)
		n++;
	at->files = kcalloc(n, sizeof(*at->files), GFP_KERNEL);
	at->attr_list = kcalloc(n + 1, sizeof(*at->attr_list), GFP_KERNEL);
	if (!at->files || !at->attr_list)
		return -ENOMEM;		/* freed with the kobject */
	for (i = 0; i < n; i++) {
		struct hv_vattr_file *va = &at->files[i];

		sysfs_attr_init(&va->ka.attr);
		va->ka.attr.name = a[i].name;
		va->ka.attr.mode = 0444;
		va->ka.show = hv_vattr_file_show;
		va->a = &a[i];
		at->attr_list[i] = &va->ka.attr;
	}
	at->group.name = at->type->attrs_dir;
	at->group.attrs = at->attr_list;
	return sysfs_create_group(&at->kobj, &at->group);
}

/* The device's memory is the type's: it waits for this (hv_dev_kobj_put). */
static void hv_dev_release(struct kobject *kobj)
{
	struct hv_virtio_attached *at = &to_dev(kobj)->attached;

	kfree(at->attr_list);
	kfree(at->files);
	complete(&at->kobj_released);
}

static const struct kobj_type hv_dev_ktype = {
	.release = hv_dev_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = hv_dev_groups,
};

/* ---- teardown ------------------------------------------------------- */

static void hv_gmem_share_put(struct hv_gmem_share *share)
{
	if (!refcount_dec_and_test(&share->users))
		return;
	hv_gmem_unmap(&share->mem);
	kfree(share);
}

/*
 * Drop the sysfs object (deleted already, or never added) and wait for its
 * release (delayed with CONFIG_DEBUG_KOBJECT_RELEASE): the device's
 * memory, which holds it, may go after this.
 */
static void hv_dev_kobj_put(struct hv_virtio_dev *dev)
{
	might_sleep();
	kobject_put(&dev->attached.kobj);
	wait_for_completion(&dev->attached.kobj_released);
}

/*
 * Undo a fully attached device, in the reverse order of creation: sysfs
 * first (waits for readers), then the device is killed while still
 * registered (its I/O fails towards the guest, which may still read the
 * interrupt status), then the registry (waits for accesses), then the
 * device (waits for its I/O), then the memory it used.
 */
static void hv_dev_teardown(struct hv_virtio_dev *dev)
{
	struct hv_gmem_share *share = dev->attached.share;
	struct hvisor_zone *zone = dev->attached.zone;

	lockdep_assert_held(&hv_attach_lock);
	kobject_del(&dev->attached.kobj);	/* with the type's files */
	hv_dev_kobj_put(dev);
	/* a stopped zone's device is reset already: no driver to wait for */
	if (dev->ops->kill && !hv_virtio_zone_stopped(dev))
		dev->ops->kill(dev);
	hvisor_vdev_unregister(&dev->vdev);
	hv_virtio_irq_stop(dev);
	dev->ops->destroy(dev);
	hvisor_zone_put(zone);
	hv_gmem_share_put(share);
}

/* ---- attach --------------------------------------------------------- */

/* Checks of the fixed part, done before any array is copied. */
VISIBLE_IF_KUNIT int hv_check_header(const struct hvisor_virtio_attach *hdr)
{
	if (!hdr->zone_id || hdr->zone_id >= HVISOR_MAX_ZONES) {
		pr_err("hvisor: virtio attach: bad zone id %u\n", hdr->zone_id);
		return -EINVAL;
	}
	if (hdr->flags || hdr->__pad) {
		pr_err("hvisor: virtio attach: unknown flags or non-zero padding\n");
		return -EINVAL;
	}
	if (!hdr->nr_regions || hdr->nr_regions > HVISOR_VIRTIO_MAX_REGIONS ||
	    !hdr->nr_devices || hdr->nr_devices > HVISOR_VIRTIO_MAX_DEVICES) {
		pr_err("hvisor: virtio attach: %u regions, %u devices: out of range\n",
		       hdr->nr_regions, hdr->nr_devices);
		return -EINVAL;
	}
	return 0;
}

static int hv_check_device(const struct hvisor_virtio_device *d, u32 i)
{
	const struct hv_vtype *type = hv_vtype_find(d->type);
	u32 arch = hvisor_arch_id(), irq_min, irq_max;
	char name[HV_VTYPE_NAME_MAX];
	u64 last;

	if (!type) {
		pr_err("hvisor: virtio device %u: type %u is not supported\n",
		       i, d->type);
		return -EOPNOTSUPP;
	}
	hv_vtype_name(type, d->type, name);
	if ((d->flags & type->needs) != type->needs) {
		pr_err("hvisor: virtio device %u: %s (type %u) is not served by hvisor.ko; a daemon may serve it (flag HVISOR_VIRTIO_F_DAEMON)\n",
		       i, name, d->type);
		return -EOPNOTSUPP;
	}
	if (d->flags & ~type->flags) {
		pr_err("hvisor: virtio device %u: flags %#x are not for a %s device\n",
		       i, d->flags & ~type->flags, name);
		return -EINVAL;
	}
	if (d->__pad[0] || d->__pad[1] || d->__pad2) {
		pr_err("hvisor: virtio device %u: non-zero padding\n", i);
		return -EINVAL;
	}
	/* 0 means the default: one request queue, or what net/console have */
	if (d->num_queues > type->max_queues) {
		pr_err("hvisor: virtio device %u: %u queues requested, a %s device takes at most %u\n",
		       i, d->num_queues, name, type->max_queues);
		return -EINVAL;
	}
	/* what hvisor can inject here; beyond, it drops or panics */
	if (!hv_virtio_irq_range(arch, &irq_min, &irq_max) ||
	    d->irq < irq_min || d->irq > irq_max) {
		pr_err("hvisor: virtio device %u: irq %u is out of range on %s (%u to %u)\n",
		       i, d->irq, hv_arch_name(arch), irq_min, irq_max);
		return -ERANGE;
	}
	if (d->len < HV_VIRTIO_MMIO_SIZE || d->len > PAGE_SIZE ||
	    !IS_ALIGNED(d->addr, 4) ||
	    check_add_overflow(d->addr, d->len - 1, &last)) {
		pr_err("hvisor: virtio device %u: bad MMIO window %#llx+%#llx\n",
		       i, d->addr, d->len);
		return -EINVAL;
	}
	if (!type->takes_file && d->fd != -1) {
		pr_err("hvisor: virtio device %u: a %s takes no file descriptor (fd must be -1)\n",
		       i, name);
		return -EINVAL;
	}
	if (type->takes_file && d->fd < 0) {
		pr_err("hvisor: virtio device %u: %s needs a file descriptor\n",
		       i, name);
		return -EBADF;
	}
	return type->check ? type->check(d, i) : 0;
}

static int hv_check_request(struct hv_attach_req *r)
{
	const struct hvisor_virtio_device *a, *b;
	u32 i, j;
	int err;

	err = hv_check_header(&r->hdr);
	if (err)
		return err;
	for (i = 0; i < r->hdr.nr_devices; i++) {
		err = hv_check_device(&r->devs[i], i);
		if (err)
			return err;
		a = &r->devs[i];
		for (j = 0; j < i; j++) {
			b = &r->devs[j];
			/* windows checked not to wrap: compare last bytes */
			if (a->addr <= b->addr + (b->len - 1) &&
			    b->addr <= a->addr + (a->len - 1)) {
				pr_err("hvisor: virtio devices %u and %u overlap\n",
				       j, i);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Add @irq to the @n distinct ones in @irqs; false if that is one too many. */
static bool hv_irq_add(u32 *irqs, unsigned int *n, u32 irq)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (irqs[i] == irq)
			return true;
	if (*n == HV_VIRTIO_MAX_ZONE_IRQS)
		return false;
	irqs[(*n)++] = irq;
	return true;
}

/* The distinct irqs of the devices attached to zone @zone_id (<= 7). */
static unsigned int hv_zone_irqs_locked(u32 zone_id, u32 *irqs)
{
	struct hv_virtio_dev *dev;
	unsigned int n = 0;

	lockdep_assert_held(&hv_attach_lock);
	list_for_each_entry(dev, &hv_devices, attached.node)
		if (dev->vdev.zone_id == zone_id)
			hv_irq_add(irqs, &n, dev->irq);
	return n;
}

bool hvisor_virtio_daemon_irq_ok(u32 zone_id, u32 irq)
{
	u32 irqs[HV_VIRTIO_MAX_ZONE_IRQS];
	unsigned int n, i;
	bool ok;

	mutex_lock(&hv_attach_lock);
	n = hv_zone_irqs_locked(zone_id, irqs);
	for (i = 0; i < n && irqs[i] != irq; i++)
		;
	ok = i < n || hvisor_updaemon_extra_irq(zone_id, irq, irqs, n);
	mutex_unlock(&hv_attach_lock);
	return ok;
}

/*
 * hvisor panics when one zone has more distinct virtio irqs pending than
 * HV_VIRTIO_MAX_ZONE_IRQS (common/virtio_limits.h): count those of the
 * devices already attached to the zone and of @r together.  Under
 * hv_attach_lock, so that two attaches cannot both take the last one.
 */
static int hv_check_zone_irqs(const struct hv_attach_req *r)
{
	u32 irqs[HV_VIRTIO_MAX_ZONE_IRQS], extra[HV_VIRTIO_MAX_ZONE_IRQS];
	unsigned int n, nd;
	u32 i;

	lockdep_assert_held(&hv_attach_lock);
	n = hv_zone_irqs_locked(r->hdr.zone_id, irqs);
	/* and those upstream's daemon injected for devices not declared */
	nd = hvisor_updaemon_extra_irqs(r->hdr.zone_id, extra);
	for (i = 0; i < nd; i++)
		hv_irq_add(irqs, &n, extra[i]);		/* <= 7 together */
	for (i = 0; i < r->hdr.nr_devices; i++) {
		if (hv_irq_add(irqs, &n, r->devs[i].irq))
			continue;
		pr_err("hvisor: virtio device %u: irq %u would be distinct virtio irq %u of zone %u: hvisor takes at most %u\n",
		       i, r->devs[i].irq, HV_VIRTIO_MAX_ZONE_IRQS + 1,
		       r->hdr.zone_id, HV_VIRTIO_MAX_ZONE_IRQS);
		return -ENOSPC;
	}
	return 0;
}

static int hv_copy_request(const void __user *arg, struct hv_attach_req *r)
{
	int err;

	err = hvisor_copy_arg(&r->hdr, sizeof(r->hdr), arg);
	if (err)
		return err;
	err = hv_check_header(&r->hdr);
	if (err)
		return err;
	r->regions = memdup_user(u64_to_user_ptr(r->hdr.regions),
				 array_size(r->hdr.nr_regions,
					    sizeof(*r->regions)));
	if (IS_ERR(r->regions)) {
		err = PTR_ERR(r->regions);
		r->regions = NULL;
		return err;
	}
	r->devs = memdup_user(u64_to_user_ptr(r->hdr.devices),
			      array_size(r->hdr.nr_devices, sizeof(*r->devs)));
	if (IS_ERR(r->devs)) {
		err = PTR_ERR(r->devs);
		r->devs = NULL;
		return err;
	}
	r->files = kcalloc(r->hdr.nr_devices, sizeof(*r->files), GFP_KERNEL);
	return r->files ? 0 : -ENOMEM;
}

static void hv_free_request(struct hv_attach_req *r)
{
	u32 i;

	if (r->files)
		for (i = 0; i < r->hdr.nr_devices; i++)
			if (r->files[i])
				fput(r->files[i]);
	kfree(r->files);
	kfree(r->devs);
	kfree(r->regions);
}

static struct hv_virtio_dev *hv_dev_create(struct hv_attach_req *r, u32 i,
					   struct hv_gmem_share *share)
{
	const struct hvisor_virtio_device *d = &r->devs[i];
	const struct hv_vtype *type = hv_vtype_find(d->type);	/* checked */
	struct hv_virtio_dev_info info = {
		.zone_id = r->hdr.zone_id, .base = d->addr, .len = d->len,
		.irq = d->irq, .mem = &share->mem, .inject = hv_dev_inject,
		.line_event = hv_dev_line_event,
	};
	char name[HV_VTYPE_NAME_MAX];
	struct hv_virtio_attached *at;
	struct hvisor_zone *zone;
	struct hv_virtio_dev *dev;
	int err;

	lockdep_assert_held(&hv_attach_lock);
	hv_vtype_name(type, d->type, name);
	zone = hvisor_zone_get(r->hdr.zone_id);
	if (IS_ERR(zone))
		return ERR_CAST(zone);
	dev = type->create(&info, d, r->files[i]);
	if (IS_ERR(dev)) {
		pr_err("hvisor: virtio device %u: cannot create the %s device: %ld\n",
		       i, name, PTR_ERR(dev));
		hvisor_zone_put(zone);
		return dev;
	}
	at = &dev->attached;
	memset(at, 0, sizeof(*at));	/* ours, whatever the type's create did */
	at->zone = zone;
	at->share = share;
	at->type = type;
	at->id = d->type;
	memcpy(at->name, name, sizeof(name));
	init_completion(&at->kobj_released);
	kobject_init(&at->kobj, &hv_dev_ktype);
	if (type->backend)
		type->backend(dev, r->files[i], at->backend,
			      sizeof(at->backend));
	r->files[i] = NULL;	/* the device owns the reference now */

	err = hvisor_vdev_register(&dev->vdev);
	if (err) {
		pr_err("hvisor: virtio device %u at %#llx overlaps a device of zone %u\n",
		       i, d->addr, r->hdr.zone_id);
		goto put_kobj;
	}
	err = kobject_add(&at->kobj, &zone->dev.kobj, "%s@%llx", name,
			  d->addr);
	if (err)
		goto unregister;
	err = hv_dev_sysfs_add(dev);
	if (err)
		goto del_kobj;
	refcount_inc(&share->users);
	return dev;

del_kobj:
	kobject_del(&at->kobj);
unregister:
	hvisor_vdev_unregister(&dev->vdev);
put_kobj:
	hv_dev_kobj_put(dev);
	hv_virtio_irq_stop(dev);
	dev->ops->destroy(dev);
	hvisor_zone_put(zone);
	return ERR_PTR(err);
}

/*
 * Attach the devices of @r (copied from the user).  Consumes @r's file
 * references and arrays in all cases.
 */
VISIBLE_IF_KUNIT long hv_attach(struct hv_attach_req *r)
{
	int (*check_file)(const struct hvisor_virtio_attach *hdr, u32 i,
			  struct file *file);
	struct hv_gmem_share *share;
	struct hv_virtio_dev *dev, *tmp;
	LIST_HEAD(created);
	u32 i, bad;
	long err;

	err = hv_check_request(r);
	if (err)
		goto free_request;

	share = kzalloc(sizeof(*share), GFP_KERNEL);
	if (!share) {
		err = -ENOMEM;
		goto free_request;
	}
	share->mem.nr = r->hdr.nr_regions;
	for (i = 0; i < r->hdr.nr_regions; i++) {
		share->mem.r[i].zone0_ipa = r->regions[i].zone0_ipa;
		share->mem.r[i].zonex_ipa = r->regions[i].zonex_ipa;
		share->mem.r[i].size = r->regions[i].size;
	}
	err = hv_gmem_validate(share->mem.r, share->mem.nr, &bad);
	if (err) {
		pr_err("hvisor: virtio attach: memory region %u is empty, unaligned, wraps or overlaps\n",
		       bad);
		goto free_share;
	}
	for (i = 0; i < r->hdr.nr_devices; i++) {
		if (!hv_vtype_find(r->devs[i].type)->takes_file)
			continue;	/* no file: checked fd == -1 */
		r->files[i] = fget(r->devs[i].fd);
		if (!r->files[i]) {
			pr_err("hvisor: virtio device %u: bad file descriptor %d\n",
			       i, r->devs[i].fd);
			err = -EBADF;
			goto free_share;
		}
		check_file = hv_vtype_find(r->devs[i].type)->check_file;
		err = check_file ? check_file(&r->hdr, i, r->files[i]) : 0;
		if (err)
			goto free_share;
	}

	mutex_lock(&hv_attach_lock);
	err = hv_check_zone_irqs(r);
	if (err)
		goto unlock;

	err = hv_phys_check_gmem(r->hdr.zone_id, share->mem.r, share->mem.nr);
	if (err)
		goto unlock;

	/* Everything checked: from here on, side effects. */
	err = hv_gmem_map(&share->mem);
	if (err)
		goto unlock;
	refcount_set(&share->users, 1);	/* ours, until the devices hold it */

	for (i = 0; i < r->hdr.nr_devices; i++) {
		dev = hv_dev_create(r, i, share);
		if (IS_ERR(dev)) {
			err = PTR_ERR(dev);
			goto teardown_created;
		}
		list_add_tail(&dev->attached.node, &created);
	}
	list_splice_tail(&created, &hv_devices);
	mutex_unlock(&hv_attach_lock);
	hv_gmem_share_put(share);
	hv_free_request(r);
	return 0;

teardown_created:
	list_for_each_entry_safe_reverse(dev, tmp, &created, attached.node) {
		list_del(&dev->attached.node);
		hv_dev_teardown(dev);
	}
	mutex_unlock(&hv_attach_lock);
	hv_gmem_share_put(share);	/* unmaps: no device uses it any more */
	hv_free_request(r);
	return err;

unlock:
	mutex_unlock(&hv_attach_lock);
free_share:
	kfree(share);
free_request:
	hv_free_request(r);
	return err;
}

long hvisor_virtio_attach(const void __user *arg)
{
	struct hv_attach_req r = {};
	long err;

	err = hv_copy_request(arg, &r);
	if (err) {
		hv_free_request(&r);
		return err;
	}
	return hv_attach(&r);
}

/* ---- detach and list ------------------------------------------------ */

/* Detach the devices of @zone_id at @addr (0: all); returns how many. */
VISIBLE_IF_KUNIT unsigned int hv_detach(u32 zone_id, u64 addr)
{
	struct hv_virtio_dev *dev, *tmp;
	unsigned int n = 0;

	mutex_lock(&hv_attach_lock);
	list_for_each_entry_safe(dev, tmp, &hv_devices, attached.node) {
		if (dev->vdev.zone_id != zone_id ||
		    (addr && dev->vdev.base != addr))
			continue;
		list_del(&dev->attached.node);
		hv_dev_teardown(dev);
		n++;
	}
	mutex_unlock(&hv_attach_lock);
	return n;
}

long hvisor_virtio_detach(const void __user *arg)
{
	struct hvisor_virtio_detach req;
	int err;

	err = hvisor_copy_arg(&req, sizeof(req), arg);
	if (err)
		return err;
	return hv_detach(req.zone_id, req.addr) ? 0 : -ENOENT;
}

void hvisor_virtio_zone_stopped(u32 zone_id)
{
	struct hv_virtio_dev *dev;
	unsigned int n = 0;

	mutex_lock(&hv_attach_lock);
	list_for_each_entry(dev, &hv_devices, attached.node) {
		if (dev->vdev.zone_id != zone_id ||
		    hv_virtio_zone_stopped(dev))
			continue;
		hv_virtio_zone_stop(dev);
		n++;
	}
	mutex_unlock(&hv_attach_lock);
	if (n)
		pr_info("hvisor: zone %u not running: %u virtio devices quiesced, kept attached\n",
			zone_id, n);
}

/* The regions of @head whose type is in @types (BIT(HVISOR_MEM_TYPE_*)). */
static u32 hv_zone_mem_of(const struct hvisor_zone_head *head, u32 types,
			  struct hv_zone_mem *zm)
{
	const struct hvisor_memory_region *r;
	u32 i, n = 0;

	for (i = 0; i < head->num_memory_regions; i++) {
		r = &head->memory_regions[i];
		if (r->type >= 32 || !(types & BIT(r->type)))
			continue;
		zm[n].host = r->physical_start;
		zm[n].guest = r->virtual_start;
		zm[n].size = r->size;
		n++;
	}
	return n;
}

/* Does @dev fit zone @head (its own zone id)?  0 or -EADDRNOTAVAIL. */
static int hv_dev_fits(const struct hv_virtio_dev *dev,
		       const struct hvisor_zone_head *head,
		       struct hv_zone_mem *zm)
{
	const struct hv_guest_mem *gm = &dev->attached.share->mem;
	u32 nzm, bad;

	nzm = hv_zone_mem_of(head, BIT(HVISOR_MEM_TYPE_RAM), zm);
	if (!hv_gmem_fits(gm->r, gm->nr, zm, nzm, &bad)) {
		pr_err("hvisor: zone %u: %s@%#llx: attached memory %#llx+%#llx (guest %#llx) is not RAM of the new config\n",
		       head->zone_id, dev->attached.name, dev->vdev.base,
		       gm->r[bad].zone0_ipa, gm->r[bad].size,
		       gm->r[bad].zonex_ipa);
		return -EADDRNOTAVAIL;
	}
	nzm = hv_zone_mem_of(head, BIT(HVISOR_MEM_TYPE_VIRTIO), zm);
	if (nzm && !hv_gmem_window_in(dev->vdev.base, dev->vdev.len,
				      zm, nzm)) {
		pr_err("hvisor: zone %u: %s@%#llx: window %#llx+%#llx is in no virtio region of the new config\n",
		       head->zone_id, dev->attached.name, dev->vdev.base,
		       dev->vdev.base, dev->vdev.len);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

int hvisor_virtio_zone_check(const struct hvisor_zone_head *head)
{
	const struct hv_guest_mem *gm;
	struct hv_zone_mem *zm;
	struct hv_virtio_dev *dev;
	u32 nzm, bad_r, bad_zm;
	int ret = 0;

	/* [0, 64): what the zone owns; [64, 128): scratch of the fit check */
	zm = kcalloc(2 * HVISOR_MAX_MEMORY_REGIONS, sizeof(*zm), GFP_KERNEL);
	if (!zm)
		return -ENOMEM;
	nzm = hv_zone_mem_of(head, BIT(HVISOR_MEM_TYPE_RAM) |
			     BIT(HVISOR_MEM_TYPE_IO), zm);
	mutex_lock(&hv_attach_lock);
	list_for_each_entry(dev, &hv_devices, attached.node) {
		gm = &dev->attached.share->mem;
		if (dev->vdev.zone_id == head->zone_id) {
			ret = hv_dev_fits(dev, head,
					  zm + HVISOR_MAX_MEMORY_REGIONS);
			if (ret)
				break;
			continue;
		}
		if (hv_gmem_overlaps(gm->r, gm->nr, zm, nzm, &bad_r, &bad_zm)) {
			pr_err("hvisor: zone %u: memory %#llx+%#llx is mapped by %s@%#llx of zone %u (%s), still attached\n",
			       head->zone_id, gm->r[bad_r].zone0_ipa,
			       gm->r[bad_r].size, dev->attached.name,
			       dev->vdev.base, dev->vdev.zone_id,
			       hv_virtio_zone_stopped(dev) ?
			       "zone stopped" : "zone running");
			ret = -EADDRINUSE;
			break;
		}
	}
	mutex_unlock(&hv_attach_lock);
	kfree(zm);
	return ret;
}

void hvisor_virtio_zone_started(u32 zone_id)
{
	struct hv_virtio_dev *dev;
	unsigned int n = 0;

	mutex_lock(&hv_attach_lock);
	list_for_each_entry(dev, &hv_devices, attached.node) {
		if (dev->vdev.zone_id != zone_id ||
		    !hv_virtio_zone_stopped(dev))
			continue;
		hv_virtio_zone_restart(dev);
		n++;
	}
	mutex_unlock(&hv_attach_lock);
	if (n)
		pr_info("hvisor: zone %u starting: %u virtio devices served again\n",
			zone_id, n);
}

void hvisor_virtio_detach_all(void)
{
	struct hv_virtio_dev *dev, *tmp;

	mutex_lock(&hv_attach_lock);
	list_for_each_entry_safe_reverse(dev, tmp, &hv_devices, attached.node) {
		list_del(&dev->attached.node);
		hv_dev_teardown(dev);
	}
	mutex_unlock(&hv_attach_lock);
}

long hvisor_virtio_list(void __user *arg)
{
	struct hvisor_virtio_info *info;
	struct hvisor_virtio_list req;
	struct hv_virtio_dev *dev;
	u32 n = 0, nr = 0;
	long err;

	err = hvisor_copy_arg(&req, sizeof(req), arg);
	if (err)
		return err;

	/*
	 * Snapshot under the lock, copy to the user after: a faulting user
	 * page must not hold up attach and detach.
	 */
	mutex_lock(&hv_attach_lock);
	list_for_each_entry(dev, &hv_devices, attached.node)
		nr++;
	nr = min(nr, req.count);
	info = kvcalloc(max(nr, 1U), sizeof(*info), GFP_KERNEL);
	if (!info) {
		mutex_unlock(&hv_attach_lock);
		return -ENOMEM;
	}
	list_for_each_entry(dev, &hv_devices, attached.node) {
		if (n == nr)
			break;
		info[n].zone_id = dev->vdev.zone_id;
		info[n].type = dev->attached.id;
		info[n].addr = dev->vdev.base;
		info[n].len = dev->vdev.len;
		info[n].irq = dev->irq;
		info[n].status = hv_virtio_status(dev);
		info[n].features = READ_ONCE(dev->features);
		hv_dev_backend(dev, info[n].backend, sizeof(info[n].backend));
		if (dev->attached.type->tty)
			dev->attached.type->tty(dev, info[n].tty,
				      sizeof(info[n].tty));
		n++;
	}
	mutex_unlock(&hv_attach_lock);

	if (n && copy_to_user(u64_to_user_ptr(req.devices), info,
			      array_size(n, sizeof(*info))))
		err = -EFAULT;
	kvfree(info);
	if (err)
		return err;
	req.count = n;
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}
