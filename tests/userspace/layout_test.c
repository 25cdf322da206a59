// SPDX-License-Identifier: GPL-2.0
/*
 * Layout of hvisor's zone_config (magics 0x05 and 0x06) as described by our
 * UAPI header, checked against the offsets in the upstream reference, and
 * a decoder for "hvisor zone pack" output so that run.sh can check values.
 *
 *	layout_test                            check sizes and offsets
 *	layout_test decode ARCH FILE [MAGIC]   print the fields, key=value
 *						(MAGIC 5 or 6, default 6)
 *
 * The checks use only include/uapi/hvisor.h, none of the tool's code; the
 * decoder not even that: it has its own offsets, from the reference.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/uapi/hvisor.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int failures;

#define EXPECT(what, got, want) do {					\
	unsigned long long g_ = (got), w_ = (want);			\
	if (g_ != w_) {							\
		printf("layout: %s is %llu, expected %llu\n", what, g_, w_); \
		failures++;						\
	}								\
} while (0)

#define OFF(type, field, want)	EXPECT(#type "." #field,		\
				       offsetof(struct type, field), want)
#define SIZE(type, want)	EXPECT("sizeof " #type, sizeof(struct type), want)

static const struct {
	const char *name;
	size_t arch_size;
	size_t total;
} archs[] = {
	{ "arm64", sizeof(struct hvisor_arch_arm64), 3296 },
	{ "riscv64", sizeof(struct hvisor_arch_riscv64), 3208 },
	{ "loongarch64", sizeof(struct hvisor_arch_loongarch64), 3184 },
	{ "x86_64", sizeof(struct hvisor_arch_x86_64), 3264 },
};

static int check_layout(void)
{
	unsigned int i;

	SIZE(hvisor_zone_head, 2360);
	EXPECT("HVISOR_ZONE_HEAD_SIZE", HVISOR_ZONE_HEAD_SIZE, 2360);
	OFF(hvisor_zone_head, zone_id, 0);
	OFF(hvisor_zone_head, cpus, 8);
	OFF(hvisor_zone_head, num_memory_regions, 16);
	OFF(hvisor_zone_head, memory_regions, 24);
	OFF(hvisor_zone_head, interrupts_bitmap, 2072);
	OFF(hvisor_zone_head, num_ivc_configs, 2200);
	OFF(hvisor_zone_head, ivc_configs, 2208);
	OFF(hvisor_zone_head, entry_point, 2288);
	OFF(hvisor_zone_head, kernel_load_paddr, 2296);
	OFF(hvisor_zone_head, kernel_size, 2304);
	OFF(hvisor_zone_head, dtb_load_paddr, 2312);
	OFF(hvisor_zone_head, dtb_size, 2320);
	OFF(hvisor_zone_head, name, 2328);

	SIZE(hvisor_memory_region, 32);
	OFF(hvisor_memory_region, type, 0);
	OFF(hvisor_memory_region, physical_start, 8);
	OFF(hvisor_memory_region, virtual_start, 16);
	OFF(hvisor_memory_region, size, 24);

	SIZE(hvisor_ivc_config, 40);
	OFF(hvisor_ivc_config, peer_id, 4);
	OFF(hvisor_ivc_config, control_table_ipa, 8);
	OFF(hvisor_ivc_config, shared_mem_ipa, 16);
	OFF(hvisor_ivc_config, rw_sec_size, 24);
	OFF(hvisor_ivc_config, max_peers, 36);

	SIZE(hvisor_arch_arm64, 120);
	OFF(hvisor_arch_arm64, is_aarch32, 0);
	OFF(hvisor_arch_arm64, gic_version, 8);
	OFF(hvisor_arch_arm64, gic, 16);
	OFF(hvisor_arch_arm64, uefi_tag, 88);
	OFF(hvisor_arch_arm64, memory_map_addr, 96);
	OFF(hvisor_arch_arm64, memory_map_size, 104);
	OFF(hvisor_arch_arm64, sys_map_addr, 112);
	OFF(hvisor_gicv2_config, gicc_offset, 32);
	OFF(hvisor_gicv2_config, gicv_size, 64);
	OFF(hvisor_gicv3_config, gits_size, 40);
	SIZE(hvisor_gicv2_config, 72);
	SIZE(hvisor_gicv3_config, 72);
	SIZE(hvisor_arch_riscv64, 32);
	OFF(hvisor_arch_riscv64, aplic_size, 24);
	SIZE(hvisor_arch_loongarch64, 8);
	SIZE(hvisor_arch_x86_64, 88);
	OFF(hvisor_arch_x86_64, kernel_entry_gpa, 16);
	OFF(hvisor_arch_x86_64, cmdline_load_gpa, 24);
	OFF(hvisor_arch_x86_64, initrd_size, 48);
	OFF(hvisor_arch_x86_64, rsdp_memory_region_id, 56);
	OFF(hvisor_arch_x86_64, screen_base, 80);

	SIZE(hvisor_pci_config, 104);
	OFF(hvisor_pci_config, pci_mem64_base, 80);
	OFF(hvisor_pci_config, bus_range_begin, 88);
	OFF(hvisor_pci_config, bus_range_end, 92);
	OFF(hvisor_pci_config, domain, 96);
	SIZE(hvisor_pci_dev_config, 12);
	OFF(hvisor_pci_dev_config, v_bus, 4);
	OFF(hvisor_pci_dev_config, v_device, 5);
	OFF(hvisor_pci_dev_config, v_function, 6);
	OFF(hvisor_pci_dev_config, dev_type, 8);
	SIZE(hvisor_arch_arm64_v5, 88);
	OFF(hvisor_arch_arm64_v5, gic_version, 8);
	OFF(hvisor_arch_arm64_v5, gic, 16);
	SIZE(hvisor_pci_dev_config_v5, 8);
	OFF(hvisor_pci_dev_config_v5, function, 3);
	OFF(hvisor_pci_dev_config_v5, dev_type, 4);
	SIZE(hvisor_zone_pci_v5, 688);
	EXPECT("HVISOR_ZONE_PCI_SIZE_V5", HVISOR_ZONE_PCI_SIZE_V5, 688);
	OFF(hvisor_zone_pci_v5, num_pci_devs, 424);
	OFF(hvisor_zone_pci_v5, alloc_pci_devs, 432);
	EXPECT("arm64 0x05 size", HVISOR_ZONE_HEAD_SIZE +
	       sizeof(struct hvisor_arch_arm64_v5) + HVISOR_ZONE_PCI_SIZE_V5, 3136);
	EXPECT("riscv64 0x05 size", HVISOR_ZONE_HEAD_SIZE +
	       sizeof(struct hvisor_arch_riscv64) + HVISOR_ZONE_PCI_SIZE_V5, 3080);
	EXPECT("loongarch64 0x05 size", HVISOR_ZONE_HEAD_SIZE +
	       sizeof(struct hvisor_arch_loongarch64) + HVISOR_ZONE_PCI_SIZE_V5, 3056);
	EXPECT("x86_64 0x05 size", HVISOR_ZONE_HEAD_SIZE +
	       sizeof(struct hvisor_arch_x86_64) + HVISOR_ZONE_PCI_SIZE_V5, 3136);
	SIZE(hvisor_zone_start, 40);
	OFF(hvisor_zone_start, config_magic, 32);
	EXPECT("HVISOR_ZONE_START_SIZE_V1", HVISOR_ZONE_START_SIZE_V1, 32);
	SIZE(hvisor_zone_pci, 816);
	EXPECT("HVISOR_ZONE_PCI_SIZE", HVISOR_ZONE_PCI_SIZE, 816);
	OFF(hvisor_zone_pci, num_pci_bus, 0);
	OFF(hvisor_zone_pci, pci_config, 8);
	OFF(hvisor_zone_pci, num_pci_devs, 424);
	OFF(hvisor_zone_pci, alloc_pci_devs, 432);

	/* our own ABI: num_queues took two bytes of the old __pad2 */
	SIZE(hvisor_virtio_device, 64);
	OFF(hvisor_virtio_device, serial, 40);
	OFF(hvisor_virtio_device, num_queues, 60);
	OFF(hvisor_virtio_device, __pad2, 62);

	for (i = 0; i < ARRAY_SIZE(archs); i++) {
		char what[64];

		snprintf(what, sizeof(what), "%s zone_config size",
			 archs[i].name);
		EXPECT(what, HVISOR_ZONE_HEAD_SIZE + archs[i].arch_size +
		       HVISOR_ZONE_PCI_SIZE, archs[i].total);
	}
	/* the two offsets the reference spells out */
	EXPECT("arm64 num_pci_bus", HVISOR_ZONE_HEAD_SIZE + archs[0].arch_size,
	       2480);
	EXPECT("x86_64 num_pci_bus", HVISOR_ZONE_HEAD_SIZE + archs[3].arch_size,
	       2448);
	EXPECT("arm64 alloc_pci_devs", 2480 + 432, 2912);
	EXPECT("x86_64 alloc_pci_devs", 2448 + 432, 2880);
	return failures ? 1 : 0;
}

