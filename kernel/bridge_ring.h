/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring arithmetic and memory ordering of the virtio bridge page, as
 * plain C (no arch code, no sleeping, no allocation), so that KUnit can
 * test it anywhere, UML included.
 *
 * Roles (see include/hvisor/hypervisor.h): hvisor produces req_list and
 * writes req_rear; we consume it and write req_front.  We produce res_list
 * and write res_rear; hvisor consumes it (hypercall FINISH_REQ) and writes
 * res_front.  Both rings hold HV_BRIDGE_MAX_REQ slots with one left empty.
 * Single consumer of req, and res producers serialised by the caller.
 */
#ifndef _HVISOR_BRIDGE_RING_H
#define _HVISOR_BRIDGE_RING_H

#include <linux/types.h>

#include "../include/hvisor/hypervisor.h"

#define HV_RING_MASK	(HV_BRIDGE_MAX_REQ - 1)

/* True if no request is waiting. */
bool hvisor_ring_req_empty(struct hv_virtio_bridge *b);

/*
 * Take the oldest request: copy its slot once into @req (never read the
 * slot again: hvisor may reuse it as soon as req_front moves), then release
 * the slot.  Returns false if the ring is empty.
 */
bool hvisor_ring_pop_req(struct hv_virtio_bridge *b, struct hv_device_req *req);

/*
 * Append {@zone, @irq} to res_list.  Returns 0, or -ENOSPC if the ring is
 * full ((rear + 1) % 32 == front); the caller then issues FINISH_REQ.
 */
int hvisor_ring_push_res(struct hv_virtio_bridge *b, u32 zone, u32 irq);

/*
 * Answer the blocking access of hvisor cpu @cpu with @value:
 * cfg_values[cpu] = value, write barrier, cfg_flags[cpu]++, full barrier.
 * Returns -EINVAL (and touches nothing) if @cpu is out of range.
 */
int hvisor_ring_complete_cfg(struct hv_virtio_bridge *b, u64 cpu, u64 value);

/*
 * need_wakeup: @armed asks hvisor to raise the wake-up irq for every
 * request it queues.  hvisor reads it with no StoreLoad barrier after its
 * req_rear store (upstream-hvisor.md 2.6), so only a value that never
 * changes while requests flow is safe from a stale read: set it once,
 * before HV_HC_INIT_VIRTIO.
 */
void hvisor_ring_set_wakeup(struct hv_virtio_bridge *b, bool armed);

/*
 * The other side, played on the shadow page of upstream's daemon
 * (updaemon.c), where hvisor.ko is the hypervisor and the daemon consumes
 * req_list and produces res_list.  The daemon is a userspace process: it
 * may write any value into any field, so every index is masked and a slot
 * is copied once.
 */

/* Queue @req; -ENOSPC if req_list is full. */
int hvisor_ring_push_req(struct hv_virtio_bridge *b,
			 const struct hv_device_req *req);

/* Take the oldest response into @res; false if res_list is empty. */
bool hvisor_ring_pop_res(struct hv_virtio_bridge *b, struct hv_device_res *res);

#endif /* _HVISOR_BRIDGE_RING_H */
