// SPDX-License-Identifier: GPL-2.0
/*
 * The zone ioctls of /dev/hvisor: GET_INFO, ZONE_START, ZONE_SHUTDOWN and
 * ZONE_LIST.  Nothing from userspace is trusted: every struct is read with
 * its size field, every config is validated (common/zone_check.c) and
 * checked against what already runs before any byte of an image is written
 * (the images themselves: zone_image.c).
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../common/zone_check.h"
#include "arch.h"
#include "hvisor.h"
#include "phys_range.h"
#include "seam_internal.h"
#include "uarg.h"
#include "zone_image.h"
#include "virtio/attach.h"
#include "zone_internal.h"

/*
 * Serialises ZONE_START and ZONE_SHUTDOWN: the checks "id not running, no
 * cpu taken, no memory of a running zone" and the image writes that follow
 * must not interleave with another start.
 */
static DEFINE_MUTEX(hv_zone_ops_lock);

/*
 * One line for a hypervisor error, and an errno for userspace.  @zone_id
 * is HVISOR_NO_ZONE for calls not about one zone.
 */
#define HVISOR_NO_ZONE	U32_MAX

static long hv_zone_hv_error(const char *what, u32 zone_id, long ret)
{
	const char *why;

	switch (ret) {
	case -EPERM:
		why = "not allowed: zone 0 is not hvisor's root zone";
		break;
	case -EINVAL:
		why = "invalid argument (config size, or zone id exists/unknown)";
		break;
	case -EBUSY:
		why = "busy (a cpu belongs to a zone or is already powered on)";
		break;
	case -ENODEV:
		return ret;	/* already logged by the seam */
	default:
		why = "error";
		break;
	}
	if (zone_id == HVISOR_NO_ZONE)
		pr_err("%s: hypervisor: %s (%ld)\n", what, why, ret);
	else
		pr_err("zone %u: %s: hypervisor: %s (%ld)\n", zone_id, what,
		       why, ret);
	return ret;
}

long hvisor_zone_config_magic(u64 *out)
{
	u64 *magic;
	long ret;

	/* hvisor writes the magic at a physical address: kmalloc, not stack */
	magic = kzalloc(sizeof(*magic), GFP_KERNEL);
	if (!magic)
		return -ENOMEM;
	ret = hvisor_hv_call(HV_HC_CONFIG_CHECK, virt_to_phys(magic), 0);
	if (ret < 0) {
		kfree(magic);
		return hv_zone_hv_error("config check", HVISOR_NO_ZONE, ret);
	}
	*out = READ_ONCE(*magic);
	kfree(magic);
	return 0;
}

