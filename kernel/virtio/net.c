// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net backend: the guest's queues are served from the tap's socket
 * in the kernel, as drivers/vhost/net.c does for a VM.  See net.h.
 *
 * One worker kthread per device owns both queues.  It is woken by:
 *   - QueueNotify (TX: packets to send; RX: buffers were added);
 *   - a wait-queue entry on the tap socket's sk_sleep(): EPOLLIN means a
 *     packet waits for the guest, EPOLLOUT that a full tap has room again;
 *   - a netdevice notifier on the tap: the carrier changed.
 * Each run does a bounded amount of work (HV_NET_WEIGHT bytes or
 * HV_NET_PKT_WEIGHT packets per queue, as vhost) and then requeues itself,
 * so that one zone cannot monopolise zone 0.
 *
 * Nothing is dropped for lack of guest buffers: packets stay in the tap
 * (which applies its own queue limit) until the guest posts RX buffers and
 * kicks.  Bad packets from the guest are completed with length 0 and
 * counted; ring-level violations break the queue.
 *
 * Reset (Status = 0, QueueReady = 0) pauses the worker under its lock; the
 * next kick or DRIVER_OK resumes it.  Detach (also zone shutdown and
 * module unload) kills the device while it is still registered: the worker
 * never touches the tap or the RX queue again, every TX chain posted is
 * completed unsent with one interrupt, and chains posted until
 * unregistration are dropped as they come (hv_net_kill()).  Destroy
 * removes the socket and carrier watches before stopping the worker.
 *
 * What the tap must be, and how we talk to it without a daemon:
 *   - the tool opens it with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and sets
 *     TUNSETVNETHDRSZ to 12; we check the flags (tun's own tun_flags
 *     attribute) and refuse anything else.  tun has no in-kernel getter
 *     for the header size, so 12 is a contract with the tool; the guest's
 *     header size is adapted to it here (net_hdr.h);
 *   - its interface is found, checked and followed in net_tap.c;
 *   - the tap's offloads must match what the guest accepts on receive
 *     (GUEST_CSUM / GUEST_TSO4/6 / GUEST_ECN).  vhost leaves this to QEMU;
 *     we cannot, because only the kernel sees FEATURES_OK.  TUNSETOFFLOAD
 *     takes its flags by value, so calling the tap's own unlocked_ioctl
 *     from the kernel is correct (no user pointer is involved);
 *   - MQ and CTRL_VQ are not offered (one queue pair; no rx mode or MAC
 *     filter control): the tap receives everything for its interface.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/lockdep.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/poll.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <net/sock.h>

#include "../../include/uapi/hvisor.h"
#include "../compat.h"
#include "../hvisor_trace.h"
#include "net.h"
#include "net_hdr.h"
#include "net_tap.h"
#include "vlog.h"
#include "worker.h"

#define HV_NET_RXQ		0
#define HV_NET_TXQ		1
#define HV_NET_QUEUE_MAX	256
/* Segments one received packet may be spread over (as UIO_MAXIOV). */
#define HV_NET_RX_MAX_SEGS	1024
#define HV_NET_RX_SEGS		(HV_NET_RX_MAX_SEGS + HV_NET_QUEUE_MAX)
/* Per queue and run, as VHOST_NET_WEIGHT / VHOST_NET_PKT_WEIGHT. */
#define HV_NET_WEIGHT		0x80000
#define HV_NET_PKT_WEIGHT	256
/* Used entries published (and maybe signalled) at least this often. */
#define HV_NET_BATCH		64

/* The worker's bits, run in this order: the link first. */
enum {
	HV_NET_WORK_LINK,
	HV_NET_WORK_TX,
	HV_NET_WORK_RX,
};

#define HV_NET_FEATURES	(BIT_ULL(VIRTIO_NET_F_MAC) |		\
			 BIT_ULL(VIRTIO_NET_F_STATUS) |		\
			 BIT_ULL(VIRTIO_NET_F_CSUM) |		\
			 BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) |	\
			 BIT_ULL(VIRTIO_NET_F_HOST_TSO4) |	\
			 BIT_ULL(VIRTIO_NET_F_HOST_TSO6) |	\
			 BIT_ULL(VIRTIO_NET_F_HOST_ECN) |	\
			 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) |	\
			 BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) |	\
			 BIT_ULL(VIRTIO_NET_F_GUEST_ECN) |	\
			 BIT_ULL(VIRTIO_NET_F_MRG_RXBUF))

/* Config space up to mtu (MTU itself is not offered). */
#define HV_NET_CONFIG_SIZE	offsetofend(struct virtio_net_config, mtu)

