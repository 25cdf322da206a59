// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio version 2 register file: decodes the trapped accesses of a
 * device's window into the device core (device.c).  See mmio.h.
 *
 * Every value written by the guest is hostile: queue registers are only
 * latched here (the core validates them at QueueReady), config space
 * accesses are bounded by the device's config size.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "mmio.h"
#include "vlog.h"

int hv_virtio_dev_init(struct hv_virtio_dev *dev,
		       const struct hv_virtio_ops *ops,
		       const struct hv_guest_mem *mem, u32 config_size)
{
	int ret;

	if (config_size > HV_VIRTIO_MMIO_SIZE - VIRTIO_MMIO_CONFIG)
		return -EINVAL;
	ret = hv_virtio_core_init(dev, ops, mem, config_size);
	if (ret)
		return ret;
	dev->vdev.mmio = &hv_virtio_mmio_ops;
	return 0;
}

static void hv_set_low(u64 *reg, u32 value)
{
	*reg = (*reg & GENMASK_ULL(63, 32)) | value;
}

static void hv_set_high(u64 *reg, u32 value)
{
	*reg = (*reg & GENMASK_ULL(31, 0)) | (u64)value << 32;
}

/* Queue registers: latched only while the selected queue is not ready. */
static void hv_virtio_write_queue_reg(struct hv_virtio_dev *dev, u64 offset,
				      u32 value)
{
	struct hv_virtio_queue_regs *q = hv_virtio_sel_queue(dev);

	if (!q || q->ready) {
		hv_vdev_warn(dev, "queue register %#llx write to queue %u ignored\n",
			     offset, dev->queue_sel);
		return;
	}
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = value;	/* validated at QueueReady */
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		hv_set_low(&q->desc, value);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		hv_set_high(&q->desc, value);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		hv_set_low(&q->avail, value);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		hv_set_high(&q->avail, value);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		hv_set_low(&q->used, value);
		break;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		hv_set_high(&q->used, value);
		break;
	}
}

/* Config space: the whole access must fit; widths 1, 2, 4, 8; LE. */
static bool hv_config_range_ok(struct hv_virtio_dev *dev, u64 off, u32 size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) &&
	       off < dev->config_size && size <= dev->config_size - off;
}

static u64 hv_virtio_config_read(struct hv_virtio_dev *dev, u64 off,
				 u32 size)
{
	u8 buf[8] = { 0 };
	u64 value = 0;
	u32 i;

	if (!hv_config_range_ok(dev, off, size)) {
		atomic64_inc(&dev->bad_accesses);
		return 0;
	}
	dev->ops->config_read(dev, off, buf, size);
	for (i = 0; i < size; i++)
		value |= (u64)buf[i] << (8 * i);
	return value;
}

static void hv_virtio_config_write(struct hv_virtio_dev *dev, u64 off,
				   u64 value, u32 size)
{
	u8 buf[8];
	u32 i;

	if (!hv_config_range_ok(dev, off, size) || !dev->ops->config_write) {
		atomic64_inc(&dev->bad_accesses);
		return;
	}
	for (i = 0; i < size; i++)
		buf[i] = value >> (8 * i);
	dev->ops->config_write(dev, off, buf, size);
}

static u32 hv_virtio_read_reg(struct hv_virtio_dev *dev, u64 offset)
{
	struct hv_virtio_queue_regs *q;

	/*
	 * Its zone stopped: the device was reset (hv_virtio_zone_stop()), and
	 * what changes state or could still be set reads as after a reset.
	 */
	if (hvisor_vdev_stopped(&dev->vdev)) {
		switch (offset) {
		case VIRTIO_MMIO_QUEUE_READY:
		case VIRTIO_MMIO_INTERRUPT_STATUS:
		case VIRTIO_MMIO_STATUS:
			return 0;
		}
	}

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return HV_VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return HV_VIRTIO_MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return dev->ops->type;
	case VIRTIO_MMIO_VENDOR_ID:
		return HV_VIRTIO_VENDOR_ID;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (dev->dev_features_sel > 1)
			return 0;
		return dev->device_features >> (32 * dev->dev_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return hv_virtio_sel_queue(dev) ? dev->ops->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		q = hv_virtio_sel_queue(dev);
		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return hv_virtio_int_status(dev);
	case VIRTIO_MMIO_STATUS:
		return hv_virtio_status(dev);
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* Spec 4.2.2: a non-existent region has length (and base) -1. */
		return U32_MAX;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return atomic_read(&dev->config_generation);
	default:
		/* write-only, legacy or unknown registers */
		atomic64_inc(&dev->bad_accesses);
		return 0;
	}
}

