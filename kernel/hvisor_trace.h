/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints on hvisor.ko's data path, under events/hvisor/ in tracefs
 * (trace-cmd record -e hvisor, perf record -e 'hvisor:*').  Each names the
 * zone and the device's MMIO base, so one device can be filtered out of a
 * busy system.  CREATE_TRACE_POINTS is defined in kernel/trace.c only.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hvisor

#if !defined(_HVISOR_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _HVISOR_TRACE_H

#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/tracepoint.h>
#include <linux/types.h>
#include "../include/hvisor/hypervisor.h"

/*
 * Only pointers pass through the callers' side; the fields are read in
 * kernel/trace.c, which includes the definitions.  So the devices include
 * this header without it including them back.
 */
struct hv_virtio_dev;
struct hv_vq_chain;

/* A trapped access taken from the request ring, before it is performed. */
TRACE_EVENT(hvisor_bridge_req,
	TP_PROTO(const struct hv_device_req *req),
	TP_ARGS(req),
	TP_STRUCT__entry(
		__field(u32, zone)
		__field(u32, cpu)
		__field(u64, addr)
		__field(u64, value)
		__field(u8, size)
		__field(u8, is_write)
		__field(u8, posted)
	),
	TP_fast_assign(
		__entry->zone = req->src_zone;
		__entry->cpu = req->src_cpu;
		__entry->addr = req->address;
		__entry->value = req->value;
		__entry->size = req->size;
		__entry->is_write = req->is_write;
		__entry->posted = req->need_interrupt;
	),
	TP_printk("zone=%u cpu=%u addr=%#llx size=%u %s value=%#llx%s",
		  __entry->zone, __entry->cpu, __entry->addr, __entry->size,
		  __entry->is_write ? "write" : "read", __entry->value,
		  __entry->posted ? " posted" : "")
);

/* The access was performed: the value a read completes with, and how long. */
TRACE_EVENT(hvisor_bridge_answer,
	TP_PROTO(const struct hv_device_req *req, u64 value, u64 ns),
	TP_ARGS(req, value, ns),
	TP_STRUCT__entry(
		__field(u32, zone)
		__field(u32, cpu)
		__field(u64, addr)
		__field(u64, value)
		__field(u64, ns)
	),
	TP_fast_assign(
		__entry->zone = req->src_zone;
		__entry->cpu = req->src_cpu;
		__entry->addr = req->address;
		__entry->value = value;
		__entry->ns = ns;
	),
	TP_printk("zone=%u cpu=%u addr=%#llx value=%#llx ns=%llu",
		  __entry->zone, __entry->cpu, __entry->addr, __entry->value,
		  __entry->ns)
);

DECLARE_EVENT_CLASS(hvisor_dev_queue,
	TP_PROTO(const struct hv_virtio_dev *dev, u32 queue),
	TP_ARGS(dev, queue),
	TP_STRUCT__entry(
		__field(u32, zone)
		__field(u32, queue)
		__field(u64, dev)
	),
	TP_fast_assign(
		__entry->zone = dev->vdev.zone_id;
		__entry->queue = queue;
		__entry->dev = dev->vdev.base;
	),
	TP_printk("zone=%u dev=%#llx queue=%u",
		  __entry->zone, __entry->dev, __entry->queue)
);

/* QueueNotify written by the guest (a kick), before the device runs. */
DEFINE_EVENT(hvisor_dev_queue, hvisor_kick,
	TP_PROTO(const struct hv_virtio_dev *dev, u32 queue),
	TP_ARGS(dev, queue)
);

/*
 * A chain taken from the avail ring (@ret: hv_vq_pop()'s; only a popped
 * chain, ret 1, is traced).  len: readable + writable bytes.
 */
