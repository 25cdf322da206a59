// SPDX-License-Identifier: GPL-2.0
/*
 * Zone objects: /sys/class/hvisor/zone<N>, one per zone that runs (started
 * through us) or has virtio devices attached.  Attributes: id, name, cpus,
 * state (Documentation/ABI/testing/sysfs-class-hvisor).
 *
 * Locking: hv_zones_lock (a mutex) protects the list, the krefs and the
 * creation/removal of the sysfs devices, so that a zone<N> being removed
 * and a new zone<N> never coexist.  The attribute values are read by sysfs
 * under hv_zone_data_lock (a spinlock), never under the mutex: the
 * mutex is held while device_del() waits for readers to finish.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "hvisor.h"
#include "zone_internal.h"

static DEFINE_MUTEX(hv_zones_lock);
static LIST_HEAD(hv_zones);
static DEFINE_SPINLOCK(hv_zone_data_lock);

static struct hvisor_zone *to_zone(struct device *dev)
{
	return container_of(dev, struct hvisor_zone, dev);
}

static ssize_t id_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", to_zone(dev)->id);
}
static DEVICE_ATTR_RO(id);

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct hvisor_zone *zone = to_zone(dev);
	char name[HVISOR_NAME_MAXLEN];

	spin_lock(&hv_zone_data_lock);
	memcpy(name, zone->name, sizeof(name));
	spin_unlock(&hv_zone_data_lock);
	name[sizeof(name) - 1] = '\0';
	return sysfs_emit(buf, "%s\n", name);
}
static DEVICE_ATTR_RO(name);

static ssize_t cpus_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct hvisor_zone *zone = to_zone(dev);
	DECLARE_BITMAP(mask, 64);
	u64 cpus;

	spin_lock(&hv_zone_data_lock);
	cpus = zone->cpus;
	spin_unlock(&hv_zone_data_lock);
	bitmap_from_u64(mask, cpus);
	return sysfs_emit(buf, "%*pbl\n", 64, mask);
}
static DEVICE_ATTR_RO(cpus);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct hvisor_zone *zone = to_zone(dev);
	const char *state;

	spin_lock(&hv_zone_data_lock);
	if (!zone->started)
		state = "stopped";
	else if (zone->error)
		state = "error";
	else
		state = "running";
	spin_unlock(&hv_zone_data_lock);
	return sysfs_emit(buf, "%s\n", state);
}
static DEVICE_ATTR_RO(state);

static struct attribute *hv_zone_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_name.attr,
	&dev_attr_cpus.attr,
	&dev_attr_state.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hv_zone);

static struct class hv_class = {
	.name		= "hvisor",
	.dev_groups	= hv_zone_groups,
};

static void hv_zone_dev_release(struct device *dev)
{
	struct hvisor_zone *zone = to_zone(dev);

	kfree(zone->ranges);
	kfree(zone);
}

/* kref release, hv_zones_lock held */
static void hv_zone_release(struct kref *ref)
{
	struct hvisor_zone *zone = container_of(ref, struct hvisor_zone, ref);

	list_del(&zone->node);
	device_unregister(&zone->dev);
}

static struct hvisor_zone *hv_zone_find_locked(u32 id)
{
	struct hvisor_zone *zone;

	list_for_each_entry(zone, &hv_zones, node)
		if (zone->id == id)
			return zone;
	return NULL;
}

struct hvisor_zone *hvisor_zone_get(u32 id)
{
	struct hvisor_zone *zone;
	int ret;

	mutex_lock(&hv_zones_lock);
	zone = hv_zone_find_locked(id);
	if (zone) {
		kref_get(&zone->ref);
		goto out_unlock;
	}

	zone = kzalloc(sizeof(*zone), GFP_KERNEL);
	if (!zone) {
		zone = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	zone->id = id;
	kref_init(&zone->ref);
	device_initialize(&zone->dev);
	zone->dev.class = &hv_class;
	zone->dev.release = hv_zone_dev_release;
	ret = dev_set_name(&zone->dev, "zone%u", id);
	if (!ret)
		ret = device_add(&zone->dev);
	if (ret) {
		put_device(&zone->dev);	/* frees zone */
		zone = ERR_PTR(ret);
		goto out_unlock;
	}
	list_add_tail(&zone->node, &hv_zones);
out_unlock:
	mutex_unlock(&hv_zones_lock);
	return zone;
}

void hvisor_zone_put(struct hvisor_zone *zone)
{
	if (IS_ERR_OR_NULL(zone))
		return;
	mutex_lock(&hv_zones_lock);
	kref_put(&zone->ref, hv_zone_release);
	mutex_unlock(&hv_zones_lock);
}

/* Clear "started" and drop the reference it held; hv_zones_lock held. */
static void hv_zone_unstart_locked(struct hvisor_zone *zone)
{
	bool was_started;

	spin_lock(&hv_zone_data_lock);
	was_started = zone->started;
	zone->started = false;
	zone->error = false;
	spin_unlock(&hv_zone_data_lock);
	if (was_started)
		kref_put(&zone->ref, hv_zone_release);
}

int hvisor_zone_started(u32 id, const char *name, u64 cpus,
			const struct hvisor_zone_range *ranges,
			unsigned int nr_ranges)
{
	struct hvisor_zone_range *copy = NULL;
	struct hvisor_zone *zone;
	bool keep_ref;

	if (nr_ranges) {
		copy = kmemdup(ranges, nr_ranges * sizeof(*ranges), GFP_KERNEL);
		if (!copy)
			return -ENOMEM;
	}
	zone = hvisor_zone_get(id);
	if (IS_ERR(zone)) {
		kfree(copy);
		return PTR_ERR(zone);
	}

	spin_lock(&hv_zone_data_lock);
	strscpy(zone->name, name, sizeof(zone->name));
	zone->cpus = cpus;
	zone->error = false;
	swap(zone->ranges, copy);
	zone->nr_ranges = nr_ranges;
	/* the reference from hvisor_zone_get() becomes the "started" one */
	keep_ref = !zone->started;
	zone->started = true;
	spin_unlock(&hv_zone_data_lock);

	kfree(copy);
	if (!keep_ref)
		hvisor_zone_put(zone);
	return 0;
}

void hvisor_zone_stopped(u32 id)
{
	struct hvisor_zone *zone;

	mutex_lock(&hv_zones_lock);
	zone = hv_zone_find_locked(id);
	if (zone)
		hv_zone_unstart_locked(zone);
	mutex_unlock(&hv_zones_lock);
}

static const struct hv_zone_info *hv_list_find(const struct hv_zone_info *list,
					       unsigned int n, u32 id)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i].zone_id == id)
			return &list[i];
	return NULL;
}

