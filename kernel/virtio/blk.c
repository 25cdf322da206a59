// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk backend: requests popped from the guest's queues become
 * kiocbs on an in-kernel struct file (as drivers/nvme/target/io-cmd-file.c
 * does), many in flight at once.  Each request queue (one, or up to
 * HV_BLK_MAX_QUEUES with VIRTIO_BLK_F_MQ) has its own worker kthread, its
 * own request pool and its own in-flight count, so queues are served in
 * parallel and a busy queue never holds up another.  A queue's worker pops
 * and submits, and it alone writes that queue's used ring, for completions
 * that ki_complete hands it from any context.  It injects the guest
 * interrupt once per batch, and does a bounded amount of work per run so
 * that one zone cannot monopolise zone 0.
 *
 * Reset (Status = 0) pauses every queue's worker, waits for every
 * in-flight kiocb and drops their completions: a reset device must not
 * write into rings the driver may already have freed.  QueueReady = 0 does
 * the same for that queue alone.  A queue's next kick resumes its worker
 * (the driver only kicks a queue it set up again).
 *
 * Detach (also zone shutdown and module unload) kills the device first,
 * while it is still registered: on every queue, no new kiocb is submitted,
 * the in-flight ones are waited for, and every request held and every
 * chain still posted completes with VIRTIO_BLK_S_IOERR; then one interrupt.
 * The detach waits (bounded) for the driver to acknowledge it: a driver
 * reads InterruptStatus before it looks at the used rings, and after
 * unregistration that read returns 0.  Until then, chains the driver posts
 * are failed as they come.
 */
#include <linux/bvec.h>
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "../../include/uapi/hvisor.h"
#include "../compat.h"
#include "../hvisor_trace.h"
#include "blk.h"
#include "blk_req.h"
#include "vlog.h"
#include "worker.h"

#define HV_BLK_WORK	0	/* the queue's one work bit */

static void hv_blk_kick(struct hv_blk_queue *q)
{
	hv_worker_kick(&q->worker, HV_BLK_WORK);
}

/* ki_complete: any context (bio completion may run in hard irq). */
static void hv_blk_io_done(struct kiocb *iocb, long ret)
{
	struct hv_blk_req *req = container_of(iocb, struct hv_blk_req, iocb);
	struct hv_blk_queue *q = req->q;
	unsigned long flags;

	req->ret = ret;
	llist_add(&req->done_node, &q->done);
	hv_blk_kick(q);

	/* Under the wait queue lock: a waiter cannot free q under us. */
	spin_lock_irqsave(&q->idle_wq.lock, flags);
	if (atomic_dec_and_test(&q->inflight))
		wake_up_locked(&q->idle_wq);
	spin_unlock_irqrestore(&q->idle_wq.lock, flags);
}

HV_DEFINE_KI_COMPLETE(hv_blk_ki_complete, hv_blk_io_done)

/* Under the worker's lock: wait until no kiocb of @q is in flight. */
static void hv_blk_wait_idle(struct hv_blk_queue *q)
{
	lockdep_assert_held(&q->worker.lock);
	might_sleep();
	wait_event(q->idle_wq, !atomic_read(&q->inflight));
	/* The last completer may still hold the lock: let it leave. */
	spin_lock_irq(&q->idle_wq.lock);
	spin_unlock_irq(&q->idle_wq.lock);
}

static struct hv_blk_req *hv_blk_get_req(struct hv_blk_queue *q)
{
	struct hv_blk_req *req = q->free;

	if (req)
		q->free = req->next_free;
	return req;
}

static void hv_blk_put_req(struct hv_blk_queue *q, struct hv_blk_req *req)
{
	kfree(req->bvec);
	req->bvec = NULL;
	req->next_free = q->free;
	q->free = req;
}

/* Complete @req towards the guest: status byte, used element. */
static void hv_blk_finish(struct hv_blk_queue *q, struct hv_blk_req *req,
			  u8 status, u32 written)
{
	if (status != VIRTIO_BLK_S_OK)
		atomic64_inc(&q->blk->nr_errors);
	WRITE_ONCE(*req->p.status, status);
	hv_vq_add_used(q->vq, req->chain.head, written + 1);
	trace_hvisor_chain_done(&q->blk->dev, q->index, req->chain.head,
				written + 1, req->chain.pop_ns);
	q->pending_used++;
	hv_blk_put_req(q, req);
}

