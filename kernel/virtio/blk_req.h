/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk request parsing: pure logic on a popped chain (no I/O), so
 * that KUnit can feed it hostile requests on UML.
 */
#ifndef _HVISOR_VIRTIO_BLK_REQ_H
#define _HVISOR_VIRTIO_BLK_REQ_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/uio.h>

#include "vq.h"

#define HV_BLK_SECTOR_SHIFT	9
#define HV_BLK_SECTOR_SIZE	BIT(HV_BLK_SECTOR_SHIFT)
#define HV_BLK_HDR_SIZE		16	/* struct virtio_blk_outhdr */
#define HV_BLK_DWZ_SIZE		16	/* struct virtio_blk_discard_write_zeroes */

/* What the device offers; checked against every request. */
struct hv_blk_limits {
	u64 capacity;			/* in 512-byte sectors */
	bool ro;
	bool discard;			/* VIRTIO_BLK_F_DISCARD offered */
	bool write_zeroes;		/* VIRTIO_BLK_F_WRITE_ZEROES offered */
	u32 max_discard_sectors;
	u32 max_write_zeroes_sectors;
	u32 seg_max;			/* data segments per IN/OUT request */
	u32 size_max;			/* bytes per data segment */
};

/* A request that passed parsing. */
struct hv_blk_parsed {
	u32 type;			/* VIRTIO_BLK_T_* */
	u8 *status;			/* last byte of the last writable segment */
	u8 status_code;			/* != S_OK: complete at once with it */
	u64 sector;			/* IN / OUT / DISCARD / WRITE_ZEROES */
	u32 nr_sectors;
	/*
	 * Data bytes: IN reads into the writable segments (all but the status
	 * byte), OUT writes from the readable segments after the header.
	 */
	u32 data_len;
	bool unmap;			/* WRITE_ZEROES may deallocate */
	bool over_limits;		/* IOERR: seg_max or size_max exceeded */
};

/*
 * Parse the chain @c against @lim.  Returns 0 with @p filled (check
 * p->status_code: requests that are well framed but invalid, e.g. past the
 * end or of an unsupported type, get a status to report), or -EINVAL when
 * the chain has no status byte at all: the caller then completes it with
 * used length 0.  The header and any segment descriptor are copied out of
 * guest memory exactly once.
 */
int hv_blk_parse(const struct hv_vq_chain *c, const struct hv_blk_limits *lim,
		 struct hv_blk_parsed *p);

/*
 * Describe @len bytes of the segments, starting @skip bytes in, as kvecs.
 * @kv has room for @n entries (never more are needed).  Returns the number
 * used, or -EINVAL if the segments hold fewer than skip + len bytes.
 */
int hv_segs_to_kvec(const struct hv_vq_seg *segs, unsigned int n,
		    size_t skip, size_t len, struct kvec *kv);

#endif /* _HVISOR_VIRTIO_BLK_REQ_H */
