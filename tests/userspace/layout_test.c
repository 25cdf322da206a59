// SPDX-License-Identifier: GPL-2.0
/*
 * Layout of hvisor's zone_config (magic 0x06) as described by our UAPI
 * header, checked against the offsets in the upstream reference, and a
 * decoder for "hvisor zone dump" output so that run.sh can check values.
 *
 *	layout_test                      check sizes and offsets
 *	layout_test decode ARCH FILE     print the fields of a dump, key=value
 *
 * It uses only include/uapi/hvisor.h, none of the tool's code.
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

static int all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

#define X(v)	((unsigned long long)(v))

static void decode_arch(const char *arch, const unsigned char *a, int *pad_ok)
{
	if (!strcmp(arch, "arm64")) {
		const struct hvisor_arch_arm64 *p = (const void *)a;

		printf("arm64.is_aarch32=%u\n", p->is_aarch32);
		printf("arm64.gic_version=%llu\n", X(p->gic_version));
		if (p->gic_version == HVISOR_GIC_V3) {
			printf("arm64.gicd_base=0x%llx\n", X(p->gic.v3.gicd_base));
			printf("arm64.gicd_size=0x%llx\n", X(p->gic.v3.gicd_size));
			printf("arm64.gicr_base=0x%llx\n", X(p->gic.v3.gicr_base));
			printf("arm64.gicr_size=0x%llx\n", X(p->gic.v3.gicr_size));
			printf("arm64.gits_base=0x%llx\n", X(p->gic.v3.gits_base));
			printf("arm64.gits_size=0x%llx\n", X(p->gic.v3.gits_size));
			*pad_ok &= all_zero(p->gic.v3.__pad,
					    sizeof(p->gic.v3.__pad));
		} else {
			printf("arm64.gicd_base=0x%llx\n", X(p->gic.v2.gicd_base));
			printf("arm64.gicc_base=0x%llx\n", X(p->gic.v2.gicc_base));
			printf("arm64.gicc_offset=0x%llx\n",
			       X(p->gic.v2.gicc_offset));
			printf("arm64.gich_base=0x%llx\n", X(p->gic.v2.gich_base));
			printf("arm64.gicv_size=0x%llx\n", X(p->gic.v2.gicv_size));
		}
		printf("arm64.uefi_tag=%llu\n", X(p->uefi_tag));
		printf("arm64.memory_map_addr=0x%llx\n", X(p->memory_map_addr));
		printf("arm64.memory_map_size=0x%llx\n", X(p->memory_map_size));
		printf("arm64.sys_map_addr=0x%llx\n", X(p->sys_map_addr));
		*pad_ok &= all_zero(p->__pad, sizeof(p->__pad));
	} else if (!strcmp(arch, "riscv64")) {
		const struct hvisor_arch_riscv64 *p = (const void *)a;

		printf("riscv64.plic_base=0x%llx\n", X(p->plic_base));
		printf("riscv64.plic_size=0x%llx\n", X(p->plic_size));
		printf("riscv64.aplic_base=0x%llx\n", X(p->aplic_base));
		printf("riscv64.aplic_size=0x%llx\n", X(p->aplic_size));
	} else if (!strcmp(arch, "loongarch64")) {
		const struct hvisor_arch_loongarch64 *p = (const void *)a;

		printf("loongarch64.dummy=0x%llx\n", X(p->dummy));
	} else {
		const struct hvisor_arch_x86_64 *p = (const void *)a;

		printf("x86_64.ioapic_base=0x%llx\n", X(p->ioapic_base));
		printf("x86_64.ioapic_size=0x%llx\n", X(p->ioapic_size));
		printf("x86_64.kernel_entry_gpa=0x%llx\n",
		       X(p->kernel_entry_gpa));
		printf("x86_64.cmdline_load_gpa=0x%llx\n",
		       X(p->cmdline_load_gpa));
		printf("x86_64.setup_load_gpa=0x%llx\n", X(p->setup_load_gpa));
		printf("x86_64.initrd_load_gpa=0x%llx\n",
		       X(p->initrd_load_gpa));
		printf("x86_64.initrd_size=0x%llx\n", X(p->initrd_size));
		printf("x86_64.rsdp_memory_region_id=%llu\n",
		       X(p->rsdp_memory_region_id));
		printf("x86_64.acpi_memory_region_id=%llu\n",
		       X(p->acpi_memory_region_id));
		printf("x86_64.uefi_memory_region_id=%llu\n",
		       X(p->uefi_memory_region_id));
		printf("x86_64.screen_base=0x%llx\n", X(p->screen_base));
	}
}

static int decode(const char *arch, const char *file)
{
	static const char *const types[] = { "ram", "io", "virtio" };
	static unsigned char buf[8192];
	const struct hvisor_zone_head *h = (const void *)buf;
	const struct hvisor_zone_pci *pci;
	size_t n, arch_size = 0, i;
	int pad_ok = 1, first = 1;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(archs); i++)
		if (!strcmp(arch, archs[i].name))
			arch_size = archs[i].arch_size;
	if (!arch_size) {
		fprintf(stderr, "layout_test: unknown arch %s\n", arch);
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
	if (n != HVISOR_ZONE_HEAD_SIZE + arch_size + HVISOR_ZONE_PCI_SIZE)
		return 1;
	printf("zone_id=%u\n", h->zone_id);
	printf("cpus=0x%llx\n", X(h->cpus));
	printf("num_memory_regions=%u\n", h->num_memory_regions);
	for (i = 0; i < h->num_memory_regions && i < 64; i++) {
		const struct hvisor_memory_region *r = &h->memory_regions[i];

		printf("region[%zu]=%s 0x%llx 0x%llx 0x%llx\n", i,
		       r->type < 3 ? types[r->type] : "?",
		       X(r->physical_start), X(r->virtual_start), X(r->size));
		pad_ok &= !r->__pad;
	}
	printf("interrupts=");
	for (i = 0; i < HVISOR_MAX_INTERRUPTS; i++) {
		if (!(h->interrupts_bitmap[i / 32] & (1U << (i % 32))))
			continue;
		printf("%s%zu", first ? "" : ",", i);
		first = 0;
	}
	printf("\n");
	printf("num_ivc_configs=%u\n", h->num_ivc_configs);
	for (i = 0; i < h->num_ivc_configs && i < 2; i++)
		printf("ivc[%zu]=%u %u 0x%llx 0x%llx %u %u %u %u\n", i,
		       h->ivc_configs[i].ivc_id, h->ivc_configs[i].peer_id,
		       X(h->ivc_configs[i].control_table_ipa),
		       X(h->ivc_configs[i].shared_mem_ipa),
		       h->ivc_configs[i].rw_sec_size,
		       h->ivc_configs[i].out_sec_size,
		       h->ivc_configs[i].interrupt_num,
		       h->ivc_configs[i].max_peers);
	printf("entry_point=0x%llx\n", X(h->entry_point));
	printf("kernel_load_paddr=0x%llx\n", X(h->kernel_load_paddr));
	printf("kernel_size=%llu\n", X(h->kernel_size));
	printf("dtb_load_paddr=0x%llx\n", X(h->dtb_load_paddr));
	printf("dtb_size=%llu\n", X(h->dtb_size));
	printf("name=%.32s\n", h->name);
	printf("name_terminated=%d\n", !!memchr(h->name, 0, 32));
	pad_ok &= !h->__pad0 && !h->__pad1 && !h->__pad2;

	decode_arch(arch, buf + HVISOR_ZONE_HEAD_SIZE, &pad_ok);

	pci = (const void *)(buf + HVISOR_ZONE_HEAD_SIZE + arch_size);
	printf("num_pci_bus=%llu\n", X(pci->num_pci_bus));
	for (i = 0; i < pci->num_pci_bus && i < 4; i++) {
		const struct hvisor_pci_config *p = &pci->pci_config[i];

		printf("pci[%zu]=ecam 0x%llx+0x%llx io 0x%llx+0x%llx", i,
		       X(p->ecam_base), X(p->ecam_size), X(p->io_base),
		       X(p->io_size));
		printf(" mem32 0x%llx+0x%llx mem64 0x%llx+0x%llx",
		       X(p->mem32_base), X(p->mem32_size), X(p->mem64_base),
		       X(p->mem64_size));
		printf(" bus %u-%u domain %u\n", p->bus_range_begin,
		       p->bus_range_end, p->domain);
		pad_ok &= all_zero(p->__pad, sizeof(p->__pad));
	}
	printf("num_pci_devs=%llu\n", X(pci->num_pci_devs));
	for (i = 0; i < pci->num_pci_devs && i < 32; i++) {
		const struct hvisor_pci_dev_config *d = &pci->alloc_pci_devs[i];

		printf("pci_dev[%zu]=%u:%02x:%02x.%u v %02x:%02x.%u type %u\n",
		       i, d->domain, d->bus, d->device, d->function, d->v_bus,
		       d->v_device, d->v_function, d->dev_type);
		pad_ok &= !d->__pad;
	}
	printf("padding_zero=%d\n", pad_ok);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return check_layout();
	if (argc == 4 && !strcmp(argv[1], "decode"))
		return decode(argv[2], argv[3]);
	fprintf(stderr, "usage: layout_test [decode ARCH FILE]\n");
	return 2;
}