struct hv_net_stats {
	atomic64_t rx_packets;
	atomic64_t rx_bytes;
	atomic64_t rx_dropped;	/* did not fit the guest's buffers, bad GSO */
	atomic64_t rx_errors;	/* recvmsg failed */
	atomic64_t tx_packets;
	atomic64_t tx_bytes;
	atomic64_t tx_dropped;	/* the tap refused the packet */
	atomic64_t tx_errors;	/* malformed packet from the guest */
	atomic64_t offload_changes;	/* TUNSETOFFLOAD issued */
	atomic64_t offload_throttled;	/* of which delayed: too many */
};

/* One RX chain gathered for the packet being received. */
struct hv_net_rx_head {
	u16 head;
	u16 nsegs;
};

struct hv_net {
	struct hv_virtio_dev dev;
	struct hv_net_tap tap;		/* the tap, its socket, its carrier */
	struct virtio_net_config config;	/* little endian */
	u16 link_status;		/* VIRTIO_NET_S_*; written by worker */
	/*
	 * The tap's offloads (TUN_F_*, ~0: unknown) and the window that
	 * bounds how often a guest may change them; touched by creation,
	 * destruction and FEATURES_OK, which register accesses serialise.
	 */
	unsigned int offloads;
	unsigned long offload_window;	/* jiffies: start */
	unsigned int offload_count;	/* changes in this window */

	struct wait_queue_entry sock_wait;	/* on sk_sleep(sock->sk) */
	wait_queue_head_t *sock_wqh;

	/*
	 * One worker for both queues, HV_NET_WORK_* bits.  worker.lock
	 * protects pending_used[], the chain and kvec scratch space below
	 * and tx_blocked/rx_wait_bufs updates.
	 */
	struct hv_worker worker;
	bool tx_blocked;		/* tap full: EPOLLOUT resumes TX */
	bool rx_wait_bufs;		/* no RX buffers: a kick resumes RX */
	u32 pending_used[2];		/* used entries not yet published */

	struct hv_vq_chain tx_chain;
	struct hv_vq_seg *tx_segs;	/* HV_NET_QUEUE_MAX */
	struct kvec *tx_kvec;		/* HV_NET_QUEUE_MAX + 1 */
	struct hv_vq_seg *rx_segs;	/* HV_NET_RX_SEGS */
	struct kvec *rx_kvec;		/* HV_NET_RX_SEGS + 1 */
	struct hv_net_rx_head *rx_heads;	/* HV_NET_QUEUE_MAX */
	u32 *rx_in_len;			/* HV_NET_QUEUE_MAX */
	u32 *rx_used;			/* HV_NET_QUEUE_MAX */
	u32 rx_nheads;
	u32 rx_nsegs;

	struct hv_net_stats stats;
};

static struct hv_net *to_hv_net(struct hv_virtio_dev *dev)
{
	return container_of(dev, struct hv_net, dev);
}

static void hv_net_kick(struct hv_net *net, unsigned int bit)
{
	hv_worker_kick(&net->worker, bit);
}

/* --- queues ------------------------------------------------------------ */

static void hv_net_publish(struct hv_net *net, u16 q)
{
	hv_worker_publish(&net->dev, q, &net->pending_used[q]);
}

static void hv_net_add_used(struct hv_net *net, u16 q, u16 head, u32 len)
{
	hv_vq_add_used(&net->dev.vqs[q], head, len);
	trace_hvisor_chain_done(&net->dev, q, head, len, 0);
	if (++net->pending_used[q] >= HV_NET_BATCH)
		hv_net_publish(net, q);
}

/* The guest broke queue @q at the ring level (vq.c or a chain layout). */
static void hv_net_break(struct hv_net *net, u16 q, const char *why)
{
	hv_worker_break(&net->dev, q, why, &net->pending_used[q]);
}

/* --- TX: guest -> tap --------------------------------------------------- */