/* Complete a chain without a status byte: nothing written, never lost. */
static void hv_blk_finish_unparsable(struct hv_blk_queue *q,
				     struct hv_blk_req *req)
{
	atomic64_inc(&q->blk->nr_errors);
	hv_vq_add_used(q->vq, req->chain.head, 0);
	trace_hvisor_chain_done(&q->blk->dev, q->index, req->chain.head, 0, req->chain.pop_ns);
	q->pending_used++;
	hv_blk_put_req(q, req);
}

/* Describe the kvecs as per-page bvecs for direct I/O; false to fall back. */
static bool hv_blk_build_bvec(struct hv_blk_req *req, int nr_kvec,
			      unsigned int *nr_bvec)
{
	unsigned int pages = 0, n = 0, off, chunk;
	size_t rem;
	u8 *p;
	int i;

	for (i = 0; i < nr_kvec; i++) {
		/* Block devices need sector-aligned memory for direct I/O. */
		if (!IS_ALIGNED((unsigned long)req->kvec[i].iov_base,
				HV_BLK_SECTOR_SIZE) ||
		    !IS_ALIGNED(req->kvec[i].iov_len, HV_BLK_SECTOR_SIZE))
			return false;
		off = offset_in_page(req->kvec[i].iov_base);
		pages += DIV_ROUND_UP(off + req->kvec[i].iov_len, PAGE_SIZE);
	}
	req->bvec = kmalloc_array(pages, sizeof(*req->bvec),
				  GFP_KERNEL | __GFP_NOWARN);
	if (!req->bvec)
		return false;
	for (i = 0; i < nr_kvec; i++) {
		p = req->kvec[i].iov_base;
		rem = req->kvec[i].iov_len;
		while (rem) {
			off = offset_in_page(p);
			chunk = min_t(size_t, rem, PAGE_SIZE - off);
			/* blk->direct: guest memory is in the linear map */
			hv_bvec_set_page(&req->bvec[n++], virt_to_page(p),
					 chunk, off);
			p += chunk;
			rem -= chunk;
		}
	}
	*nr_bvec = n;
	return true;
}

static ssize_t hv_blk_submit(struct hv_blk *blk, struct hv_blk_req *req,
			     int nr_kvec, bool direct)
{
	bool write = req->p.type == VIRTIO_BLK_T_OUT;
	unsigned int dir = write ? ITER_SOURCE : ITER_DEST;
	struct kiocb *iocb = &req->iocb;
	unsigned int nr_bvec;
	struct iov_iter iter;

	kfree(req->bvec);
	req->bvec = NULL;
	if (direct && hv_blk_build_bvec(req, nr_kvec, &nr_bvec))
		iov_iter_bvec(&iter, dir, req->bvec, nr_bvec, req->p.data_len);
	else
		direct = false;
	if (!direct)
		iov_iter_kvec(&iter, dir, req->kvec, nr_kvec, req->p.data_len);

	memset(iocb, 0, sizeof(*iocb));
	iocb->ki_filp = blk->file;
	iocb->ki_pos = (loff_t)req->p.sector << HV_BLK_SECTOR_SHIFT;
	iocb->ki_flags = hv_file_iocb_flags(blk->file) & ~IOCB_DIRECT;
	if (direct)
		iocb->ki_flags |= IOCB_DIRECT;
	iocb->ki_complete = hv_blk_ki_complete;
	req->direct = direct;

	/* what call_{read,write}_iter() did (gone in 6.10) */
	return write ? blk->file->f_op->write_iter(iocb, &iter) :
		       blk->file->f_op->read_iter(iocb, &iter);
}

static void hv_blk_rw(struct hv_blk_queue *q, struct hv_blk_req *req)
{
	bool write = req->p.type == VIRTIO_BLK_T_OUT;
	struct hv_vq_chain *c = &req->chain;
	struct hv_blk *blk = q->blk;
	ssize_t ret;
	int nr;

	if (!req->p.data_len) {
		hv_blk_finish(q, req, VIRTIO_BLK_S_OK, 0);
		return;
	}
	if (write)
		nr = hv_segs_to_kvec(c->segs, c->nout, HV_BLK_HDR_SIZE,
				     req->p.data_len, req->kvec);
	else
		nr = hv_segs_to_kvec(c->segs + c->nout, c->nin, 0,
				     req->p.data_len, req->kvec);
	if (nr < 0) {
		hv_blk_finish(q, req, VIRTIO_BLK_S_IOERR, 0);
		return;
	}

	atomic_inc(&q->inflight);
	ret = hv_blk_submit(blk, req, nr, blk->direct);
	/* Alignment the file system refuses: retry through the page cache. */
	if (ret == -EINVAL && req->direct)
		ret = hv_blk_submit(blk, req, nr, false);
	if (ret != -EIOCBQUEUED)
		hv_blk_io_done(&req->iocb, ret);
}

