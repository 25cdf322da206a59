// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console backend served as a zone 0 tty.  See console.h for the
 * user-visible contract.
 *
 * Contexts:
 *  - the bridge consumer calls the hv_virtio_ops (notify, reset, config
 *    reads, status changes) under the device's register mutex;
 *  - the tty side (console_tty.c) only touches the input ring under
 *    con->lock and kicks the worker;
 *  - the worker (worker.c, one per device) is the only code that touches
 *    the virtqueues and the output ring.  It is kicked by the guest's
 *    notify on either queue and by the tty side when input arrives, when a
 *    reader opens or unthrottles, or when the window size changes.
 *
 * Holding guest output (the ring full, no reader or a slow one) leaves the
 * guest's virtio_console spinning in __send_to_port() with IRQs off until
 * we take the buffer.  On hvisor that is a CPU of the guest's own.  In
 * tests/sim the "guest" runs on zone 0's own CPUs, where a long spin stalls
 * zone 0 at the first IPI it sends there, so tests/e2e/console_basic.sh
 * cannot exercise a hold: it writes less than the ring before a reader
 * opens.  The hold and resume logic is covered by KUnit instead
 * (hv_con_late_reader_test in tests/kunit/console_buf_test.c).
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>

#include "../../include/uapi/hvisor.h"
#include "../compat.h"
#include "../hvisor_trace.h"
#include "console.h"
#include "console_buf.h"
#include "console_tty.h"
#include "worker.h"

#define HV_CON_RXQ		0	/* port 0 receiveq: device -> driver */
#define HV_CON_TXQ		1	/* port 0 transmitq: driver -> device */
#define HV_CON_BUDGET		64	/* iterations per queue per worker run */
#define HV_CON_BUDGET_BYTES	SZ_64K	/* bytes per queue per worker run */
#define HV_CON_RETRY		(HZ / 20)	/* tty buffers full, unthrottled */

static struct hv_console *to_hv_con(struct hv_virtio_dev *dev)
{
	return container_of(dev, struct hv_console, dev);
}

/*
 * Hand buffered guest output to the tty, as much as it takes.  Returns
 * true if it stopped because the tty's buffers are full while it did not
 * throttle us (nobody will tell us when they drain: retry later).
 */
static bool hv_con_push_tty(struct hv_console *con)
{
	struct tty_struct *tty;
	bool stalled = false;
	u32 n, done = 0;
	const u8 *p;

	if (!hv_con_ring_len(&con->out))
		return false;
	tty = tty_port_tty_get(&con->port);
	if (!tty)
		return false;	/* nobody listens: keep it in the ring */

	while (!READ_ONCE(con->throttled)) {
		n = hv_con_ring_peek(&con->out, &p);
		if (!n)
			break;
		n = min(n, tty_buffer_space_avail(&con->port));
		if (n)
			n = tty_insert_flip_string(&con->port, p, n);
		if (!n) {
			stalled = true;
			break;
		}
		hv_con_ring_consume(&con->out, n);
		done += n;
	}
	if (done)
		tty_flip_buffer_push(&con->port);
	tty_kref_put(tty);
	return stalled;
}

/*
 * Take guest output from the transmitq into the output ring, within @run
 * (see hv_vq_run).  A chain larger than the free space is taken in steps:
 * it stays popped (and the guest waits for it) until all of it is in.
 * Returns true if anything was taken, false when the queue is empty, the
 * ring full, or the queue broke.
 */
