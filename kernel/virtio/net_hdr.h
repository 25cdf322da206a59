/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net header logic: pure functions on copies of guest data (no
 * socket, no queue), so that KUnit can feed them hostile headers on UML.
 *
 * Two header sizes meet in the device:
 *   - the guest's, fixed by the negotiated features (12 bytes with
 *     VERSION_1 or MRG_RXBUF, else 10; HASH_REPORT is never offered);
 *   - the tap's, HV_NET_SOCK_HLEN: the tool opens the tap with
 *     IFF_VNET_HDR and TUNSETVNETHDRSZ = 12.
 * The backend always goes through a local copy of the header, so the two
 * may differ and the guest can never change a header after it was checked.
 *
 * Also the net type's check of its attach entry, pure as well.
 */
#ifndef _HVISOR_VIRTIO_NET_HDR_H
#define _HVISOR_VIRTIO_NET_HDR_H

#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/virtio_net.h>

#include "vq.h"

/* The vnet header size the tap is configured with. */
#define HV_NET_SOCK_HLEN	sizeof(struct virtio_net_hdr_mrg_rxbuf)

/*
 * Largest frame (without the vnet header) accepted from the guest: a
 * 64 KiB GSO packet plus a VLAN-tagged Ethernet header.
 */
#define HV_NET_MAX_FRAME	(SZ_64K + 18)

/* What a TCP segmentation request is checked against (hv_net_tx_hdr_check). */
#define HV_NET_TCP_HLEN		20	/* sizeof(struct tcphdr) */
#define HV_NET_TCP_CSUM_OFFSET	16	/* offsetof(struct tcphdr, check) */
#define HV_NET_GSO_BY_FRAGS	0xffff	/* GSO_BY_FRAGS: never from a guest */
#define HV_NET_GSO_MIN_SIZE	48	/* TCP_MIN_SND_MSS */

/* Verdicts of hv_net_tx_parse() other than 0 (send the packet). */
enum hv_net_tx_err {
	HV_NET_TX_RING = 1,	/* ring-level violation: break the queue */
	HV_NET_TX_DROP,		/* bad packet: complete it with len 0 */
};

/* A TX packet that passed parsing. */
struct hv_net_tx_pkt {
	struct virtio_net_hdr_mrg_rxbuf hdr;	/* copy, in socket layout */
	u32 guest_hlen;				/* bytes of guest header */
	u32 frame_len;				/* bytes after the header */
	const char *why;			/* drop reason, for debugging */
};

/* Header size the guest uses with @features. */
u32 hv_net_guest_hlen(u64 features);

/* TUN_F_* offloads the tap may use towards a guest with @features. */
unsigned int hv_net_tun_offloads(u64 features);

/*
 * Check a TX header (already copied out of guest memory) for a frame of
 * @frame_len bytes against @features.  Returns NULL if it is acceptable,
 * or a static string saying why not.
 */
const char *hv_net_tx_hdr_check(const struct virtio_net_hdr *h, u32 frame_len,
				u64 features);

/*
 * Parse the TX chain @c: readable segments only, at least a full guest
 * header, a frame of ETH_HLEN..HV_NET_MAX_FRAME bytes and a header that
 * passes hv_net_tx_hdr_check().  Returns 0 with @pkt filled, or a
 * hv_net_tx_err.  The header is read out of guest memory exactly once.
 */
int hv_net_tx_parse(const struct hv_vq_chain *c, u64 features,
		    struct hv_net_tx_pkt *pkt);

/*
 * Prepare a header received from the tap for a guest with @features:
 * clear what it did not negotiate, set num_buffers.  Returns false if the
 * packet must be dropped (GSO the guest did not accept, e.g. queued in
 * the tap before a reset renegotiated fewer offloads).
 */
bool hv_net_rx_hdr_fixup(struct virtio_net_hdr_mrg_rxbuf *h, u64 features,
			 u16 num_buffers);

/*
 * Spread @total bytes over buffers of @in_len[0..n) bytes, in order.
 * Fills @used[] and returns the number of buffers touched (at least 1
 * when @total is 0 and n > 0), or 0 if they hold fewer than @total bytes.
 */
u32 hv_net_rx_split(const u32 *in_len, u32 n, u32 total, u32 *used);

/*
 * Describe the segments from @skip bytes in to their end as kvecs (at
 * most @max).  Returns the number used, or -E2BIG / -EINVAL (fewer than
 * @skip bytes).  Stores the number of bytes described in *@bytes.
 */
int hv_net_segs_to_kvec(const struct hv_vq_seg *segs, unsigned int n,
			size_t skip, struct kvec *kv, unsigned int max,
			size_t *bytes);

struct hvisor_virtio_device;

/*
 * The net type's check of its attach entry (vtype.h): a MAC that is
 * neither zero nor multicast; 0 or -EINVAL with one dmesg line.
 */
int hv_net_check(const struct hvisor_virtio_device *d, u32 i);

#endif /* _HVISOR_VIRTIO_NET_HDR_H */