/* Worker: a kiocb completed; report it. */
static void hv_blk_io_finish(struct hv_blk_queue *q, struct hv_blk_req *req)
{
	bool read = req->p.type == VIRTIO_BLK_T_IN;
	struct hv_blk *blk = q->blk;

	if (req->ret == req->p.data_len) {
		atomic64_add(req->p.data_len, read ? &blk->nr_bytes_read :
			     &blk->nr_bytes_written);
		hv_blk_finish(q, req, VIRTIO_BLK_S_OK,
			      read ? req->p.data_len : 0);
	} else {
		hv_blk_finish(q, req, VIRTIO_BLK_S_IOERR, 0);
	}
}

static void hv_blk_fallocate(struct hv_blk_queue *q, struct hv_blk_req *req)
{
	loff_t pos = (loff_t)req->p.sector << HV_BLK_SECTOR_SHIFT;
	loff_t len = (loff_t)req->p.nr_sectors << HV_BLK_SECTOR_SHIFT;
	int mode = FALLOC_FL_KEEP_SIZE, err;
	struct file *file = q->blk->file;

	if (req->p.type == VIRTIO_BLK_T_DISCARD)
		mode |= FALLOC_FL_PUNCH_HOLE;
	else
		mode |= FALLOC_FL_ZERO_RANGE;
	err = vfs_fallocate(file, mode, pos, len);
	/* Zeroing by punching a hole reads back as zeroes too. */
	if (err == -EOPNOTSUPP && (mode & FALLOC_FL_ZERO_RANGE))
		err = vfs_fallocate(file,
				    FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE,
				    pos, len);
	hv_blk_finish(q, req, err ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK, 0);
}

static void hv_blk_start(struct hv_blk_queue *q, struct hv_blk_req *req)
{
	struct hv_vq_chain *c = &req->chain;
	struct hv_blk *blk = q->blk;
	int err;

	atomic64_inc(&blk->nr_requests);
	atomic64_inc(&q->nr_requests);
	if (hv_blk_parse(c, &blk->lim, &req->p)) {
		hv_blk_finish_unparsable(q, req);
		return;
	}
	if (req->p.status_code != VIRTIO_BLK_S_OK) {
		if (req->p.over_limits)
			hv_vdev_warn(&blk->dev,
				     "request over seg_max %u or size_max %u refused\n",
				     blk->lim.seg_max, blk->lim.size_max);
		hv_blk_finish(q, req, req->p.status_code, 0);
		return;
	}

	switch (req->p.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		hv_blk_rw(q, req);
		break;
	case VIRTIO_BLK_T_FLUSH:
		err = vfs_fsync_range(blk->file, 0, LLONG_MAX, 1);
		hv_blk_finish(q, req, err ? VIRTIO_BLK_S_IOERR :
			      VIRTIO_BLK_S_OK, 0);
		break;
	case VIRTIO_BLK_T_GET_ID:
		hv_segs_copy_to(c->segs + c->nout, c->nin, 0, blk->serial,
				req->p.data_len);
		hv_blk_finish(q, req, VIRTIO_BLK_S_OK, req->p.data_len);
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		hv_blk_fallocate(q, req);
		break;
	default:
		hv_blk_finish(q, req, VIRTIO_BLK_S_UNSUPP, 0);
		break;
	}
}

/* Complete a popped chain with IOERR (or nothing written if unparsable). */
static void hv_blk_fail(struct hv_blk_queue *q, struct hv_blk_req *req)
{
	atomic64_inc(&q->blk->nr_requests);
	atomic64_inc(&q->nr_requests);
	if (hv_blk_parse(&req->chain, &q->blk->lim, &req->p)) {
		hv_blk_finish_unparsable(q, req);
		return;
	}
	hv_blk_finish(q, req, VIRTIO_BLK_S_IOERR, 0);
}

