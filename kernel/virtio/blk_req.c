// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk request parsing.  See blk_req.h.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/virtio_blk.h>

#include "blk_req.h"

/*
 * The next piece of the data bytes [@skip, @skip + @len) of @segs: at most
 * one segment's worth.  Returns its start and sets *@chunk, or NULL when
 * the segments or the bytes are used up (@len says which).
 */
static const u8 *hv_segs_next(const struct hv_vq_seg *segs, unsigned int n,
			      unsigned int *i, size_t *skip, size_t *len,
			      size_t *chunk)
{
	const u8 *p;

	for (; *i < n && *len; (*i)++) {
		if (*skip >= segs[*i].len) {
			*skip -= segs[*i].len;
			continue;
		}
		*chunk = min_t(size_t, segs[*i].len - *skip, *len);
		p = (const u8 *)segs[*i].addr + *skip;
		*len -= *chunk;
		*skip = 0;
		(*i)++;
		return p;
	}
	return NULL;
}

int hv_segs_to_kvec(const struct hv_vq_seg *segs, unsigned int n,
		    size_t skip, size_t len, struct kvec *kv)
{
	unsigned int i = 0, nr = 0;
	const u8 *p;
	size_t chunk;

	while ((p = hv_segs_next(segs, n, &i, &skip, &len, &chunk))) {
		kv[nr].iov_base = (void *)p;
		kv[nr].iov_len = chunk;
		nr++;
	}
	return len ? -EINVAL : nr;
}

/* [sector, sector + nr) within the disk?  Overflow-safe. */
static bool hv_blk_range_ok(const struct hv_blk_limits *lim, u64 sector,
			    u64 nr)
{
	return nr <= lim->capacity && sector <= lim->capacity - nr;
}

/* Bytes -> sectors; false unless a whole number of sectors. */
static bool hv_blk_sectors(u32 bytes, u32 *nr)
{
	if (bytes % HV_BLK_SECTOR_SIZE)
		return false;
	*nr = bytes >> HV_BLK_SECTOR_SHIFT;
	return true;
}

/*
 * The data bytes [@skip, @skip + @len) of the segments stay within what the
 * device advertises: at most seg_max segments carry data, none more than
 * size_max bytes of it.  Header and status bytes sharing a segment with
 * data do not count.
 */
static bool hv_blk_segs_within(const struct hv_vq_seg *segs, unsigned int n,
			       size_t skip, size_t len,
			       const struct hv_blk_limits *lim)
{
	unsigned int i = 0, nr = 0;
	size_t chunk;

	while (hv_segs_next(segs, n, &i, &skip, &len, &chunk))
		if (chunk > lim->size_max || ++nr > lim->seg_max)
			return false;
	return true;
}

static u8 hv_blk_parse_dwz(const struct hv_vq_chain *c,
			   const struct hv_blk_limits *lim,
			   struct hv_blk_parsed *p)
{
	bool discard = p->type == VIRTIO_BLK_T_DISCARD;
	struct virtio_blk_discard_write_zeroes seg;
	u32 flags, max;

	if (discard ? !lim->discard : !lim->write_zeroes)
		return VIRTIO_BLK_S_UNSUPP;
	if (lim->ro)
		return VIRTIO_BLK_S_IOERR;
	/* We advertise max_*_seg = 1: exactly one segment. */
	if (c->out_len != HV_BLK_HDR_SIZE + HV_BLK_DWZ_SIZE)
		return VIRTIO_BLK_S_IOERR;
	if (hv_segs_copy_from(c->segs, c->nout, HV_BLK_HDR_SIZE, &seg,
			      sizeof(seg)) != sizeof(seg))
		return VIRTIO_BLK_S_IOERR;

	p->sector = le64_to_cpu((__force __le64)seg.sector);
	p->nr_sectors = le32_to_cpu((__force __le32)seg.num_sectors);
	flags = le32_to_cpu((__force __le32)seg.flags);
	max = discard ? lim->max_discard_sectors : lim->max_write_zeroes_sectors;

	if (discard ? flags : flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
		return VIRTIO_BLK_S_UNSUPP;
	if (!p->nr_sectors || p->nr_sectors > max ||
	    !hv_blk_range_ok(lim, p->sector, p->nr_sectors))
		return VIRTIO_BLK_S_IOERR;
	p->unmap = flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	return VIRTIO_BLK_S_OK;
}

static u8 hv_blk_parse_body(const struct hv_vq_chain *c,
			    const struct hv_blk_limits *lim,
			    struct hv_blk_parsed *p)
{
	struct virtio_blk_outhdr hdr;

	if (c->out_len < HV_BLK_HDR_SIZE ||
	    hv_segs_copy_from(c->segs, c->nout, 0, &hdr, sizeof(hdr)) !=
	    sizeof(hdr))
		return VIRTIO_BLK_S_IOERR;
	/* From here on only the copy is used. */
	p->type = le32_to_cpu((__force __le32)hdr.type);
	p->sector = le64_to_cpu((__force __le64)hdr.sector);

	switch (p->type) {
	case VIRTIO_BLK_T_IN:
		if (c->out_len != HV_BLK_HDR_SIZE)
			return VIRTIO_BLK_S_IOERR;
		p->data_len = c->in_len - 1;
		p->over_limits = !hv_blk_segs_within(c->segs + c->nout, c->nin,
						     0, p->data_len, lim);
		break;
	case VIRTIO_BLK_T_OUT:
		if (lim->ro)
			return VIRTIO_BLK_S_IOERR;
		p->data_len = c->out_len - HV_BLK_HDR_SIZE;
		p->over_limits = !hv_blk_segs_within(c->segs, c->nout,
						     HV_BLK_HDR_SIZE,
						     p->data_len, lim);
		break;
	case VIRTIO_BLK_T_FLUSH:
		p->sector = 0;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		p->sector = 0;
		p->data_len = min_t(u32, c->in_len - 1, VIRTIO_BLK_ID_BYTES);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return hv_blk_parse_dwz(c, lim, p);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}

	if (p->over_limits ||
	    !hv_blk_sectors(p->data_len, &p->nr_sectors) ||
	    !hv_blk_range_ok(lim, p->sector, p->nr_sectors))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

int hv_blk_parse(const struct hv_vq_chain *c, const struct hv_blk_limits *lim,
		 struct hv_blk_parsed *p)
{
	const struct hv_vq_seg *last;

	memset(p, 0, sizeof(*p));
	/* No writable byte: nowhere to put a status, nothing to report. */
	if (!c->nin || !c->in_len)
		return -EINVAL;
	last = &c->segs[c->nout + c->nin - 1];
	p->status = (u8 *)last->addr + last->len - 1;

	p->status_code = hv_blk_parse_body(c, lim, p);
	if (p->status_code != VIRTIO_BLK_S_OK)
		p->data_len = 0;
	return 0;
}
