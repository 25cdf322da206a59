/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "hvisor zone check zone.json --virtio virtio_cfg.json": does the virtio
 * config fit the zone it is meant for?
 */
#ifndef HVISOR_TOOL_ZONE_XCHECK_H
#define HVISOR_TOOL_ZONE_XCHECK_H

#include "zone_config.h"

/*
 * Cross-check the parsed zone @z against the virtio config @vfile: every
 * mismatch is one message on stderr naming both files and their JSON
 * paths.  Returns the number of mismatches, or -1 when @vfile does not
 * parse (after its own message).
 */
int zone_xcheck(const struct zone_json *z, const char *vfile);

#endif /* HVISOR_TOOL_ZONE_XCHECK_H */