/* Send one popped chain.  0 (completed, sent or not), -EAGAIN, -EPROTO. */
static int hv_net_tx_one(struct hv_net *net, size_t *bytes)
{
	struct hv_vq_chain *c = &net->tx_chain;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct hv_net_tx_pkt pkt;
	size_t len;
	int n, err;

	err = hv_net_tx_parse(c, net->dev.features, &pkt);
	if (err == HV_NET_TX_RING) {
		hv_net_break(net, HV_NET_TXQ, pkt.why);
		return -EPROTO;
	}
	if (err) {
		hv_vdev_dbg(&net->dev, "TX packet dropped: %s\n", pkt.why);
		atomic64_inc(&net->stats.tx_errors);
		return 0;
	}

	/* The tap reads our checked copy of the header, never the guest's. */
	net->tx_kvec[0].iov_base = &pkt.hdr;
	net->tx_kvec[0].iov_len = HV_NET_SOCK_HLEN;
	n = hv_net_segs_to_kvec(c->segs, c->nout, pkt.guest_hlen,
				net->tx_kvec + 1, HV_NET_QUEUE_MAX, &len);
	if (n < 0 || len != pkt.frame_len) {
		atomic64_inc(&net->stats.tx_errors);
		return 0;
	}
	len += HV_NET_SOCK_HLEN;
	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, net->tx_kvec, n + 1, len);
	err = net->tap.sock->ops->sendmsg(net->tap.sock, &msg, len);
	if (err == -EAGAIN)
		return -EAGAIN;
	if (err < 0 || (size_t)err != len) {
		/* Tap down (-EIO), detached (-EBADFD), no memory... */
		atomic64_inc(&net->stats.tx_dropped);
		return 0;
	}
	atomic64_inc(&net->stats.tx_packets);
	atomic64_add(pkt.frame_len, &net->stats.tx_bytes);
	*bytes += pkt.frame_len;
	return 0;
}

/*
 * Dying: complete every posted TX chain unsent, counted as dropped, so the
 * driver's TX queue drains (HV_NET_QUEUE_MAX at most per call; a kick
 * brings us back).  Under the worker's lock, the queue ready.
 */
static void hv_net_tx_drop_posted(struct hv_net *net)
{
	struct hv_vq *vq = &net->dev.vqs[HV_NET_TXQ];
	unsigned int n;

	lockdep_assert_held(&net->worker.lock);
	n = hv_vq_complete_posted(vq, &net->tx_chain, HV_NET_QUEUE_MAX);
	atomic64_add(n, &net->stats.tx_dropped);
	net->pending_used[HV_NET_TXQ] += n;
	if (!hv_vq_ready(vq))
		hv_net_break(net, HV_NET_TXQ, NULL);
}

/* One bounded TX run (see hv_vq_run); true if work is left. */
static bool hv_net_handle_tx(struct hv_worker *w)
{
	struct hv_net *net = container_of(w, struct hv_net, worker);
	struct hv_vq *vq = &net->dev.vqs[HV_NET_TXQ];
	struct hv_vq_run run;
	size_t bytes;
	int ret;

	if (hv_worker_paused(w) || !hv_vq_ready(vq))
		return false;
	if (hv_worker_dying(w)) {
		/* The tap is left alone; TX chains are dropped. */
		hv_net_tx_drop_posted(net);
		hv_net_publish(net, HV_NET_TXQ);
		return false;
	}
	if (READ_ONCE(net->tx_blocked))
		return false;

	hv_vq_run_init(&run, HV_NET_PKT_WEIGHT, HV_NET_WEIGHT);
	for (;;) {
		hv_vq_disable_notify(vq);
		while (!hv_worker_paused(w)) {
			ret = hv_vq_pop(vq, &net->tx_chain);
			trace_hvisor_chain_pop(&net->dev, HV_NET_TXQ, &net->tx_chain, ret);
			if (ret < 0) {
				hv_net_break(net, HV_NET_TXQ, NULL);
				return false;
			}
			if (!ret)
				break;
			bytes = 0;
			ret = hv_net_tx_one(net, &bytes);
			if (ret == -EPROTO)
				return false;
			if (ret == -EAGAIN) {
				/* Tap full: retry this chain on EPOLLOUT. */
				hv_vq_unpop(vq);
				WRITE_ONCE(net->tx_blocked, true);
				/* Pairs with the wake-up: see flag or room. */
				smp_mb();
				if (sock_writeable(net->tap.sock->sk)) {
					WRITE_ONCE(net->tx_blocked, false);
					hv_net_publish(net, HV_NET_TXQ);
					return true;
				}
				hv_net_publish(net, HV_NET_TXQ);
				return false;
			}
			/* TX buffers are read-only: used length 0 (2.7.8). */
			hv_net_add_used(net, HV_NET_TXQ, net->tx_chain.head, 0);
			if (hv_vq_run_charge(&run, bytes))
				goto out;
		}
		/* The empty pop and the re-check below: one iteration. */
		if (hv_worker_paused(w) || hv_vq_run_charge(&run, 0) ||
		    !hv_vq_enable_notify(vq))
			break;
	}
out:
	hv_net_publish(net, HV_NET_TXQ);
	return hv_virtio_run_end(&net->dev, &run);
}

/* --- RX: tap -> guest --------------------------------------------------- */

enum {
	HV_NET_RX_OK,
	HV_NET_RX_EMPTY,	/* the guest has not posted enough yet */
	HV_NET_RX_TOO_BIG,	/* can never fit: drop the packet */
	HV_NET_RX_BROKEN,
};