/*
 * The decoder reads the bytes by the offsets of the reference
 * (zone-config-abi.md sections 3-5), written out here as numbers and not
 * taken from the UAPI structs, so that a wrong struct makes it fail.  Each
 * field it reads marks its bytes; every byte no field covers (padding,
 * unused slots, the unused GICv3 words) must be zero.
 */
static unsigned char buf[8192];
static unsigned char covered[8192];

static unsigned long long rd(size_t off, size_t size)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < size; i++) {
		v |= (unsigned long long)buf[off + i] << (8 * i);
		covered[off + i] = 1;
	}
	return v;
}

#define R64(off)	rd(off, 8)
#define R32(off)	rd(off, 4)
#define R8(off)		rd(off, 1)

/* "name=value" for the fields of a table at @base */
struct field {
	const char *name;
	size_t off;
	size_t size;
	int hex;
};

static void print_fields(const char *prefix, size_t base,
			 const struct field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned long long v = rd(base + f[i].off, f[i].size);

		if (f[i].hex)
			printf("%s%s=0x%llx\n", prefix, f[i].name, v);
		else
			printf("%s%s=%llu\n", prefix, f[i].name, v);
	}
}

/* section 4.1: the GIC payload at arch +16 */
static const struct field gicv2[] = {
	{ "gicd_base", 16, 8, 1 }, { "gicd_size", 24, 8, 1 },
	{ "gicc_base", 32, 8, 1 }, { "gicc_size", 40, 8, 1 },
	{ "gicc_offset", 48, 8, 1 }, { "gich_base", 56, 8, 1 },
	{ "gich_size", 64, 8, 1 }, { "gicv_base", 72, 8, 1 },
	{ "gicv_size", 80, 8, 1 },
};

