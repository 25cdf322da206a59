/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI between zone 0 and the hvisor hypervisor: hypercall codes and
 * errors, the shared virtio bridge page and the zone list record.  These
 * layouts are hvisor's, not ours; they must match it byte for byte.
 *
 * Kernel-internal: used by hvisor.ko and by the simulator module.
 */
#ifndef _HVISOR_HYPERVISOR_H
#define _HVISOR_HYPERVISOR_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Hypercall codes (first argument of every call into hvisor). */
#define HV_HC_INIT_VIRTIO	0	/* arg0: PA of the bridge page */
#define HV_HC_FINISH_REQ	1	/* drain res_list, inject guest irqs */
#define HV_HC_ZONE_START	2	/* arg0: PA of zone_config, arg1: its size */
#define HV_HC_ZONE_SHUTDOWN	3	/* arg0: zone id */
#define HV_HC_ZONE_LIST		4	/* arg0: PA of hv_zone_info[arg1] */
#define HV_HC_IVC_INFO		5
#define HV_HC_CONFIG_CHECK	6	/* arg0: PA of a u64 that receives the magic */
/*
 * x86_64 hvisor of the 0x06 era: arg0: PA of a u64 that receives the ECAM
 * base of the zone's PCI bus (upstream tool e5f34d6); hvisor 6a3fb78 does
 * not know it (answers 0, writes nothing).
 */
#define HV_HC_GET_ECAM_BASE	9
#define HV_HC_GET_VIRTIO_IRQ	86	/* x86_64: arg0: PA of a u32 */

/* ---------------------------------------------------------------------- */
/* The virtio bridge: one zeroed, page-aligned, cacheable page.            */

#define HV_BRIDGE_MAX_REQ	32	/* ring slots; one is always left empty */
#define HV_BRIDGE_MAX_CPUS	32	/* cfg_flags/cfg_values slots */
#define HV_BRIDGE_MAX_DEVS	8	/* legacy mmio_addrs[] */

/* QueueNotify: the only register hvisor posts (need_interrupt = 1). */
#define HV_MMIO_QUEUE_NOTIFY	0x50

struct hv_device_req {
	__u64 src_cpu;		/* hvisor logical cpu of the trapping vCPU */
	__u64 address;		/* absolute guest physical address */
	__u64 size;		/* 1, 2, 4 or 8 */
	__u64 value;		/* written value; 0 for reads */
	__u32 src_zone;
	__u8 is_write;
	__u8 need_interrupt;	/* 1: posted, no cfg completion expected */
	__u16 padding;
};

struct hv_device_res {
	__u32 target_zone;
	__u32 irq_id;
};

struct hv_virtio_bridge {
	__u32 req_front;	/* written by zone 0 only */
	__u32 req_rear;		/* written by hvisor only */
	__u32 res_front;	/* written by hvisor only */
	__u32 res_rear;		/* written by zone 0 only */
	struct hv_device_req req_list[HV_BRIDGE_MAX_REQ];
	struct hv_device_res res_list[HV_BRIDGE_MAX_REQ];
	__u64 cfg_flags[HV_BRIDGE_MAX_CPUS];	/* zone 0 increments */
	__u64 cfg_values[HV_BRIDGE_MAX_CPUS];
	__u64 mmio_addrs[HV_BRIDGE_MAX_DEVS];	/* legacy, ignored by hvisor */
	__u8 mmio_avail;			/* legacy, ignored by hvisor */
	__u8 need_wakeup;	/* 1: zone 0 sleeps, raise the wake-up irq */
};

static_assert(sizeof(struct hv_device_req) == 40);
static_assert(sizeof(struct hv_device_res) == 8);
static_assert(offsetof(struct hv_virtio_bridge, req_list) == 16);
static_assert(offsetof(struct hv_virtio_bridge, res_list) == 1296);
static_assert(offsetof(struct hv_virtio_bridge, cfg_flags) == 1552);
static_assert(offsetof(struct hv_virtio_bridge, cfg_values) == 1808);
static_assert(offsetof(struct hv_virtio_bridge, mmio_addrs) == 2064);
static_assert(offsetof(struct hv_virtio_bridge, mmio_avail) == 2128);
static_assert(offsetof(struct hv_virtio_bridge, need_wakeup) == 2129);
static_assert(sizeof(struct hv_virtio_bridge) == 2136);

/* ---------------------------------------------------------------------- */
/* HV_HC_ZONE_LIST record                                                  */

struct hv_zone_info {
	__u32 zone_id;
	__u64 cpus;
	__u8 name[32];		/* not necessarily NUL-terminated */
	__u8 is_err;
};

static_assert(offsetof(struct hv_zone_info, cpus) == 8);
static_assert(offsetof(struct hv_zone_info, name) == 16);
static_assert(offsetof(struct hv_zone_info, is_err) == 48);
static_assert(sizeof(struct hv_zone_info) == 56);

/* ---------------------------------------------------------------------- */
/* HV_HC_IVC_INFO: arg0 = PA of struct hv_ivc_info, filled for the caller. */

#define HV_IVC_MAX_CONFIGS	2

struct hv_ivc_info {
	__u64 len;			/* channels of the calling zone, <= 2 */
	__u64 ct_ipas[HV_IVC_MAX_CONFIGS];	/* control tables */
	__u64 shmem_ipas[HV_IVC_MAX_CONFIGS];	/* shared memories */
	__u32 ivc_ids[HV_IVC_MAX_CONFIGS];
	__u32 ivc_irqs[HV_IVC_MAX_CONFIGS];	/* interrupt_num of each */
};

static_assert(offsetof(struct hv_ivc_info, shmem_ipas) == 24);
static_assert(offsetof(struct hv_ivc_info, ivc_ids) == 40);
static_assert(sizeof(struct hv_ivc_info) == 56);

/*
 * The control table hvisor traps (hv:src/arch/aarch64/ivc.rs): 32-bit
 * registers; a read elsewhere, or a write other than to IPI_INVOKE, fails.
 */
#define HV_IVC_CT_IVC_ID	0x00
#define HV_IVC_CT_MAX_PEERS	0x04
#define HV_IVC_CT_RW_SEC_SIZE	0x08
#define HV_IVC_CT_OUT_SEC_SIZE	0x0c
#define HV_IVC_CT_PEER_ID	0x10	/* the reading zone's own peer id */
#define HV_IVC_CT_IPI_INVOKE	0x14	/* write: interrupt that peer */

#endif /* _HVISOR_HYPERVISOR_H */