/* Put back every chain gathered for the current packet. */
static void hv_net_rx_unpop(struct hv_net *net, u32 from)
{
	struct hv_vq *vq = &net->dev.vqs[HV_NET_RXQ];

	while (net->rx_nheads > from) {
		hv_vq_unpop(vq);
		net->rx_nheads--;
	}
}

/* Pop chains until they hold @need bytes; see the HV_NET_RX_* verdicts. */
static int hv_net_get_rx_bufs(struct hv_net *net, u64 need, bool mrg)
{
	struct hv_vq *vq = &net->dev.vqs[HV_NET_RXQ];
	struct hv_vq_chain c;
	u64 have = 0;
	int ret;

	net->rx_nheads = 0;
	net->rx_nsegs = 0;
	while (have < need) {
		if (net->rx_nheads == vq->num || (!mrg && net->rx_nheads) ||
		    net->rx_nsegs > HV_NET_RX_MAX_SEGS)
			return HV_NET_RX_TOO_BIG;
		/* Room for any chain: it holds at most num <= 256 segments. */
		c.segs = &net->rx_segs[net->rx_nsegs];
		c.max_segs = HV_NET_RX_SEGS - net->rx_nsegs;
		ret = hv_vq_pop(vq, &c);
		trace_hvisor_chain_pop(&net->dev, HV_NET_RXQ, &c, ret);
		if (ret < 0) {
			hv_net_break(net, HV_NET_RXQ, NULL);
			return HV_NET_RX_BROKEN;
		}
		if (!ret)
			return HV_NET_RX_EMPTY;
		if (c.nout) {
			hv_net_break(net, HV_NET_RXQ,
				     "readable buffer in an RX chain");
			return HV_NET_RX_BROKEN;
		}
		net->rx_heads[net->rx_nheads].head = c.head;
		net->rx_heads[net->rx_nheads].nsegs = c.nin;
		net->rx_in_len[net->rx_nheads] = c.in_len;
		net->rx_nheads++;
		net->rx_nsegs += c.nin;
		have += c.in_len;
	}
	return HV_NET_RX_OK;
}

/* Throw away the packet at the head of the tap's queue. */
static void hv_net_rx_discard(struct hv_net *net)
{
	struct virtio_net_hdr_mrg_rxbuf trash;
	struct kvec kv = { .iov_base = &trash, .iov_len = sizeof(trash) };
	struct msghdr msg = { };

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &kv, 1, sizeof(trash));
	net->tap.sock->ops->recvmsg(net->tap.sock, &msg, sizeof(trash),
				MSG_DONTWAIT | MSG_TRUNC);
	atomic64_inc(&net->stats.rx_dropped);
}

/*
 * Receive the next packet (@peek bytes) into the gathered chains.
 * Returns the frame length, 0 if it was dropped, or -EAGAIN if the tap
 * had nothing after all.
 */
static int hv_net_rx_one(struct hv_net *net, u32 guest_hlen)
{
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct msghdr msg = { };
	u32 i, k, frame;
	size_t len;
	int n, ret;

	net->rx_kvec[0].iov_base = &hdr;
	net->rx_kvec[0].iov_len = HV_NET_SOCK_HLEN;
	n = hv_net_segs_to_kvec(net->rx_segs, net->rx_nsegs, guest_hlen,
				net->rx_kvec + 1, HV_NET_RX_SEGS, &len);
	if (n < 0) {
		/* Chains hold fewer bytes than the header: cannot happen. */
		hv_net_rx_unpop(net, 0);
		hv_net_rx_discard(net);
		return 0;
	}
	len += HV_NET_SOCK_HLEN;
	iov_iter_kvec(&msg.msg_iter, ITER_DEST, net->rx_kvec, n + 1, len);
	ret = net->tap.sock->ops->recvmsg(net->tap.sock, &msg, len,
				      MSG_DONTWAIT | MSG_TRUNC);
	if (ret == -EAGAIN) {
		hv_net_rx_unpop(net, 0);
		return -EAGAIN;
	}
	if (ret < (int)HV_NET_SOCK_HLEN || (msg.msg_flags & MSG_TRUNC)) {
		/* The packet is gone (tun consumed it); buffers go back. */
		hv_net_rx_unpop(net, 0);
		if (ret < 0)
			atomic64_inc(&net->stats.rx_errors);
		else
			atomic64_inc(&net->stats.rx_dropped);
		return 0;
	}
	frame = ret - HV_NET_SOCK_HLEN;
	k = hv_net_rx_split(net->rx_in_len, net->rx_nheads, guest_hlen + frame,
			    net->rx_used);
	if (!k || !hv_net_rx_hdr_fixup(&hdr, net->dev.features, k)) {
		hv_net_rx_unpop(net, 0);
		atomic64_inc(&net->stats.rx_dropped);
		return 0;
	}
	/* Chains gathered for a longer packet than arrived go back. */
	hv_net_rx_unpop(net, k);
	hv_segs_copy_to(net->rx_segs, net->rx_nsegs, 0, &hdr, guest_hlen);
	for (i = 0; i < k; i++)
		hv_net_add_used(net, HV_NET_RXQ, net->rx_heads[i].head,
				net->rx_used[i]);
	atomic64_inc(&net->stats.rx_packets);
	atomic64_add(frame, &net->stats.rx_bytes);
	return frame;
}

