// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ring parser (kernel/virtio/vq.c) and what parses a
 * popped chain (blk_req.c, net_hdr.c), built for userspace through
 * kshim.h.  The input is a small header followed by the guest's memory:
 *
 *   byte 0     bits 0-2: log2 of the queue size (1..128); bit 3: EVENT_IDX;
 *              bit 4: ring addresses from bytes 8..13 instead of the
 *              default layout; bit 5: unpop and pop again every chain
 *   byte 1     capacity of the chain's segment array (1..64)
 *   byte 2     blk limits: bit 0 ro, bit 1 discard, bit 2 write_zeroes
 *   byte 3     reserved
 *   bytes 4-7  blk capacity in sectors (LE)
 *   bytes 8-13 desc, avail, used offsets into region A (LE u16 each)
 *   bytes 14-21 negotiated net features (LE)
 *   then       region A (GMEM_A_SIZE bytes at GPA GMEM_A_GPA), then region
 *              B (GMEM_B_SIZE at GMEM_B_GPA); missing bytes are zero.
 *
 * Each region is its own malloc() of exactly its size, so AddressSanitizer
 * catches any access the parsers make outside the guest's memory.  Beyond
 * "no crash, no sanitizer report", it asserts what the parser promises:
 * every segment lies inside one region, a chain holds at most the queue
 * size and at most the segment array, the totals match the segments, a
 * run pops at most the queue size, unpop + pop gives the same chain, and
 * the blk / net verdicts are consistent with the chain.
 */
#include "kshim.h"

#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/virtio_blk.h>

#include "kernel/virtio/blk_req.h"
#include "kernel/virtio/net_hdr.h"
#include "kernel/virtio/vq.h"
#include "tests/fuzz/fuzz_util.h"

#define GMEM_A_GPA	0x10000ULL
#define GMEM_A_SIZE	0x4000ULL
#define GMEM_B_GPA	0x80000ULL
#define GMEM_B_SIZE	0x1000ULL
#define HDR_SIZE	22
#define MAX_SEGS	64

static const struct hv_gmem_region *seg_region(const struct hv_guest_mem *gm,
					       const struct hv_vq_seg *s)
{
	u32 i;

	for (i = 0; i < gm->nr; i++) {
		const u8 *lo = gm->r[i].hva, *hi = lo + gm->r[i].size;
		const u8 *p = s->addr;

		if (p >= lo && p < hi && s->len <= (size_t)(hi - p))
			return &gm->r[i];
	}
	return NULL;
}

static void check_chain(const struct hv_vq *vq, const struct hv_vq_chain *c)
{
	u64 out = 0, in = 0;
	u32 i;

	FUZZ_ASSERT(c->head < vq->num);
	FUZZ_ASSERT(c->nout + c->nin <= c->max_segs);
	FUZZ_ASSERT(c->nout + c->nin <= vq->num);
	for (i = 0; i < (u32)c->nout + c->nin; i++) {
		FUZZ_ASSERT(c->segs[i].len > 0);
		FUZZ_ASSERT(seg_region(vq->mem, &c->segs[i]));
		if (i < c->nout)
			out += c->segs[i].len;
		else
			in += c->segs[i].len;
	}
	FUZZ_ASSERT(out == c->out_len && in == c->in_len);
}

static void check_kvecs(const struct hv_guest_mem *gm, const struct kvec *kv,
			int n, size_t want)
{
	size_t sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct hv_vq_seg s = { kv[i].iov_base, (u32)kv[i].iov_len };

		FUZZ_ASSERT(kv[i].iov_len > 0);
		FUZZ_ASSERT(seg_region(gm, &s));
		sum += kv[i].iov_len;
	}
	FUZZ_ASSERT(sum == want);
}

