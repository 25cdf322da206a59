// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the tool's zone config parser (userspace/zone_config.c
 * through zone_json_parse()) and packer, on arbitrary bytes as the JSON
 * file.  Besides the sanitizers, it checks: a parsed config has a known
 * arch and a config buffer of that arch's size; it packs at its minimum
 * magic and at 0x06, into exactly hv_zone_config_size() bytes, and refuses
 * 0x05 exactly when it needs 0x06.
 */
#include "tests/fuzz/fuzz_json_file.h"

#include <string.h>

#include "userspace/zone_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zone_json z;
	u64 min;

	if (zone_json_parse(&z, fuzz_json_file(data, size), 0)) {
		FUZZ_ASSERT(!z.root && !z.cfg && !z.out);
		return 0;
	}
	FUZZ_ASSERT(z.arch >= HVISOR_ARCH_ARM64 && z.arch <= HVISOR_ARCH_X86_64);
	FUZZ_ASSERT(z.cfg &&
		    z.cfg_size == hv_zone_config_size(z.arch, HVISOR_CONFIG_MAGIC_V6));
	FUZZ_ASSERT(z.nr_images <= HVISOR_MAX_IMAGES);
	min = zone_json_min_magic(&z);
	FUZZ_ASSERT(min == HVISOR_CONFIG_MAGIC_V5 || min == HVISOR_CONFIG_MAGIC_V6);
	FUZZ_ASSERT(!zone_json_pack(&z, HVISOR_CONFIG_MAGIC_V6));
	FUZZ_ASSERT(z.out_size == hv_zone_config_size(z.arch, HVISOR_CONFIG_MAGIC_V6));
	FUZZ_ASSERT(!memcmp(z.out, z.cfg, z.out_size));
	if (hv_zone_config_size(z.arch, HVISOR_CONFIG_MAGIC_V5)) {
		FUZZ_ASSERT(!zone_json_pack(&z, HVISOR_CONFIG_MAGIC_V5) ==
			    (min == HVISOR_CONFIG_MAGIC_V5));
	}
	zone_json_free(&z);
	return 0;
}