/* One bounded RX run (see hv_vq_run); true if work is left. */
static bool hv_net_handle_rx(struct hv_worker *w)
{
	struct hv_net *net = container_of(w, struct hv_net, worker);
	struct hv_vq *vq = &net->dev.vqs[HV_NET_RXQ];
	bool mrg = hv_virtio_has_feature(&net->dev, VIRTIO_NET_F_MRG_RXBUF);
	u32 hlen = hv_net_guest_hlen(net->dev.features);
	struct socket *sock = net->tap.sock;
	struct hv_vq_run run;
	size_t bytes;
	int peek, ret;

	/* Dying: the tap and RX are left alone. */
	if (hv_worker_paused(w) || hv_worker_dying(w) || !hv_vq_ready(vq))
		return false;

	hv_vq_run_init(&run, HV_NET_PKT_WEIGHT, HV_NET_WEIGHT);
	hv_vq_disable_notify(vq);
	while (!hv_worker_paused(w)) {
		bytes = 0;
		peek = sock->ops->peek_len(sock);
		if (peek <= 0)
			break;	/* the socket callback wakes us */
		ret = hv_net_get_rx_bufs(net, (u64)hlen + peek, mrg);
		if (ret == HV_NET_RX_BROKEN)
			return false;
		if (ret == HV_NET_RX_TOO_BIG) {
			hv_net_rx_unpop(net, 0);
			hv_net_rx_discard(net);
			goto next;
		}
		if (ret == HV_NET_RX_EMPTY) {
			/* Leave the packet in the tap; wait for a kick. */
			hv_net_rx_unpop(net, 0);
			WRITE_ONCE(net->rx_wait_bufs, true);
			if (!hv_vq_enable_notify_new(vq))
				goto out;
			/* Buffers arrived meanwhile: charged as any turn. */
			WRITE_ONCE(net->rx_wait_bufs, false);
			hv_vq_disable_notify(vq);
			goto next;
		}
		ret = hv_net_rx_one(net, hlen);
		if (ret == -EAGAIN)
			break;
		bytes = ret;
next:
		if (hv_vq_run_charge(&run, bytes))
			break;
	}
	/*
	 * RX kicks stay off: packets arrive through the socket callback, and
	 * kicks are only wanted while waiting for buffers (as vhost).
	 */
out:
	hv_net_publish(net, HV_NET_RXQ);
	return hv_virtio_run_end(&net->dev, &run);
}

/* --- link status -------------------------------------------------------- */

static bool hv_net_link_update(struct hv_worker *w)
{
	struct hv_net *net = container_of(w, struct hv_net, worker);
	u16 status = READ_ONCE(net->tap.link_up) ? VIRTIO_NET_S_LINK_UP : 0;

	if (hv_worker_dying(w) || status == READ_ONCE(net->link_status))
		return false;
	WRITE_ONCE(net->link_status, status);
	if (hv_virtio_has_feature(&net->dev, VIRTIO_NET_F_STATUS))
		hv_virtio_config_changed(&net->dev);
	return false;
}

/* The tap's carrier changed (net_tap.c, under rtnl). */
static void hv_net_link_changed(struct hv_net_tap *tap)
{
	ASSERT_RTNL();
	hv_net_kick(container_of(tap, struct hv_net, tap), HV_NET_WORK_LINK);
}

/* --- the socket's wait queue ------------------------------------------- */

/* Atomic context (the tap's transmit path, skb freeing). */
static int hv_net_sock_wake(struct wait_queue_entry *wait, unsigned int mode,
			    int sync, void *key)
{
	struct hv_net *net = container_of(wait, struct hv_net, sock_wait);
	__poll_t mask = key_to_poll(key);

	if ((!mask || (mask & EPOLLIN)) && !READ_ONCE(net->rx_wait_bufs))
		hv_net_kick(net, HV_NET_WORK_RX);
	if ((!mask || (mask & EPOLLOUT)) && READ_ONCE(net->tx_blocked)) {
		WRITE_ONCE(net->tx_blocked, false);
		hv_net_kick(net, HV_NET_WORK_TX);
	}
	return 0;
}

