// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: virtio-net header logic fed with hostile TX headers and chains,
 * RX header fix-up, num_buffers and buffer splitting, tap offloads.
 */
#include "../../kernel/virtio/net_hdr.h"

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/virtio_config.h>

#include "virtio_test_util.h"

#define HVT_V1		BIT_ULL(VIRTIO_F_VERSION_1)
#define HVT_CSUM	BIT_ULL(VIRTIO_NET_F_CSUM)
#define HVT_TSO		(BIT_ULL(VIRTIO_NET_F_HOST_TSO4) | \
			 BIT_ULL(VIRTIO_NET_F_HOST_TSO6))
#define HVT_ALL_TX	(HVT_V1 | HVT_CSUM | HVT_TSO | \
			 BIT_ULL(VIRTIO_NET_F_HOST_ECN))
#define HVT_GUEST_ALL	(HVT_V1 | BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) | \
			 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) | \
			 BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) | \
			 BIT_ULL(VIRTIO_NET_F_GUEST_ECN))

struct hvt_net {
	struct hv_vq_chain c;
	struct hv_vq_seg segs[8];
	struct virtio_net_hdr_mrg_rxbuf hdr;	/* what the "guest" wrote */
	u8 frame[2048];
	struct hv_net_tx_pkt pkt;
};

static struct hvt_net *hvt_net_new(struct kunit *test)
{
	struct hvt_net *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->c.segs = t->segs;
	t->c.max_segs = ARRAY_SIZE(t->segs);
	return t;
}

static void hvt_seg(struct hvt_net *t, void *addr, u32 len, bool in)
{
	hvt_chain_add(&t->c, addr, len, in);
}

static __virtio16 hvt16(u16 v)
{
	return (__force __virtio16)cpu_to_le16(v);
}

/* A 12-byte header followed by a frame of @frame bytes, two segments. */
static void hvt_simple(struct hvt_net *t, u32 frame)
{
	hvt_seg(t, &t->hdr, sizeof(t->hdr), false);
	hvt_seg(t, t->frame, frame, false);
}

static void hvt_tso4(struct hvt_net *t, u16 gso_size)
{
	t->hdr.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	t->hdr.hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	t->hdr.hdr.gso_size = hvt16(gso_size);
	t->hdr.hdr.hdr_len = hvt16(66);
	t->hdr.hdr.csum_start = hvt16(34);
	t->hdr.hdr.csum_offset = hvt16(16);
}

static void net_hdr_guest_hlen(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hv_net_guest_hlen(HVT_V1), 12U);
	KUNIT_EXPECT_EQ(test,
			hv_net_guest_hlen(BIT_ULL(VIRTIO_NET_F_MRG_RXBUF)), 12U);
	KUNIT_EXPECT_EQ(test, hv_net_guest_hlen(0), 10U);
	KUNIT_EXPECT_EQ(test, (u32)HV_NET_SOCK_HLEN, 12U);
}

static void net_hdr_tx_plain_ok(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	t->hdr.hdr.gso_size = hvt16(1000);	/* meaningless without GSO */
	t->hdr.num_buffers = hvt16(7);
	hvt_simple(t, 60);
	KUNIT_ASSERT_EQ(test, hv_net_tx_parse(&t->c, HVT_V1, &t->pkt), 0);
	KUNIT_EXPECT_EQ(test, t->pkt.frame_len, 60U);
	KUNIT_EXPECT_EQ(test, t->pkt.guest_hlen, 12U);
	KUNIT_EXPECT_EQ(test, (u16)t->pkt.hdr.hdr.gso_size, 0);
	KUNIT_EXPECT_EQ(test, (u16)t->pkt.hdr.num_buffers, 0);
}

