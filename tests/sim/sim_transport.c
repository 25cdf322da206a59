// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side: virtio-mmio (version 2) transports whose registers are
 * not readl/writel on a mapping but trapped accesses sent over the bridge
 * (sim_trap.c), exactly as a guest's accesses are trapped by hvisor.
 * Modelled on drivers/virtio/virtio_mmio.c's modern path.
 *
 * Interrupts: FINISH_REQ raises the line of the transport that owns the
 * irq, with hvisor's delivery rules (sim_vgic.c); the handler, hard half
 * to thread's end, is the span a GIC holds the irq active.  Reading
 * InterruptStatus waits for zone 0's answer, so it is done in the
 * threaded half of the handler, never in hard irq context.
 * That thread runs SCHED_NORMAL, not SCHED_FIFO like other irq threads:
 * it models a guest vCPU, and its wait for zone 0 must let zone 0's
 * (SCHED_NORMAL) consumer run on the same CPU (see sim_backoff()).
 * Notifies may come from atomic context (virtio_net's xmit): they are
 * posted without waiting, or deferred to a work item when the ring is
 * full or when hvisor's offset rule makes them blocking.
 */
#include <linux/interrupt.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/sched/rt.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "../../kernel/compat.h"
#include "sim.h"

#define SIM_VIRTIO_MAGIC	0x74726976	/* "virt" */
#define SIM_MAX_SLOTS		64		/* per region, bounds probing */

static struct sim_transport *to_sim(struct virtio_device *vdev)
{
	return container_of(vdev, struct sim_transport, vdev);
}

static u32 sim_rd(struct sim_transport *t, u32 off, u32 size)
{
	return sim_trap_read(t->zone, t->base + off, t->region_start, size);
}

static void sim_wr(struct sim_transport *t, u32 off, u32 size, u32 value)
{
	sim_trap_write(t->zone, t->base + off, t->region_start, size, value);
}

static u64 sim_vm_get_features(struct virtio_device *vdev)
{
	struct sim_transport *t = to_sim(vdev);
	u64 features;

	sim_wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 1);
	features = sim_rd(t, VIRTIO_MMIO_DEVICE_FEATURES, 4);
	features <<= 32;
	sim_wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 0);
	features |= sim_rd(t, VIRTIO_MMIO_DEVICE_FEATURES, 4);
	t->dev_platform = features & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	/*
	 * The guest's memory is the zone's: have virtio_ring use the DMA
	 * API, whose ops (sim_dma.c) place rings and buffers there.
	 */
	return features | BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
}

static int sim_vm_finalize_features(struct virtio_device *vdev)
{
	struct sim_transport *t = to_sim(vdev);
	u64 features;

	vring_transport_features(vdev);
	if (!__virtio_test_bit(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "device lacks VIRTIO_F_VERSION_1\n");
		return -EINVAL;
	}
	/* ACCESS_PLATFORM is ours (sim_vm_get_features()), unless offered */
	features = vdev->features;
	if (!t->dev_platform)
		features &= ~BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	sim_wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 1);
	sim_wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 4, features >> 32);
	sim_wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 4, 0);
	sim_wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 4, (u32)features);
	return 0;
}