static void hv_virtio_write_reg(struct hv_virtio_dev *dev, u64 offset,
				u32 value)
{
	u32 sel;

	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		dev->dev_features_sel = value;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		sel = dev->drv_features_sel;
		if (sel > 1 ||
		    (hv_virtio_status(dev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
			atomic64_inc(&dev->bad_accesses);
			break;
		}
		dev->drv_features[sel] = value;	/* validated at FEATURES_OK */
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		dev->drv_features_sel = value;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		dev->queue_sel = value;	/* bounded at every use */
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		hv_virtio_write_queue_reg(dev, offset, value);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		hv_virtio_queue_ready(dev, value);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		hv_virtio_notify(dev, value);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		hv_virtio_int_ack(dev, value);
		break;
	case VIRTIO_MMIO_STATUS:
		hv_virtio_write_status(dev, value);
		break;
	case VIRTIO_MMIO_SHM_SEL:
		break;	/* no shared memory regions: nothing to select */
	default:
		atomic64_inc(&dev->bad_accesses);
		hv_vdev_warn(dev, "write of %#x to read-only or unknown register %#llx\n",
			     value, offset);
		break;
	}
}

u64 hv_virtio_mmio_read(struct hv_vdev *vdev, u64 offset, u32 size)
{
	struct hv_virtio_dev *dev = to_hv_virtio_dev(vdev);

	if (offset >= VIRTIO_MMIO_CONFIG)
		return hv_virtio_config_read(dev, offset - VIRTIO_MMIO_CONFIG,
					     size);
	if (size != 4 || !IS_ALIGNED(offset, 4)) {
		atomic64_inc(&dev->bad_accesses);
		hv_vdev_warn(dev, "%u-byte read of register %#llx ignored\n",
			     size, offset);
		return 0;
	}
	return hv_virtio_read_reg(dev, offset);
}

/*
 * Does writing @value to register @offset sleep?  A reset and a queue
 * disabled wait for the device's workers; a Status write adding a bit of
 * ops->status_sleeps calls a status_changed that sleeps for it.
 */
static bool hv_virtio_write_sleeps(struct hv_virtio_dev *dev, u64 offset,
				   u32 value)
{
	struct hv_virtio_queue_regs *q;

	switch (offset) {
	case VIRTIO_MMIO_STATUS:
		return !value ||
		       (value & ~hv_virtio_status(dev) & dev->ops->status_sleeps);
	case VIRTIO_MMIO_QUEUE_READY:
		q = hv_virtio_sel_queue(dev);
		return !value && q && q->ready;
	default:
		return false;
	}
}

int hv_virtio_mmio_write(struct hv_vdev *vdev, u64 offset, u64 value,
			 u32 size, bool may_sleep)
{
	struct hv_virtio_dev *dev = to_hv_virtio_dev(vdev);

	if (offset >= VIRTIO_MMIO_CONFIG) {
		hv_virtio_config_write(dev, offset - VIRTIO_MMIO_CONFIG, value,
				       size);
	} else if (size != 4 || !IS_ALIGNED(offset, 4)) {
		atomic64_inc(&dev->bad_accesses);
		hv_vdev_warn(dev, "%u-byte write of register %#llx ignored\n",
			     size, offset);
	} else if (may_sleep || !hv_virtio_write_sleeps(dev, offset, value)) {
		hv_virtio_write_reg(dev, offset, value);
	} else {
		return -EWOULDBLOCK;
	}
	return 0;
}

const struct hv_vdev_mmio_ops hv_virtio_mmio_ops = {
	.read = hv_virtio_mmio_read,
	.write = hv_virtio_mmio_write,
};

