// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net header logic, and the check of a net attach entry: see
 * net_hdr.h.  Everything here works on
 * copies of guest data and builds on UML for KUnit.
 *
 * With VERSION_1 (always negotiated here) every __virtio16 header field is
 * little endian, and so is the tap's header (tun is little endian on all
 * the architectures hvisor runs on).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/virtio_config.h>

#include "../../include/uapi/hvisor.h"
#include "net_hdr.h"

static u16 hv_net16(__virtio16 v)
{
	return le16_to_cpu((__force __le16)v);
}

static bool hv_has(u64 features, unsigned int bit)
{
	return features & BIT_ULL(bit);
}

u32 hv_net_guest_hlen(u64 features)
{
	if (hv_has(features, VIRTIO_F_VERSION_1) ||
	    hv_has(features, VIRTIO_NET_F_MRG_RXBUF))
		return sizeof(struct virtio_net_hdr_mrg_rxbuf);
	return sizeof(struct virtio_net_hdr);
}

unsigned int hv_net_tun_offloads(u64 features)
{
	unsigned int f = 0;

	/* tun refuses TSO without CSUM; the spec makes TSO depend on it. */
	if (!hv_has(features, VIRTIO_NET_F_GUEST_CSUM))
		return 0;
	f |= TUN_F_CSUM;
	if (hv_has(features, VIRTIO_NET_F_GUEST_TSO4))
		f |= TUN_F_TSO4;
	if (hv_has(features, VIRTIO_NET_F_GUEST_TSO6))
		f |= TUN_F_TSO6;
	if ((f & (TUN_F_TSO4 | TUN_F_TSO6)) &&
	    hv_has(features, VIRTIO_NET_F_GUEST_ECN))
		f |= TUN_F_TSO_ECN;
	return f;
}

/*
 * The TCP segmentation request of @h (TSO4/TSO6 with NEEDS_CSUM, checked
 * by the caller) for a frame of @frame_len bytes, by the rules of
 * virtio_net_hdr_to_skb(): the checksum is TCP's and the TCP header lies
 * in the packet; gso_size is neither 0 nor GSO_BY_FRAGS.  Beyond it, a
 * packet that would really be cut (payload > gso_size) must not ask for
 * segments smaller than any Linux TCP sends (TCP_MIN_SND_MSS): gso_size 1
 * on 64 KiB would make the host build tens of thousands of packets out of
 * one descriptor.  A payload not above gso_size is not segmented and
 * passes, as in the kernel.
 */
static const char *hv_net_tx_gso_check(const struct virtio_net_hdr *h,
				       u32 frame_len)
{
	u32 csum_start = hv_net16(h->csum_start);
	u32 gso_size = hv_net16(h->gso_size);
	u32 payload;

	if (hv_net16(h->csum_offset) != HV_NET_TCP_CSUM_OFFSET)
		return "GSO TCP with csum_offset not TCP's";
	/* u32 arithmetic: a u16 plus 20 cannot wrap. */
	if (csum_start + HV_NET_TCP_HLEN > frame_len)
		return "GSO TCP header outside the packet";
	if (!gso_size)
		return "GSO type with gso_size 0";
	if (gso_size == HV_NET_GSO_BY_FRAGS)
		return "gso_size GSO_BY_FRAGS";
	payload = frame_len - csum_start - HV_NET_TCP_HLEN;
	if (payload > gso_size && gso_size < HV_NET_GSO_MIN_SIZE)
		return "gso_size below the smallest TCP MSS";
	return NULL;
}

const char *hv_net_tx_hdr_check(const struct virtio_net_hdr *h, u32 frame_len,
				u64 features)
{
	u8 gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	u32 csum_start = hv_net16(h->csum_start);
	u32 csum_offset = hv_net16(h->csum_offset);
	u32 hdr_len = hv_net16(h->hdr_len);

	/* DATA_VALID and RSC_INFO are device -> driver only (5.1.6.2.1). */
	if (h->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return "unknown header flags";
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (!hv_has(features, VIRTIO_NET_F_CSUM))
			return "NEEDS_CSUM without VIRTIO_NET_F_CSUM";
		/* u32 arithmetic: two u16 plus 2 cannot wrap. */
		if (csum_start + csum_offset + 2 > frame_len)
			return "checksum field outside the packet";
	}
	if (hdr_len > frame_len)
		return "hdr_len beyond the packet";

	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (h->gso_type & VIRTIO_NET_HDR_GSO_ECN)
			return "ECN without a GSO type";
		return NULL;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (!hv_has(features, VIRTIO_NET_F_HOST_TSO4))
			return "TSO4 not negotiated";
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		if (!hv_has(features, VIRTIO_NET_F_HOST_TSO6))
			return "TSO6 not negotiated";
		break;
	default:
		return "unknown or unoffered GSO type";
	}
	if ((h->gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	    !hv_has(features, VIRTIO_NET_F_HOST_ECN))
		return "ECN not negotiated";
	/* 5.1.6.2.1: a GSO packet must also ask for the checksum. */
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return "GSO without NEEDS_CSUM";
	return hv_net_tx_gso_check(h, frame_len);
}