static bool hv_con_pull_guest(struct hv_console *con, struct hv_vq_run *run,
			      u32 *pending)
{
	struct hv_vq *vq = &con->dev.vqs[HV_CON_TXQ];
	struct hv_vq_chain *c = &con->tx_chain;
	bool progress = false;
	u32 n;
	int ret;

	if (!hv_vq_ready(vq))
		return false;
	/* Every turn is charged, empty pops and re-checks included. */
	while (!hv_vq_run_charge(run, 0)) {
		if (!hv_con_ring_space(&con->out)) {
			if ((con->tx_busy || hv_vq_has_avail(vq)) &&
			    !con->tx_held) {
				con->tx_held = true;
				atomic64_inc(&con->held);
			}
			break;
		}
		if (!con->tx_busy) {
			ret = hv_vq_pop(vq, c);
			trace_hvisor_chain_pop(&con->dev, HV_CON_TXQ, c, ret);
			if (ret < 0) {
				hv_worker_break(&con->dev, HV_CON_TXQ, NULL,
						pending);
				break;
			}
			if (!ret) {
				/* Empty: ask for a kick, unless one was missed. */
				if (hv_vq_enable_notify(vq))
					continue;
				break;
			}
			if (c->nin) {
				hv_worker_break(&con->dev, HV_CON_TXQ,
						"writable buffer in transmitq",
						pending);
				break;
			}
			con->tx_busy = true;
			con->tx_off = 0;
		}
		n = hv_con_ring_put_segs(&con->out, c->segs, c->nout,
					 con->tx_off);
		con->tx_off += n;
		atomic64_add(n, &con->bytes_out);
		hv_vq_run_add_bytes(run, n);
		if (n)
			progress = true;
		if (con->tx_off < c->out_len)
			continue;	/* ring full: held at the top */
		hv_vq_add_used(vq, c->head, 0);
		trace_hvisor_chain_done(&con->dev, HV_CON_TXQ, c->head, 0, c->pop_ns);
		(*pending)++;
		con->tx_busy = false;
		con->tx_held = false;
		progress = true;
	}
	return progress;
}

/* Move buffered input into the guest's receive buffers, within @run. */
static void hv_con_fill_guest(struct hv_console *con, struct hv_vq_run *run,
			      u32 *pending)
{
	struct hv_vq *vq = &con->dev.vqs[HV_CON_RXQ];
	struct hv_vq_chain *c = &con->rx_chain;
	unsigned long flags;
	bool woke = false;
	u32 n;
	int ret;

	if (!hv_vq_ready(vq))
		return;
	/* Every turn is charged, empty pops and re-checks included. */
	while (!hv_vq_run_charge(run, 0)) {
		spin_lock_irqsave(&con->lock, flags);
		n = hv_con_ring_len(&con->in);
		spin_unlock_irqrestore(&con->lock, flags);
		if (!n)
			break;

		ret = hv_vq_pop(vq, c);
		trace_hvisor_chain_pop(&con->dev, HV_CON_RXQ, c, ret);
		if (ret < 0) {
			hv_worker_break(&con->dev, HV_CON_RXQ, NULL, pending);
			break;
		}
		if (!ret) {
			/* No buffers: the guest's refill kick wakes us. */
			if (hv_vq_enable_notify(vq))
				continue;
			break;
		}
		if (c->nout) {
			hv_worker_break(&con->dev, HV_CON_RXQ,
					"readable buffer in receiveq", pending);
			break;
		}
		spin_lock_irqsave(&con->lock, flags);
		n = hv_con_ring_get_segs(&con->in, c->segs, c->nin);
		spin_unlock_irqrestore(&con->lock, flags);
		hv_vq_add_used(vq, c->head, n);
		trace_hvisor_chain_done(&con->dev, HV_CON_RXQ, c->head, n, c->pop_ns);
		(*pending)++;
		atomic64_add(n, &con->bytes_in);
		hv_vq_run_add_bytes(run, n);
		woke = true;
	}
	if (woke)
		tty_port_tty_wakeup(&con->port);
}

