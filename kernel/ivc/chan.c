// SPDX-License-Identifier: GPL-2.0
/*
 * One IVC channel of zone 0: its geometry read from the control table,
 * its doorbell interrupt and /sys/class/hvisor/zone0/ivc<id>/.  The
 * kobject's refcount keeps the channel while sysfs, an open file or a
 * mapping still refers to it; removal cuts all of them off first.
 */
#define pr_fmt(fmt) "hvisor: ivc: " fmt

#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "../hvisor.h"
#include "../seam_internal.h"
#include "ivc.h"

/* hvisor's sanity bound is "fits in its frame allocator"; ours is this */
#define HV_IVC_MAX_PEERS	64

static struct hvisor_ivc_chan *to_chan(struct kobject *kobj)
{
	return container_of(kobj, struct hvisor_ivc_chan, kobj);
}

/* What each attribute shows, all as unsigned decimals. */
enum hv_ivc_field {
	HV_IVC_F_ID, HV_IVC_F_PEER_ID, HV_IVC_F_MAX_PEERS, HV_IVC_F_RW_SEC_SIZE,
	HV_IVC_F_OUT_SEC_SIZE, HV_IVC_F_SHMEM_SIZE, HV_IVC_F_INTERRUPT,
	HV_IVC_F_IRQS_RECEIVED, HV_IVC_F_RINGS_SENT,
};

struct hv_ivc_attr {
	struct kobj_attribute kattr;
	enum hv_ivc_field field;
};

static u64 hv_ivc_value(struct hvisor_ivc_chan *c, enum hv_ivc_field field)
{
	switch (field) {
	case HV_IVC_F_ID:		return c->d.ivc_id;
	case HV_IVC_F_PEER_ID:		return c->peer_id;
	case HV_IVC_F_MAX_PEERS:	return c->max_peers;
	case HV_IVC_F_RW_SEC_SIZE:	return c->rw_sec_size;
	case HV_IVC_F_OUT_SEC_SIZE:	return c->out_sec_size;
	case HV_IVC_F_SHMEM_SIZE:	return c->shmem_size;
	case HV_IVC_F_INTERRUPT:	return c->d.hv_irq;
	case HV_IVC_F_IRQS_RECEIVED:	return atomic64_read(&c->received);
	case HV_IVC_F_RINGS_SENT:	return atomic64_read(&c->sent);
	}
	return 0;
}

static ssize_t hv_ivc_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct hv_ivc_attr *a = container_of(attr, struct hv_ivc_attr, kattr);

	return sysfs_emit(buf, "%llu\n", hv_ivc_value(to_chan(kobj), a->field));
}

#define HV_IVC_ATTR(_name, _field)					\
	static struct hv_ivc_attr _name##_attr = {			\
		.kattr = __ATTR(_name, 0444, hv_ivc_show, NULL),	\
		.field = _field,					\
	}

HV_IVC_ATTR(ivc_id, HV_IVC_F_ID);
HV_IVC_ATTR(peer_id, HV_IVC_F_PEER_ID);
HV_IVC_ATTR(max_peers, HV_IVC_F_MAX_PEERS);
HV_IVC_ATTR(rw_sec_size, HV_IVC_F_RW_SEC_SIZE);
HV_IVC_ATTR(out_sec_size, HV_IVC_F_OUT_SEC_SIZE);
HV_IVC_ATTR(shmem_size, HV_IVC_F_SHMEM_SIZE);
HV_IVC_ATTR(interrupt, HV_IVC_F_INTERRUPT);
HV_IVC_ATTR(irqs_received, HV_IVC_F_IRQS_RECEIVED);
HV_IVC_ATTR(rings_sent, HV_IVC_F_RINGS_SENT);

static struct attribute *hv_ivc_attrs[] = {
	&ivc_id_attr.kattr.attr,
	&peer_id_attr.kattr.attr,
	&max_peers_attr.kattr.attr,
	&rw_sec_size_attr.kattr.attr,
	&out_sec_size_attr.kattr.attr,
	&shmem_size_attr.kattr.attr,
	&interrupt_attr.kattr.attr,
	&irqs_received_attr.kattr.attr,
	&rings_sent_attr.kattr.attr,
	NULL
};
ATTRIBUTE_GROUPS(hv_ivc);

static void hv_ivc_release(struct kobject *kobj)
{
	kfree(to_chan(kobj));
}

static const struct kobj_type hv_ivc_ktype = {
	.release	= hv_ivc_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= hv_ivc_groups,
};

static irqreturn_t hv_ivc_doorbell(int irq, void *data)
{
	struct hvisor_ivc_chan *c = data;

	atomic64_inc(&c->received);
	atomic_inc(&c->pending);
	wake_up_interruptible(&c->wq);
	return IRQ_HANDLED;
}