static void sim_vm_get(struct virtio_device *vdev, unsigned int offset,
		       void *buf, unsigned int len)
{
	struct sim_transport *t = to_sim(vdev);
	u32 off = VIRTIO_MMIO_CONFIG + offset;
	__le32 l;
	__le16 w;
	u8 b;

	switch (len) {
	case 1:
		b = sim_rd(t, off, 1);
		memcpy(buf, &b, sizeof(b));
		break;
	case 2:
		w = cpu_to_le16(sim_rd(t, off, 2));
		memcpy(buf, &w, sizeof(w));
		break;
	case 4:
		l = cpu_to_le32(sim_rd(t, off, 4));
		memcpy(buf, &l, sizeof(l));
		break;
	case 8:
		l = cpu_to_le32(sim_rd(t, off, 4));
		memcpy(buf, &l, sizeof(l));
		l = cpu_to_le32(sim_rd(t, off + sizeof(l), 4));
		memcpy(buf + sizeof(l), &l, sizeof(l));
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

static void sim_vm_set(struct virtio_device *vdev, unsigned int offset,
		       const void *buf, unsigned int len)
{
	struct sim_transport *t = to_sim(vdev);
	u32 off = VIRTIO_MMIO_CONFIG + offset;
	__le32 l;
	__le16 w;
	u8 b;

	switch (len) {
	case 1:
		memcpy(&b, buf, sizeof(b));
		sim_wr(t, off, 1, b);
		break;
	case 2:
		memcpy(&w, buf, sizeof(w));
		sim_wr(t, off, 2, le16_to_cpu(w));
		break;
	case 4:
		memcpy(&l, buf, sizeof(l));
		sim_wr(t, off, 4, le32_to_cpu(l));
		break;
	case 8:
		memcpy(&l, buf, sizeof(l));
		sim_wr(t, off, 4, le32_to_cpu(l));
		memcpy(&l, buf + sizeof(l), sizeof(l));
		sim_wr(t, off + sizeof(l), 4, le32_to_cpu(l));
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

static u32 sim_vm_generation(struct virtio_device *vdev)
{
	return sim_rd(to_sim(vdev), VIRTIO_MMIO_CONFIG_GENERATION, 4);
}

static u8 sim_vm_get_status(struct virtio_device *vdev)
{
	return sim_rd(to_sim(vdev), VIRTIO_MMIO_STATUS, 4) & 0xff;
}

static void sim_vm_set_status(struct virtio_device *vdev, u8 status)
{
	/* 0 is a reset, see sim_vm_reset(). */
	WARN_ON(!status);
	sim_wr(to_sim(vdev), VIRTIO_MMIO_STATUS, 4, status);
}

static void sim_vm_reset(struct virtio_device *vdev)
{
	sim_wr(to_sim(vdev), VIRTIO_MMIO_STATUS, 4, 0);
}

/* Push the kicks deferred by sim_vm_notify(), from a context that waits. */
static void sim_vm_notify_work(struct work_struct *work)
{
	struct sim_transport *t = container_of(work, struct sim_transport,
					       notify_work);
	unsigned long pending;
	unsigned int i;

	while ((pending = xchg(&t->pending_notify, 0)))
		for_each_set_bit(i, &pending, BITS_PER_LONG)
			sim_wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 4, i);
}

/* May run in atomic context: never waits. */
static bool sim_vm_notify(struct virtqueue *vq)
{
	struct sim_transport *t = to_sim(vq->vdev);
	u64 addr = t->base + VIRTIO_MMIO_QUEUE_NOTIFY;
	int err = -EAGAIN;

	/* hvisor posts only offset 0x50 of a region; others block: defer. */
	if (addr - t->region_start == HV_MMIO_QUEUE_NOTIFY &&
	    !READ_ONCE(t->pending_notify))
		err = sim_trap_post(t->zone, addr, 4, vq->index, false);
	if (err == -ENODEV)
		return false;
	if (err) {
		set_bit(vq->index, &t->pending_notify);
		queue_work(system_unbound_wq, &t->notify_work);
	}
	return true;
}

static irqreturn_t sim_vm_irq(int irq, void *opaque)
{
	sim_vgic_ack(opaque);	/* the guest's IAR read: now active */
	return IRQ_WAKE_THREAD;	/* the status read waits for zone 0 */
}

static irqreturn_t sim_vm_irq_handle(int irq, void *opaque)
{
	struct sim_transport *t = opaque;
	struct virtqueue *vq;
	u32 status;

	/*
	 * irq threads start SCHED_FIFO.  A FIFO thread that waits for an
	 * answer which a SCHED_NORMAL thread must produce on this CPU (the
	 * wake-up irq we raise places zone 0's consumer here) starves it:
	 * yield() only yields to other FIFO threads, so the consumer ran
	 * only when a tick's load balance moved it or when our backoff
	 * reached its sleeping stage, 4-20 ms per interrupt.  A guest vCPU
	 * is an ordinary thread; make this one ordinary too, once.
	 */
	if (unlikely(rt_task(current)))
		sched_set_normal(current, 0);

	status = sim_rd(t, VIRTIO_MMIO_INTERRUPT_STATUS, 4);
	/*
	 * Nothing pending is normal: hvisor.ko injects again while a status
	 * bit stays set, and that bit may have been acknowledged meanwhile.
	 * Report handled to keep the spurious-irq detector off the line.
	 */
	if (!status || status == ~0U)
		return IRQ_HANDLED;
	sim_wr(t, VIRTIO_MMIO_INTERRUPT_ACK, 4, status);

	/* Like a hard irq: let NAPI's softirqs run when we are done. */
	local_bh_disable();
	if (status & VIRTIO_MMIO_INT_CONFIG)
		virtio_config_changed(&t->vdev);
	if (status & VIRTIO_MMIO_INT_VRING)
		virtio_device_for_each_vq(&t->vdev, vq)
			vring_interrupt(irq, vq);
	local_bh_enable();
	return IRQ_HANDLED;
}

static irqreturn_t sim_vm_irq_thread(int irq, void *opaque)
{
	irqreturn_t ret = sim_vm_irq_handle(irq, opaque);

	sim_vgic_eoi(opaque);	/* the guest's EOI: no longer active */
	return ret;
}

static void sim_vm_del_vq(struct sim_transport *t, struct virtqueue *vq)
{
	sim_wr(t, VIRTIO_MMIO_QUEUE_SEL, 4, vq->index);
	sim_wr(t, VIRTIO_MMIO_QUEUE_READY, 4, 0);
	WARN_ON(sim_rd(t, VIRTIO_MMIO_QUEUE_READY, 4) == 1);
	vring_del_virtqueue(vq);
}

static void sim_vm_del_vqs(struct virtio_device *vdev)
{
	struct sim_transport *t = to_sim(vdev);
	struct virtqueue *vq, *n;

	if (t->irq_requested) {
		spin_lock_irq(&sim.irq_lock);
		t->irq_requested = false;
		spin_unlock_irq(&sim.irq_lock);
		free_irq(t->virq, t);
	}
	cancel_work_sync(&t->notify_work);
	t->pending_notify = 0;
	list_for_each_entry_safe(vq, n, &vdev->vqs, list)
		sim_vm_del_vq(t, vq);
}

static struct virtqueue *sim_vm_setup_vq(struct sim_transport *t,
					 unsigned int index,
					 void (*callback)(struct virtqueue *),
					 const char *name, bool ctx)
{
	struct virtqueue *vq;
	unsigned int num;
	u64 addr;

	if (index >= BITS_PER_LONG)
		return ERR_PTR(-EINVAL);
	sim_wr(t, VIRTIO_MMIO_QUEUE_SEL, 4, index);
	if (sim_rd(t, VIRTIO_MMIO_QUEUE_READY, 4))
		return ERR_PTR(-ENOENT);
	num = sim_rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX, 4);
	if (!num || num == ~0U)
		return ERR_PTR(-ENOENT);

	/* The ring lives in zone RAM (sim_dma.c); addresses are zone IPAs. */
	vq = vring_create_virtqueue(index, num, PAGE_SIZE, &t->vdev, true, true,
				    ctx, sim_vm_notify, callback, name);
	if (!vq)
		return ERR_PTR(-ENOMEM);

	sim_wr(t, VIRTIO_MMIO_QUEUE_NUM, 4, virtqueue_get_vring_size(vq));
	addr = virtqueue_get_desc_addr(vq);
	sim_wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, 4, (u32)addr);
	sim_wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 4, addr >> 32);
	addr = virtqueue_get_avail_addr(vq);
	sim_wr(t, VIRTIO_MMIO_QUEUE_AVAIL_LOW, 4, (u32)addr);
	sim_wr(t, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 4, addr >> 32);
	addr = virtqueue_get_used_addr(vq);
	sim_wr(t, VIRTIO_MMIO_QUEUE_USED_LOW, 4, (u32)addr);
	sim_wr(t, VIRTIO_MMIO_QUEUE_USED_HIGH, 4, addr >> 32);
	sim_wr(t, VIRTIO_MMIO_QUEUE_READY, 4, 1);
	return vq;
}