/* Announce a coalesced window size change. */
static void hv_con_size_event(struct hv_console *con)
{
	unsigned long flags;
	u16 cols, rows;
	bool fire;

	spin_lock_irqsave(&con->lock, flags);
	fire = hv_con_winsz_take(&con->winsz, &cols, &rows);
	if (fire) {
		con->config.cols = (__force __virtio16)cpu_to_le16(cols);
		con->config.rows = (__force __virtio16)cpu_to_le16(rows);
	}
	spin_unlock_irqrestore(&con->lock, flags);
	if (fire)
		hv_virtio_config_changed(&con->dev);
}

/*
 * Dying: complete the chain taken halfway and every posted transmit chain
 * (used length 0) so the guest's driver stops waiting for a reader that
 * is gone; receive buffers stay posted.  Under the worker's lock, queue
 * ready.  Returns true if it published completions into a ready ring.
 */
static bool hv_con_tx_drop_posted(struct hv_console *con)
{
	struct hv_vq *vq = &con->dev.vqs[HV_CON_TXQ];
	u32 pending = 0;

	lockdep_assert_held(&con->worker.lock);
	if (con->tx_busy) {
		hv_vq_add_used(vq, con->tx_chain.head, 0);
		pending++;
		con->tx_busy = false;
		con->tx_held = false;
	}
	pending += hv_vq_complete_posted(vq, &con->tx_chain, HV_CON_QUEUE_MAX);
	if (!hv_vq_ready(vq)) {
		hv_worker_break(&con->dev, HV_CON_TXQ, NULL, &pending);
		return false;
	}
	hv_vq_publish_used(vq);
	return pending;
}

/* One bounded run over both queues (see hv_vq_run); true if work is left. */
static bool hv_con_run(struct hv_worker *w)
{
	struct hv_console *con = container_of(w, struct hv_console, worker);
	u32 tx_pending = 0, rx_pending = 0;
	struct hv_vq_run tx_run, rx_run;
	bool stalled, more, cut;

	if (hv_worker_dying(w)) {
		if (!hv_worker_paused(w) &&
		    hv_vq_ready(&con->dev.vqs[HV_CON_TXQ]) &&
		    hv_con_tx_drop_posted(con))
			hv_virtio_raise(&con->dev, VIRTIO_MMIO_INT_VRING);
		return false;
	}
	hv_con_size_event(con);
	if (hv_worker_paused(w))
		return false;

	hv_vq_run_init(&tx_run, HV_CON_BUDGET, HV_CON_BUDGET_BYTES);
	hv_vq_run_init(&rx_run, HV_CON_BUDGET, HV_CON_BUDGET_BYTES);
	do {
		hv_con_push_tty(con);
		more = hv_con_pull_guest(con, &tx_run, &tx_pending);
	} while (more && !tx_run.cut);
	stalled = hv_con_push_tty(con);
	hv_worker_publish(&con->dev, HV_CON_TXQ, &tx_pending);

	hv_con_fill_guest(con, &rx_run, &rx_pending);
	hv_worker_publish(&con->dev, HV_CON_RXQ, &rx_pending);

	/* Both counted: a run is cut if either direction was. */
	cut = hv_virtio_run_end(&con->dev, &tx_run);
	cut |= hv_virtio_run_end(&con->dev, &rx_run);
	/* tty buffers full and not throttled: nobody tells us, retry. */
	if (!cut && stalled)
		hv_worker_kick_later(w, HV_CON_WORK, HV_CON_RETRY);
	return cut;
}

static const hv_work_fn hv_con_handlers[] = { hv_con_run };

/* ---- virtio side ------------------------------------------------------ */

static void hv_con_config_read(struct hv_virtio_dev *dev, u32 offset, u8 *buf,
			       u32 len)
{
	struct hv_console *con = to_hv_con(dev);
	unsigned long flags;

	spin_lock_irqsave(&con->lock, flags);
	memcpy(buf, (u8 *)&con->config + offset, len);
	spin_unlock_irqrestore(&con->lock, flags);
}

static void hv_con_notify(struct hv_virtio_dev *dev, u16 index)
{
	hv_worker_resume(&to_hv_con(dev)->worker, HV_CON_WORK);
}