/* The doorbell: from the hypervisor backend, else from the device tree. */
static int hv_ivc_irq(struct hvisor_ivc_chan *c)
{
	struct device_node *np;
	int irq;

	irq = hvisor_hv_ivc_irq(c->d.index);
	if (irq)
		return irq;
	np = of_find_node_by_path("/hvisor_ivc_device");
	if (!np)
		return -ENODEV;
	irq = of_irq_get(np, c->d.index);
	of_node_put(np);
	return irq ? irq : -ENXIO;
}

/* The geometry the control table reports, checked. */
static int hv_ivc_read_geometry(struct hvisor_ivc_chan *c)
{
	u32 id = hvisor_ivc_table_read(c, HV_IVC_CT_IVC_ID);

	c->max_peers = hvisor_ivc_table_read(c, HV_IVC_CT_MAX_PEERS);
	c->rw_sec_size = hvisor_ivc_table_read(c, HV_IVC_CT_RW_SEC_SIZE);
	c->out_sec_size = hvisor_ivc_table_read(c, HV_IVC_CT_OUT_SEC_SIZE);
	c->peer_id = hvisor_ivc_table_read(c, HV_IVC_CT_PEER_ID);
	/* u32 + u32 * u32 cannot overflow a u64 */
	c->shmem_size = c->rw_sec_size + (u64)c->max_peers * c->out_sec_size;

	if (id != c->d.ivc_id) {
		pr_err("channel %u: its control table says id %u\n",
		       c->d.ivc_id, id);
		return -EINVAL;
	}
	if (!c->max_peers || c->max_peers > HV_IVC_MAX_PEERS ||
	    c->peer_id >= c->max_peers) {
		pr_err("channel %u: peer %u of %u peers\n", c->d.ivc_id,
		       c->peer_id, c->max_peers);
		return -EINVAL;
	}
	if (!c->shmem_size || !PAGE_ALIGNED(c->rw_sec_size) ||
	    !PAGE_ALIGNED(c->out_sec_size) ||
	    c->d.shmem_pa > U64_MAX - c->shmem_size) {
		pr_err("channel %u: shared memory %#llx, %u + %u * %u bytes: not whole pages or wraps\n",
		       c->d.ivc_id, c->d.shmem_pa, c->rw_sec_size,
		       c->max_peers, c->out_sec_size);
		return -EINVAL;
	}
	return 0;
}

struct hvisor_ivc_chan *hvisor_ivc_chan_create(const struct hvisor_ivc_desc *d,
					       struct hvisor_zone *zone0)
{
	struct hvisor_ivc_chan *c;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return ERR_PTR(-ENOMEM);
	kobject_init(&c->kobj, &hv_ivc_ktype);	/* from here, put frees c */
	c->d = *d;
	init_waitqueue_head(&c->wq);
	mutex_init(&c->lock);
	INIT_LIST_HEAD(&c->files);

	ret = hvisor_ivc_table_map(c);
	if (ret)
		goto put;
	ret = hv_ivc_read_geometry(c);
	if (ret)
		goto unmap_table;
	ret = hv_ivc_irq(c);
	if (ret < 0) {
		pr_err("channel %u: no doorbell interrupt %u: %d\n",
		       d->ivc_id, d->index, ret);
		goto unmap_table;
	}
	c->irq = ret;
	ret = request_irq(c->irq, hv_ivc_doorbell, IRQF_SHARED,
			  "hvisor-ivc", c);
	if (ret) {
		pr_err("channel %u: cannot take irq %d: %d\n", d->ivc_id,
		       c->irq, ret);
		goto unmap_table;
	}
	ret = kobject_add(&c->kobj, &zone0->dev.kobj, "ivc%u", d->ivc_id);
	if (ret)
		goto free_irq;
	ret = hvisor_ivc_cdev_add(c);
	if (ret)
		goto del_kobj;
	pr_info("channel %u: peer %u of %u, shared memory %#llx (%llu bytes), irq %d\n",
		d->ivc_id, c->peer_id, c->max_peers, d->shmem_pa,
		c->shmem_size, c->irq);
	return c;

del_kobj:
	kobject_del(&c->kobj);
free_irq:
	free_irq(c->irq, c);
unmap_table:
	hvisor_ivc_table_unmap(c);
put:
	kobject_put(&c->kobj);
	return ERR_PTR(ret);
}

/*
 * Cut the channel off: no device, no mapping, no doorbell, no sysfs.  Open
 * files keep the (dead) object until they are closed.
 */
void hvisor_ivc_chan_remove(struct hvisor_ivc_chan *c)
{
	hvisor_ivc_cdev_del(c);		/* sets gone, zaps the mappings */
	free_irq(c->irq, c);
	hvisor_ivc_table_unmap(c);	/* write(2) checks gone first */
	kobject_del(&c->kobj);
	kobject_put(&c->kobj);
}

void hvisor_ivc_chan_put(struct hvisor_ivc_chan *c)
{
	kobject_put(&c->kobj);
}
