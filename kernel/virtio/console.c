// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console backend served as a zone 0 tty.  See console.h for the
 * user-visible contract.
 *
 * Contexts:
 *  - the bridge consumer calls the hv_virtio_ops (notify, reset, config
 *    reads, status changes) under the device's register mutex;
 *  - the tty layer calls the tty_operations in process context; write()
 *    may also come from the line discipline's echo path with spinlocks of
 *    its own held, so the tty side only touches the input ring under
 *    con->lock and kicks the worker;
 *  - the worker (one work item per device on an unbound workqueue) is the
 *    only code that touches the virtqueues and the output ring.  It is
 *    kicked by the guest's notify on either queue and by the tty side when
 *    input arrives, when a reader opens or unthrottles, or when the window
 *    size changes.
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
#include <linux/idr.h>
#include <linux/kobject.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/tty_port.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/workqueue.h>

#include "../compat.h"
#include "../hvisor_trace.h"
#include "attach.h"
#include "console.h"
#include "console_buf.h"

#define HV_CON_RXQ		0	/* port 0 receiveq: device -> driver */
#define HV_CON_TXQ		1	/* port 0 transmitq: driver -> device */
#define HV_CON_QUEUE_MAX	128
#define HV_CON_BUDGET		64	/* iterations per queue per worker run */
#define HV_CON_BUDGET_BYTES	SZ_64K	/* bytes per queue per worker run */
#define HV_CON_RETRY		(HZ / 20)	/* tty buffers full, unthrottled */

struct hv_console {
	struct hv_virtio_dev dev;
	struct tty_port port;		/* refcount: device + each tty */
	unsigned int minor;
	struct delayed_work work;

	/*
	 * Protects the input ring, the window size, the config space copy
	 * and the dead flag (so that no kick queues the work after destroy
	 * cancelled it).  Taken from tty callbacks, the worker and config
	 * reads; never held across a call out of this file except memcpy.
	 */
	spinlock_t lock;
	struct hv_con_ring in;		/* tty -> guest */
	struct hv_con_winsz winsz;
	struct virtio_console_config config;
	bool dead;			/* detached: no more work, tty hung up */

	bool paused;			/* reset: queues off limits until notify */
	bool throttled;			/* the tty asked us to stop feeding it */

	/* Worker only (sysfs reads the ring indexes racily). */
	struct hv_con_ring out;		/* guest -> tty */
	bool tx_busy;			/* tx_chain popped, not fully taken */
	bool tx_held;			/* tx_chain waits for ring space */
	u32 tx_off;			/* bytes of tx_chain already taken */
	struct hv_vq_chain tx_chain;
	struct hv_vq_chain rx_chain;
	struct hv_vq_seg tx_segs[HV_CON_QUEUE_MAX];
	struct hv_vq_seg rx_segs[HV_CON_QUEUE_MAX];

	/* statistics for sysfs */
	atomic64_t bytes_in;		/* written into the guest's receiveq */
	atomic64_t bytes_out;		/* taken from the guest's transmitq */
	atomic64_t held;		/* times guest output was held back */

	u8 in_buf[HV_CON_IN_RING];
	u8 *out_buf;			/* HV_CON_OUT_RING bytes, kvmalloc */
};

static struct tty_driver *hv_con_driver;
static struct workqueue_struct *hv_con_wq;
static DEFINE_IDA(hv_con_minors);	/* minors in use, freed at destruct */

/* Protects hv_con_table: the live console of each minor, for open. */
static DEFINE_MUTEX(hv_con_table_lock);
static struct hv_console *hv_con_table[HV_CON_MINORS];

static struct hv_console *to_hv_con(struct hv_virtio_dev *dev)
{
	return container_of(dev, struct hv_console, dev);
}

static void hv_con_kick(struct hv_console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&con->lock, flags);
	if (!con->dead)
		mod_delayed_work(hv_con_wq, &con->work, 0);
	spin_unlock_irqrestore(&con->lock, flags);
}

/* A guest broke the rules of the console device on queue @index. */
static void hv_con_break(struct hv_console *con, u16 index, const char *why)
{
	hv_vq_break(&con->dev.vqs[index], why);
	hv_virtio_queue_broken(&con->dev, index);
}