/* find_vqs, first step: the transport's irq. */
static int sim_vm_request_irq(struct sim_transport *t)
{
	int err;

	sim_vgic_request(t);
	err = request_threaded_irq(t->virq, sim_vm_irq, sim_vm_irq_thread, 0,
				   dev_name(&t->vdev.dev), t);
	if (err)
		return err;
	spin_lock_irq(&sim.irq_lock);
	t->irq_requested = true;
	spin_unlock_irq(&sim.irq_lock);
	return 0;
}

/* find_vqs, per queue: no name, no queue; on failure all are deleted. */
static int sim_vm_find_vq(struct sim_transport *t, struct virtqueue **vq,
			  unsigned int *queue_idx,
			  void (*callback)(struct virtqueue *),
			  const char *name, bool ctx)
{
	int err;

	if (!name) {
		*vq = NULL;
		return 0;
	}
	*vq = sim_vm_setup_vq(t, (*queue_idx)++, callback, name, ctx);
	if (IS_ERR(*vq)) {
		err = PTR_ERR(*vq);
		sim_vm_del_vqs(&t->vdev);
		return err;
	}
	return 0;
}

/* The queues' descriptions come in this kernel's shape (compat.h). */
#if HV_HAVE_VIRTQUEUE_INFO
static int sim_vm_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			   struct virtqueue *vqs[],
			   struct virtqueue_info vqs_info[],
			   struct irq_affinity *desc)
{
	struct sim_transport *t = to_sim(vdev);
	unsigned int i, queue_idx = 0;
	int err;

