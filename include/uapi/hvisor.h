/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvisor.ko userspace ABI: the ioctls of /dev/hvisor and the structs they carry.
 *
 * Rules of this file: only fixed-size types, every address or buffer is a
 * __u64, every hole is an explicit padding field that must be zero, and every
 * ioctl argument starts with a __u32 size so that it can grow.  hvisor.ko
 * matches an ioctl on its type, number and direction, not on the size bits
 * (which change when a struct grows): a newer tool's bigger struct reaches
 * the same handler, which takes the part it knows and refuses a non-zero
 * tail it does not know with E2BIG; an older, smaller struct is refused
 * with EINVAL unless the handler knows that size (ZONE_START's 32-byte v1).
 *
 * The zone configuration is the one exception to "our own layout": it is
 * handed to the hypervisor as is, so it is hvisor's zone_config byte for
 * byte, in one of two layouts, named by the magic the hypervisor answers to
 * CONFIG_CHECK (see ../shared/reference/zone-config-abi.md for the sources):
 *
 *   0x05  hvisor v0.4 (6a3fb78), hvisor-tool 2c0f22b..b17d9dd
 *   0x06  hvisor-tool 345aa94 and later (no hvisor release answers it yet)
 *
 * Each is described as three parts, a common head, a per-architecture part
 * and a PCI tail:
 *
 *	offset 0     struct hvisor_zone_head        2360 bytes, both magics
 *	offset 2360  0x06: struct hvisor_arch_<arch> 120 / 32 / 8 / 88 bytes
 *	             0x05: the same, but arm64 is struct hvisor_arch_arm64_v5
 *	             (88 bytes: no UEFI part)
 *	then         0x06: struct hvisor_zone_pci    816 bytes
 *	             0x05: struct hvisor_zone_pci_v5 688 bytes (8-byte devices,
 *	             no v_bus/v_device/v_function)
 *
 * Sizes          arm64  riscv64  loongarch64  x86_64
 *	0x05      3136   3080     3056         3136
 *	0x06      3296   3208     3184         3264
 *
 * The tail starts at 2448 (arm64 0x05 and x86_64), 2480 (arm64 0x06), 2392
 * (riscv64) or 2368 (loongarch64); within it, num_pci_devs is at +424 and
 * alloc_pci_devs at +432 in both layouts.  common/zone_check.c pins every
 * size and offset with static asserts.
 */
#ifndef _UAPI_HVISOR_H
#define _UAPI_HVISOR_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define HVISOR_ABI_VERSION		1

/* zone_config layouts (CONFIG_CHECK answers) this ABI knows */
#define HVISOR_CONFIG_MAGIC_V5		0x05
#define HVISOR_CONFIG_MAGIC_V6		0x06
#define HVISOR_CONFIG_MAGIC_VERSION	HVISOR_CONFIG_MAGIC_V6	/* newest */

#define HVISOR_MAX_ZONES		32
#define HVISOR_MAX_CPUS			64	/* width of the cpus bitmap */
#define HVISOR_MAX_MEMORY_REGIONS	64
#define HVISOR_MAX_INTERRUPTS		1024
#define HVISOR_NAME_MAXLEN		32
#define HVISOR_MAX_IVC_CONFIGS		2
#define HVISOR_PCI_BUS_MAXNUM		4
#define HVISOR_MAX_PCI_DEVS		32

#define HVISOR_MEM_TYPE_RAM		0
#define HVISOR_MEM_TYPE_IO		1
#define HVISOR_MEM_TYPE_VIRTIO		2

enum hvisor_arch {
	HVISOR_ARCH_NONE	= 0,
	HVISOR_ARCH_ARM64	= 1,
	HVISOR_ARCH_RISCV64	= 2,
	HVISOR_ARCH_LOONGARCH64	= 3,
	HVISOR_ARCH_X86_64	= 4,
};

struct hvisor_memory_region {
	__u32 type;			/* HVISOR_MEM_TYPE_* */
	__u32 __pad;
	__u64 physical_start;		/* host (zone 0) physical address */
	__u64 virtual_start;		/* guest physical address (IPA) */
	__u64 size;
};

struct hvisor_ivc_config {
	__u32 ivc_id;
	__u32 peer_id;
	__u64 control_table_ipa;
	__u64 shared_mem_ipa;
	__u32 rw_sec_size;
	__u32 out_sec_size;
	__u32 interrupt_num;
	__u32 max_peers;
};

struct hvisor_zone_head {
	__u32 zone_id;
	__u32 __pad0;
	__u64 cpus;			/* bit n: hvisor logical cpu n */
	__u32 num_memory_regions;
	__u32 __pad1;
	struct hvisor_memory_region memory_regions[HVISOR_MAX_MEMORY_REGIONS];
	__u32 interrupts_bitmap[HVISOR_MAX_INTERRUPTS / 32];
	__u32 num_ivc_configs;
	__u32 __pad2;
	struct hvisor_ivc_config ivc_configs[HVISOR_MAX_IVC_CONFIGS];
	__u64 entry_point;		/* guest physical */
	__u64 kernel_load_paddr;	/* host physical */
	__u64 kernel_size;
	__u64 dtb_load_paddr;		/* host physical */
	__u64 dtb_size;
	char name[HVISOR_NAME_MAXLEN];	/* NUL-terminated */
};

/* aarch64: Rust enums GicConfig and UefiConfig, tag first */
#define HVISOR_GIC_V2			0
#define HVISOR_GIC_V3			1
#define HVISOR_UEFI			0
#define HVISOR_NO_UEFI			1

struct hvisor_gicv2_config {
	__u64 gicd_base;
	__u64 gicd_size;
	__u64 gicc_base;
	__u64 gicc_size;
	__u64 gicc_offset;
	__u64 gich_base;
	__u64 gich_size;
	__u64 gicv_base;
	__u64 gicv_size;
};

struct hvisor_gicv3_config {
	__u64 gicd_base;
	__u64 gicd_size;
	__u64 gicr_base;
	__u64 gicr_size;
	__u64 gits_base;
	__u64 gits_size;
	__u64 __pad[3];
};

struct hvisor_arch_arm64 {
	__u8 is_aarch32;
	__u8 __pad[7];
	__u64 gic_version;		/* HVISOR_GIC_V2 or HVISOR_GIC_V3 */
	union {
		struct hvisor_gicv2_config v2;
		struct hvisor_gicv3_config v3;
	} gic;
	__u64 uefi_tag;			/* HVISOR_UEFI or HVISOR_NO_UEFI */
	__u64 memory_map_addr;
	__u64 memory_map_size;
	__u64 sys_map_addr;
};

/* arm64, magic 0x05: the same without the UEFI part */
struct hvisor_arch_arm64_v5 {
	__u8 is_aarch32;
	__u8 __pad[7];
	__u64 gic_version;		/* HVISOR_GIC_V2 or HVISOR_GIC_V3 */
	union {
		struct hvisor_gicv2_config v2;
		struct hvisor_gicv3_config v3;
	} gic;
};

struct hvisor_arch_riscv64 {
	__u64 plic_base;
	__u64 plic_size;
	__u64 aplic_base;
	__u64 aplic_size;
};

struct hvisor_arch_loongarch64 {
	__u64 dummy;
};

struct hvisor_arch_x86_64 {
	__u64 ioapic_base;
	__u64 ioapic_size;
	__u64 kernel_entry_gpa;
	__u64 cmdline_load_gpa;
	__u64 setup_load_gpa;
	__u64 initrd_load_gpa;
	__u64 initrd_size;
	__u64 rsdp_memory_region_id;
	__u64 acpi_memory_region_id;
	__u64 uefi_memory_region_id;
	__u64 screen_base;
};

struct hvisor_pci_config {
	__u64 ecam_base;
	__u64 ecam_size;
	__u64 io_base;
	__u64 io_size;
	__u64 pci_io_base;
	__u64 mem32_base;
	__u64 mem32_size;
	__u64 pci_mem32_base;
	__u64 mem64_base;
	__u64 mem64_size;
	__u64 pci_mem64_base;
	__u32 bus_range_begin;
	__u32 bus_range_end;
	__u8 domain;
	__u8 __pad[7];
};

struct hvisor_pci_dev_config {
	__u8 domain;
	__u8 bus;
	__u8 device;
	__u8 function;
	__u8 v_bus;
	__u8 v_device;
	__u8 v_function;
	__u8 __pad;
	__u32 dev_type;			/* 0 physical, 1 standard virtual device */
};

struct hvisor_zone_pci {
	__u64 num_pci_bus;
	struct hvisor_pci_config pci_config[HVISOR_PCI_BUS_MAXNUM];
	__u64 num_pci_devs;
	struct hvisor_pci_dev_config alloc_pci_devs[HVISOR_MAX_PCI_DEVS];
};

/* magic 0x05: a device is 8 bytes, dev_type right after the address */
struct hvisor_pci_dev_config_v5 {
	__u8 domain;
	__u8 bus;
	__u8 device;
	__u8 function;
	__u32 dev_type;			/* 0 physical, 1 standard virtual device */
};

struct hvisor_zone_pci_v5 {
	__u64 num_pci_bus;
	struct hvisor_pci_config pci_config[HVISOR_PCI_BUS_MAXNUM];
	__u64 num_pci_devs;
	struct hvisor_pci_dev_config_v5 alloc_pci_devs[HVISOR_MAX_PCI_DEVS];
};

#define HVISOR_ZONE_HEAD_SIZE		2360
#define HVISOR_ZONE_PCI_SIZE		816	/* magic 0x06 */
#define HVISOR_ZONE_PCI_SIZE_V5		688	/* magic 0x05 */

/* ---------------------------------------------------------------------- */
/* ioctls of /dev/hvisor                                                   */

#define HVISOR_IOCTL_TYPE		0xE8

/* HVISOR_GET_INFO: what this hvisor.ko and the hypervisor underneath are. */
struct hvisor_info {
	__u32 size;			/* in: sizeof(struct hvisor_info) */
	__u32 abi_version;		/* out: HVISOR_ABI_VERSION */
	__u64 config_magic;		/* out: the hypervisor's CONFIG_MAGIC_VERSION */
	__u32 arch;			/* out: enum hvisor_arch of this kernel */
	/* out: zone_config size for that arch and magic; 0: unknown magic */
	__u32 zone_config_size;
	char backend[16];		/* out: "hvisor", "hvisor-sim", ... */
};

/* One image to copy into a zone's RAM before it starts. */
#define HVISOR_IMAGE_KERNEL		1
#define HVISOR_IMAGE_DTB		2
#define HVISOR_IMAGE_OTHER		3	/* initrd, x86 setup/boot/cmdline, modules */
#define HVISOR_MAX_IMAGES		16

struct hvisor_image {
	__u64 buf;			/* user pointer to the bytes */
	__u64 size;			/* bytes, > 0 */
	__u64 load_paddr;		/* host physical, inside a RAM region of the zone */
	__u32 kind;			/* HVISOR_IMAGE_* */
	__u32 __pad;
};

/*
 * HVISOR_ZONE_START.  config_magic says which layout the tool packed; it
 * must be the hypervisor's (hvisor_info.config_magic), and config_size the
 * size of that layout for this arch.  A 32-byte struct (before
 * config_magic existed) means 0x06, the only layout known then.
 */
struct hvisor_zone_start {
	__u32 size;			/* sizeof(struct hvisor_zone_start) */
	__u32 flags;			/* must be 0 */
	__u64 config;			/* user pointer to the zone_config (native arch) */
	__u32 config_size;		/* must equal hvisor_info.zone_config_size */
	__u32 nr_images;		/* <= HVISOR_MAX_IMAGES */
	__u64 images;			/* user pointer to struct hvisor_image[nr_images] */
	__u32 config_magic;		/* HVISOR_CONFIG_MAGIC_V5 or _V6 */
	__u32 __pad;			/* must be 0 */
};

#define HVISOR_ZONE_START_SIZE_V1	32	/* without config_magic */

/* HVISOR_ZONE_SHUTDOWN */
struct hvisor_zone_id {
	__u32 size;
	__u32 zone_id;
};

/* HVISOR_ZONE_LIST */
#define HVISOR_ZONE_F_ERROR		(1U << 0)

struct hvisor_zone_info {
	__u32 zone_id;
	__u32 flags;			/* HVISOR_ZONE_F_* */
	__u64 cpus;
	char name[HVISOR_NAME_MAXLEN];	/* always NUL-terminated */
};

struct hvisor_zone_list {
	__u32 size;
	__u32 count;			/* in: capacity of zones[]; out: entries filled */
	__u64 zones;			/* user pointer to struct hvisor_zone_info[count] */
};

/* ---------------------------------------------------------------------- */
/* virtio devices served by hvisor.ko                                      */

#define HVISOR_VIRTIO_MAX_REGIONS	64
#define HVISOR_VIRTIO_MAX_DEVICES	32	/* per attach call */

/* Guest RAM that the zone's virtqueues and buffers may live in. */
struct hvisor_virtio_region {
	__u64 zone0_ipa;		/* where zone 0 sees it (host physical) */
	__u64 zonex_ipa;		/* where the zone sees it (guest physical) */
	__u64 size;
};

/* Device types: the virtio device ids. */
#define HVISOR_VIRTIO_NET		1
#define HVISOR_VIRTIO_BLK		2
#define HVISOR_VIRTIO_CONSOLE		3
/* served by a daemon only (HVISOR_VIRTIO_F_DAEMON) */
#define HVISOR_VIRTIO_GPU		16
#define HVISOR_VIRTIO_SCMI		32
/* a device served by a daemon may have any virtio id up to this one */
#define HVISOR_VIRTIO_MAX_TYPE		63

#define HVISOR_VIRTIO_F_READONLY	(1U << 0)	/* blk: refuse writes */
/*
 * Served by a daemon in zone 0's userspace (upstream hvisor-tool's, on
 * upstream's ABI of /dev/hvisor), not by hvisor.ko: for a type hvisor.ko
 * does not serve itself (gpu, scmi, ...: 1..HVISOR_VIRTIO_MAX_TYPE), with
 * fd -1.  hvisor.ko holds the window (no other device may overlap it, a
 * stopped zone's accesses stop there) and forwards each access to the
 * daemon; with no daemon attached, reads answer 0 and writes are ignored.
 */
#define HVISOR_VIRTIO_F_DAEMON		(1U << 1)

/* blk: most virtqueues (VIRTIO_BLK_F_MQ) one device may have. */
#define HVISOR_VIRTIO_MAX_QUEUES	8

struct hvisor_virtio_device {
	__u32 type;			/* HVISOR_VIRTIO_* */
	__u32 irq;			/* interrupt hvisor injects into the zone */
	__u64 addr;			/* guest physical base of the MMIO window */
	__u64 len;			/* window size, usually 0x200 */
	__s32 fd;			/* blk: image or block device; net: tap; others: -1 */
	__u32 flags;			/* HVISOR_VIRTIO_F_* */
	__u8 mac[6];			/* net */
	__u8 __pad[2];
	char serial[20];		/* blk: VIRTIO_BLK_T_GET_ID answer, NUL-padded */
	/*
	 * blk: request queues, 1..HVISOR_VIRTIO_MAX_QUEUES (0 means 1); more
	 * than one offers VIRTIO_BLK_F_MQ.  Others: 0 or 1.
	 */
	__u16 num_queues;
	__u16 __pad2;
};

/*
 * HVISOR_VIRTIO_ATTACH: all devices or none.  The regions are mapped once
 * and shared by the devices of this call.
 */
struct hvisor_virtio_attach {
	__u32 size;
	__u32 flags;			/* must be 0 */
	__u32 zone_id;
	__u32 nr_regions;		/* 1..HVISOR_VIRTIO_MAX_REGIONS */
	__u64 regions;			/* user pointer to hvisor_virtio_region[] */
	__u32 nr_devices;		/* 1..HVISOR_VIRTIO_MAX_DEVICES */
	__u32 __pad;
	__u64 devices;			/* user pointer to hvisor_virtio_device[] */
};

/* HVISOR_VIRTIO_DETACH: one device (addr != 0) or every device of a zone. */
struct hvisor_virtio_detach {
	__u32 size;
	__u32 zone_id;
	__u64 addr;
};

/* HVISOR_VIRTIO_LIST */
struct hvisor_virtio_info {
	__u32 zone_id;
	__u32 type;
	__u64 addr;
	__u64 len;
	__u32 irq;
	__u32 status;			/* the driver's virtio status byte (F_DAEMON: 0) */
	__u64 features;			/* negotiated (F_DAEMON: 0, the daemon's) */
	/* image path, tap name; F_DAEMON: "daemon" or "daemon (none attached)" */
	char backend[64];
	char tty[32];			/* console: the zone-0 tty, e.g. "hvisorcon0" */
};

struct hvisor_virtio_list {
	__u32 size;
	__u32 count;			/* in: capacity of devices[]; out: filled */
	__u64 devices;			/* user pointer to hvisor_virtio_info[count] */
};

#define HVISOR_GET_INFO		_IOWR(HVISOR_IOCTL_TYPE, 0x00, struct hvisor_info)
#define HVISOR_ZONE_START	_IOW(HVISOR_IOCTL_TYPE, 0x01, struct hvisor_zone_start)
/* the same before config_magic: the ioctl number encodes the 32 bytes */
#define HVISOR_ZONE_START_V1	_IOC(_IOC_WRITE, HVISOR_IOCTL_TYPE, 0x01, \
				     HVISOR_ZONE_START_SIZE_V1)
#define HVISOR_ZONE_SHUTDOWN	_IOW(HVISOR_IOCTL_TYPE, 0x02, struct hvisor_zone_id)
#define HVISOR_ZONE_LIST	_IOWR(HVISOR_IOCTL_TYPE, 0x03, struct hvisor_zone_list)
#define HVISOR_VIRTIO_ATTACH	_IOW(HVISOR_IOCTL_TYPE, 0x10, struct hvisor_virtio_attach)
#define HVISOR_VIRTIO_DETACH	_IOW(HVISOR_IOCTL_TYPE, 0x11, struct hvisor_virtio_detach)
#define HVISOR_VIRTIO_LIST	_IOWR(HVISOR_IOCTL_TYPE, 0x12, struct hvisor_virtio_list)

#endif /* _UAPI_HVISOR_H */