static void net_hdr_tx_tso_ok(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_tso4(t, 1448);
	hvt_simple(t, 2000);
	KUNIT_ASSERT_EQ(test, hv_net_tx_parse(&t->c, HVT_ALL_TX, &t->pkt), 0);
	KUNIT_EXPECT_EQ(test, t->pkt.hdr.hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	KUNIT_EXPECT_EQ(test, le16_to_cpu((__force __le16)t->pkt.hdr.hdr.gso_size),
			1448);
}

/* The guest rewrites its header after the check: the copy stays. */
static void net_hdr_tx_copy_once(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_tso4(t, 1448);
	hvt_simple(t, 2000);
	KUNIT_ASSERT_EQ(test, hv_net_tx_parse(&t->c, HVT_ALL_TX, &t->pkt), 0);
	t->hdr.hdr.gso_size = 0;
	t->hdr.hdr.csum_start = hvt16(0xffff);
	KUNIT_EXPECT_EQ(test, le16_to_cpu((__force __le16)t->pkt.hdr.hdr.gso_size),
			1448);
	KUNIT_EXPECT_EQ(test,
			le16_to_cpu((__force __le16)t->pkt.hdr.hdr.csum_start), 34);
}

static void net_hdr_tx_short_header(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_seg(t, &t->hdr, 11, false);		/* one byte short, no frame */
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_V1, &t->pkt),
			HV_NET_TX_DROP);
	t = hvt_net_new(test);
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_V1, &t->pkt),
			HV_NET_TX_DROP);		/* empty chain */
}

static void net_hdr_tx_header_split(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);
	u8 *raw = (u8 *)&t->hdr;

	hvt_tso4(t, 1400);
	/* 5 + 0 + 7 bytes of header, the last piece shared with the frame. */
	memcpy(t->frame, raw + 5, 7);
	hvt_seg(t, raw, 5, false);
	hvt_seg(t, raw + 5, 0, false);		/* zero-length segment */
	hvt_seg(t, t->frame, 7 + 100, false);
	KUNIT_ASSERT_EQ(test, hv_net_tx_parse(&t->c, HVT_ALL_TX, &t->pkt), 0);
	KUNIT_EXPECT_EQ(test, t->pkt.frame_len, 100U);
	KUNIT_EXPECT_EQ(test, t->pkt.hdr.hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	KUNIT_EXPECT_EQ(test, le16_to_cpu((__force __le16)t->pkt.hdr.hdr.csum_offset),
			16);
}

static void net_hdr_tx_gso_size_zero(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_tso4(t, 0);
	hvt_simple(t, 2000);
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_ALL_TX, &t->pkt),
			HV_NET_TX_DROP);
	KUNIT_EXPECT_STREQ(test, t->pkt.why, "GSO type with gso_size 0");
}

/* The kernel's virtio_net_hdr_to_skb() rules, and the smallest TCP MSS. */
static void net_hdr_tx_gso_size(struct kunit *test)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.csum_start = hvt16(34),
		.csum_offset = hvt16(16),
	};
	u32 big = SZ_64K + 14;		/* 64 KiB after Ethernet */

	h.gso_size = hvt16(1);
	KUNIT_EXPECT_STREQ(test, hv_net_tx_hdr_check(&h, big, HVT_ALL_TX),
			   "gso_size below the smallest TCP MSS");
	h.gso_size = hvt16(47);
	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, big, HVT_ALL_TX));
	h.gso_size = hvt16(48);
	KUNIT_EXPECT_NULL(test, hv_net_tx_hdr_check(&h, big, HVT_ALL_TX));
	h.gso_size = hvt16(0xffff);
	KUNIT_EXPECT_STREQ(test, hv_net_tx_hdr_check(&h, big, HVT_ALL_TX),
			   "gso_size GSO_BY_FRAGS");
	/* Nothing to cut (payload 10 <= gso_size 16): not really GSO. */
	h.gso_size = hvt16(16);
	KUNIT_EXPECT_NULL(test, hv_net_tx_hdr_check(&h, 34 + 20 + 10,
						    HVT_ALL_TX));
	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 34 + 20 + 17,
							HVT_ALL_TX));
	/* The checksum must be TCP's, the TCP header inside the packet. */
	h.gso_size = hvt16(1400);
	h.csum_offset = hvt16(6);
	KUNIT_EXPECT_STREQ(test, hv_net_tx_hdr_check(&h, 3000, HVT_ALL_TX),
			   "GSO TCP with csum_offset not TCP's");
	h.csum_offset = hvt16(16);
	KUNIT_EXPECT_STREQ(test, hv_net_tx_hdr_check(&h, 34 + 19, HVT_ALL_TX),
			   "GSO TCP header outside the packet");
	KUNIT_EXPECT_NULL(test, hv_net_tx_hdr_check(&h, 34 + 20, HVT_ALL_TX));
}