static const hv_work_fn hv_net_handlers[] = {
	[HV_NET_WORK_LINK] = hv_net_link_update,
	[HV_NET_WORK_TX] = hv_net_handle_tx,
	[HV_NET_WORK_RX] = hv_net_handle_rx,
};

/* --- device ops --------------------------------------------------------- */

static void hv_net_config_read(struct hv_virtio_dev *dev, u32 offset, u8 *buf,
			       u32 len)
{
	struct hv_net *net = to_hv_net(dev);
	struct virtio_net_config cfg = net->config;

	cfg.status = (__force __virtio16)cpu_to_le16(READ_ONCE(net->link_status));
	memcpy(buf, (u8 *)&cfg + offset, len);
}

static void hv_net_notify(struct hv_virtio_dev *dev, u16 index)
{
	struct hv_net *net = to_hv_net(dev);

	if (index == HV_NET_RXQ) {
		WRITE_ONCE(net->rx_wait_bufs, false);
		hv_worker_resume(&net->worker, HV_NET_WORK_RX);
	} else {
		hv_worker_resume(&net->worker, HV_NET_WORK_TX);
	}
}

/*
 * TUNSETOFFLOAD takes its flags by value, so the tap's own ioctl works
 * from the kernel (no copy_from_user).  It takes rtnl itself: we hold no
 * lock the netdevice notifier needs.  Only a change is sent: each one
 * takes rtnl_lock and sends netlink events to all of zone 0.
 */
static void hv_net_set_offloads(struct hv_net *net, unsigned int flags)
{
	long err;

	if (flags == net->offloads)
		return;
	atomic64_inc(&net->stats.offload_changes);
	err = net->tap.file->f_op->unlocked_ioctl(net->tap.file, TUNSETOFFLOAD, flags);
	net->offloads = err ? ~0U : flags;
	/* -EBADFD: the interface is gone; nothing to configure. */
	if (err && err != -EBADFD)
		hv_vdev_warn(&net->dev,
			     "tap %s: TUNSETOFFLOAD %#x failed: %ld\n",
			     net->tap.ifname, flags, err);
}

/*
 * A guest that renegotiates its features (reset, FEATURES_OK) faster than
 * HV_NET_OFFLOAD_BURST times per HV_NET_OFFLOAD_WINDOW waits
 * HV_NET_OFFLOAD_DELAY_MS per change beyond: in its device's deferred
 * work, so nobody else does.
 */
#define HV_NET_OFFLOAD_BURST		10
#define HV_NET_OFFLOAD_WINDOW		(5 * HZ)
#define HV_NET_OFFLOAD_DELAY_MS		100

static void hv_net_guest_offloads(struct hv_net *net, unsigned int flags)
{
	if (flags == net->offloads)
		return;
	if (time_after(jiffies, net->offload_window + HV_NET_OFFLOAD_WINDOW)) {
		net->offload_window = jiffies;
		net->offload_count = 0;
	}
	if (++net->offload_count > HV_NET_OFFLOAD_BURST) {
		atomic64_inc(&net->stats.offload_throttled);
		hv_vdev_warn(&net->dev,
			     "offloads changed %u times in %u s: slowed down\n",
			     net->offload_count,
			     HV_NET_OFFLOAD_WINDOW / HZ);
		msleep(HV_NET_OFFLOAD_DELAY_MS);
	}
	hv_net_set_offloads(net, flags);
}

/* Quiesce: on return no run is in flight and the queues are left alone. */
static void hv_net_reset(struct hv_virtio_dev *dev)
{
	struct hv_net *net = to_hv_net(dev);

	hv_worker_quiesce(&net->worker);
	net->pending_used[HV_NET_RXQ] = 0;
	net->pending_used[HV_NET_TXQ] = 0;
	WRITE_ONCE(net->tx_blocked, false);
	WRITE_ONCE(net->rx_wait_bufs, false);
	hv_worker_unlock(&net->worker);
}

/*
 * Detach: the tap goes away.  The worker never touches it again; every TX
 * chain posted is completed unsent (counted in tx_dropped) with one
 * interrupt, so the driver's TX queue drains and its watchdog stays quiet.
 * RX buffers stay posted: the driver frees them when its device goes.
 */
