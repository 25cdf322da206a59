/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Inter-zone communication (IVC) endpoints of zone 0: /dev/hivc<ivc_id>.
 *
 * This is upstream hvisor-tool's ivc.ko ABI (include/ivc.h), kept number
 * for number so that programs written for it run unchanged:
 *
 *   mmap offset 0       the channel's control table, exactly one page,
 *                       uncached (hvisor traps every access to it);
 *   mmap offset 0x1000  its shared memory: rw_sec_size bytes every peer may
 *                       write, then max_peers sections of out_sec_size
 *                       bytes, section i written by peer i only.  A mapping
 *                       that reaches past the end of the shared memory is
 *                       refused (ENXIO); upstream did not check;
 *   poll                POLLIN once after the peer rang (the count of rings
 *                       is cleared by the poll that reports it), POLLHUP
 *                       once the channel is gone (hvisor.ko unloaded);
 *   HVISOR_IVC_USER_INFO  the ids of zone 0's channels;
 *   write               hvisor.ko's addition: a __u32 peer id, rung through
 *                       the control table by the kernel (and counted in
 *                       sysfs, which a store to ipi_invoke cannot be).
 *
 * A store of a peer id to ipi_invoke makes hvisor interrupt that peer.
 */
#ifndef _UAPI_HVISOR_IVC_H
#define _UAPI_HVISOR_IVC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define HVISOR_IVC_MAX_CHANNELS		2	/* hvisor's CONFIG_MAX_IVC_CONFIGS */
#define HVISOR_IVC_CT_SIZE		0x1000	/* mmap offset 0, this length */
#define HVISOR_IVC_SHMEM_OFFSET		0x1000	/* mmap offset of shared memory */

/* The control table (upstream declares its fields volatile). */
struct ivc_control_table {
	__u32 ivc_id;		/* read-only */
	__u32 max_peers;	/* read-only */
	__u32 rw_sec_size;	/* read-only: bytes, a multiple of 4 KiB */
	__u32 out_sec_size;	/* read-only: bytes, a multiple of 4 KiB */
	__u32 peer_id;		/* read-only: this zone's peer id */
	__u32 ipi_invoke;	/* write a peer id: hvisor interrupts it */
};

struct ivc_user_info {
	int len;		/* number of channels */
	int ivc_ids[HVISOR_IVC_MAX_CHANNELS];
};

/* upstream spells the size as a pointer's: 0x80084900 on 64-bit */
#define HVISOR_IVC_USER_INFO	_IOR('I', 0, struct ivc_user_info *)

#endif /* _UAPI_HVISOR_IVC_H */