static void net_hdr_tx_hdr_len_beyond(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_tso4(t, 1400);
	t->hdr.hdr.hdr_len = hvt16(101);
	hvt_simple(t, 100);
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_ALL_TX, &t->pkt),
			HV_NET_TX_DROP);
	KUNIT_EXPECT_STREQ(test, t->pkt.why, "hdr_len beyond the packet");
}

static void net_hdr_tx_csum_outside(struct kunit *test)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = hvt16(90),
		.csum_offset = hvt16(8),
	};

	/* The 2-byte field at 98 fits in 100 bytes, not in 99. */
	KUNIT_EXPECT_NULL(test, hv_net_tx_hdr_check(&h, 100, HVT_ALL_TX));
	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 99, HVT_ALL_TX));
	/* Both at their maximum: no wrap-around into "fits". */
	h.csum_start = hvt16(0xffff);
	h.csum_offset = hvt16(0xffff);
	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 0x10000, HVT_ALL_TX));
}

static void net_hdr_tx_csum_unnegotiated(struct kunit *test)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = hvt16(14),
		.csum_offset = hvt16(6),
	};

	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 100, HVT_V1));
	/* DATA_VALID / RSC_INFO are device -> driver only. */
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 100, HVT_ALL_TX));
	h.flags = VIRTIO_NET_HDR_F_RSC_INFO;
	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 100, HVT_ALL_TX));
}

static void net_hdr_tx_unknown_gso(struct kunit *test)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = hvt16(34),
		.csum_offset = hvt16(16),
		.gso_size = hvt16(1400),
	};
	static const u8 bad[] = { VIRTIO_NET_HDR_GSO_UDP,
				  5 /* UDP_L4 */, 2, 0x7f, 0xff };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		h.gso_type = bad[i];
		KUNIT_EXPECT_NOT_NULL_MSG(test,
					  hv_net_tx_hdr_check(&h, 3000, HVT_ALL_TX),
					  "gso_type %#x", bad[i]);
	}
	/* A known type that was not negotiated. */
	h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	KUNIT_EXPECT_NOT_NULL(test,
			      hv_net_tx_hdr_check(&h, 3000, HVT_V1 | HVT_CSUM));
	KUNIT_EXPECT_NULL(test, hv_net_tx_hdr_check(&h, 3000, HVT_ALL_TX));
}

static void net_hdr_tx_gso_without_csum(struct kunit *test)
{
	struct virtio_net_hdr h = {
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.gso_size = hvt16(1400),
	};

	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 3000, HVT_ALL_TX));
}

static void net_hdr_tx_ecn(struct kunit *test)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN,
		.gso_size = hvt16(1400),
		.csum_start = hvt16(34),
		.csum_offset = hvt16(16),
	};

	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 3000,
							HVT_V1 | HVT_CSUM | HVT_TSO));
	KUNIT_EXPECT_NULL(test, hv_net_tx_hdr_check(&h, 3000, HVT_ALL_TX));
	/* ECN alone, without a GSO type. */
	h.gso_type = VIRTIO_NET_HDR_GSO_ECN;
	KUNIT_EXPECT_NOT_NULL(test, hv_net_tx_hdr_check(&h, 3000, HVT_ALL_TX));
}

static void net_hdr_tx_too_big(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	/* The frame segment is never read: only lengths matter. */
	hvt_seg(t, &t->hdr, sizeof(t->hdr), false);
	hvt_seg(t, t->frame, HV_NET_MAX_FRAME + 1, false);
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_V1, &t->pkt),
			HV_NET_TX_DROP);
	KUNIT_EXPECT_STREQ(test, t->pkt.why, "frame larger than 64 KiB");

	t = hvt_net_new(test);
	hvt_seg(t, &t->hdr, sizeof(t->hdr), false);
	hvt_seg(t, t->frame, HV_NET_MAX_FRAME, false);
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_V1, &t->pkt), 0);
}

static void net_hdr_tx_runt(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_simple(t, ETH_HLEN - 1);
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_V1, &t->pkt),
			HV_NET_TX_DROP);
}

static void net_hdr_tx_writable(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_simple(t, 60);
	hvt_seg(t, t->frame + 100, 10, true);
	KUNIT_EXPECT_EQ(test, hv_net_tx_parse(&t->c, HVT_V1, &t->pkt),
			HV_NET_TX_RING);
}

