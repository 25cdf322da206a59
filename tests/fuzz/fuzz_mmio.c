// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the virtio-mmio register file and device core
 * (kernel/virtio/mmio.c and device.c, with vq.c for QueueReady), built
 * for userspace through kshim.h.  The input is a 4-byte device description followed by
 * register accesses, 7 bytes each:
 *
 *   byte 0   bits 0-1: queues - 1 (1..4); bit 2: 4 more queues behind an
 *            MQ feature bit; bit 3: the device has reset_queue; bit 4:
 *            injection fails; bit 5: a line_event callback that clears
 *   byte 1   config space size (0..255)
 *   byte 2   log2 of queue_max (1..128)
 *   byte 3   reserved
 *   then     kind(1) offset(2, LE) value(4, LE), where kind bits 0-2 say
 *            0 read, 1 write, 2 time passes (pending delayed work runs),
 *            3 the device serves its ready queues, 4 a queue breaks,
 *            5 config change, 6 the guest writes the value at that offset
 *            of its memory (descriptors, avail ring), 7 read; bits 3-4 the
 *            width of a register access (4, 1, 2, 8).
 *
 * The guest's memory is one region, its own malloc(), so that a queue set
 * up outside it is caught by AddressSanitizer when the device serves it.
 * After every access it checks the register file's promises: locks
 * released, DRIVER_OK only with FEATURES_OK, accepted features offered and
 * VERSION_1 among them, InterruptStatus only VRING|CONFIG, a ready queue's
 * rings inside guest memory, callbacks only for queues that exist and are
 * ready, config accesses within the config size, and a re-injection
 * scheduled whenever InterruptStatus is pending.  A final reset must leave
 * nothing behind, and neither a reset nor a stopped device injects again.
 */
#include "kshim.h"

#include <linux/errno.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "kernel/virtio/mmio.h"
#include "tests/fuzz/fuzz_util.h"

#define GMEM_GPA	0x40000000ULL
#define GMEM_SIZE	0x10000ULL
#define OP_SIZE		7
#define MQ_BIT		22	/* VIRTIO_NET_F_MQ, as net uses it */

static struct hv_virtio_dev dev, before;
static struct hv_guest_mem gm;
static u8 config[256];
static bool inject_fails, line_clears;
static unsigned long resets, injects;

static void f_config_read(struct hv_virtio_dev *d, u32 off, u8 *buf, u32 len)
{
	FUZZ_ASSERT(d == &dev && len && len <= 8);
	FUZZ_ASSERT(off < d->config_size && len <= d->config_size - off);
	memcpy(buf, config + off, len);
}

static void f_config_write(struct hv_virtio_dev *d, u32 off, const u8 *buf,
			   u32 len)
{
	FUZZ_ASSERT(off < d->config_size && len <= d->config_size - off);
	memcpy(config + off, buf, len);
}

static u16 live_queues(void)
{
	if (dev.mq_feature && !(dev.features & dev.mq_feature))
		return dev.ops->num_queues;
	return dev.num_queues;
}

/* What a device worker does: drain the queue, complete, notify. */
static void serve(struct hv_virtio_dev *d, u16 index)
{
	struct hv_vq *vq = &d->vqs[index];
	struct hv_vq_seg segs[16];
	struct hv_vq_chain c = { .segs = segs, .max_segs = 16 };
#ifdef HV_FUZZ_VQ_RUN
	struct hv_vq_run run;
#endif
	unsigned int n = 0;
	int ret;

	if (!hv_vq_ready(vq))
		return;
#ifdef HV_FUZZ_VQ_RUN
	/* A worker's run, with its budget: at most a ring's worth. */
	hv_vq_run_init(&run, vq->num, SZ_64K);
	while ((ret = hv_vq_pop(vq, &c)) > 0) {
		FUZZ_ASSERT(++n <= vq->num);
		hv_vq_add_used(vq, c.head, c.in_len);
		if (hv_vq_run_charge(&run, c.out_len + c.in_len))
			break;
	}
	hv_virtio_run_end(d, &run);
#else
	while ((ret = hv_vq_pop(vq, &c)) > 0 && n++ < 4u * vq->num)
		hv_vq_add_used(vq, c.head, c.in_len);
#endif
	if (ret < 0) {
		hv_virtio_queue_broken(d, index);
		return;
	}
	hv_vq_publish_used(vq);
	if (hv_vq_need_notify(vq))
		hv_virtio_raise(d, VIRTIO_MMIO_INT_VRING);
}