TRACE_EVENT_CONDITION(hvisor_chain_pop,
	TP_PROTO(const struct hv_virtio_dev *dev, u32 queue,
		 const struct hv_vq_chain *c, int ret),
	TP_ARGS(dev, queue, c, ret),
	TP_CONDITION(ret > 0),
	TP_STRUCT__entry(
		__field(u32, zone)
		__field(u32, queue)
		__field(u64, dev)
		__field(u32, head)
		__field(u32, out_len)
		__field(u32, in_len)
	),
	TP_fast_assign(
		__entry->zone = dev->vdev.zone_id;
		__entry->queue = queue;
		__entry->dev = dev->vdev.base;
		__entry->head = c->head;
		__entry->out_len = c->out_len;
		__entry->in_len = c->in_len;
	),
	TP_printk("zone=%u dev=%#llx queue=%u head=%u out=%u in=%u",
		  __entry->zone, __entry->dev, __entry->queue, __entry->head,
		  __entry->out_len, __entry->in_len)
);

/*
 * A chain put in the used ring with @len bytes written; @pop_ns: its
 * hv_vq_chain.pop_ns (0: unknown, then latency_ns is 0 too).
 */
TRACE_EVENT(hvisor_chain_done,
	TP_PROTO(const struct hv_virtio_dev *dev, u32 queue, u32 id, u32 len,
		 u64 pop_ns),
	TP_ARGS(dev, queue, id, len, pop_ns),
	TP_STRUCT__entry(
		__field(u32, zone)
		__field(u32, queue)
		__field(u64, dev)
		__field(u32, head)
		__field(u32, len)
		__field(u64, latency_ns)
	),
	TP_fast_assign(
		__entry->zone = dev->vdev.zone_id;
		__entry->queue = queue;
		__entry->dev = dev->vdev.base;
		__entry->head = id;
		__entry->len = len;
		__entry->latency_ns = pop_ns ? ktime_get_ns() - pop_ns : 0;
	),
	TP_printk("zone=%u dev=%#llx queue=%u head=%u len=%u latency_ns=%llu",
		  __entry->zone, __entry->dev, __entry->queue, __entry->head,
		  __entry->len, __entry->latency_ns)
);

/*
 * An injection asked of hvisor: @bits newly raised (VIRTIO_MMIO_INT_*),
 * @pending what InterruptStatus holds after them (bits already pending:
 * hvisor merges the repeat), @reinject: by the re-injection work.
 */
TRACE_EVENT(hvisor_irq_inject,
	TP_PROTO(const struct hv_virtio_dev *dev, u32 bits, u32 pending,
		 bool reinject),
	TP_ARGS(dev, bits, pending, reinject),
	TP_STRUCT__entry(
		__field(u32, zone)
		__field(u32, irq)
		__field(u64, dev)
		__field(u32, bits)
		__field(u32, pending)
		__field(bool, reinject)
	),
	TP_fast_assign(
		__entry->zone = dev->vdev.zone_id;
		__entry->irq = dev->irq;
		__entry->dev = dev->vdev.base;
		__entry->bits = bits;
		__entry->pending = pending;
		__entry->reinject = reinject;
	),
	TP_printk("zone=%u dev=%#llx irq=%u bits=%#x pending=%#x %s",
		  __entry->zone, __entry->dev, __entry->irq, __entry->bits,
		  __entry->pending,
		  __entry->reinject ? "reinject" :
		  (__entry->pending & ~__entry->bits) ? "merged" : "new")
);

/* A queue broke: the device needs a reset (why: hv_vq.why). */
TRACE_EVENT(hvisor_queue_broken,
	TP_PROTO(const struct hv_virtio_dev *dev, u32 queue),
	TP_ARGS(dev, queue),
	TP_STRUCT__entry(
		__field(u32, zone)
		__field(u32, queue)
		__field(u64, dev)
		__array(char, why, 48)
	),
	TP_fast_assign(
		__entry->zone = dev->vdev.zone_id;
		__entry->queue = queue;
		__entry->dev = dev->vdev.base;
		strscpy(__entry->why, queue < HV_VIRTIO_MAX_QUEUES &&
			dev->vqs[queue].why ? dev->vqs[queue].why : "setup",
			sizeof(__entry->why));
	),
	TP_printk("zone=%u dev=%#llx queue=%u reason=%s",
		  __entry->zone, __entry->dev, __entry->queue, __entry->why)
);

#endif /* _HVISOR_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I (see Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE hvisor_trace
#include <trace/define_trace.h>