/* A legacy (10-byte) header: the frame starts right after it. */
static void net_hdr_tx_legacy_hlen(struct kunit *test)
{
	struct hvt_net *t = hvt_net_new(test);

	hvt_seg(t, &t->hdr, 10 + 60, false);
	KUNIT_ASSERT_EQ(test, hv_net_tx_parse(&t->c, 0, &t->pkt), 0);
	KUNIT_EXPECT_EQ(test, t->pkt.guest_hlen, 10U);
	KUNIT_EXPECT_EQ(test, t->pkt.frame_len, 60U);
}

static void net_hdr_rx_fixup(struct kunit *test)
{
	struct virtio_net_hdr_mrg_rxbuf h = { };

	h.hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID | VIRTIO_NET_HDR_F_RSC_INFO;
	h.hdr.csum_start = hvt16(5);
	KUNIT_ASSERT_TRUE(test, hv_net_rx_hdr_fixup(&h, HVT_GUEST_ALL, 3));
	KUNIT_EXPECT_EQ(test, h.hdr.flags, VIRTIO_NET_HDR_F_DATA_VALID);
	KUNIT_EXPECT_EQ(test, (u16)h.hdr.csum_start, 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu((__force __le16)h.num_buffers), 3);

	/* No GUEST_CSUM: no checksum flags reach the guest. */
	h.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	KUNIT_ASSERT_TRUE(test, hv_net_rx_hdr_fixup(&h, HVT_V1, 1));
	KUNIT_EXPECT_EQ(test, h.hdr.flags, 0);
	KUNIT_EXPECT_EQ(test, le16_to_cpu((__force __le16)h.num_buffers), 1);
}

static void net_hdr_rx_gso_not_accepted(struct kunit *test)
{
	struct virtio_net_hdr_mrg_rxbuf h = { };

	h.hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h.hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	h.hdr.gso_size = hvt16(1400);
	KUNIT_EXPECT_FALSE(test, hv_net_rx_hdr_fixup(&h, HVT_V1, 1));
	KUNIT_EXPECT_TRUE(test, hv_net_rx_hdr_fixup(&h, HVT_GUEST_ALL, 1));
	h.hdr.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	KUNIT_EXPECT_FALSE(test, hv_net_rx_hdr_fixup(&h, HVT_GUEST_ALL, 1));
	h.hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	KUNIT_EXPECT_FALSE(test, hv_net_rx_hdr_fixup(&h, HVT_GUEST_ALL &
						     ~BIT_ULL(VIRTIO_NET_F_GUEST_ECN), 1));
}

static void net_hdr_rx_split(struct kunit *test)
{
	static const u32 in[] = { 100, 0, 100, 100 };
	u32 used[ARRAY_SIZE(in)];

	/* num_buffers = chains touched, a zero-length chain counted. */
	KUNIT_EXPECT_EQ(test, hv_net_rx_split(in, 4, 250, used), 4U);
	KUNIT_EXPECT_EQ(test, used[0], 100U);
	KUNIT_EXPECT_EQ(test, used[1], 0U);
	KUNIT_EXPECT_EQ(test, used[2], 100U);
	KUNIT_EXPECT_EQ(test, used[3], 50U);
	KUNIT_EXPECT_EQ(test, hv_net_rx_split(in, 4, 100, used), 1U);
	KUNIT_EXPECT_EQ(test, hv_net_rx_split(in, 4, 300, used), 4U);
	KUNIT_EXPECT_EQ(test, hv_net_rx_split(in, 4, 301, used), 0U);
	KUNIT_EXPECT_EQ(test, hv_net_rx_split(in, 4, 0, used), 1U);
	KUNIT_EXPECT_EQ(test, hv_net_rx_split(in, 0, 0, used), 0U);
}

static void net_hdr_tun_offloads(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, hv_net_tun_offloads(HVT_V1), 0U);
	/* TSO without GUEST_CSUM is impossible for tun: nothing. */
	KUNIT_EXPECT_EQ(test, hv_net_tun_offloads(HVT_V1 |
			BIT_ULL(VIRTIO_NET_F_GUEST_TSO4)), 0U);
	KUNIT_EXPECT_EQ(test, hv_net_tun_offloads(HVT_GUEST_ALL),
			(unsigned int)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
				       TUN_F_TSO_ECN));
	/* ECN alone means nothing without TSO. */
	KUNIT_EXPECT_EQ(test, hv_net_tun_offloads(HVT_V1 |
			BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) |
			BIT_ULL(VIRTIO_NET_F_GUEST_ECN)),
			(unsigned int)TUN_F_CSUM);
}