static void f_notify(struct hv_virtio_dev *d, u16 index)
{
	FUZZ_ASSERT(index < live_queues() && d->qregs[index].ready);
	serve(d, index);
}

static void f_reset(struct hv_virtio_dev *d)
{
	FUZZ_ASSERT(d == &dev);
	resets++;
}

static void f_reset_queue(struct hv_virtio_dev *d, u16 index)
{
	FUZZ_ASSERT(index < d->num_queues && d->qregs[index].ready);
}

static void f_status_changed(struct hv_virtio_dev *d, u32 old, u32 new)
{
	FUZZ_ASSERT(old != new && new);
}

static int f_inject(struct hv_virtio_dev *d)
{
	injects++;
	return inject_fails ? -EIO : 0;
}

static bool f_line_event(struct hv_virtio_dev *d, enum hvisor_irq_event ev)
{
	return line_clears;
}

static struct hv_virtio_ops ops = {
	.name = "fuzz",
	.type = 2,
	.features = BIT_ULL(0) | BIT_ULL(5),
	.config_read = f_config_read,
	.config_write = f_config_write,
	.notify = f_notify,
	.reset = f_reset,
	.status_changed = f_status_changed,
	.status_sleeps = VIRTIO_CONFIG_S_FEATURES_OK,
};

/*
 * kernel/vdev.c (the registry) is not linked: its side of a zone's stop
 * and restart is the flag the register file reads.
 */
void hvisor_vdev_stop(struct hv_vdev *vdev)
{
	WRITE_ONCE(vdev->stopped, true);
}

void hvisor_vdev_restart(struct hv_vdev *vdev)
{
	WRITE_ONCE(vdev->stopped, false);
}

static bool in_gmem(const void *p, size_t len)
{
	const u8 *lo = gm.r[0].hva, *x = p;

	return x >= lo && x < lo + GMEM_SIZE && len <= (size_t)(lo + GMEM_SIZE - x);
}