/*
 * Quiesce: on return the worker is off the queues until the next notify.
 * Buffered data on both sides stays: it belongs to the tty, not to the
 * driver instance being reset.  A chain taken halfway is forgotten with
 * the queue; its first bytes are already in the ring.
 */
static void hv_con_reset(struct hv_virtio_dev *dev)
{
	struct hv_console *con = to_hv_con(dev);

	hv_worker_quiesce(&con->worker);
	con->tx_busy = false;
	con->tx_held = false;
	con->tx_off = 0;
	hv_worker_unlock(&con->worker);
}

/*
 * Detach: the tty goes away.  Guest output posted (and a chain taken
 * halfway) completes as taken, with one interrupt whatever used_event
 * says, so the guest's driver stops waiting for a reader; the dying
 * worker does the same with what the driver posts until unregistration.
 */
static void hv_con_kill(struct hv_virtio_dev *dev)
{
	struct hv_console *con = to_hv_con(dev);
	bool raised = false;

	hv_worker_kill(&con->worker);
	if (!hv_worker_paused(&con->worker) &&
	    hv_vq_ready(&dev->vqs[HV_CON_TXQ]) && hv_con_tx_drop_posted(con)) {
		hv_virtio_raise(dev, VIRTIO_MMIO_INT_VRING);
		raised = true;
	}
	hv_worker_unlock(&con->worker);
	if (raised)
		hv_virtio_kill_wait(dev);
}

/* A driver that just became ready learns the current size. */
static void hv_con_status_changed(struct hv_virtio_dev *dev, u32 old, u32 new)
{
	struct hv_console *con = to_hv_con(dev);
	unsigned long flags;

	if (!(new & ~old & VIRTIO_CONFIG_S_DRIVER_OK))
		return;
	spin_lock_irqsave(&con->lock, flags);
	if (con->winsz.cols || con->winsz.rows)
		hv_con_winsz_repeat(&con->winsz);
	spin_unlock_irqrestore(&con->lock, flags);
	hv_con_kick(con);
}

static const struct hv_virtio_ops hv_con_ops = {
	.name = "console",
	.type = VIRTIO_ID_CONSOLE,
	.num_queues = 2,
	.queue_max = HV_CON_QUEUE_MAX,
	.features = BIT_ULL(VIRTIO_CONSOLE_F_SIZE),
	.config_read = hv_con_config_read,
	.notify = hv_con_notify,
	.reset = hv_con_reset,
	.kill = hv_con_kill,
	.status_changed = hv_con_status_changed,
	.destroy = hv_console_destroy,
};

/* ---- device lifecycle ------------------------------------------------- */

/*
 * Create a console device (not yet registered with the bridge) and its
 * tty /dev/hvisorcon<n> (root 0600: the name matches no distribution
 * udev rule).  Returns the device or an ERR_PTR (-ENOSPC when all minors
 * are taken).
 */
static struct hv_virtio_dev *
hv_console_create(const struct hv_virtio_dev_info *info,
		  const struct hvisor_virtio_device *d, struct file *file)
{
	struct hv_console *con;
	int err;

	con = kzalloc(sizeof(*con), GFP_KERNEL);
	if (!con)
		return ERR_PTR(-ENOMEM);
	con->out_buf = kvmalloc(HV_CON_OUT_RING, GFP_KERNEL);
	if (!con->out_buf) {
		err = -ENOMEM;
		goto free_con;
	}
	if (hv_con_ring_init(&con->out, con->out_buf, HV_CON_OUT_RING) ||
	    hv_con_ring_init(&con->in, con->in_buf, HV_CON_IN_RING)) {
		err = -EINVAL;
		goto free_con;
	}
	spin_lock_init(&con->lock);
	con->tx_chain.segs = con->tx_segs;
	con->tx_chain.max_segs = HV_CON_QUEUE_MAX;
	con->rx_chain.segs = con->rx_segs;
	con->rx_chain.max_segs = HV_CON_QUEUE_MAX;
	atomic64_set(&con->bytes_in, 0);
	atomic64_set(&con->bytes_out, 0);
	atomic64_set(&con->held, 0);

	err = hv_virtio_dev_init(&con->dev, &hv_con_ops, info->mem,
				 sizeof(con->config));
	if (err)
		goto free_con;
	hv_virtio_dev_bind(&con->dev, info, con);
	/* Paused until the first notify. */
	err = hv_worker_start(&con->worker, &con->dev, hv_con_handlers,
			      ARRAY_SIZE(hv_con_handlers), "con", -1);
	if (err)
		goto free_con;

	err = hv_con_tty_add(con);
	if (err)
		goto stop_worker;
	return &con->dev;

stop_worker:
	hv_worker_stop(&con->worker);
free_con:
	hv_con_free(con);
	return ERR_PTR(err);
}