/*
 * Dying: fail every chain the driver has posted on @q, a bounded run per
 * call (see hv_vq_run).  Under the worker's lock, queue ready, nothing in
 * flight.
 * Returns true if the budget cut the run: the worker comes back.
 */
static bool hv_blk_fail_posted(struct hv_blk_queue *q)
{
	struct hv_vq *vq = q->vq;
	struct hv_blk_req *req;
	struct hv_vq_run run;
	int ret;

	lockdep_assert_held(&q->worker.lock);
	hv_vq_run_init(&run, HV_BLK_QUEUE_MAX, SIZE_MAX);
	for (;;) {
		hv_vq_disable_notify(vq);
		for (;;) {
			req = hv_blk_get_req(q);
			if (!req)
				return false;	/* cannot happen: nothing in flight */
			ret = hv_vq_pop(vq, &req->chain);
			trace_hvisor_chain_pop(&q->blk->dev, q->index, &req->chain, ret);
			if (ret <= 0) {
				hv_blk_put_req(q, req);
				if (ret < 0) {
					hv_worker_break(&q->blk->dev, q->index,
							NULL, &q->pending_used);
					return false;
				}
				break;
			}
			hv_blk_fail(q, req);
			if (hv_vq_run_charge(&run, 0))
				return hv_virtio_run_end(&q->blk->dev, &run);
		}
		/* The empty pop and the re-check: one iteration. */
		if (hv_vq_run_charge(&run, 0))
			return hv_virtio_run_end(&q->blk->dev, &run);
		if (!hv_vq_enable_notify(vq))
			return false;
	}
}

/* Forget completed requests without touching the queue. */
static void hv_blk_drop_done(struct hv_blk_queue *q)
{
	struct llist_node *list = llist_del_all(&q->done);
	struct hv_blk_req *req, *tmp;

	llist_for_each_entry_safe(req, tmp, list, done_node)
		hv_blk_put_req(q, req);
}

static void hv_blk_reap(struct hv_blk_queue *q)
{
	struct llist_node *list = llist_del_all(&q->done);
	struct hv_blk_req *req, *tmp;

	llist_for_each_entry_safe(req, tmp, list, done_node)
		hv_blk_io_finish(q, req);
}

static void hv_blk_publish(struct hv_blk_queue *q)
{
	hv_worker_publish(&q->blk->dev, q->index, &q->pending_used);
}

/* One bounded worker run on @q (see hv_vq_run).  True if work is left. */
static bool hv_blk_run(struct hv_worker *w)
{
	struct hv_blk_queue *q = container_of(w, struct hv_blk_queue, worker);
	struct hv_vq *vq = q->vq;
	struct hv_blk_req *req;
	struct hv_vq_run run;
	size_t len;
	bool more;
	int ret;

	/*
	 * Paused by a reset, or the queue is gone or broken: the ring may not
	 * be written, so completions are dropped (and the worker does not
	 * spin on a non-empty done list).
	 */
	if (hv_worker_paused(w) || !hv_vq_ready(vq)) {
		hv_blk_drop_done(q);
		return false;
	}
	if (hv_worker_dying(w)) {
		more = hv_blk_fail_posted(q);
		hv_blk_publish(q);
		return more;
	}

	hv_vq_run_init(&run, HV_BLK_BUDGET, HV_BLK_BUDGET_BYTES);
	hv_blk_reap(q);
	for (;;) {
		hv_vq_disable_notify(vq);
		while (!hv_worker_paused(w)) {
			req = hv_blk_get_req(q);
			if (!req)
				goto out;	/* a completion will kick us */
			ret = hv_vq_pop(vq, &req->chain);
			trace_hvisor_chain_pop(&q->blk->dev, q->index, &req->chain, ret);
			if (ret <= 0) {
				hv_blk_put_req(q, req);
				if (ret < 0) {
					hv_worker_break(&q->blk->dev, q->index,
							NULL, &q->pending_used);
					return false;
				}
				break;
			}
			len = (size_t)req->chain.out_len + req->chain.in_len;
			hv_blk_start(q, req);
			if (hv_vq_run_charge(&run, len))
				goto out;
		}
		/* The empty pop and the re-check below: one iteration. */
		if (hv_worker_paused(w) || hv_vq_run_charge(&run, 0))
			goto out;
		if (!hv_vq_enable_notify(vq))
			break;
	}
out:
	hv_blk_reap(q);
	hv_blk_publish(q);
	return hv_virtio_run_end(&q->blk->dev, &run);
}