static void blk_chain(const struct hv_vq_chain *c, const struct hv_guest_mem *gm,
		      const struct hv_blk_limits *lim)
{
	struct kvec kv[MAX_SEGS];
	struct hv_blk_parsed p;
	const struct hv_vq_seg *last;
	u8 buf[512];
	int n, i;

	if (hv_blk_parse(c, lim, &p)) {
		FUZZ_ASSERT(!c->nin || !c->in_len);
		return;
	}
	FUZZ_ASSERT(c->nin && c->in_len);
	last = &c->segs[c->nout + c->nin - 1];
	FUZZ_ASSERT(p.status == (u8 *)last->addr + last->len - 1);
	/*
	 * The device writes the status and IN data: do it with the bytes
	 * already there, so that ASan checks the bounds while the ring the
	 * buffers may overlap stays as the guest wrote it.
	 */
	WRITE_ONCE(*p.status, READ_ONCE(*p.status));
	if (p.status_code != VIRTIO_BLK_S_OK) {
		FUZZ_ASSERT(p.data_len == 0);
		return;
	}
	switch (p.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		FUZZ_ASSERT(p.data_len % 512 == 0);
		FUZZ_ASSERT(p.nr_sectors == p.data_len / 512);
		FUZZ_ASSERT(p.nr_sectors <= lim->capacity &&
			    p.sector <= lim->capacity - p.nr_sectors);
		if (p.type == VIRTIO_BLK_T_IN) {
			FUZZ_ASSERT(p.data_len == c->in_len - 1);
			n = hv_segs_to_kvec(c->segs + c->nout, c->nin, 0,
					    p.data_len, kv);
		} else {
			FUZZ_ASSERT(!lim->ro);
			FUZZ_ASSERT(p.data_len == c->out_len - HV_BLK_HDR_SIZE);
			n = hv_segs_to_kvec(c->segs, c->nout, HV_BLK_HDR_SIZE,
					    p.data_len, kv);
		}
		FUZZ_ASSERT(n >= 0);
		/* The advertised limits hold for what is accepted. */
		FUZZ_ASSERT((u32)n <= lim->seg_max);
		for (i = 0; i < (u32)n; i++)
			FUZZ_ASSERT(kv[i].iov_len <= lim->size_max);
		check_kvecs(gm, kv, n, p.data_len);
		/* Do the "I/O" on the guest's buffers. */
		for (i = 0; i < n; i++) {
			if (p.type == VIRTIO_BLK_T_IN)
				memmove(kv[i].iov_base, kv[i].iov_base,
					kv[i].iov_len);
			else
				memcpy(buf, kv[i].iov_base,
				       min_t(size_t, kv[i].iov_len, sizeof(buf)));
		}
		break;
	case VIRTIO_BLK_T_GET_ID:
		FUZZ_ASSERT(p.data_len <= VIRTIO_BLK_ID_BYTES &&
			    p.data_len < c->in_len);
		FUZZ_ASSERT(hv_segs_copy_from(c->segs + c->nout, c->nin, 0,
					      buf, p.data_len) == p.data_len);
		FUZZ_ASSERT(hv_segs_copy_to(c->segs + c->nout, c->nin, 0,
					    buf, p.data_len) == p.data_len);
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		FUZZ_ASSERT(!lim->ro);
		FUZZ_ASSERT(p.nr_sectors && p.nr_sectors <= lim->capacity &&
			    p.sector <= lim->capacity - p.nr_sectors);
		FUZZ_ASSERT(p.type == VIRTIO_BLK_T_DISCARD ?
			    lim->discard && p.nr_sectors <= lim->max_discard_sectors :
			    lim->write_zeroes &&
			    p.nr_sectors <= lim->max_write_zeroes_sectors);
		break;
	case VIRTIO_BLK_T_FLUSH:
		break;
	default:
		FUZZ_ASSERT(!"unsupported type reported S_OK");
	}
}