/* The memory of @con (the tty side's last put, or a failed create). */
void hv_console_destroy(struct hv_virtio_dev *dev)
{
	struct hv_console *con = to_hv_con(dev);
	unsigned long flags;

	/* No kick reaches the worker from now on; openers see dead. */
	spin_lock_irqsave(&con->lock, flags);
	con->dead = true;
	spin_unlock_irqrestore(&con->lock, flags);
	hv_worker_stop(&con->worker);
	/* Hangs up the tty; its last put frees con. */
	hv_con_tty_remove(con);
}

/* The tty's name ("hvisorcon0"): the backend, and LIST's tty. */
static void hv_console_tty_name(struct hv_virtio_dev *dev, char *buf,
				size_t size)
{
	snprintf(buf, size, HV_CON_TTY_NAME "%u", to_hv_con(dev)->minor);
}

static void hv_console_backend(struct hv_virtio_dev *dev, struct file *file,
			       char *buf, size_t size)
{
	hv_console_tty_name(dev, buf, size);
}

/* ---- sysfs: zone<N>/console@<addr>/ -------------------------------- */

static ssize_t hv_con_tty(struct hv_virtio_dev *dev, char *buf)
{
	return sysfs_emit(buf, HV_CON_TTY_NAME "%u\n", to_hv_con(dev)->minor);
}

static ssize_t hv_con_buffered_in(struct hv_virtio_dev *dev, char *buf)
{
	struct hv_console *con = to_hv_con(dev);
	unsigned long flags;
	u32 len;

	spin_lock_irqsave(&con->lock, flags);
	len = hv_con_ring_len(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	return sysfs_emit(buf, "%u\n", len);
}

/* The worker moves the indexes meanwhile: a snapshot, always in range. */
static ssize_t hv_con_buffered_out(struct hv_virtio_dev *dev, char *buf)
{
	struct hv_console *con = to_hv_con(dev);
	u32 len = READ_ONCE(con->out.head) - READ_ONCE(con->out.tail);

	return sysfs_emit(buf, "%u\n", min_t(u32, len, HV_CON_OUT_RING));
}

static const struct hv_vattr hv_console_attrs[] = {
	HV_VATTR_SHOW("tty", hv_con_tty),
	HV_VATTR_COUNTER("bytes_in", struct hv_console, bytes_in),
	HV_VATTR_COUNTER("bytes_out", struct hv_console, bytes_out),
	HV_VATTR_SHOW("buffered_in", hv_con_buffered_in),
	HV_VATTR_SHOW("buffered_out", hv_con_buffered_out),
	HV_VATTR_COUNTER("held", struct hv_console, held),
	{}
};

const struct hv_vtype hv_console_vtype = {
	.id = HVISOR_VIRTIO_CONSOLE, .name = "console",
	.max_queues = 1, .create = hv_console_create,
	.backend = hv_console_backend, .tty = hv_console_tty_name,
	.attrs = hv_console_attrs,
};