static void hv_net_kill(struct hv_virtio_dev *dev)
{
	struct hv_net *net = to_hv_net(dev);
	struct hv_vq *vq = &dev->vqs[HV_NET_TXQ];
	bool raised = false;
	s64 dropped;

	hv_worker_kill(&net->worker);
	dropped = atomic64_read(&net->stats.tx_dropped);
	/* Reset or never started: no ring may be written. */
	if (!hv_worker_paused(&net->worker) && hv_vq_ready(vq)) {
		hv_net_tx_drop_posted(net);
		if (hv_vq_ready(vq)) {
			hv_vq_publish_used(vq);
			net->pending_used[HV_NET_TXQ] = 0;
			/* One interrupt whatever used_event says. */
			hv_virtio_raise(dev, VIRTIO_MMIO_INT_VRING);
			raised = true;
		}
	}
	dropped = atomic64_read(&net->stats.tx_dropped) - dropped;
	hv_worker_unlock(&net->worker);
	hv_vdev_info(dev, "killed, %lld TX chains completed unsent\n", dropped);

	/* The dying worker drops what the driver posts meanwhile. */
	if (raised)
		hv_virtio_kill_wait(dev);
}

static void hv_net_status_changed(struct hv_virtio_dev *dev, u32 old, u32 new)
{
	struct hv_net *net = to_hv_net(dev);
	u32 added = new & ~old;

	if (added & VIRTIO_CONFIG_S_FEATURES_OK)
		hv_net_guest_offloads(net, hv_net_tun_offloads(dev->features));
	if (added & VIRTIO_CONFIG_S_DRIVER_OK) {
		/* Packets may already wait in the tap. */
		hv_worker_resume(&net->worker, HV_NET_WORK_RX);
		hv_net_kick(net, HV_NET_WORK_TX);
	}
}

static const struct hv_virtio_ops hv_net_ops = {
	.name = "net",
	.type = VIRTIO_ID_NET,
	.num_queues = 2,
	.queue_max = HV_NET_QUEUE_MAX,
	.features = HV_NET_FEATURES,
	.config_read = hv_net_config_read,
	.notify = hv_net_notify,
	.reset = hv_net_reset,
	.kill = hv_net_kill,
	.status_changed = hv_net_status_changed,
	.status_sleeps = VIRTIO_CONFIG_S_FEATURES_OK,	/* TUNSETOFFLOAD */
	.destroy = hv_net_destroy,
};

/* --- creation ----------------------------------------------------------- */

static int hv_net_alloc_scratch(struct hv_net *net)
{
	net->tx_segs = kvcalloc(HV_NET_QUEUE_MAX, sizeof(*net->tx_segs),
				GFP_KERNEL);
	net->tx_kvec = kvcalloc(HV_NET_QUEUE_MAX + 1, sizeof(*net->tx_kvec),
				GFP_KERNEL);
	net->rx_segs = kvcalloc(HV_NET_RX_SEGS, sizeof(*net->rx_segs),
				GFP_KERNEL);
	net->rx_kvec = kvcalloc(HV_NET_RX_SEGS + 1, sizeof(*net->rx_kvec),
				GFP_KERNEL);
	net->rx_heads = kvcalloc(HV_NET_QUEUE_MAX, sizeof(*net->rx_heads),
				 GFP_KERNEL);
	net->rx_in_len = kvcalloc(HV_NET_QUEUE_MAX, sizeof(u32), GFP_KERNEL);
	net->rx_used = kvcalloc(HV_NET_QUEUE_MAX, sizeof(u32), GFP_KERNEL);
	if (!net->tx_segs || !net->tx_kvec || !net->rx_segs ||
	    !net->rx_kvec || !net->rx_heads || !net->rx_in_len ||
	    !net->rx_used)
		return -ENOMEM;
	net->tx_chain.segs = net->tx_segs;
	net->tx_chain.max_segs = HV_NET_QUEUE_MAX;
	return 0;
}

static void hv_net_free(struct hv_net *net)
{
	kvfree(net->rx_used);
	kvfree(net->rx_in_len);
	kvfree(net->rx_heads);
	kvfree(net->rx_kvec);
	kvfree(net->rx_segs);
	kvfree(net->tx_kvec);
	kvfree(net->tx_segs);
	kfree(net);
}

/*
 * Create a net device (not yet registered): checks that @file is a tap
 * set up as net.h says, starts the worker and watches the tap's socket and
 * carrier.  Returns the device or an ERR_PTR (-EBADFD: not a tap or not
 * attached to an interface; -EINVAL: wrong tap flags); on failure the
 * caller keeps its file reference.
 */