	err = sim_vm_request_irq(t);
	for (i = 0; !err && i < nvqs; i++)
		err = sim_vm_find_vq(t, &vqs[i], &queue_idx,
				     vqs_info[i].callback, vqs_info[i].name,
				     vqs_info[i].ctx);
	return err;
}
#else
static int sim_vm_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			   struct virtqueue *vqs[], vq_callback_t *callbacks[],
			   const char * const names[], const bool *ctx,
			   struct irq_affinity *desc)
{
	struct sim_transport *t = to_sim(vdev);
	unsigned int i, queue_idx = 0;
	int err;

	err = sim_vm_request_irq(t);
	for (i = 0; !err && i < nvqs; i++)
		err = sim_vm_find_vq(t, &vqs[i], &queue_idx, callbacks[i],
				     names[i], ctx ? ctx[i] : false);
	return err;
}
#endif

static void sim_vm_synchronize_cbs(struct virtio_device *vdev)
{
	synchronize_irq(to_sim(vdev)->virq);
}

static const char *sim_vm_bus_name(struct virtio_device *vdev)
{
	return SIM_NAME;
}

static const struct virtio_config_ops sim_vm_config_ops = {
	.get			= sim_vm_get,
	.set			= sim_vm_set,
	.generation		= sim_vm_generation,
	.get_status		= sim_vm_get_status,
	.set_status		= sim_vm_set_status,
	.reset			= sim_vm_reset,
	.find_vqs		= sim_vm_find_vqs,
	.del_vqs		= sim_vm_del_vqs,
	.synchronize_cbs	= sim_vm_synchronize_cbs,
	.get_features		= sim_vm_get_features,
	.finalize_features	= sim_vm_finalize_features,
	.bus_name		= sim_vm_bus_name,
};

static void sim_vm_release(struct device *dev)
{
	struct sim_transport *t = to_sim(dev_to_virtio(dev));

	sim_irq_free(t->virq);
	kfree(t);
}

/*
 * Is there a device in the slot at @base?  Its device id, 0 for none
 * (a slot answering 0, like an absent or placeholder virtio-mmio device).
 */
static u32 sim_slot_probe(struct sim_zone *z, u64 base, u64 region_start)
{
	u32 magic, version;

	magic = sim_trap_read(z, base + VIRTIO_MMIO_MAGIC_VALUE, region_start, 4);
	if (magic != SIM_VIRTIO_MAGIC) {
		if (magic)
			pr_warn("hvisor_sim: zone %u: %#llx: wrong magic %#x\n",
				z->id, base, magic);
		return 0;
	}
	version = sim_trap_read(z, base + VIRTIO_MMIO_VERSION, region_start, 4);
	if (version != 2) {
		pr_warn("hvisor_sim: zone %u: %#llx: virtio-mmio version %u not supported\n",
			z->id, base, version);
		return 0;
	}
	return sim_trap_read(z, base + VIRTIO_MMIO_DEVICE_ID, region_start, 4);
}

static struct sim_transport *sim_transport_find(struct sim_zone *z, u64 base)
{
	struct sim_transport *t;

	list_for_each_entry(t, &z->transports, node)
		if (t->base == base)
			return t;
	return NULL;
}