static const hv_work_fn hv_blk_handlers[] = { hv_blk_run };

/* Polling (worker_poll_us) watches the queue's ring. */
static struct hv_vq *hv_blk_poll_vq(struct hv_worker *w, unsigned int bit)
{
	struct hv_vq *vq = container_of(w, struct hv_blk_queue, worker)->vq;

	return hv_vq_ready(vq) ? vq : NULL;
}

static void hv_blk_config_read(struct hv_virtio_dev *dev, u32 offset, u8 *buf,
			       u32 len)
{
	memcpy(buf, (u8 *)&to_hv_blk(dev)->config + offset, len);
}

static void hv_blk_notify(struct hv_virtio_dev *dev, u16 index)
{
	struct hv_blk *blk = to_hv_blk(dev);
	struct hv_blk_queue *q;

	if (index >= blk->nr_queues)
		return;	/* the core only kicks queues the device has */
	q = &blk->queues[index];
	hv_worker_resume(&q->worker, HV_BLK_WORK);
}

/* Paused @q: wait out its worker and its kiocbs, drop their completions. */
static void hv_blk_quiesce(struct hv_blk_queue *q)
{
	hv_worker_quiesce(&q->worker);
	hv_blk_wait_idle(q);
	/* Completions of a reset queue are dropped, not written back. */
	hv_blk_drop_done(q);
	q->pending_used = 0;
	hv_worker_unlock(&q->worker);
}

/*
 * Quiesce: no kiocb in flight and no worker on any queue on return.  Every
 * queue is paused first, so none takes new work while another is waited
 * for.
 */
static void hv_blk_reset(struct hv_virtio_dev *dev)
{
	struct hv_blk *blk = to_hv_blk(dev);
	u16 i;

	for (i = 0; i < blk->nr_queues; i++)
		hv_worker_pause(&blk->queues[i].worker);
	for (i = 0; i < blk->nr_queues; i++)
		hv_blk_quiesce(&blk->queues[i]);
}

/* QueueReady = 0: quiesce that queue only; the others keep running. */
static void hv_blk_reset_queue(struct hv_virtio_dev *dev, u16 index)
{
	struct hv_blk *blk = to_hv_blk(dev);

	if (index >= blk->nr_queues)
		return;	/* the core only resets queues the device has */
	hv_blk_quiesce(&blk->queues[index]);
}

/*
 * Kill one queue: it never submits again; what it holds and what is posted
 * fails.  Returns true if it completed into a ready ring (published).
 */
static bool hv_blk_kill_queue(struct hv_blk_queue *q)
{
	struct hv_blk_req *req, *tmp;
	struct llist_node *list;
	bool published = false;

	hv_worker_kill(&q->worker);
	hv_blk_wait_idle(q);

	if (hv_worker_paused(&q->worker) || !hv_vq_ready(q->vq)) {
		/* Reset or never started: no ring may be written. */
		hv_blk_drop_done(q);
	} else {
		/* Completed kiocbs not yet reported fail too: the disk is gone. */
		list = llist_del_all(&q->done);
		llist_for_each_entry_safe(req, tmp, list, done_node)
			hv_blk_finish(q, req, VIRTIO_BLK_S_IOERR, 0);
		/* Cut by its budget: the dying worker fails the rest. */
		if (hv_blk_fail_posted(q))
			hv_blk_kick(q);
		if (hv_vq_ready(q->vq)) {
			hv_vq_publish_used(q->vq);
			q->pending_used = 0;
			published = true;
		}
	}
	hv_worker_unlock(&q->worker);
	return published;
}

/*
 * Detach: fail everything on every queue, tell the driver, and give it
 * time to look before the registers go away.  The workers never submit
 * again.
 */
static void hv_blk_kill(struct hv_virtio_dev *dev)
{
	struct hv_blk *blk = to_hv_blk(dev);
	bool published = false;
	u16 i;

	for (i = 0; i < blk->nr_queues; i++)
		published |= hv_blk_kill_queue(&blk->queues[i]);
	if (!published)
		return;
	/* One interrupt whatever used_event says. */
	hv_virtio_raise(dev, VIRTIO_MMIO_INT_VRING);
	/* The dying workers fail what the driver posts meanwhile. */
	hv_virtio_kill_wait(dev);
}