static void check(void)
{
	u32 status = dev.status;
	u16 i;

	FUZZ_ASSERT(!dev.state_lock.held);
	if (status & VIRTIO_CONFIG_S_DRIVER_OK)
		FUZZ_ASSERT(status & VIRTIO_CONFIG_S_FEATURES_OK);
	if (status & VIRTIO_CONFIG_S_FEATURES_OK) {
		FUZZ_ASSERT(!(dev.features & ~dev.device_features));
		FUZZ_ASSERT(dev.features & BIT_ULL(VIRTIO_F_VERSION_1));
	}
	FUZZ_ASSERT(!(dev.int_status & ~(VIRTIO_MMIO_INT_VRING |
					 VIRTIO_MMIO_INT_CONFIG)));
	/*
	 * No interrupt can be lost for good: while InterruptStatus is
	 * pending, a re-injection is scheduled (hvisor may drop the one sent).
	 */
	if (dev.int_status && !dev.irq_stopped)
		FUZZ_ASSERT(delayed_work_pending(&dev.reinject));
	for (i = 0; i < HV_VIRTIO_MAX_QUEUES; i++) {
		const struct hv_vq *vq = &dev.vqs[i];

		if (i >= dev.num_queues) {
			FUZZ_ASSERT(!dev.qregs[i].ready && !vq->desc);
			continue;
		}
		if (dev.qregs[i].ready)
			FUZZ_ASSERT(vq->desc);
		if (!vq->desc)
			continue;
		FUZZ_ASSERT(dev.qregs[i].ready);
		FUZZ_ASSERT(is_power_of_2(vq->num) && vq->num <= ops.queue_max);
		FUZZ_ASSERT(in_gmem(vq->desc, hv_vq_desc_size(vq->num)));
		FUZZ_ASSERT(in_gmem(vq->avail, hv_vq_avail_size(vq->num, vq->event_idx)));
		FUZZ_ASSERT(in_gmem(vq->used, hv_vq_used_size(vq->num, vq->event_idx)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 widths[4] = { 4, 1, 2, 8 };
	const struct hv_vdev_mmio_ops *m;
	u8 hdr[4] = { 0 };
	u64 off, val, got;
	u32 width;
	size_t ops_done = 0;
	unsigned long seen;
	u8 *mem;
	u16 i;

	memcpy(hdr, data, min_t(size_t, size, 4));
	data += min_t(size_t, size, 4);
	size -= min_t(size_t, size, 4);

	mem = calloc(1, GMEM_SIZE);
	FUZZ_ASSERT(mem);
	memset(&gm, 0, sizeof(gm));
	gm.nr = 1;
	gm.r[0] = (struct hv_gmem_region){ .zone0_ipa = 0x80000000,
		.zonex_ipa = GMEM_GPA, .size = GMEM_SIZE, .hva = mem };

	ops.num_queues = 1 + (hdr[0] & 3);
	ops.reset_queue = hdr[0] & 8 ? f_reset_queue : NULL;
	ops.queue_max = 1U << (hdr[2] % 8);
	inject_fails = hdr[0] & 16;
	line_clears = hdr[0] & 32;
	memset(config, 0x5a, sizeof(config));
	memset(&dev, 0, sizeof(dev));
	FUZZ_ASSERT(!hv_virtio_dev_init(&dev, &ops, &gm, hdr[1]));
	dev.vdev.zone_id = 1;
	dev.vdev.base = 0xa003000;
	dev.vdev.len = 0x200;
	dev.irq = 78;
	dev.inject = f_inject;
	dev.line_event = hdr[0] & 32 ? f_line_event : NULL;
	if (hdr[0] & 4)
		FUZZ_ASSERT(!hv_virtio_dev_set_queues(&dev, ops.num_queues + 4,
						      MQ_BIT));
	m = dev.vdev.mmio;
	FUZZ_ASSERT(m == &hv_virtio_mmio_ops);

	for (; size >= OP_SIZE; data += OP_SIZE, size -= OP_SIZE) {
		FUZZ_ASSERT(++ops_done <= 20000 / OP_SIZE + 1);
		off = get_le16(data + 1) & 0x1ff;
		val = get_le32(data + 3);
		width = widths[(data[0] >> 3) & 3];
		switch (data[0] & 7) {
		case 1:
			/* as the bridge does: atomic first, else deferred */
			memcpy(&before, &dev, sizeof(dev));
			if (m->write(&dev.vdev, off, val, width, false) ==
			    -EWOULDBLOCK) {
				/* a refused write changed nothing */
				FUZZ_ASSERT(!memcmp(&before, &dev, sizeof(dev)));
				FUZZ_ASSERT(!m->write(&dev.vdev, off, val,
						      width, true));
			}
			break;
		case 2:
			hv_fuzz_run_work();
			break;
		case 3:
			for (i = 0; i < dev.num_queues; i++)
				serve(&dev, i);
			break;
		case 4:
			hv_virtio_queue_broken(&dev, val % HV_VIRTIO_MAX_QUEUES);
			break;
		case 5:
			hv_virtio_config_changed(&dev);
			break;
		case 6:
			/* off is 16 bits: anywhere in the 64 KiB, 4 bytes */
			memcpy(mem + min_t(u64, get_le16(data + 1),
					   GMEM_SIZE - 4), data + 3, 4);
			break;
		default:
			got = m->read(&dev.vdev, off, width);
			if (off < VIRTIO_MMIO_CONFIG &&
			    (width != 4 || off % 4))
				FUZZ_ASSERT(got == 0);
			else if (off == VIRTIO_MMIO_MAGIC_VALUE)
				FUZZ_ASSERT(got == HV_VIRTIO_MMIO_MAGIC);
			else if (off == VIRTIO_MMIO_VERSION)
				FUZZ_ASSERT(got == 2);
			else if (off >= VIRTIO_MMIO_CONFIG && off -
				 VIRTIO_MMIO_CONFIG + width > dev.config_size)
				FUZZ_ASSERT(got == 0);
			if (width < 8 && off >= VIRTIO_MMIO_CONFIG)
				FUZZ_ASSERT(got >> (8 * width) == 0);
			break;
		}
		check();
	}

	/* A reset forgets everything the driver set. */
	m->write(&dev.vdev, VIRTIO_MMIO_STATUS, 0, 4, true);
	check();
	FUZZ_ASSERT(dev.status == 0 && dev.int_status == 0 && dev.features == 0);
	for (i = 0; i < HV_VIRTIO_MAX_QUEUES; i++)
		FUZZ_ASSERT(!dev.qregs[i].ready && !dev.vqs[i].desc);
	/* A reset device is quiet, and so is a stopped one. */
	seen = injects;
	hv_fuzz_run_work();
	FUZZ_ASSERT(injects == seen);
	hv_virtio_raise(&dev, VIRTIO_MMIO_INT_VRING);
	hv_virtio_irq_stop(&dev);
	FUZZ_ASSERT(!delayed_work_pending(&dev.reinject));
	seen = injects;
	hv_fuzz_run_work();
	FUZZ_ASSERT(injects == seen);
	hv_fuzz_forget_work();
	free(mem);
	return 0;
}