static void hv_con_publish(struct hv_console *con, u16 index, u32 *pending)
{
	struct hv_vq *vq = &con->dev.vqs[index];

	if (!*pending)
		return;
	*pending = 0;
	hv_vq_publish_used(vq);
	if (hv_vq_need_notify(vq))
		hv_virtio_raise(&con->dev, VIRTIO_MMIO_INT_VRING);
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
				hv_virtio_queue_broken(&con->dev, HV_CON_TXQ);
				break;
			}
			if (!ret) {
				/* Empty: ask for a kick, unless one was missed. */
				if (hv_vq_enable_notify(vq))
					continue;
				break;
			}
			if (c->nin) {
				hv_con_break(con, HV_CON_TXQ,
					     "writable buffer in transmitq");
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
			hv_virtio_queue_broken(&con->dev, HV_CON_RXQ);
			break;
		}
		if (!ret) {
			/* No buffers: the guest's refill kick wakes us. */
			if (hv_vq_enable_notify(vq))
				continue;
			break;
		}
		if (c->nout) {
			hv_con_break(con, HV_CON_RXQ,
				     "readable buffer in receiveq");
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

static void hv_con_work(struct work_struct *work)
{
	struct hv_console *con = container_of(to_delayed_work(work),
					      struct hv_console, work);
	u32 tx_pending = 0, rx_pending = 0;
	struct hv_vq_run tx_run, rx_run;
	bool stalled, more, cut;

	hv_con_size_event(con);
	if (READ_ONCE(con->paused))
		return;

	hv_vq_run_init(&tx_run, HV_CON_BUDGET, HV_CON_BUDGET_BYTES);
	hv_vq_run_init(&rx_run, HV_CON_BUDGET, HV_CON_BUDGET_BYTES);
	do {
		hv_con_push_tty(con);
		more = hv_con_pull_guest(con, &tx_run, &tx_pending);
	} while (more && !tx_run.cut);
	stalled = hv_con_push_tty(con);
	hv_con_publish(con, HV_CON_TXQ, &tx_pending);

	hv_con_fill_guest(con, &rx_run, &rx_pending);
	hv_con_publish(con, HV_CON_RXQ, &rx_pending);

	/* Both counted: a run is cut if either direction was. */
	cut = hv_virtio_run_end(&con->dev, &tx_run);
	cut |= hv_virtio_run_end(&con->dev, &rx_run);
	if (cut) {
		/* Requeued behind other work on hv_con_wq. */
		hv_con_kick(con);
	} else if (stalled) {
		unsigned long flags;

		spin_lock_irqsave(&con->lock, flags);
		if (!con->dead)
			queue_delayed_work(hv_con_wq, &con->work,
					   HV_CON_RETRY);
		spin_unlock_irqrestore(&con->lock, flags);
	}
}

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
	struct hv_console *con = to_hv_con(dev);

	WRITE_ONCE(con->paused, false);
	hv_con_kick(con);
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

	WRITE_ONCE(con->paused, true);
	cancel_delayed_work_sync(&con->work);
	con->tx_busy = false;
	con->tx_held = false;
	con->tx_off = 0;
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
	.status_changed = hv_con_status_changed,
	.destroy = hv_console_destroy,
};

/* ---- tty side --------------------------------------------------------- */

static int hv_con_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct hv_console *con = NULL;
	int ret;

	mutex_lock(&hv_con_table_lock);
	if (tty->index < HV_CON_MINORS)
		con = hv_con_table[tty->index];
	if (con)
		tty_port_get(&con->port);
	mutex_unlock(&hv_con_table_lock);
	if (!con)
		return -ENODEV;

	tty->driver_data = con;
	ret = tty_port_install(&con->port, driver, tty);
	if (ret) {
		tty->driver_data = NULL;
		tty_port_put(&con->port);
	}
	return ret;
}

/* The tty is gone (after install succeeded): drop its port reference. */
static void hv_con_cleanup(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	tty->driver_data = NULL;
	tty_port_put(&con->port);
}