/* Under z->probe_lock. */
static int sim_transport_add(struct sim_zone *z, u64 base, u64 region_start,
			     u32 device_id)
{
	struct sim_transport *t;
	struct device *dma;
	int virq, err;

	dma = sim_dma_get(z);
	if (!dma)
		return -ENOMEM;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	virq = sim_irq_alloc();
	if (virq < 0) {
		kfree(t);
		return virq;
	}
	t->zone = z;
	t->base = base;
	t->region_start = region_start;
	t->device_id = device_id;
	t->virq = virq;
	/* Its irq, as the guest's device description says (sim_vgic.c). */
	t->irq_id = sim_vgic_irq_of(z, base);
	if (!t->irq_id)
		pr_warn("hvisor_sim: zone %u: %#llx: no irq in the guest's device description (virtio_irqs): it gets no interrupts\n",
			z->id, base);
	INIT_WORK(&t->notify_work, sim_vm_notify_work);
	t->vdev.dev.parent = dma;	/* virtio_ring's DMA device */
	t->vdev.dev.release = sim_vm_release;
	t->vdev.config = &sim_vm_config_ops;
	t->vdev.id.device = device_id;
	t->vdev.id.vendor = sim_rd(t, VIRTIO_MMIO_VENDOR_ID, 4);

	/* On the list first: the driver's probe may already need its irq. */
	spin_lock_irq(&sim.irq_lock);
	list_add_tail(&t->node, &z->transports);
	spin_unlock_irq(&sim.irq_lock);

	err = register_virtio_device(&t->vdev);
	if (err) {
		spin_lock_irq(&sim.irq_lock);
		list_del(&t->node);
		spin_unlock_irq(&sim.irq_lock);
		put_device(&t->vdev.dev);	/* frees t */
		pr_err("hvisor_sim: zone %u: %#llx: cannot register virtio device: %d\n",
		       z->id, base, err);
		return err;
	}
	pr_info("hvisor_sim: zone %u: virtio device id %u at %#llx is %s (irq %u, hvisor irq %u)\n",
		z->id, device_id, base, dev_name(&t->vdev.dev), t->virq,
		t->irq_id);
	return 0;
}

/* Under z->probe_lock. */
static void sim_transport_del(struct sim_transport *t)
{
	get_device(&t->vdev.dev);
	/* Interrupts still flow here: drivers may complete I/O on removal. */
	unregister_virtio_device(&t->vdev);
	spin_lock_irq(&sim.irq_lock);
	list_del(&t->node);
	spin_unlock_irq(&sim.irq_lock);
	pr_info("hvisor_sim: zone %u: virtio device at %#llx removed\n",
		t->zone->id, t->base);
	put_device(&t->vdev.dev);
}

/*
 * Probe every 0x200 slot of the zone's virtio regions: add the devices
 * that appeared, remove those that are gone.  Returns the device count.
 */
int sim_transport_rescan(struct sim_zone *z)
{
	const struct hvisor_zone_head *h = z->head;
	struct sim_transport *t, *tmp;
	int count = 0;
	u32 i, s;

	mutex_lock(&z->probe_lock);
	list_for_each_entry_safe(t, tmp, &z->transports, node)
		if (sim_slot_probe(z, t->base, t->region_start) != t->device_id)
			sim_transport_del(t);

	for (i = 0; i < h->num_memory_regions; i++) {
		const struct hvisor_memory_region *r = &h->memory_regions[i];
		u32 nslots;

		if (r->type != HVISOR_MEM_TYPE_VIRTIO)
			continue;
		nslots = clamp_t(u64, r->size / SIM_MMIO_SLOT, 1, SIM_MAX_SLOTS);
		for (s = 0; s < nslots; s++) {
			u64 base = r->physical_start + (u64)s * SIM_MMIO_SLOT;
			u32 id;

			if (sim_transport_find(z, base))
				continue;
			id = sim_slot_probe(z, base, r->physical_start);
			if (id && id != ~0U)
				sim_transport_add(z, base, r->physical_start, id);
		}
	}
	list_for_each_entry(t, &z->transports, node)
		count++;
	mutex_unlock(&z->probe_lock);
	return count;
}

void sim_transport_probe_work(struct work_struct *work)
{
	sim_transport_rescan(container_of(work, struct sim_zone, probe_work));
}

void sim_transport_remove_all(struct sim_zone *z)
{
	struct sim_transport *t, *tmp;

	mutex_lock(&z->probe_lock);
	list_for_each_entry_safe(t, tmp, &z->transports, node)
		sim_transport_del(t);
	sim_dma_put(z);
	mutex_unlock(&z->probe_lock);
}