static const struct hv_virtio_ops hv_blk_ops = {
	.destroy = hv_blk_destroy,
	.kill = hv_blk_kill,
	.name = "blk",
	.type = VIRTIO_ID_BLOCK,
	.num_queues = 1,
	.queue_max = HV_BLK_QUEUE_MAX,
	.features = BIT_ULL(VIRTIO_BLK_F_SEG_MAX) |
		    BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) |
		    BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) |
		    BIT_ULL(VIRTIO_BLK_F_FLUSH),
	.config_read = hv_blk_config_read,
	.notify = hv_blk_notify,
	.reset = hv_blk_reset,
	.reset_queue = hv_blk_reset_queue,
};

/* Capacity in bytes of a regular file or block device, or -errno. */
static loff_t hv_blk_file_size(struct file *file)
{
	struct inode *inode = file->f_mapping->host;

	if (S_ISREG(inode->i_mode))
		return i_size_read(inode);
	if (S_ISBLK(inode->i_mode))
		return hv_bdev_nr_bytes(I_BDEV(inode));
	return -EINVAL;
}

static void hv_blk_init_config(struct hv_blk *blk)
{
	struct virtio_blk_config *cfg = &blk->config;

	cfg->capacity = (__force __virtio64)cpu_to_le64(blk->lim.capacity);
	cfg->size_max = (__force __virtio32)cpu_to_le32(blk->lim.size_max);
	cfg->seg_max = (__force __virtio32)cpu_to_le32(blk->lim.seg_max);
	cfg->blk_size = (__force __virtio32)cpu_to_le32(HV_BLK_SECTOR_SIZE);
	/* Read by drivers only with VIRTIO_BLK_F_MQ (offered if > 1). */
	cfg->num_queues = (__force __virtio16)cpu_to_le16(blk->nr_queues);
	cfg->max_discard_sectors =
		(__force __virtio32)cpu_to_le32(blk->lim.max_discard_sectors);
	cfg->max_discard_seg = (__force __virtio32)cpu_to_le32(1);
	cfg->discard_sector_alignment =
		(__force __virtio32)cpu_to_le32(PAGE_SIZE >> HV_BLK_SECTOR_SHIFT);
	cfg->max_write_zeroes_sectors =
		(__force __virtio32)cpu_to_le32(blk->lim.max_write_zeroes_sectors);
	cfg->max_write_zeroes_seg = (__force __virtio32)cpu_to_le32(1);
	cfg->write_zeroes_may_unmap = 1;
}

/* The request pool of @q: HV_BLK_QUEUE_MAX requests, all free. */
static int hv_blk_queue_init(struct hv_blk *blk, u16 index)
{
	struct hv_blk_queue *q = &blk->queues[index];
	u32 i;

	q->blk = blk;
	q->vq = &blk->dev.vqs[index];
	q->index = index;
	init_llist_head(&q->done);
	atomic_set(&q->inflight, 0);
	init_waitqueue_head(&q->idle_wq);
	atomic64_set(&q->nr_requests, 0);

	q->reqs = kvcalloc(HV_BLK_QUEUE_MAX, sizeof(*q->reqs), GFP_KERNEL);
	q->segs = kvcalloc(HV_BLK_QUEUE_MAX * HV_BLK_MAX_SEGS,
			   sizeof(*q->segs), GFP_KERNEL);
	q->kvecs = kvcalloc(HV_BLK_QUEUE_MAX * HV_BLK_MAX_SEGS,
			    sizeof(*q->kvecs), GFP_KERNEL);
	if (!q->reqs || !q->segs || !q->kvecs)
		return -ENOMEM;

	for (i = 0; i < HV_BLK_QUEUE_MAX; i++) {
		struct hv_blk_req *req = &q->reqs[i];

		req->q = q;
		req->chain.segs = &q->segs[i * HV_BLK_MAX_SEGS];
		req->chain.max_segs = HV_BLK_MAX_SEGS;
		req->kvec = &q->kvecs[i * HV_BLK_MAX_SEGS];
		hv_blk_put_req(q, req);
	}
	return 0;
}