static int hv_con_open(struct tty_struct *tty, struct file *filp)
{
	struct hv_console *con = tty->driver_data;

	return tty_port_open(&con->port, tty, filp);
}

static void hv_con_close(struct tty_struct *tty, struct file *filp)
{
	struct hv_console *con = tty->driver_data;

	tty_port_close(&con->port, tty, filp);
}

static void hv_con_hangup(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	tty_port_hangup(&con->port);
}

/* tty_operations.write, whose types changed in 6.6: see hv_con_write */
static ssize_t hv_con_do_write(struct tty_struct *tty, const u8 *buf,
			       size_t count)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	u32 n = 0;

	if (!count)
		return 0;
	spin_lock_irqsave(&con->lock, flags);
	if (!con->dead)
		n = hv_con_ring_put(&con->in, buf,
				    min_t(size_t, count, U32_MAX));
	spin_unlock_irqrestore(&con->lock, flags);
	if (READ_ONCE(con->dead))
		return -EIO;
	if (n)
		hv_con_kick(con);
	return n;
}

/* with the signature this kernel's tty_operations.write has */
HV_DEFINE_TTY_WRITE(hv_con_write, hv_con_do_write)

static hv_tty_room_t hv_con_write_room(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	unsigned int room;

	spin_lock_irqsave(&con->lock, flags);
	room = con->dead ? 0 : hv_con_ring_space(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	return room;
}

static hv_tty_room_t hv_con_chars_in_buffer(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&con->lock, flags);
	len = hv_con_ring_len(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	return len;
}

/* tcflush(TCOFLUSH): forget input the guest has not taken yet. */
static void hv_con_flush_buffer(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;

	spin_lock_irqsave(&con->lock, flags);
	hv_con_ring_clear(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	tty_wakeup(tty);
}

static void hv_con_throttle(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	WRITE_ONCE(con->throttled, true);
}

static void hv_con_unthrottle(struct tty_struct *tty)
{
	struct hv_console *con = tty->driver_data;

	WRITE_ONCE(con->throttled, false);
	hv_con_kick(con);
}

/*
 * No line to program: every setting is kept as given and the line
 * discipline does all processing.  The worker is kicked in case the new
 * settings let it hand over data (for instance after a flow change).
 */
static void hv_con_set_termios(struct tty_struct *tty,
			       hv_old_termios_t *old)
{
	hv_con_kick(tty->driver_data);
}

/* TIOCSWINSZ: the guest's console follows (VIRTIO_CONSOLE_F_SIZE). */
static int hv_con_resize(struct tty_struct *tty, struct winsize *ws)
{
	struct hv_console *con = tty->driver_data;
	unsigned long flags;
	bool changed;
	int ret;

	ret = tty_do_resize(tty, ws);
	if (ret)
		return ret;
	spin_lock_irqsave(&con->lock, flags);
	changed = hv_con_winsz_set(&con->winsz, ws->ws_col, ws->ws_row);
	spin_unlock_irqrestore(&con->lock, flags);
	if (changed)
		hv_con_kick(con);
	return 0;
}

static const struct tty_operations hv_con_tty_ops = {
	.install = hv_con_install,
	.cleanup = hv_con_cleanup,
	.open = hv_con_open,
	.close = hv_con_close,
	.hangup = hv_con_hangup,
	.write = hv_con_write,
	.write_room = hv_con_write_room,
	.chars_in_buffer = hv_con_chars_in_buffer,
	.flush_buffer = hv_con_flush_buffer,
	.throttle = hv_con_throttle,
	.unthrottle = hv_con_unthrottle,
	.set_termios = hv_con_set_termios,
	.resize = hv_con_resize,
};

/* First open: refuse a detached console, else flush what the ring holds. */
static int hv_con_activate(struct tty_port *port, struct tty_struct *tty)
{
	struct hv_console *con = container_of(port, struct hv_console, port);

	if (READ_ONCE(con->dead))
		return -ENODEV;
	WRITE_ONCE(con->throttled, false);
	hv_con_kick(con);
	return 0;
}

/* Last close or hangup: output is kept in the ring for the next reader. */
static void hv_con_shutdown(struct tty_port *port)
{
	struct hv_console *con = container_of(port, struct hv_console, port);

	WRITE_ONCE(con->throttled, false);
}

/* The last reference (device or tty) is gone. */
static void hv_con_destruct(struct tty_port *port)
{
	struct hv_console *con = container_of(port, struct hv_console, port);

	cancel_delayed_work_sync(&con->work);
	ida_free(&hv_con_minors, con->minor);
	kvfree(con->out_buf);
	kfree(con);
}

static const struct tty_port_operations hv_con_port_ops = {
	.activate = hv_con_activate,
	.shutdown = hv_con_shutdown,
	.destruct = hv_con_destruct,
};

/* ---- device lifecycle ------------------------------------------------- */

struct hv_virtio_dev *hv_console_create(const struct hv_virtio_dev_info *info)
{
	struct hv_console *con;
	struct device *tty_dev;
	int minor, err;

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
	INIT_DELAYED_WORK(&con->work, hv_con_work);
	con->paused = true;	/* until the first notify */
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

	minor = ida_alloc_max(&hv_con_minors, HV_CON_MINORS - 1, GFP_KERNEL);
	if (minor < 0) {
		err = minor;
		goto free_con;
	}
	con->minor = minor;

	/* From here on the port's last put frees con and the minor. */
	tty_port_init(&con->port);
	con->port.ops = &hv_con_port_ops;

	mutex_lock(&hv_con_table_lock);
	hv_con_table[minor] = con;
	mutex_unlock(&hv_con_table_lock);

	tty_dev = tty_register_device(hv_con_driver, minor, NULL);
	if (IS_ERR(tty_dev)) {
		err = PTR_ERR(tty_dev);
		goto unpublish;
	}
	return &con->dev;

unpublish:
	mutex_lock(&hv_con_table_lock);
	hv_con_table[minor] = NULL;
	mutex_unlock(&hv_con_table_lock);
	tty_port_put(&con->port);
	return ERR_PTR(err);
free_con:
	kvfree(con->out_buf);
	kfree(con);
	return ERR_PTR(err);
}

void hv_console_destroy(struct hv_virtio_dev *dev)
{
	struct hv_console *con = to_hv_con(dev);
	struct tty_struct *tty;
	unsigned long flags;

	/* No new opener finds it, no kick queues the worker again. */
	mutex_lock(&hv_con_table_lock);
	hv_con_table[con->minor] = NULL;
	mutex_unlock(&hv_con_table_lock);
	spin_lock_irqsave(&con->lock, flags);
	con->dead = true;
	spin_unlock_irqrestore(&con->lock, flags);
	WRITE_ONCE(con->paused, true);
	cancel_delayed_work_sync(&con->work);

	/*
	 * An opener that installed before the table was cleared either set
	 * port->tty already (and is hung up here) or sees dead in activate.
	 */
	tty = tty_port_tty_get(&con->port);
	if (tty) {
		tty_vhangup(tty);
		tty_kref_put(tty);
	}
	tty_unregister_device(hv_con_driver, con->minor);
	tty_port_put(&con->port);
}

void hv_console_tty_name(struct hv_virtio_dev *dev, char *buf, size_t size)
{
	snprintf(buf, size, HV_CON_TTY_NAME "%u", to_hv_con(dev)->minor);
}

/* ---- sysfs ------------------------------------------------------------ */

/*
 * The attributes live in the zone<N>/console@<addr> directory attach.c
 * creates (a kobject, not a struct device), removed before the device is
 * destroyed.
 */
static struct hv_console *hv_con_from_kobj(struct kobject *kobj)
{
	return to_hv_con(hv_vnode_kobj_dev(kobj));
}

static ssize_t tty_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, HV_CON_TTY_NAME "%u\n",
			  hv_con_from_kobj(kobj)->minor);
}