static const struct field gicv3[] = {
	{ "gicd_base", 16, 8, 1 }, { "gicd_size", 24, 8, 1 },
	{ "gicr_base", 32, 8, 1 }, { "gicr_size", 40, 8, 1 },
	{ "gits_base", 48, 8, 1 }, { "gits_size", 56, 8, 1 },
};

/* 0x06 only: the UEFI union at arch +88 */
static const struct field uefi[] = {
	{ "uefi_tag", 88, 8, 0 }, { "memory_map_addr", 96, 8, 1 },
	{ "memory_map_size", 104, 8, 1 }, { "sys_map_addr", 112, 8, 1 },
};

/* section 4.2 */
static const struct field riscv[] = {
	{ "plic_base", 0, 8, 1 }, { "plic_size", 8, 8, 1 },
	{ "aplic_base", 16, 8, 1 }, { "aplic_size", 24, 8, 1 },
};

/* section 4.4 */
static const struct field x86[] = {
	{ "ioapic_base", 0, 8, 1 }, { "ioapic_size", 8, 8, 1 },
	{ "kernel_entry_gpa", 16, 8, 1 }, { "cmdline_load_gpa", 24, 8, 1 },
	{ "setup_load_gpa", 32, 8, 1 }, { "initrd_load_gpa", 40, 8, 1 },
	{ "initrd_size", 48, 8, 1 }, { "rsdp_memory_region_id", 56, 8, 0 },
	{ "acpi_memory_region_id", 64, 8, 0 },
	{ "uefi_memory_region_id", 72, 8, 0 }, { "screen_base", 80, 8, 1 },
};