static void net_hdr_segs_to_kvec(struct kunit *test)
{
	u8 a[4], b[8], c[2];
	struct hv_vq_seg segs[] = {
		{ a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) },
	};
	struct kvec kv[3];
	size_t bytes;

	KUNIT_EXPECT_EQ(test, hv_net_segs_to_kvec(segs, 3, 6, kv, 3, &bytes), 2);
	KUNIT_EXPECT_PTR_EQ(test, kv[0].iov_base, (void *)(b + 2));
	KUNIT_EXPECT_EQ(test, kv[0].iov_len, (size_t)6);
	KUNIT_EXPECT_EQ(test, bytes, (size_t)8);
	/* Skip exactly everything: nothing to describe, not an error. */
	KUNIT_EXPECT_EQ(test, hv_net_segs_to_kvec(segs, 3, 14, kv, 3, &bytes), 0);
	KUNIT_EXPECT_EQ(test, hv_net_segs_to_kvec(segs, 3, 15, kv, 3, &bytes),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, hv_net_segs_to_kvec(segs, 3, 0, kv, 2, &bytes),
			-E2BIG);
}

static void net_hdr_segs_copy(struct kunit *test)
{
	u8 a[3] = { }, b[5] = { };
	struct hv_vq_seg segs[] = { { a, 3 }, { NULL, 0 }, { b, 5 } };
	static const u8 src[] = { 1, 2, 3, 4, 5, 6 };
	u8 out[8] = { };

	KUNIT_EXPECT_EQ(test, hv_segs_copy_to(segs, 3, 1, src, 6), (size_t)6);
	KUNIT_EXPECT_EQ(test, a[1], 1);
	KUNIT_EXPECT_EQ(test, b[0], 3);
	KUNIT_EXPECT_EQ(test, b[3], 6);
	/* Short: only what the segments hold. */
	KUNIT_EXPECT_EQ(test, hv_segs_copy_from(segs, 3, 1, out, 8), (size_t)7);
	KUNIT_EXPECT_EQ(test, out[5], 6);
}

static struct kunit_case net_hdr_cases[] = {
	KUNIT_CASE(net_hdr_guest_hlen),
	KUNIT_CASE(net_hdr_tx_plain_ok),
	KUNIT_CASE(net_hdr_tx_tso_ok),
	KUNIT_CASE(net_hdr_tx_copy_once),
	KUNIT_CASE(net_hdr_tx_short_header),
	KUNIT_CASE(net_hdr_tx_header_split),
	KUNIT_CASE(net_hdr_tx_gso_size_zero),
	KUNIT_CASE(net_hdr_tx_gso_size),
	KUNIT_CASE(net_hdr_tx_hdr_len_beyond),
	KUNIT_CASE(net_hdr_tx_csum_outside),
	KUNIT_CASE(net_hdr_tx_csum_unnegotiated),
	KUNIT_CASE(net_hdr_tx_unknown_gso),
	KUNIT_CASE(net_hdr_tx_gso_without_csum),
	KUNIT_CASE(net_hdr_tx_ecn),
	KUNIT_CASE(net_hdr_tx_too_big),
	KUNIT_CASE(net_hdr_tx_runt),
	KUNIT_CASE(net_hdr_tx_writable),
	KUNIT_CASE(net_hdr_tx_legacy_hlen),
	KUNIT_CASE(net_hdr_rx_fixup),
	KUNIT_CASE(net_hdr_rx_gso_not_accepted),
	KUNIT_CASE(net_hdr_rx_split),
	KUNIT_CASE(net_hdr_tun_offloads),
	KUNIT_CASE(net_hdr_segs_to_kvec),
	KUNIT_CASE(net_hdr_segs_copy),
	{}
};

static struct kunit_suite net_hdr_suite = {
	.name = "hvisor_net_hdr",
	.test_cases = net_hdr_cases,
};

kunit_test_suite(net_hdr_suite);

MODULE_LICENSE("GPL");