/* Free @blk and the pools of its queues (any of them may be missing). */
static void hv_blk_free(struct hv_blk *blk)
{
	u16 i;

	for (i = 0; i < HV_BLK_MAX_QUEUES; i++) {
		kvfree(blk->queues[i].kvecs);
		kvfree(blk->queues[i].segs);
		kvfree(blk->queues[i].reqs);
	}
	kfree(blk);
}

/*
 * Guest buffers go to the file as bvecs with IOCB_DIRECT only when all of
 * the zone's memory is in zone 0's linear map: below us, non-coherent DMA
 * maintenance, swiotlb bouncing, dm-crypt, a loop device or ext4's
 * fallback to buffered I/O reach a bvec page's data through
 * page_address().  Zone RAM marked `reserved-memory { no-map }` (usual on
 * SoC boards) has struct pages but no linear mapping: there we pass kvecs
 * over the mapping guest_mem_map.c made, and the file copies through it.
 * That is buffered I/O: 6.1's direct I/O cannot take kvecs (it needs pages
 * to pin: iov_iter_get_pages() refuses ITER_KVEC), and bouncing through
 * linear pages for O_DIRECT would cost the same copy.
 */
static bool hv_blk_mem_linear(const struct hv_guest_mem *mem)
{
	u32 i;

	for (i = 0; i < mem->nr; i++)
		if (!mem->r[i].linear)
			return false;
	return true;
}

struct hv_virtio_dev *hv_blk_create(const struct hv_virtio_dev_info *info,
				    const struct hv_blk_params *params)
{
	u16 nr_queues = params->num_queues ? params->num_queues : 1;
	struct file *file = params->file;
	struct hv_blk *blk;
	loff_t size;
	u16 i, started;
	int err;

	if (nr_queues > HV_BLK_MAX_QUEUES)
		return ERR_PTR(-EINVAL);
	if (!(file->f_mode & FMODE_CAN_READ) || !file->f_op->read_iter)
		return ERR_PTR(-EBADF);
	size = hv_blk_file_size(file);
	if (size < 0)
		return ERR_PTR(size);
	if (size < HV_BLK_SECTOR_SIZE)
		return ERR_PTR(-EINVAL);

	blk = kzalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk)
		return ERR_PTR(-ENOMEM);
	blk->file = file;
	memcpy(blk->serial, params->serial, sizeof(blk->serial));
	blk->lim.capacity = size >> HV_BLK_SECTOR_SHIFT;
	blk->lim.seg_max = HV_BLK_SEG_MAX;
	blk->lim.size_max = HV_BLK_SIZE_MAX;
	blk->lim.ro = params->read_only || !(file->f_mode & FMODE_WRITE) ||
		      !(file->f_mode & FMODE_CAN_WRITE) ||
		      !file->f_op->write_iter;
	blk->direct = hv_file_can_odirect(file) &&
		      hv_blk_mem_linear(info->mem);
	blk->nr_queues = nr_queues;
	atomic64_set(&blk->nr_requests, 0);
	atomic64_set(&blk->nr_errors, 0);
	atomic64_set(&blk->nr_bytes_read, 0);
	atomic64_set(&blk->nr_bytes_written, 0);

	for (i = 0; i < nr_queues; i++) {
		err = hv_blk_queue_init(blk, i);
		if (err)
			goto free_blk;
	}

	err = hv_virtio_dev_init(&blk->dev, &hv_blk_ops, info->mem,
				 sizeof(blk->config));
	if (err)
		goto free_blk;
	err = hv_virtio_dev_set_queues(&blk->dev, nr_queues, VIRTIO_BLK_F_MQ);
	if (err)
		goto free_blk;
	hv_virtio_dev_bind(&blk->dev, info, blk);

	if (blk->lim.ro) {
		blk->dev.device_features |= BIT_ULL(VIRTIO_BLK_F_RO);
	} else if (file->f_op->fallocate) {
		blk->lim.discard = true;
		blk->lim.write_zeroes = true;
		blk->lim.max_discard_sectors = HV_BLK_MAX_DWZ_SECTORS;
		blk->lim.max_write_zeroes_sectors = HV_BLK_MAX_DWZ_SECTORS;
		blk->dev.device_features |= BIT_ULL(VIRTIO_BLK_F_DISCARD) |
					    BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES);
	}
	hv_blk_init_config(blk);

	for (started = 0; started < nr_queues; started++) {
		err = hv_worker_start(&blk->queues[started].worker, &blk->dev,
				      hv_blk_handlers,
				      ARRAY_SIZE(hv_blk_handlers), "blk",
				      started);
		if (err)
			goto stop_workers;
		hv_worker_set_poll(&blk->queues[started].worker, hv_blk_poll_vq);
	}
	return &blk->dev;