/* section 5: one pci_config entry */
static const struct field pci_bus[] = {
	{ "ecam_base", 0, 8, 1 }, { "ecam_size", 8, 8, 1 },
	{ "io_base", 16, 8, 1 }, { "io_size", 24, 8, 1 },
	{ "pci_io_base", 32, 8, 1 }, { "mem32_base", 40, 8, 1 },
	{ "mem32_size", 48, 8, 1 }, { "pci_mem32_base", 56, 8, 1 },
	{ "mem64_base", 64, 8, 1 }, { "mem64_size", 72, 8, 1 },
	{ "pci_mem64_base", 80, 8, 1 }, { "bus_range_begin", 88, 4, 0 },
	{ "bus_range_end", 92, 4, 0 }, { "domain", 96, 1, 0 },
};

/*
 * Section 0 and 5: total size, arch part size and where the PCI tail
 * starts, per arch and magic; 12- (0x06) or 8-byte (0x05) devices.
 */
static const struct {
	const char *arch;
	int magic;
	size_t total, arch_size, tail;
} tables[] = {
	{ "arm64", 5, 3136, 88, 2448 },
	{ "riscv64", 5, 3080, 32, 2392 },
	{ "loongarch64", 5, 3056, 8, 2368 },
	{ "x86_64", 5, 3136, 88, 2448 },
	{ "arm64", 6, 3296, 120, 2480 },
	{ "riscv64", 6, 3208, 32, 2392 },
	{ "loongarch64", 6, 3184, 8, 2368 },
	{ "x86_64", 6, 3264, 88, 2448 },
};

static void decode_arch(const char *arch, int magic, size_t a)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%s.", arch);
	if (!strcmp(arch, "arm64")) {
		unsigned long long tag;

		printf("arm64.is_aarch32=%llu\n", R8(a));
		tag = R64(a + 8);
		printf("arm64.gic_version=%llu\n", tag);
		if (tag == 1)
			print_fields(prefix, a, gicv3, ARRAY_SIZE(gicv3));
		else
			print_fields(prefix, a, gicv2, ARRAY_SIZE(gicv2));
		if (magic == 6)
			print_fields(prefix, a, uefi, ARRAY_SIZE(uefi));
	} else if (!strcmp(arch, "riscv64")) {
		print_fields(prefix, a, riscv, ARRAY_SIZE(riscv));
	} else if (!strcmp(arch, "loongarch64")) {
		printf("loongarch64.dummy=0x%llx\n", R64(a));
	} else {
		print_fields(prefix, a, x86, ARRAY_SIZE(x86));
	}
}

