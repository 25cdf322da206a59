/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk backend over an in-kernel struct file (regular file or block
 * device) handed over by the tool as a file descriptor.
 */
#ifndef _HVISOR_VIRTIO_BLK_H
#define _HVISOR_VIRTIO_BLK_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>
#include <linux/wait.h>

#include "blk_req.h"
#include "device.h"
#include "mmio.h"
#include "vq.h"
#include "vtype.h"
#include "worker.h"

/* Request queues one device may have (VIRTIO_BLK_F_MQ); as the UAPI's. */
#define HV_BLK_MAX_QUEUES	8

struct file;

struct hv_blk_params {
	struct file *file;	/* reference handed over on success */
	bool read_only;		/* offer VIRTIO_BLK_F_RO even if writable */
	char serial[VIRTIO_BLK_ID_BYTES];	/* GET_ID; not NUL-terminated */
	u16 num_queues;		/* 0 or 1: one queue; up to HV_BLK_MAX_QUEUES */
};

/*
 * Create a blk device (not yet registered): checks the file and the queue
 * count (-EINVAL above HV_BLK_MAX_QUEUES), computes the capacity, builds
 * the config space and starts one worker per queue.  Returns the device or
 * an ERR_PTR; on failure the caller keeps its file reference.
 */
struct hv_virtio_dev *hv_blk_create(const struct hv_virtio_dev_info *info,
				    const struct hv_blk_params *params);

/*
 * Tear down a device that is no longer registered: waits for in-flight
 * I/O, stops the workers and drops the file.
 */
void hv_blk_destroy(struct hv_virtio_dev *dev);

/* The type: attach entries of HVISOR_VIRTIO_BLK (vtypes.c). */
extern const struct hv_vtype hv_blk_vtype;

/*
 * ---- The state of one device: blk.c's alone.  It is here so that the
 * KUnit suite (tests/kunit/blk_test.c) can look at what the device did
 * (queues, workers, counters) while it links the real blk.o.
 */

#define HV_BLK_QUEUE_MAX	256		/* entries; requests per queue */
#define HV_BLK_SEG_MAX		128		/* data segments per request */
#define HV_BLK_MAX_SEGS		(HV_BLK_SEG_MAX + 2)	/* + header, status */
#define HV_BLK_SIZE_MAX		SZ_1M		/* bytes per segment */
#define HV_BLK_BUDGET		64		/* iterations per worker run */
#define HV_BLK_BUDGET_BYTES	SZ_4M		/* request bytes per run */
#define HV_BLK_MAX_DWZ_SECTORS	(SZ_1G >> HV_BLK_SECTOR_SHIFT)

static_assert(HV_BLK_MAX_QUEUES <= HV_VIRTIO_MAX_QUEUES);

struct hv_blk;
struct hv_blk_queue;

struct hv_blk_req {
	struct kiocb iocb;
	struct hv_blk_queue *q;		/* the queue it came from */
	struct llist_node done_node;	/* on q->done once completed */
	struct hv_blk_req *next_free;	/* on q->free, worker only */
	struct hv_vq_chain chain;
	struct hv_blk_parsed p;
	struct kvec *kvec;		/* HV_BLK_MAX_SEGS entries */
	struct bio_vec *bvec;		/* allocated per direct request */
	long ret;
	bool direct;
};

/* One request queue: its worker, its request pool, its in-flight I/O. */
struct hv_blk_queue {
	struct hv_blk *blk;
	struct hv_vq *vq;		/* &blk->dev.vqs[index] */
	u16 index;

	/* its worker; worker.lock protects free and pending_used */
	struct hv_worker worker;
	struct hv_blk_req *free;	/* free requests */
	u32 pending_used;		/* used entries not yet published */

	struct llist_head done;		/* completed kiocbs, any context */
	atomic_t inflight;		/* submitted, not yet on done */
	/* reset waits for inflight == 0; its lock orders the last wake-up */
	wait_queue_head_t idle_wq;

	atomic64_t nr_requests;		/* popped from this queue, for sysfs */

	struct hv_blk_req *reqs;	/* HV_BLK_QUEUE_MAX of them */
	struct hv_vq_seg *segs;
	struct kvec *kvecs;
};

struct hv_blk {
	struct hv_virtio_dev dev;
	struct file *file;
	struct hv_blk_limits lim;
	struct virtio_blk_config config;	/* little endian, fixed */
	char serial[VIRTIO_BLK_ID_BYTES];
	bool direct;			/* IOCB_DIRECT allowed */

	u16 nr_queues;			/* 1..HV_BLK_MAX_QUEUES, fixed */
	struct hv_blk_queue queues[HV_BLK_MAX_QUEUES];

	/* sums over the queues */
	atomic64_t nr_requests;
	atomic64_t nr_errors;
	atomic64_t nr_bytes_read;	/* of completed IN requests */
	atomic64_t nr_bytes_written;	/* of completed OUT requests */
};

static inline struct hv_blk *to_hv_blk(struct hv_virtio_dev *dev)
{
	return container_of(dev, struct hv_blk, dev);
}

#endif /* _HVISOR_VIRTIO_BLK_H */