static struct kobj_attribute hv_con_attr_tty = __ATTR_RO(tty);

static ssize_t hv_con_emit(char *buf, atomic64_t *counter)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(counter));
}

static ssize_t bytes_in_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	return hv_con_emit(buf, &hv_con_from_kobj(kobj)->bytes_in);
}

static struct kobj_attribute hv_con_attr_bytes_in = __ATTR_RO(bytes_in);

static ssize_t bytes_out_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return hv_con_emit(buf, &hv_con_from_kobj(kobj)->bytes_out);
}

static struct kobj_attribute hv_con_attr_bytes_out = __ATTR_RO(bytes_out);

static ssize_t held_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return hv_con_emit(buf, &hv_con_from_kobj(kobj)->held);
}

static struct kobj_attribute hv_con_attr_held = __ATTR_RO(held);

static ssize_t buffered_in_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct hv_console *con = hv_con_from_kobj(kobj);
	unsigned long flags;
	u32 len;

	spin_lock_irqsave(&con->lock, flags);
	len = hv_con_ring_len(&con->in);
	spin_unlock_irqrestore(&con->lock, flags);
	return sysfs_emit(buf, "%u\n", len);
}

static struct kobj_attribute hv_con_attr_buffered_in = __ATTR_RO(buffered_in);