static int decode(const char *arch, const char *file, int magic)
{
	static const char *const types[] = { "ram", "io", "virtio" };
	size_t n, i, t, total = 0, tail = 0, dev;
	unsigned long long nr, v;
	int first = 1, pad_ok = 1;
	FILE *f;

	for (t = 0; t < ARRAY_SIZE(tables); t++)
		if (!strcmp(arch, tables[t].arch) && tables[t].magic == magic) {
			total = tables[t].total;
			tail = tables[t].tail;
		}
	if (!total) {
		fprintf(stderr, "layout_test: unknown arch %s or magic %d\n",
			arch, magic);
		return 2;
	}
	f = fopen(file, "rb");
	if (!f) {
		perror(file);
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	printf("size=%zu\n", n);
	if (n != total)
		return 1;

	/* section 3: the head */
	printf("zone_id=%llu\n", R32(0));
	printf("cpus=0x%llx\n", R64(8));
	nr = R32(16);
	printf("num_memory_regions=%llu\n", nr);
	for (i = 0; i < nr && i < 64; i++) {
		size_t r = 24 + 32 * i;

		v = R32(r);
		printf("region[%zu]=%s 0x%llx", i, v < 3 ? types[v] : "?",
		       R64(r + 8));
		printf(" 0x%llx", R64(r + 16));
		printf(" 0x%llx\n", R64(r + 24));
	}
	printf("interrupts=");
	for (i = 0; i < 1024; i++) {
		if (!(R32(2072 + 4 * (i / 32)) & (1U << (i % 32))))
			continue;
		printf("%s%zu", first ? "" : ",", i);
		first = 0;
	}
	printf("\n");
	nr = R32(2200);
	printf("num_ivc_configs=%llu\n", nr);
	for (i = 0; i < nr && i < 2; i++) {
		size_t c = 2208 + 40 * i;

		printf("ivc[%zu]=%llu", i, R32(c));
		printf(" %llu", R32(c + 4));
		printf(" 0x%llx", R64(c + 8));
		printf(" 0x%llx", R64(c + 16));
		printf(" %llu", R32(c + 24));
		printf(" %llu", R32(c + 28));
		printf(" %llu", R32(c + 32));
		printf(" %llu\n", R32(c + 36));
	}
	printf("entry_point=0x%llx\n", R64(2288));
	printf("kernel_load_paddr=0x%llx\n", R64(2296));
	printf("kernel_size=%llu\n", R64(2304));
	printf("dtb_load_paddr=0x%llx\n", R64(2312));
	printf("dtb_size=%llu\n", R64(2320));
	rd(2328, 32);
	printf("name=%.32s\n", (const char *)buf + 2328);
	printf("name_terminated=%d\n", !!memchr(buf + 2328, 0, 32));

	decode_arch(arch, magic, 2360);

	/* section 5: the PCI tail */
	nr = R64(tail);
	printf("num_pci_bus=%llu\n", nr);
	for (i = 0; i < nr && i < 4; i++) {
		char prefix[16];

		snprintf(prefix, sizeof(prefix), "pci[%zu].", i);
		print_fields(prefix, tail + 8 + 104 * i, pci_bus,
			     ARRAY_SIZE(pci_bus));
	}
	nr = R64(tail + 424);
	printf("num_pci_devs=%llu\n", nr);
	for (i = 0; i < nr && i < 32; i++) {
		dev = tail + 432 + (magic == 6 ? 12 : 8) * i;
		printf("pci_dev[%zu]=%llu:", i, R8(dev));
		printf("%02llx:", R8(dev + 1));
		printf("%02llx.", R8(dev + 2));
		printf("%llu type ", R8(dev + 3));
		printf("%llu\n", R32(dev + (magic == 6 ? 8 : 4)));
		if (magic == 6) {
			printf("pci_dev[%zu].v=%02llx:", i, R8(dev + 4));
			printf("%02llx.", R8(dev + 5));
			printf("%llu\n", R8(dev + 6));
		}
	}
	for (i = 0; i < total; i++)
		if (!covered[i] && buf[i]) {
			printf("nonzero_uncovered=%zu\n", i);
			pad_ok = 0;
		}
	printf("padding_zero=%d\n", pad_ok);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return check_layout();
	if (argc == 4 && !strcmp(argv[1], "decode"))
		return decode(argv[2], argv[3], 6);
	if (argc == 5 && !strcmp(argv[1], "decode"))
		return decode(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: layout_test [decode ARCH FILE [MAGIC]]\n");
	return 2;
}