u32 hvisor_zones_sync(const struct hv_zone_info *list, unsigned int n)
{
	const struct hv_zone_info *info;
	struct hvisor_zone *zone, *tmp;
	u32 stopped = 0;

	mutex_lock(&hv_zones_lock);
	list_for_each_entry_safe(zone, tmp, &hv_zones, node) {
		if (!zone->started)
			continue;
		info = hv_list_find(list, n, zone->id);
		if (!info) {
			/* it stopped on its own (e.g. PSCI SYSTEM_OFF) */
			if (zone->id < HVISOR_MAX_ZONES)
				stopped |= BIT(zone->id);
			hv_zone_unstart_locked(zone);
			continue;
		}
		spin_lock(&hv_zone_data_lock);
		zone->error = info->is_err;
		spin_unlock(&hv_zone_data_lock);
	}
	mutex_unlock(&hv_zones_lock);
	return stopped;
}

bool hvisor_zone_is_started(u32 id)
{
	struct hvisor_zone *zone;
	bool started = false;

	mutex_lock(&hv_zones_lock);
	zone = hv_zone_find_locked(id);
	if (zone)
		started = zone->started;
	mutex_unlock(&hv_zones_lock);
	return started;
}

int hvisor_zone_holds(u32 id, u64 start, u64 size)
{
	struct hvisor_zone *zone;
	unsigned int i;
	u64 last, zlast;
	int ret = -ENOENT;

	if (!size || check_add_overflow(start, size - 1, &last))
		return 0;

	mutex_lock(&hv_zones_lock);
	zone = hv_zone_find_locked(id);
	if (zone && zone->started) {
		ret = 0;
		spin_lock(&hv_zone_data_lock);	/* ranges */
		for (i = 0; i < zone->nr_ranges; i++) {
			zlast = zone->ranges[i].start + zone->ranges[i].size - 1;
			if (zone->ranges[i].start <= start && last <= zlast)
				ret = 1;
		}
		spin_unlock(&hv_zone_data_lock);
	}
	mutex_unlock(&hv_zones_lock);
	return ret;
}

int hvisor_zones_find_overlap(u64 start, u64 size, u32 *zone_id)
{
	struct hvisor_zone *zone;
	unsigned int i;
	u64 last, zlast;
	int ret = 0;

	if (!size || check_add_overflow(start, size - 1, &last))
		return -EINVAL;

	mutex_lock(&hv_zones_lock);
	spin_lock(&hv_zone_data_lock);	/* ranges */
	list_for_each_entry(zone, &hv_zones, node) {
		if (!zone->started)
			continue;
		for (i = 0; i < zone->nr_ranges; i++) {
			zlast = zone->ranges[i].start + zone->ranges[i].size - 1;
			if (start <= zlast && zone->ranges[i].start <= last) {
				*zone_id = zone->id;
				ret = -EBUSY;
				goto out_unlock;
			}
		}
	}
out_unlock:
	spin_unlock(&hv_zone_data_lock);
	mutex_unlock(&hv_zones_lock);
	return ret;
}

void hvisor_zones_hv_gone(void)
{
	struct hvisor_zone *zone, *tmp;

	mutex_lock(&hv_zones_lock);
	list_for_each_entry_safe(zone, tmp, &hv_zones, node)
		hv_zone_unstart_locked(zone);
	mutex_unlock(&hv_zones_lock);
}

int hvisor_zone_objs_init(void)
{
	return class_register(&hv_class);
}

void hvisor_zone_objs_exit(void)
{
	hvisor_zones_hv_gone();
	/* whoever still holds a zone (a virtio device) outlived its module */
	WARN_ON(!list_empty(&hv_zones));
	class_unregister(&hv_class);
}