long hvisor_ioctl_get_info(void __user *uarg)
{
	struct hvisor_info info;
	long ret;

	ret = hvisor_copy_arg(&info, sizeof(info), uarg);
	if (ret)
		return ret;
	ret = hvisor_hv_check();
	if (ret)
		return ret;
	ret = hvisor_zone_config_magic(&info.config_magic);
	if (ret)
		return ret;

	info.abi_version = HVISOR_ABI_VERSION;
	info.arch = hvisor_arch_id();
	/* 0 for a magic we do not know: zone start will refuse it */
	info.zone_config_size = hv_zone_config_size(info.arch,
						    info.config_magic);
	memset(info.backend, 0, sizeof(info.backend));
	if (hvisor_hv_name(info.backend, sizeof(info.backend)))
		return -ENODEV;	/* unregistered meanwhile */

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/* The hypervisor's zone list, at most HVISOR_MAX_ZONES records. */
static long hv_get_zone_list(struct hv_zone_info **listp)
{
	struct hv_zone_info *list;
	long n;

	list = kcalloc(HVISOR_MAX_ZONES, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	n = hvisor_hv_call(HV_HC_ZONE_LIST, virt_to_phys(list),
			   HVISOR_MAX_ZONES);
	if (n < 0) {
		kfree(list);
		return hv_zone_hv_error("zone list", HVISOR_NO_ZONE, n);
	}
	if (n > HVISOR_MAX_ZONES) {
		pr_err("zone list: hypervisor returned %ld zones for %d slots\n",
		       n, HVISOR_MAX_ZONES);
		kfree(list);
		return -EIO;
	}
	*listp = list;
	return n;
}

/*
 * Reconcile our zones with the hypervisor's @list; the devices of a zone
 * that stopped by itself are quiesced at once (its memory may be given
 * to another zone; no driver is left to wait for).
 */
static void hv_zones_sync(const struct hv_zone_info *list, unsigned int n)
{
	unsigned long stopped = hvisor_zones_sync(list, n);
	unsigned int id;

	for_each_set_bit(id, &stopped, HVISOR_MAX_ZONES) {
		pr_info("zone %u: stopped by itself\n", id);
		hvisor_virtio_zone_stopped(id);
	}
}

/*
 * Against what runs now (the hypervisor's list, and the memory of the zones
 * we started): the id must be free, the cpus too, and no RAM or IO range of
 * the new zone may belong to a running zone or to zone 0's own RAM.  Called
 * before any image is written.
 */
static int hv_check_against_running(const struct hvisor_zone_head *head)
{
	struct hv_zone_info *list;
	unsigned int i;
	u32 other;
	long n;
	int ret;

	n = hv_get_zone_list(&list);
	if (n < 0)
		return n;
	hv_zones_sync(list, n);
	for (i = 0; i < n; i++) {
		u64 shared = list[i].cpus & head->cpus;

		if (list[i].zone_id == head->zone_id) {
			pr_err("zone %u: zone_id: zone is already running\n",
			       head->zone_id);
			kfree(list);
			return -EEXIST;
		}
		if (shared) {
			pr_err("zone %u: cpus: cpu %lu belongs to running zone %u\n",
			       head->zone_id, (unsigned long)__ffs64(shared),
			       list[i].zone_id);
			kfree(list);
			return -EBUSY;
		}
		/* e.g. started before this hvisor.ko was loaded */
		if (list[i].zone_id && !hvisor_zone_is_started(list[i].zone_id))
			pr_warn("zone %u: memory of running zone %u is unknown here: overlap with it not checked\n",
				head->zone_id, list[i].zone_id);
	}
	kfree(list);

	for (i = 0; i < head->num_memory_regions; i++) {
		const struct hvisor_memory_region *r = &head->memory_regions[i];

		if (r->type == HVISOR_MEM_TYPE_VIRTIO)
			continue;
		if (hvisor_zones_find_overlap(r->physical_start, r->size,
					      &other)) {
			pr_err("zone %u: memory_regions[%u]: overlaps memory of running zone %u\n",
			       head->zone_id, i, other);
			return -EBUSY;
		}
		ret = hv_phys_check(r->physical_start, r->size,
				    r->type == HVISOR_MEM_TYPE_RAM ?
				    HV_PHYS_MAP : HV_PHYS_HANDOVER,
				    "zone %u: memory_regions[%u]", head->zone_id, i);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * An x86 PCI zone gets the ECAM base the hypervisor has for it, as
 * upstream's tool asks before ZONE_START (hypercall 9, tool e5f34d6, only
 * with num_pci_bus > 0; a non-zero answer that differs replaces
 * pci_config[0].ecam_base).  Only hvisor of the 0x06 era knows the call.
 */
static long hv_zone_ecam_base(void *cfg, const struct hv_zone_layout *l)
{
	struct hvisor_zone_pci *pci = hv_zone_pci(cfg, l);
	u32 zone_id = hv_zone_head(cfg)->zone_id;
	u64 *ecam;
	long ret;

	if (l->arch != HVISOR_ARCH_X86_64 || l->magic != HVISOR_CONFIG_MAGIC_V6 ||
	    !pci->num_pci_bus)
		return 0;
	/* written at a physical address: kmalloc, not stack */
	ecam = kzalloc(sizeof(*ecam), GFP_KERNEL);
	if (!ecam)
		return -ENOMEM;
	ret = hvisor_hv_call(HV_HC_GET_ECAM_BASE, virt_to_phys(ecam), 0);
	if (ret < 0) {
		ret = hv_zone_hv_error("ecam base", zone_id, ret);
	} else {
		ret = 0;
		if (*ecam && *ecam != pci->pci_config[0].ecam_base) {
			pr_info("zone %u: pci_config[0].ecam_base: 0x%llx from the hypervisor, not 0x%llx\n",
				zone_id, *ecam, pci->pci_config[0].ecam_base);
			pci->pci_config[0].ecam_base = *ecam;
		}
	}
	kfree(ecam);
	return ret;
}

static long hv_zone_start(const struct hvisor_zone_start *zs)
{
	struct hvisor_zone_range *ranges = NULL;
	struct hvisor_image *imgs = NULL;
	struct hv_zone_image *checked = NULL;
	struct hvisor_zone_head *head;
	struct hv_check_error err = {};
	unsigned int i, nr_ranges = 0;
	u32 arch = hvisor_arch_id();
	size_t cfg_size;
	void *cfg;
	u64 magic;
	long ret;

	/*
	 * Which layout the hypervisor reads is its CONFIG_CHECK answer, asked
	 * here and not taken from the tool; hvisor itself only compares the
	 * size (zone-config-abi.md section 0; hv:src/hypercall/mod.rs:187-196).
	 */
	ret = hvisor_zone_config_magic(&magic);
	if (ret)
		return ret;
	if (!hv_config_magic_known(magic)) {
		pr_err("zone start: the hypervisor's zone config magic is 0x%llx; hvisor.ko knows 0x05 and 0x06\n",
		       magic);
		return -EPROTONOSUPPORT;
	}
	if (zs->config_magic != magic) {
		pr_err("zone start: config_magic: the tool packed magic 0x%02x, the hypervisor reads 0x%02llx\n",
		       zs->config_magic, magic);
		return -EPROTO;
	}
	cfg_size = hv_zone_config_size(arch, magic);
	if (zs->config_size != cfg_size) {
		pr_err("zone start: config_size: %u bytes, %s with magic 0x%02llx needs %zu\n",
		       zs->config_size, hv_arch_name(arch), magic, cfg_size);
		return -EINVAL;
	}
	if (zs->nr_images > HVISOR_MAX_IMAGES) {
		pr_err("zone start: nr_images: %u, at most %d\n",
		       zs->nr_images, HVISOR_MAX_IMAGES);
		return -EINVAL;
	}

	/* the hypervisor reads it by physical address: kmalloc is contiguous */
	cfg = memdup_user(u64_to_user_ptr(zs->config), cfg_size);
	if (IS_ERR(cfg))
		return PTR_ERR(cfg);
	head = hv_zone_head(cfg);

	if (zs->nr_images) {
		imgs = memdup_user(u64_to_user_ptr(zs->images),
				   array_size(zs->nr_images, sizeof(*imgs)));
		if (IS_ERR(imgs)) {
			ret = PTR_ERR(imgs);
			imgs = NULL;
			goto out_free;
		}
		checked = kcalloc(zs->nr_images, sizeof(*checked), GFP_KERNEL);
		if (!checked) {
			ret = -ENOMEM;
			goto out_free;
		}
		ret = hvisor_check_images(head, imgs, zs->nr_images, checked);
		if (ret)
			goto out_free;
	}

	ret = hv_zone_check(cfg, cfg_size, arch, magic, checked, zs->nr_images,
			    &err);
	if (ret) {
		pr_err("zone %u: %s: %s\n", head->zone_id, err.field, err.msg);
		goto out_free;
	}
	ret = hv_zone_ecam_base(cfg, hv_zone_layout(arch, magic));
	if (ret)
		goto out_free;

	/* what the zone owns, remembered while it runs (overlap checks) */
	ranges = kcalloc(max(head->num_memory_regions, 1U), sizeof(*ranges),
			 GFP_KERNEL);
	if (!ranges) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < head->num_memory_regions; i++) {
		if (head->memory_regions[i].type == HVISOR_MEM_TYPE_VIRTIO)
			continue;
		ranges[nr_ranges].start = head->memory_regions[i].physical_start;
		ranges[nr_ranges].size = head->memory_regions[i].size;
		nr_ranges++;
	}

	ret = mutex_lock_killable(&hv_zone_ops_lock);
	if (ret)
		goto out_free;

	ret = hv_check_against_running(head);
	if (ret)
		goto out_unlock;
	/* devices kept attached: its own must fit, others' memory is taken */
	ret = hvisor_virtio_zone_check(head);
	if (ret)
		goto out_unlock;

	for (i = 0; i < zs->nr_images; i++) {
		ret = hvisor_load_image(head->zone_id, i, &imgs[i]);
		if (ret)
			goto out_unlock;
		if (imgs[i].kind == HVISOR_IMAGE_KERNEL)
			head->kernel_size = imgs[i].size;
		else if (imgs[i].kind == HVISOR_IMAGE_DTB)
			head->dtb_size = imgs[i].size;
	}

	/*
	 * Its vCPUs may run before the hypercall returns: the devices kept
	 * attached must answer from their reset state by then.  Nothing else
	 * can reach them meanwhile (no zone of that id runs).
	 */
	hvisor_virtio_zone_started(head->zone_id);
	ret = hvisor_hv_call(HV_HC_ZONE_START, virt_to_phys(cfg), cfg_size);
	if (ret < 0) {
		ret = hv_zone_hv_error("start", head->zone_id, ret);
		hvisor_virtio_zone_stopped(head->zone_id);
		goto out_unlock;
	}
	ret = 0;

	head->name[HVISOR_NAME_MAXLEN - 1] = '\0';
	if (hvisor_zone_started(head->zone_id, head->name, head->cpus,
				ranges, nr_ranges))
		pr_warn("zone %u: started, but no sysfs object for it\n",
			head->zone_id);
	pr_info("zone %u (%s) started\n", head->zone_id, head->name);
out_unlock:
	mutex_unlock(&hv_zone_ops_lock);
out_free:
	kfree(ranges);
	kfree(checked);
	kfree(imgs);
	kfree(cfg);
	return ret;
}

long hvisor_ioctl_zone_start(void __user *uarg)
{
	struct hvisor_zone_start zs;
	u32 usize;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize == HVISOR_ZONE_START_SIZE_V1) {
		/* a tool from before config_magic: it packed 0x06 */
		memset(&zs, 0, sizeof(zs));
		if (copy_from_user(&zs, uarg, HVISOR_ZONE_START_SIZE_V1))
			return -EFAULT;
		zs.config_magic = HVISOR_CONFIG_MAGIC_V6;
	} else {
		ret = hvisor_copy_arg(&zs, sizeof(zs), uarg);
		if (ret)
			return ret;
	}
	if (zs.flags || zs.__pad)
		return -EINVAL;
	ret = hvisor_hv_check();
	if (ret)
		return ret;
	return hv_zone_start(&zs);
}

long hvisor_zone_shutdown(u32 zone_id)
{
	long ret;

	ret = hvisor_hv_check();
	if (ret)
		return ret;
	if (zone_id == 0) {
		pr_err("zone 0: zone_id: the root zone cannot be shut down\n");
		return -EPERM;
	}

	ret = mutex_lock_killable(&hv_zone_ops_lock);
	if (ret)
		return ret;
	ret = hvisor_hv_call(HV_HC_ZONE_SHUTDOWN, zone_id, 0);
	if (ret == -EINVAL) {
		pr_err("zone %u: shutdown: hypervisor: no such zone\n",
		       zone_id);
	} else if (ret < 0) {
		ret = hv_zone_hv_error("shutdown", zone_id, ret);
	} else {
		ret = 0;
		/*
		 * After the hypercall: until the zone is stopped its drivers
		 * may still need their devices (to reset them, for one).
		 * Then no driver is left to acknowledge anything: the devices
		 * are quiesced at once and stay attached, for a restart of
		 * the zone or a detach.
		 */
		hvisor_virtio_zone_stopped(zone_id);
		hvisor_zone_stopped(zone_id);
		pr_info("zone %u shut down\n", zone_id);
	}
	mutex_unlock(&hv_zone_ops_lock);
	return ret;
}

long hvisor_ioctl_zone_shutdown(void __user *uarg)
{
	struct hvisor_zone_id zid;
	long ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = hvisor_copy_arg(&zid, sizeof(zid), uarg);
	if (ret)
		return ret;
	return hvisor_zone_shutdown(zid.zone_id);
}

long hvisor_zone_list(struct hv_zone_info **listp)
{
	long n = hvisor_hv_check();

	if (n)
		return n;
	n = hv_get_zone_list(listp);
	if (n >= 0)
		hv_zones_sync(*listp, n);
	return n;
}

long hvisor_ioctl_zone_list(void __user *uarg)
{
	struct hvisor_zone_list zl;
	struct hvisor_zone_info *out;
	struct hv_zone_info *list;
	unsigned int i, cap;
	long n;

	n = hvisor_copy_arg(&zl, sizeof(zl), uarg);
	if (n)
		return n;
	n = hvisor_zone_list(&list);
	if (n < 0)
		return n;

	cap = min_t(u32, zl.count, HVISOR_MAX_ZONES);
	zl.count = min_t(u32, cap, n);
	out = kcalloc(max(zl.count, 1U), sizeof(*out), GFP_KERNEL);
	if (!out) {
		kfree(list);
		return -ENOMEM;
	}
	for (i = 0; i < zl.count; i++) {
		out[i].zone_id = list[i].zone_id;
		out[i].flags = list[i].is_err ? HVISOR_ZONE_F_ERROR : 0;
		out[i].cpus = list[i].cpus;
		/* hvisor's name may fill all 32 bytes: ours always ends in NUL */
		memcpy(out[i].name, list[i].name, sizeof(out[i].name) - 1);
		out[i].name[sizeof(out[i].name) - 1] = '\0';
	}
	kfree(list);

	n = 0;
	if (zl.count && copy_to_user(u64_to_user_ptr(zl.zones), out,
				     array_size(zl.count, sizeof(*out))))
		n = -EFAULT;
	else if (copy_to_user(uarg, &zl, sizeof(zl)))
		n = -EFAULT;
	kfree(out);
	return n;
}
