# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# For IVC tests and benches: a sim zone 1 that is peer 1 of channel 0.
#
# ivc_zone_json EXAMPLE DIR RW OUT: write DIR/zone1.json, the example sim
# zone config with its images in DIR (made here, random) and ivc_configs
# joining channel 0 as peer 1 with RW and OUT byte sections and two peers
# (what `modprobe hvisor_sim ivc=0 ivc_rw_sec_size=RW ivc_out_sec_size=OUT`
# gives zone 0).  Returns 1 if the example has no empty ivc_configs.
ivc_zone_json() {
	mkdir -p "$2"
	dd if=/dev/urandom of="$2/kernel.bin" bs=1k count=64 2>/dev/null
	dd if=/dev/urandom of="$2/zone1.dtb" bs=1k count=8 2>/dev/null
	sed -e "s|/tmp/hvisor-sim/|$2/|g" \
		-e 's|"ivc_configs": \[\]|"ivc_configs": [{"ivc_id": 0, "peer_id": 1, "control_table_ipa": "0xd0000000", "shared_mem_ipa": "0xd0001000", "rw_sec_size": '"$3"', "out_sec_size": '"$4"', "interrupt_num": 66, "max_peers": 2}]|' \
		"$1" >"$2/zone1.json"
	grep -q '"peer_id": 1' "$2/zone1.json"
}