static struct hv_virtio_dev *
hv_net_create(const struct hv_virtio_dev_info *info,
	      const struct hvisor_virtio_device *d, struct file *file)
{
	struct socket *sock;
	struct hv_net *net;
	int err;

	sock = hv_net_tap_socket(file);
	if (IS_ERR(sock)) {
		hv_zone_warn(info->zone_id, "net fd is not a tap\n");
		return ERR_CAST(sock);
	}
	if (!sock->ops->peek_len) {
		hv_zone_warn(info->zone_id, "net fd is not a tap\n");
		return ERR_PTR(-EBADFD);
	}

	net = kzalloc(sizeof(*net), GFP_KERNEL);
	if (!net)
		return ERR_PTR(-ENOMEM);
	net->tap.file = file;
	net->tap.sock = sock;
	memcpy(net->config.mac, d->mac, ETH_ALEN);
	net->config.max_virtqueue_pairs = (__force __virtio16)cpu_to_le16(1);
	net->config.mtu = (__force __virtio16)cpu_to_le16(ETH_DATA_LEN);

	err = hv_net_alloc_scratch(net);
	if (err)
		goto free_net;
	err = hv_virtio_dev_init(&net->dev, &hv_net_ops, info->mem,
				 HV_NET_CONFIG_SIZE);
	if (err)
		goto free_net;
	hv_virtio_dev_bind(&net->dev, info, net);

	/* Paused until the first kick or DRIVER_OK. */
	err = hv_worker_start(&net->worker, &net->dev, hv_net_handlers,
			      ARRAY_SIZE(hv_net_handlers), "net", -1);
	if (err)
		goto free_net;

	net->tap.zone_id = info->zone_id;
	net->tap.link_changed = hv_net_link_changed;
	err = hv_net_tap_open(&net->tap);
	if (err)
		goto stop_worker;
	net->link_status = net->tap.link_up ? VIRTIO_NET_S_LINK_UP : 0;

	/* No offloads towards the guest until it accepts some. */
	net->offloads = ~0U;
	hv_net_set_offloads(net, 0);

	net->sock_wqh = sk_sleep(sock->sk);
	init_waitqueue_func_entry(&net->sock_wait, hv_net_sock_wake);
	add_wait_queue(net->sock_wqh, &net->sock_wait);
	return &net->dev;

stop_worker:
	hv_worker_stop(&net->worker);
free_net:
	hv_net_free(net);
	return ERR_PTR(err);
}

void hv_net_destroy(struct hv_virtio_dev *dev)
{
	struct hv_net *net = to_hv_net(dev);

	hv_net_reset(dev);
	/* After these two, nothing but the worker itself queues work. */
	remove_wait_queue(net->sock_wqh, &net->sock_wait);
	hv_net_tap_close(&net->tap);
	hv_worker_stop(&net->worker);
	/* The final counts: every TX chain completed is in one of the three. */
	hv_vdev_info(dev, "removed: tx %lld sent %lld dropped %lld malformed, rx %lld received %lld dropped\n",
		     atomic64_read(&net->stats.tx_packets),
		     atomic64_read(&net->stats.tx_dropped),
		     atomic64_read(&net->stats.tx_errors),
		     atomic64_read(&net->stats.rx_packets),
		     atomic64_read(&net->stats.rx_dropped));
	hv_net_set_offloads(net, 0);
	fput(net->tap.file);
	hv_net_free(net);
}

/* The tap's interface name, as it was at creation (for LIST). */
static void hv_net_backend(struct hv_virtio_dev *dev, struct file *file,
			   char *buf, size_t size)
{
	strscpy(buf, to_hv_net(dev)->tap.ifname, size);
}

/* --- sysfs: zone<N>/net@<addr>/statistics/ ----------------------------- */

#define HV_NET_STAT(_name)						\
	HV_VATTR_COUNTER(#_name, struct hv_net, stats._name)

/*
 * rx_packets, rx_bytes, rx_dropped, rx_errors and the same for tx; see
 * Documentation/ABI/testing/sysfs-class-hvisor.
 */
static const struct hv_vattr hv_net_attrs[] = {
	HV_NET_STAT(rx_packets),
	HV_NET_STAT(rx_bytes),
	HV_NET_STAT(rx_dropped),
	HV_NET_STAT(rx_errors),
	HV_NET_STAT(tx_packets),
	HV_NET_STAT(tx_bytes),
	HV_NET_STAT(tx_dropped),
	HV_NET_STAT(tx_errors),
	HV_NET_STAT(offload_changes),
	HV_NET_STAT(offload_throttled),
	{}
};

const struct hv_vtype hv_net_vtype = {
	.id = HVISOR_VIRTIO_NET, .name = "net",
	.max_queues = 1, .takes_file = true, .check = hv_net_check,
	.create = hv_net_create, .backend = hv_net_backend,
	.attrs = hv_net_attrs, .attrs_dir = "statistics",
};
