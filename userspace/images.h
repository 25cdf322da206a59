/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Image files (kernel, device tree, initrd, ...) that the tool reads and
 * hands to hvisor.ko to copy into a zone's RAM.
 */
#ifndef HVISOR_TOOL_IMAGES_H
#define HVISOR_TOOL_IMAGES_H

#include "zone_config.h"

/* Largest image the tool will read into memory. */
#define IMAGE_MAX_SIZE		(4ULL << 30)

/*
 * Set img->size from its file without reading it.  Returns 0, -ENOENT if
 * the file does not exist and @missing_ok (no message: the caller decides),
 * or -1 after a message.
 */
int image_size(struct zone_json *z, struct zone_image *img, bool missing_ok);

/*
 * Read the whole of @img's file into a new buffer (*@buf, free() it) and
 * set img->size.  Inline images get a copy too.  Returns 0 or -1 after a
 * message.
 */
int image_read(struct zone_json *z, struct zone_image *img, void **buf);

#endif /* HVISOR_TOOL_IMAGES_H */