/* The worker moves the indexes meanwhile: a snapshot, always in range. */
static ssize_t buffered_out_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct hv_console *con = hv_con_from_kobj(kobj);
	u32 len = READ_ONCE(con->out.head) - READ_ONCE(con->out.tail);

	return sysfs_emit(buf, "%u\n", min_t(u32, len, HV_CON_OUT_RING));
}

static struct kobj_attribute hv_con_attr_buffered_out = __ATTR_RO(buffered_out);

static struct attribute *hv_con_attrs[] = {
	&hv_con_attr_tty.attr,
	&hv_con_attr_bytes_in.attr,
	&hv_con_attr_bytes_out.attr,
	&hv_con_attr_buffered_in.attr,
	&hv_con_attr_buffered_out.attr,
	&hv_con_attr_held.attr,
	NULL,
};

const struct attribute_group hv_console_attr_group = {
	.attrs = hv_con_attrs,
};

/* ---- driver ----------------------------------------------------------- */

int hv_console_init(void)
{
	struct tty_driver *driver;
	int err;

	hv_con_wq = alloc_workqueue("hvisor-console", WQ_UNBOUND, 0);
	if (!hv_con_wq)
		return -ENOMEM;

	driver = tty_alloc_driver(HV_CON_MINORS, TTY_DRIVER_REAL_RAW |
				  TTY_DRIVER_DYNAMIC_DEV |
				  TTY_DRIVER_RESET_TERMIOS);
	if (IS_ERR(driver)) {
		err = PTR_ERR(driver);
		goto destroy_wq;
	}
	driver->driver_name = "hvisor_console";
	driver->name = HV_CON_TTY_NAME;
	driver->major = 0;		/* dynamic */
	driver->minor_start = 0;
	driver->type = TTY_DRIVER_TYPE_SERIAL;
	driver->subtype = SERIAL_TYPE_NORMAL;
	/*
	 * Raw by default, as a console that carries a remote system's own
	 * line editing and echo: no input or output processing, no local
	 * echo, no signals.  stty changes it until the last close.
	 */
	driver->init_termios = tty_std_termios;
	driver->init_termios.c_iflag = 0;
	driver->init_termios.c_oflag = 0;
	driver->init_termios.c_lflag = 0;
	driver->init_termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	driver->init_termios.c_ispeed = 115200;
	driver->init_termios.c_ospeed = 115200;
	driver->init_termios.c_cc[VMIN] = 1;
	driver->init_termios.c_cc[VTIME] = 0;
	tty_set_operations(driver, &hv_con_tty_ops);

	err = tty_register_driver(driver);
	if (err)
		goto put_driver;
	hv_con_driver = driver;
	return 0;

put_driver:
	tty_driver_kref_put(driver);
destroy_wq:
	destroy_workqueue(hv_con_wq);
	return err;
}

void hv_console_exit(void)
{
	tty_unregister_driver(hv_con_driver);
	tty_driver_kref_put(hv_con_driver);
	destroy_workqueue(hv_con_wq);
	ida_destroy(&hv_con_minors);
}