static void net_chain(const struct hv_vq_chain *c, const struct hv_guest_mem *gm,
		      u64 features)
{
	struct virtio_net_hdr_mrg_rxbuf rx;
	struct hv_net_tx_pkt pkt;
	struct kvec kv[MAX_SEGS];
	u32 in_len[MAX_SEGS], used[MAX_SEGS], n, i, sum;
	size_t bytes;
	int ret, nk;

	ret = hv_net_tx_parse(c, features, &pkt);
	FUZZ_ASSERT(pkt.guest_hlen == 10 || pkt.guest_hlen == 12);
	if (ret == 0) {
		FUZZ_ASSERT(!c->nin);
		FUZZ_ASSERT(pkt.frame_len + pkt.guest_hlen == c->out_len);
		FUZZ_ASSERT(pkt.frame_len >= ETH_HLEN &&
			    pkt.frame_len <= HV_NET_MAX_FRAME);
		FUZZ_ASSERT(!hv_net_tx_hdr_check(&pkt.hdr.hdr, pkt.frame_len,
						 features));
		nk = hv_net_segs_to_kvec(c->segs, c->nout, pkt.guest_hlen, kv,
					 MAX_SEGS, &bytes);
		FUZZ_ASSERT(nk >= 0);
		check_kvecs(gm, kv, nk, bytes);
		FUZZ_ASSERT(bytes == pkt.frame_len);
	} else {
		FUZZ_ASSERT(ret == HV_NET_TX_RING || ret == HV_NET_TX_DROP);
		FUZZ_ASSERT(pkt.why);
	}

	/* RX: a header "from the tap" (the chain's first bytes) and a split. */
	memset(&rx, 0, sizeof(rx));
	hv_segs_copy_from(c->segs, c->nout + c->nin, 0, &rx, sizeof(rx));
	if (hv_net_rx_hdr_fixup(&rx, features, c->nin)) {
		FUZZ_ASSERT(le16_to_cpu(rx.num_buffers) == c->nin);
		if (!(rx.hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
			FUZZ_ASSERT(!rx.hdr.csum_start && !rx.hdr.csum_offset);
	}
	n = c->nin;
	for (i = 0; i < n; i++)
		in_len[i] = c->segs[c->nout + i].len;
	i = hv_net_rx_split(in_len, n, c->in_len / 2 + 1, used);
	FUZZ_ASSERT(i <= n);
	if (i) {
		for (sum = 0, n = 0; n < i; n++) {
			FUZZ_ASSERT(used[n] <= in_len[n]);
			sum += used[n];
		}
		FUZZ_ASSERT(sum == c->in_len / 2 + 1);
	}
}

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hv_guest_mem gm;
	struct hv_vq_seg segs[MAX_SEGS], segs2[MAX_SEGS];
	struct hv_vq_chain c, c2;
	struct hv_blk_limits lim;
#ifdef HV_FUZZ_VQ_RUN
	struct hv_vq_run run;
#endif
	struct hv_vq vq;
	u64 desc, avail, used, features;
	u32 num, pops = 0, round, i;
	bool event_idx, repop, overlap;
	u8 hdr[HDR_SIZE] = { 0 };
	u8 *a, *b;
	int ret;

	memcpy(hdr, data, min_t(size_t, size, HDR_SIZE));
	data += min_t(size_t, size, HDR_SIZE);
	size -= min_t(size_t, size, HDR_SIZE);

	a = calloc(1, GMEM_A_SIZE);
	b = calloc(1, GMEM_B_SIZE);
	FUZZ_ASSERT(a && b);
	memcpy(a, data, min_t(size_t, size, GMEM_A_SIZE));
	if (size > GMEM_A_SIZE)
		memcpy(b, data + GMEM_A_SIZE,
		       min_t(size_t, size - GMEM_A_SIZE, GMEM_B_SIZE));
	memset(&gm, 0, sizeof(gm));
	gm.nr = 2;
	gm.r[0] = (struct hv_gmem_region){ .zone0_ipa = 0x40000000,
		.zonex_ipa = GMEM_A_GPA, .size = GMEM_A_SIZE, .hva = a };
	gm.r[1] = (struct hv_gmem_region){ .zone0_ipa = 0x50000000,
		.zonex_ipa = GMEM_B_GPA, .size = GMEM_B_SIZE, .hva = b };
	FUZZ_ASSERT(!hv_gmem_validate(gm.r, gm.nr, NULL));

	num = 1U << (hdr[0] & 7);
	event_idx = hdr[0] & 8;
	repop = hdr[0] & 32;
	if (hdr[0] & 16) {
		desc = GMEM_A_GPA + get_le16(hdr + 8);
		avail = GMEM_A_GPA + get_le16(hdr + 10);
		used = GMEM_A_GPA + get_le16(hdr + 12);
	} else {
		desc = GMEM_A_GPA;
		avail = desc + hv_vq_desc_size(num);
		used = ALIGN(avail + hv_vq_avail_size(num, event_idx), 4);
	}
	features = get_le64(hdr + 14);
	memset(&lim, 0, sizeof(lim));
	lim.ro = hdr[2] & 1;
	lim.discard = hdr[2] & 2;
	lim.write_zeroes = hdr[2] & 4;
	lim.capacity = get_le32(hdr + 4);
	lim.max_discard_sectors = 1U << 20;
	lim.max_write_zeroes_sectors = 1U << 16;
	lim.seg_max = 1 + (hdr[3] & 7);
	lim.size_max = 512U << (hdr[3] >> 4);

	overlap = ranges_overlap(desc, hv_vq_desc_size(num), avail,
				 hv_vq_avail_size(num, event_idx)) ||
		  ranges_overlap(used, hv_vq_used_size(num, event_idx), avail,
				 hv_vq_avail_size(num, event_idx)) ||
		  ranges_overlap(used, hv_vq_used_size(num, event_idx), desc,
				 hv_vq_desc_size(num));
	ret = hv_vq_setup(&vq, &gm, num, 128, desc, avail, used, event_idx);
	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL || ret == -EFAULT);
		FUZZ_ASSERT(!hv_vq_ready(&vq));
#ifdef HV_FUZZ_VQ_RUN
		FUZZ_ASSERT(vq.why);
#endif
		goto out;
	}
	FUZZ_ASSERT(hv_vq_ready(&vq));
	/*
	 * Ring areas that overlap change under the device's own used-ring
	 * writes (the CVE-2019-3900 class): a vq.c with run budgets refuses
	 * them at setup, and then every count below is exact.  Without, only
	 * the harness's loop bound holds for them.
	 */