int hv_net_tx_parse(const struct hv_vq_chain *c, u64 features,
		    struct hv_net_tx_pkt *pkt)
{
	u32 hlen = hv_net_guest_hlen(features);

	memset(pkt, 0, sizeof(*pkt));
	pkt->guest_hlen = hlen;
	if (c->nin) {
		pkt->why = "writable buffer in a TX chain";
		return HV_NET_TX_RING;
	}
	if (c->out_len < hlen) {
		pkt->why = "chain shorter than the header";
		return HV_NET_TX_DROP;
	}
	pkt->frame_len = c->out_len - hlen;
	if (pkt->frame_len < ETH_HLEN) {
		pkt->why = "frame shorter than an Ethernet header";
		return HV_NET_TX_DROP;
	}
	if (pkt->frame_len > HV_NET_MAX_FRAME) {
		pkt->why = "frame larger than 64 KiB";
		return HV_NET_TX_DROP;
	}
	/* The one read of the header; num_buffers is meaningless on TX. */
	if (hv_segs_copy_from(c->segs, c->nout, 0, &pkt->hdr, hlen) != hlen) {
		pkt->why = "segments shorter than their lengths";
		return HV_NET_TX_DROP;
	}
	pkt->hdr.num_buffers = 0;
	pkt->why = hv_net_tx_hdr_check(&pkt->hdr.hdr, pkt->frame_len, features);
	if (pkt->why)
		return HV_NET_TX_DROP;
	/* Fields without meaning for this packet go to the tap as 0. */
	if (pkt->hdr.hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		pkt->hdr.hdr.gso_size = 0;
		pkt->hdr.hdr.hdr_len = 0;
	}
	if (!(pkt->hdr.hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
		pkt->hdr.hdr.csum_start = 0;
		pkt->hdr.hdr.csum_offset = 0;
	}
	return 0;
}

bool hv_net_rx_hdr_fixup(struct virtio_net_hdr_mrg_rxbuf *h, u64 features,
			 u16 num_buffers)
{
	struct virtio_net_hdr *v = &h->hdr;
	unsigned int off = hv_net_tun_offloads(features);

	switch (v->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (v->gso_type & VIRTIO_NET_HDR_GSO_ECN)
			return false;
		v->gso_size = 0;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (!(off & TUN_F_TSO4))
			return false;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		if (!(off & TUN_F_TSO6))
			return false;
		break;
	default:
		return false;
	}
	if ((v->gso_type & VIRTIO_NET_HDR_GSO_ECN) && !(off & TUN_F_TSO_ECN))
		return false;

	if (!hv_has(features, VIRTIO_NET_F_GUEST_CSUM))
		v->flags = 0;
	else
		v->flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM |
			    VIRTIO_NET_HDR_F_DATA_VALID;
	if (!(v->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
		v->csum_start = 0;
		v->csum_offset = 0;
	}
	h->num_buffers = (__force __virtio16)cpu_to_le16(num_buffers);
	return true;
}

u32 hv_net_rx_split(const u32 *in_len, u32 n, u32 total, u32 *used)
{
	u32 i, left = total;

	for (i = 0; i < n; i++) {
		used[i] = min(in_len[i], left);
		left -= used[i];
		if (!left)
			return i + 1;
	}
	return 0;
}

int hv_net_segs_to_kvec(const struct hv_vq_seg *segs, unsigned int n,
			size_t skip, struct kvec *kv, unsigned int max,
			size_t *bytes)
{
	unsigned int i, nr = 0;

	*bytes = 0;
	for (i = 0; i < n; i++) {
		if (skip >= segs[i].len) {
			skip -= segs[i].len;
			continue;
		}
		if (nr == max)
			return -E2BIG;
		kv[nr].iov_base = (u8 *)segs[i].addr + skip;
		kv[nr].iov_len = segs[i].len - skip;
		*bytes += kv[nr].iov_len;
		nr++;
		skip = 0;
	}
	if (skip)
		return -EINVAL;
	return nr;
}

int hv_net_check(const struct hvisor_virtio_device *d, u32 i)
{
	if (is_valid_ether_addr(d->mac))
		return 0;
	pr_err("hvisor: virtio device %u: MAC %pM is zero or multicast\n",
	       i, d->mac);
	return -EINVAL;
}
