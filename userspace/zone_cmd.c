// SPDX-License-Identifier: GPL-2.0
/*
 * hvisor zone check | pack | start | shutdown | list.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hvdev.h"
#include "images.h"
#include "zone_cmd.h"
#include "zone_config.h"
#include "zone_xcheck.h"

/*
 * Copy @in to @out replacing "images[N]" (the validator's name for our
 * N-th image) by the JSON key that names it.
 */
static void zone_name_images(const struct zone_json *z, const char *in,
			     char *out, size_t size)
{
	static const char tag[] = "images[";
	size_t o = 0;
	unsigned int n;
	char *end;
	int len;

	while (*in && o + 1 < size) {
		if (!strncmp(in, tag, sizeof(tag) - 1)) {
			n = strtoul(in + sizeof(tag) - 1, &end, 10);
			if (*end == ']' && n < z->nr_images) {
				len = snprintf(out + o, size - o, "%s",
					       z->images[n].file_key);
				if (len < 0 || (size_t)len >= size - o)
					break;
				o += len;
				in = end + 1;
				continue;
			}
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

/*
 * Pack for @magic and run the shared validator on the packed bytes, as
 * hvisor.ko will; -1 after a message naming the JSON field.
 */
static int zone_validate(struct zone_json *z, u64 magic)
{
	struct hv_zone_image imgs[HVISOR_MAX_IMAGES];
	struct hv_check_error e;
	char field[128], msg[256];
	unsigned int i;

	for (i = 0; i < z->nr_images; i++) {
		imgs[i].load_paddr = z->images[i].load_paddr;
		imgs[i].size = z->images[i].size;
		imgs[i].kind = z->images[i].kind;
	}
	if (zone_json_pack(z, magic))
		return -1;
	if (!hv_zone_check(z->out, z->out_size, z->arch, z->magic, imgs,
			   z->nr_images, &e))
		return 0;
	zone_name_images(z, e.field, field, sizeof(field));
	zone_name_images(z, e.msg, msg, sizeof(msg));
	if (field[0])
		fprintf(stderr, "hvisor: %s: %s: %s\n", z->ctx.file, field,
			msg);
	else
		fprintf(stderr, "hvisor: %s: %s\n", z->ctx.file, msg);
	return -1;
}

/* Record image sizes in the config (kernel_size, dtb_size, initrd_size). */
static void zone_set_sizes(struct zone_json *z)
{
	unsigned int i;

	for (i = 0; i < z->nr_images; i++)
		if (z->images[i].size_field)
			*z->images[i].size_field = z->images[i].size;
}

/*
 * Sizes of the image files that exist.  A missing file is a note only: its
 * load address is still checked, as an image of one byte.  *@missing gets
 * a bitmap of the images whose file is missing.
 */
static int zone_stat_images(struct zone_json *z, unsigned int *missing)
{
	struct zone_image *img;
	struct jctx c;
	unsigned int i;
	char q[80];
	int ret;

	*missing = 0;
	for (i = 0; i < z->nr_images; i++) {
		img = &z->images[i];
		ret = image_size(z, img, true);
		if (ret == -ENOENT) {
			jctx_init(&c, z->ctx.file);
			jpath_key(&c, img->file_key);
			jnote(&c, "%s not found; only its load address is checked",
			      json_quote(q, sizeof(q), img->path));
			img->size = 1;
			*missing |= 1U << i;
		} else if (ret) {
			return -1;
		}
	}
	zone_set_sizes(z);
	for (i = 0; i < z->nr_images; i++)
		if (*missing & (1U << i) && z->images[i].size_field)
			*z->images[i].size_field = 0;
	return 0;
}

/* "2,3" or "0-3,8"; "-" when empty. */
static void format_bits(const u32 *words, unsigned int nbits, char *buf,
			size_t size)
{
	unsigned int i = 0, start;
	size_t o = 0;
	int n;

	buf[0] = '\0';
	while (i < nbits) {
		if (!(words[i / 32] & (1U << (i % 32)))) {
			i++;
			continue;
		}
		start = i;
		while (i + 1 < nbits && words[(i + 1) / 32] & (1U << ((i + 1) % 32)))
			i++;
		if (i == start)
			n = snprintf(buf + o, size - o, "%s%u", o ? "," : "",
				     start);
		else if (i == start + 1)
			n = snprintf(buf + o, size - o, "%s%u,%u",
				     o ? "," : "", start, i);
		else
			n = snprintf(buf + o, size - o, "%s%u-%u",
				     o ? "," : "", start, i);
		if (n < 0 || (size_t)n >= size - o)
			return;		/* truncated, still terminated */
		o += n;
		i++;
	}
	if (!o)
		snprintf(buf, size, "-");
}

static void format_cpus(u64 cpus, char *buf, size_t size)
{
	u32 words[2] = { (u32)cpus, (u32)(cpus >> 32) };

	format_bits(words, 64, buf, size);
}

static const char *const mem_type_names[] = { "ram", "io", "virtio" };

static void zone_print_arch(struct zone_json *z)
{
	void *a = hv_zone_arch(z->cfg);

	if (z->arch == HVISOR_ARCH_ARM64) {
		struct hvisor_arch_arm64 *p = a;

		if (p->gic_version == HVISOR_GIC_V3)
			printf("  gic:         v3, gicd 0x%llx, gicr 0x%llx\n",
			       (unsigned long long)p->gic.v3.gicd_base,
			       (unsigned long long)p->gic.v3.gicr_base);
		else
			printf("  gic:         v2, gicd 0x%llx, gicc 0x%llx\n",
			       (unsigned long long)p->gic.v2.gicd_base,
			       (unsigned long long)p->gic.v2.gicc_base);
	} else if (z->arch == HVISOR_ARCH_RISCV64) {
		struct hvisor_arch_riscv64 *p = a;

		printf("  plic:        0x%llx, aplic 0x%llx\n",
		       (unsigned long long)p->plic_base,
		       (unsigned long long)p->aplic_base);
	} else if (z->arch == HVISOR_ARCH_X86_64) {
		struct hvisor_arch_x86_64 *p = a;

		printf("  ioapic:      0x%llx, kernel entry 0x%llx\n",
		       (unsigned long long)p->ioapic_base,
		       (unsigned long long)p->kernel_entry_gpa);
	}
}

static void zone_print_summary(struct zone_json *z, unsigned int missing)
{
	struct hvisor_zone_head *h = hv_zone_head(z->cfg);
	struct hvisor_zone_pci *pci =
		hv_zone_pci(z->out, hv_zone_layout(z->arch, z->magic));
	const struct hvisor_memory_region *r;
	const struct zone_image *img;
	char buf[4096];
	unsigned int i;

	printf("%s: zone config OK\n", z->ctx.file);
	printf("  arch:        %s\n", hv_arch_name(z->arch));
	if (z->v6_key[0])
		printf("  magic:       0x%02llx (%zu bytes; %s needs it)\n",
		       (unsigned long long)z->magic, z->out_size, z->v6_key);
	else if (z->magic == HVISOR_CONFIG_MAGIC_V5)
		printf("  magic:       0x05 (%zu bytes) or 0x06 (%zu bytes)\n",
		       z->out_size, z->cfg_size);
	else
		printf("  magic:       0x%02llx (%zu bytes)\n",
		       (unsigned long long)z->magic, z->out_size);
	printf("  zone_id:     %u\n", h->zone_id);
	printf("  name:        %s\n", h->name);
	format_cpus(h->cpus, buf, sizeof(buf));
	printf("  cpus:        %s\n", buf);
	printf("  regions:     %u\n", h->num_memory_regions);
	for (i = 0; i < h->num_memory_regions; i++) {
		r = &h->memory_regions[i];
		printf("    [%u] %-6s phys 0x%llx-0x%llx  guest 0x%llx-0x%llx\n",
		       i, mem_type_names[r->type],
		       (unsigned long long)r->physical_start,
		       (unsigned long long)(r->physical_start + r->size - 1),
		       (unsigned long long)r->virtual_start,
		       (unsigned long long)(r->virtual_start + r->size - 1));
	}
	format_bits(h->interrupts_bitmap, HVISOR_MAX_INTERRUPTS, buf,
		    sizeof(buf));
	printf("  interrupts:  %s\n", buf);
	printf("  entry_point: 0x%llx\n", (unsigned long long)h->entry_point);
	printf("  images:      %u\n", z->nr_images);
	for (i = 0; i < z->nr_images; i++) {
		img = &z->images[i];
		if (missing & (1U << i))
			printf("    %s at 0x%llx: %s (not found)\n",
			       img->file_key,
			       (unsigned long long)img->load_paddr, img->path);
		else
			printf("    %s at 0x%llx: %s (%llu bytes)\n",
			       img->file_key,
			       (unsigned long long)img->load_paddr,
			       img->path ? img->path : "inline",
			       (unsigned long long)img->size);
	}
	zone_print_arch(z);
	printf("  pci:         %llu buses, %llu devices\n",
	       (unsigned long long)pci->num_pci_bus,
	       (unsigned long long)pci->num_pci_devs);
	printf("  ivc:         %u\n", h->num_ivc_configs);
}

int zone_check_cmd(const char *file, u32 arch, u64 magic, const char *vfile)
{
	struct zone_json z;
	unsigned int missing;
	int ret = 1, xret = 0;

	if (zone_json_parse(&z, file, arch))
		return 1;
	/* the cross-check reads only the parsed fields: it runs either way */
	if (vfile)
		xret = zone_xcheck(&z, vfile);
	if (zone_stat_images(&z, &missing))
		goto out;
	/* unasked, every magic that can carry the file must pass */
	if (!magic && zone_json_min_magic(&z) == HVISOR_CONFIG_MAGIC_V5 &&
	    zone_validate(&z, HVISOR_CONFIG_MAGIC_V6))
		goto out;
	if (!zone_validate(&z, magic ? magic : zone_json_min_magic(&z))) {
		zone_print_summary(&z, missing);
		ret = 0;
	}
	if (vfile && !xret)
		printf("%s fits %s\n", vfile, file);
out:
	if (xret)
		ret = 1;
	zone_json_free(&z);
	return ret;
}

/* Write the packed config to @out, or stdout for NULL or "-". */
static int zone_write_out(struct zone_json *z, const char *out, const char *cmd)
{
	bool to_stdout = !out || !strcmp(out, "-");
	FILE *f = to_stdout ? stdout : fopen(out, "wb");

	if (!f) {
		fprintf(stderr, "hvisor: zone %s: %s: %s\n", cmd, out,
			strerror(errno));
		return 1;
	}
	if (fwrite(z->out, 1, z->out_size, f) != z->out_size || fflush(f)) {
		fprintf(stderr, "hvisor: zone %s: %s: write error: %s\n", cmd,
			to_stdout ? "stdout" : out, strerror(errno));
		if (!to_stdout)
			fclose(f);
		return 1;
	}
	if (!to_stdout && fclose(f)) {
		fprintf(stderr, "hvisor: zone %s: %s: %s\n", cmd, out,
			strerror(errno));
		return 1;
	}
	return 0;
}

int zone_pack_cmd(const char *file, u32 arch, u64 magic, const char *out)
{
	struct zone_json z;
	unsigned int i;
	int ret = 1;

	if (zone_json_parse(&z, file, arch))
		return 1;
	/* as zone start: every image must be there, its size is recorded */
	for (i = 0; i < z.nr_images; i++)
		if (image_size(&z, &z.images[i], false))
			goto out;
	zone_set_sizes(&z);
	if (!zone_validate(&z, magic))
		ret = zone_write_out(&z, out, "pack");
out:
	zone_json_free(&z);
	return ret;
}

int zone_start_cmd(const char *file)
{
	struct hvisor_image imgs[HVISOR_MAX_IMAGES];
	void *bufs[HVISOR_MAX_IMAGES] = { NULL };
	struct hvisor_zone_start start;
	struct hvisor_info info;
	struct zone_json z;
	unsigned int i;
	int fd, ret = 1;

	fd = hvdev_open(&info);
	if (fd < 0)
		return 1;
	if (!hv_config_magic_known(info.config_magic)) {
		fprintf(stderr,
			"hvisor: zone start: the hypervisor's zone config magic is 0x%llx; this tool writes 0x05 (hvisor v0.4) and 0x06: refusing to start\n",
			(unsigned long long)info.config_magic);
		close(fd);
		return 1;
	}
	if (!hv_zone_config_size(info.arch, info.config_magic)) {
		fprintf(stderr,
			"hvisor: zone start: hvisor.ko reports an unknown architecture %u\n",
			info.arch);
		close(fd);
		return 1;
	}
	if (zone_json_parse(&z, file, info.arch)) {
		close(fd);
		return 1;
	}
	/* validate before reading: images may be large */
	for (i = 0; i < z.nr_images; i++)
		if (image_size(&z, &z.images[i], false))
			goto out;
	zone_set_sizes(&z);
	if (zone_validate(&z, info.config_magic))
		goto out;
	for (i = 0; i < z.nr_images; i++)
		if (image_read(&z, &z.images[i], &bufs[i]))
			goto out;
	/* again with the sizes read, should a file have changed meanwhile */
	zone_set_sizes(&z);
	if (zone_validate(&z, info.config_magic))
		goto out;
	if (info.zone_config_size != z.out_size) {
		fprintf(stderr,
			"hvisor: zone start: hvisor.ko expects a %u-byte zone config for %s, this tool builds %zu bytes for magic 0x%02llx\n",
			info.zone_config_size, hv_arch_name(z.arch),
			z.out_size, (unsigned long long)z.magic);
		goto out;
	}
	memset(imgs, 0, sizeof(imgs));
	for (i = 0; i < z.nr_images; i++) {
		imgs[i].buf = (uintptr_t)bufs[i];
		imgs[i].size = z.images[i].size;
		imgs[i].load_paddr = z.images[i].load_paddr;
		imgs[i].kind = z.images[i].kind;
	}
	memset(&start, 0, sizeof(start));
	start.size = sizeof(start);
	start.config = (uintptr_t)z.out;
	start.config_size = z.out_size;
	start.config_magic = z.magic;
	start.nr_images = z.nr_images;
	start.images = (uintptr_t)imgs;
	if (ioctl(fd, HVISOR_ZONE_START, &start)) {
		fprintf(stderr, "hvisor: zone start: %s: zone %u: %s (see dmesg for the reason)\n",
			file, hv_zone_head(z.cfg)->zone_id, strerror(errno));
		goto out;
	}
	printf("zone %u (%s) started\n", hv_zone_head(z.cfg)->zone_id,
	       hv_zone_head(z.cfg)->name);
	ret = 0;
out:
	for (i = 0; i < z.nr_images; i++)
		free(bufs[i]);
	zone_json_free(&z);
	close(fd);
	return ret;
}

int zone_shutdown_cmd(u32 zone_id)
{
	struct hvisor_zone_id arg = { .size = sizeof(arg), .zone_id = zone_id };
	struct hvisor_info info;
	int fd, ret = 0;

	fd = hvdev_open(&info);
	if (fd < 0)
		return 1;
	if (ioctl(fd, HVISOR_ZONE_SHUTDOWN, &arg)) {
		fprintf(stderr, "hvisor: zone shutdown: zone %u: %s (see dmesg for the reason)\n",
			zone_id, strerror(errno));
		ret = 1;
	}
	close(fd);
	return ret;
}

static int zone_list_json(const struct hvisor_zone_info *zones,
			  unsigned int n)
{
	cJSON *arr, *o, *cpus, *num;
	unsigned int i, cpu;

	arr = cJSON_CreateArray();
	if (!arr)
		goto oom;
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto oom_arr;
		}
		if (!cJSON_AddNumberToObject(o, "zone_id", zones[i].zone_id))
			goto oom_arr;
		cpus = cJSON_AddArrayToObject(o, "cpus");
		if (!cpus)
			goto oom_arr;
		for (cpu = 0; cpu < 64; cpu++) {
			if (!(zones[i].cpus & (1ULL << cpu)))
				continue;
			num = cJSON_CreateNumber(cpu);
			if (!num || !cJSON_AddItemToArray(cpus, num)) {
				cJSON_Delete(num);
				goto oom_arr;
			}
		}
		if (!cJSON_AddStringToObject(o, "name", zones[i].name) ||
		    !cJSON_AddStringToObject(o, "status",
					     zones[i].flags & HVISOR_ZONE_F_ERROR ?
					     "error" : "running"))
			goto oom_arr;
	}
	return json_print_consume(arr, "zone list");

oom_arr:
	cJSON_Delete(arr);
oom:
	fprintf(stderr, "hvisor: zone list: out of memory\n");
	return 1;
}

static void zone_list_table(const struct hvisor_zone_info *zones,
			    unsigned int n)
{
	char cpus[HVISOR_MAX_ZONES][200];
	int wid = 7, wcpu = 4, wname = 4;
	unsigned int i;
	int len;

	for (i = 0; i < n; i++) {
		format_cpus(zones[i].cpus, cpus[i], sizeof(cpus[i]));
		len = snprintf(NULL, 0, "%u", zones[i].zone_id);
		if (len > wid)
			wid = len;
		if ((int)strlen(cpus[i]) > wcpu)
			wcpu = strlen(cpus[i]);
		if ((int)strlen(zones[i].name) > wname)
			wname = strlen(zones[i].name);
	}
	printf("%-*s  %-*s  %-*s  %s\n", wid, "zone_id", wcpu, "cpus", wname,
	       "name", "status");
	for (i = 0; i < n; i++)
		printf("%-*u  %-*s  %-*s  %s\n", wid, zones[i].zone_id, wcpu,
		       cpus[i], wname, zones[i].name,
		       zones[i].flags & HVISOR_ZONE_F_ERROR ? "error" :
		       "running");
}

int zone_list_cmd(bool json)
{
	struct hvisor_zone_info zones[HVISOR_MAX_ZONES];
	struct hvisor_zone_list list;
	struct hvisor_info info;
	unsigned int i, n;
	int fd, ret = 0;

	fd = hvdev_open(&info);
	if (fd < 0)
		return 1;
	memset(zones, 0, sizeof(zones));
	memset(&list, 0, sizeof(list));
	list.size = sizeof(list);
	list.count = HVISOR_MAX_ZONES;
	list.zones = (uintptr_t)zones;
	if (ioctl(fd, HVISOR_ZONE_LIST, &list)) {
		fprintf(stderr, "hvisor: zone list: %s (see dmesg for the reason)\n",
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	n = list.count < HVISOR_MAX_ZONES ? list.count : HVISOR_MAX_ZONES;
	for (i = 0; i < n; i++)
		zones[i].name[sizeof(zones[i].name) - 1] = '\0';
	if (json)
		ret = zone_list_json(zones, n);
	else
		zone_list_table(zones, n);
	return ret;
}