stop_workers:
	while (started--)
		hv_worker_stop(&blk->queues[started].worker);
free_blk:
	hv_blk_free(blk);
	return ERR_PTR(err);
}

void hv_blk_destroy(struct hv_virtio_dev *dev)
{
	struct hv_blk *blk = to_hv_blk(dev);

	u16 i;

	hv_blk_reset(dev);
	for (i = 0; i < blk->nr_queues; i++)
		hv_worker_stop(&blk->queues[i].worker);
	fput(blk->file);
	hv_blk_free(blk);
}

/*
 * sysfs: zone<N>/blk@<addr>/{requests,errors,bytes_read,bytes_written},
 * sums over the queues, queue_requests, one count per queue, and io_path.
 */
static ssize_t hv_blk_queue_requests(struct hv_virtio_dev *dev, char *buf)
{
	struct hv_blk *blk = to_hv_blk(dev);
	int len = 0;
	u16 i;

	for (i = 0; i < blk->nr_queues; i++)
		len += sysfs_emit_at(buf, len, "%s%lld", i ? " " : "",
				     atomic64_read(&blk->queues[i].nr_requests));
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

/* Which way guest buffers reach the image file (see hv_blk_mem_linear()). */
static ssize_t hv_blk_io_path(struct hv_virtio_dev *dev, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_hv_blk(dev)->direct ?
			  "direct" : "buffered");
}

static const struct hv_vattr hv_blk_attrs[] = {
	HV_VATTR_COUNTER("requests", struct hv_blk, nr_requests),
	HV_VATTR_COUNTER("errors", struct hv_blk, nr_errors),
	HV_VATTR_COUNTER("bytes_read", struct hv_blk, nr_bytes_read),
	HV_VATTR_COUNTER("bytes_written", struct hv_blk, nr_bytes_written),
	HV_VATTR_SHOW("queue_requests", hv_blk_queue_requests),
	HV_VATTR_SHOW("io_path", hv_blk_io_path),
	{}
};

/* ---- the type: attach entries of HVISOR_VIRTIO_BLK -------------------- */

static_assert(HV_BLK_MAX_QUEUES == HVISOR_VIRTIO_MAX_QUEUES);

static struct hv_virtio_dev *hv_blk_new(const struct hv_virtio_dev_info *info,
					const struct hvisor_virtio_device *d,
					struct file *file)
{
	struct hv_blk_params p = {
		.file = file,
		.read_only = d->flags & HVISOR_VIRTIO_F_READONLY,
		.num_queues = d->num_queues,
	};

	memcpy(p.serial, d->serial, sizeof(p.serial));
	return hv_blk_create(info, &p);
}

/*
 * O_APPEND makes every write land at the end of the file whatever sector
 * the guest names (IOCB_APPEND is inherited by our kiocbs): refused.
 */
static int hv_blk_check_file(const struct hvisor_virtio_attach *hdr,
			     u32 i, struct file *file)
{
	if (!(file->f_flags & O_APPEND))
		return 0;
	hv_zone_warn(hdr->zone_id,
		     "virtio device %u (blk): file opened with O_APPEND refused\n",
		     i);
	return -EINVAL;
}

static void hv_blk_backend(struct hv_virtio_dev *dev, struct file *file,
			   char *buf, size_t size)
{
	char *path = file_path(file, buf, size);

	if (IS_ERR(path))
		strscpy(buf, "?", size);
	else
		memmove(buf, path, strlen(path) + 1);
}

const struct hv_vtype hv_blk_vtype = {
	.id = HVISOR_VIRTIO_BLK, .name = "blk",
	.flags = HVISOR_VIRTIO_F_READONLY,
	.max_queues = HVISOR_VIRTIO_MAX_QUEUES, .takes_file = true,
	.check_file = hv_blk_check_file, .create = hv_blk_new,
	.backend = hv_blk_backend, .attrs = hv_blk_attrs,
};
