// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the tool's virtio config parser (userspace/
 * virtio_config.c through virtio_json_parse()), on arbitrary bytes as the
 * JSON file.  Besides the sanitizers, it checks what the attach request
 * built from a parsed config relies on: 1..HVISOR_MAX_ZONES zones with
 * distinct ids, region and device counts within the ABI's limits, and
 * every enabled device of a known type with a window of VIRTIO_MIN_LEN..
 * VIRTIO_MAX_LEN bytes; those left for a daemon (gpu, scmi) exactly, with
 * the entry the daemon's config is written from.
 */
#include "tests/fuzz/fuzz_json_file.h"

#include <string.h>

#include "common/hv_common.h"
#include "userspace/virtio_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_json *v;
	unsigned int i, j;

	v = virtio_json_parse(fuzz_json_file(data, size));
	if (!v)
		return 0;
	FUZZ_ASSERT(v->nr_zones >= 1 && v->nr_zones <= HVISOR_MAX_ZONES);
	for (i = 0; i < v->nr_zones; i++) {
		const struct vzone_cfg *z = &v->zones[i];

		for (j = 0; j < i; j++)
			FUZZ_ASSERT(v->zones[j].id != z->id);
		FUZZ_ASSERT(z->nr_regions >= 1 &&
			    z->nr_regions <= HVISOR_VIRTIO_MAX_REGIONS);
		FUZZ_ASSERT(z->nr_devices <= HVISOR_VIRTIO_MAX_DEVICES);
		for (j = 0; j < z->nr_devices; j++) {
			const struct vdev_cfg *d = &z->devices[j];

			if (d->state == VDEV_DISABLED) {
				FUZZ_ASSERT(d->type == 0);
				continue;
			}
			/* a daemon's: its entry is copied for the daemon */
			FUZZ_ASSERT((d->state == VDEV_DAEMON) ==
				    (d->type == HVISOR_VIRTIO_GPU ||
				     d->type == HVISOR_VIRTIO_SCMI));
			FUZZ_ASSERT(d->state != VDEV_DAEMON || d->json);
			FUZZ_ASSERT(strcmp(virtio_type_name(d->type), "?"));
			FUZZ_ASSERT(d->len >= VIRTIO_MIN_LEN &&
				    d->len <= VIRTIO_MAX_LEN);
			FUZZ_ASSERT(d->addr + d->len > d->addr);
		}
	}
	virtio_json_free(v);
	return 0;
}