#ifdef HV_FUZZ_VQ_RUN
	FUZZ_ASSERT(!overlap);
#endif

	memset(&c, 0, sizeof(c));
	c.segs = segs;
	c.max_segs = 1 + hdr[1] % MAX_SEGS;
	c2 = c;
	c2.segs = segs2;
	/* Two rounds: the ring as given, then again after enable_notify. */
	for (round = 0; round < 2; round++) {
#ifdef HV_FUZZ_VQ_RUN
		/* A worker's budget: room for every chain of a full ring. */
		hv_vq_run_init(&run, num + 1, SIZE_MAX);
#endif
		hv_vq_disable_notify(&vq);
		for (;;) {
			ret = hv_vq_pop(&vq, &c);
			if (ret <= 0)
				break;
			/* A run never pops more than the ring holds. */
			pops++;
			FUZZ_ASSERT(overlap || pops <= num);
			if (pops > 8 * num)
				break;	/* the harness's own run budget */
#ifdef HV_FUZZ_VQ_RUN
			FUZZ_ASSERT(!hv_vq_run_charge(&run, c.out_len + c.in_len));
#endif
			check_chain(&vq, &c);
			if (repop) {
				hv_vq_unpop(&vq);
				FUZZ_ASSERT(hv_vq_pop(&vq, &c2) == 1);
				FUZZ_ASSERT(c2.head == c.head && c2.nout == c.nout &&
					    c2.nin == c.nin &&
					    c2.out_len == c.out_len &&
					    c2.in_len == c.in_len);
				for (i = 0; i < (u32)c.nout + c.nin; i++)
					FUZZ_ASSERT(segs[i].addr == segs2[i].addr &&
						    segs[i].len == segs2[i].len);
			}
			blk_chain(&c, &gm, &lim);
			net_chain(&c, &gm, features);
			hv_vq_add_used(&vq, c.head, c.in_len);
			if (pops % 3 == 0) {
				hv_vq_publish_used(&vq);
				hv_vq_need_notify(&vq);
			}
		}
		if (ret < 0) {
			/* Broken: stays broken, with a reason. */
			FUZZ_ASSERT(vq.broken && vq.why);
			FUZZ_ASSERT(!hv_vq_ready(&vq));
			FUZZ_ASSERT(hv_vq_pop(&vq, &c) < 0);
			FUZZ_ASSERT(!hv_vq_has_avail(&vq));
			break;
		}
		hv_vq_publish_used(&vq);
		hv_vq_need_notify(&vq);
		/* Nothing changed in memory: no new buffers. */
#ifdef HV_FUZZ_VQ_RUN
		if (round && !hv_vq_enable_notify_new(&vq))
			continue;
#endif
		if (!hv_vq_enable_notify(&vq))
			continue;
		FUZZ_ASSERT(overlap || pops > 8 * num);
	}
	/* A device going away completes what is left (nothing, or broken). */
	FUZZ_ASSERT(hv_vq_complete_posted(&vq, &c, num) <= num);
	FUZZ_ASSERT(overlap || hv_vq_complete_posted(&vq, &c, num) == 0);
out:
	hv_vq_reset(&vq);
	free(a);
	free(b);
	return 0;
}
