/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A zone config JSON file (upstream hvisor-tool's schema) turned into the
 * zone_config bytes hvisor expects for one architecture, plus the list of
 * images that must be loaded for it.
 */
#ifndef HVISOR_TOOL_ZONE_CONFIG_H
#define HVISOR_TOOL_ZONE_CONFIG_H

#include "common/zone_check.h"
#include "json.h"

/* One image to load: a file, or inline bytes (the x86 command line). */
struct zone_image {
	char file_key[48];	/* JSON path of the file name, for messages */
	char addr_key[48];	/* JSON path of the load address */
	const char *path;	/* file name, NULL for inline data */
	const void *data;	/* inline data */
	u64 size;		/* inline size; file size once known */
	u64 load_paddr;
	u32 kind;		/* HVISOR_IMAGE_* */
	u64 *size_field;	/* in the config: where the size goes, or NULL */
};

/*
 * The file is parsed into the newest layout (magic 0x06, the superset),
 * @cfg; zone_json_pack() then writes the bytes of the hypervisor's magic
 * into @out.
 */
struct zone_json {
	struct jctx ctx;
	cJSON *root;
	u32 arch;		/* enum hvisor_arch */
	u8 *cfg;		/* hv_zone_config_size(arch, 0x06) bytes */
	size_t cfg_size;
	/* the first key that only magic 0x06 can carry, "" if none */
	char v6_key[JSON_PATH_MAX];
	u64 magic;		/* of @out, once packed */
	u8 *out;		/* hv_zone_config_size(arch, magic) bytes */
	size_t out_size;
	unsigned int nr_images;
	struct zone_image images[HVISOR_MAX_IMAGES];
};

/* Name ("arm64", "aarch64", "riscv", "x86", ...) to enum hvisor_arch; 0. */
u32 arch_from_name(const char *name);

/*
 * Parse @file into @z.  @arch is the target architecture, or
 * HVISOR_ARCH_NONE to take it from the file (its "arch" field, else the
 * keys of its arch_config).  A file whose "arch" names another architecture
 * than @arch is refused.  Returns 0, or -1 after a message.
 */
int zone_json_parse(struct zone_json *z, const char *file, u32 arch);
void zone_json_free(struct zone_json *z);

/* Who uses a config magic, for messages: "hvisor v0.4", ... */
const char *config_magic_name(u64 magic);

/*
 * The lowest magic that carries everything @z says: 0x05, or 0x06 when the
 * file has a key only 0x06 has (z->v6_key).
 */
u64 zone_json_min_magic(const struct zone_json *z);

/*
 * Write z->cfg in the layout of @magic to z->out (sizes of images as they
 * are in z->cfg at the time).  Returns 0, or -1 after a message naming the
 * file, the JSON key @magic cannot carry and the magic.
 */
int zone_json_pack(struct zone_json *z, u64 magic);

#endif /* HVISOR_TOOL_ZONE_CONFIG_H */
