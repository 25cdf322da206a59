// SPDX-License-Identifier: GPL-2.0
/*
 * Ring arithmetic and ordering of the virtio bridge page; see
 * bridge_ring.h.  Plain C on purpose: tests/kunit/bridge_ring_test.c
 * includes this file.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>

#include <asm/barrier.h>

#include "bridge_ring.h"

bool hvisor_ring_req_empty(struct hv_virtio_bridge *b)
{
	u32 front = READ_ONCE(b->req_front) & HV_RING_MASK;

	return front == (READ_ONCE(b->req_rear) & HV_RING_MASK);
}

bool hvisor_ring_pop_req(struct hv_virtio_bridge *b, struct hv_device_req *req)
{
	/* only we write req_front */
	u32 front = READ_ONCE(b->req_front) & HV_RING_MASK;
	/* pairs with hvisor's "fill slot; fence(Release); store req_rear" */
	u32 rear = smp_load_acquire(&b->req_rear) & HV_RING_MASK;

	if (front == rear)
		return false;
	memcpy(req, &b->req_list[front], sizeof(*req));
	/* the copy is the only read of the slot: no refetch after this */
	barrier();
	/* our read of the slot completes before hvisor may refill it */
	smp_store_release(&b->req_front, (front + 1) & HV_RING_MASK);
	return true;
}

int hvisor_ring_push_res(struct hv_virtio_bridge *b, u32 zone, u32 irq)
{
	/* only we write res_rear */
	u32 rear = READ_ONCE(b->res_rear) & HV_RING_MASK;
	/* hvisor has finished reading the slots before res_front */
	u32 front = smp_load_acquire(&b->res_front) & HV_RING_MASK;

	if (((rear + 1) & HV_RING_MASK) == front)
		return -ENOSPC;
	WRITE_ONCE(b->res_list[rear].target_zone, zone);
	WRITE_ONCE(b->res_list[rear].irq_id, irq);
	/* pairs with hvisor's "load res_rear; fence(Acquire); read slot" */
	smp_store_release(&b->res_rear, (rear + 1) & HV_RING_MASK);
	return 0;
}

int hvisor_ring_complete_cfg(struct hv_virtio_bridge *b, u64 cpu, u64 value)
{
	if (cpu >= HV_BRIDGE_MAX_CPUS)
		return -EINVAL;
	WRITE_ONCE(b->cfg_values[cpu], value);
	/* hvisor reads flag, fence(Acquire), then value */
	smp_wmb();
	/* one answer per cpu at a time: a plain increment is enough */
	WRITE_ONCE(b->cfg_flags[cpu], READ_ONCE(b->cfg_flags[cpu]) + 1);
	/* make the completion visible before we look at the next request */
	smp_mb();
	return 0;
}

void hvisor_ring_set_wakeup(struct hv_virtio_bridge *b, bool armed)
{
	WRITE_ONCE(b->need_wakeup, armed);
	/* seen before any request we look at from now on */
	smp_mb();
}

/*
 * On the shadow page the daemon could write our indices too: each is
 * masked, so a garbled one misorders the daemon's own requests and
 * nothing else.
 */
int hvisor_ring_push_req(struct hv_virtio_bridge *b,
			 const struct hv_device_req *req)
{
	/* we write req_rear */
	u32 rear = READ_ONCE(b->req_rear) & HV_RING_MASK;
	/* the daemon has finished reading the slots before req_front */
	u32 front = smp_load_acquire(&b->req_front) & HV_RING_MASK;

	if (((rear + 1) & HV_RING_MASK) == front)
		return -ENOSPC;
	memcpy(&b->req_list[rear], req, sizeof(*req));
	/* the slot is written before the daemon can see it */
	smp_store_release(&b->req_rear, (rear + 1) & HV_RING_MASK);
	return 0;
}

bool hvisor_ring_pop_res(struct hv_virtio_bridge *b, struct hv_device_res *res)
{
	/* we write res_front */
	u32 front = READ_ONCE(b->res_front) & HV_RING_MASK;
	/* pairs with the daemon's "write slot; barrier; store res_rear" */
	u32 rear = smp_load_acquire(&b->res_rear) & HV_RING_MASK;

	if (front == rear)
		return false;
	memcpy(res, &b->res_list[front], sizeof(*res));
	/* the copy is the only read of the slot: no refetch after this */
	barrier();
	/* our read of the slot completes before the daemon may refill it */
	smp_store_release(&b->res_front, (front + 1) & HV_RING_MASK);
	return true;
}
