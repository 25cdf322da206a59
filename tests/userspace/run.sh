#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the hvisor tool (userspace/): struct layout, every upstream
# example zone config, our own configs for the cases upstream lacks,
# malformed inputs with their exact messages, the command line, the paths
# that need /dev/hvisor (which this host does not have), and the ioctls
# themselves against fake_hvisor.so, an LD_PRELOAD stand-in for hvisor.ko.
# A subset runs again under valgrind on the non-ASan build.
#
#   tests/userspace/run.sh
#
# HVISOR_UPSTREAM_EXAMPLES  upstream example configs (default
#                           <repo>/../shared/upstream-examples); without
#                           them, those cases are reported as skipped.
# HOSTCC                    compiler for the tool and layout_test (gcc);
#                           CC and CROSS_COMPILE are ignored: the tests run
#                           here.
# NO_VALGRIND=1             skip the valgrind pass.
#
# Output: "ok N - ..." / "not ok N - ..." per case, then one last line
# "N passed, N failed[, N skipped]".  Exit status 1 if any case failed.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
EXAMPLES=${HVISOR_UPSTREAM_EXAMPLES:-$REPO/../shared/upstream-examples}
TOOLDIR=$REPO/userspace
ASAN=$TOOLDIR/hvisor-asan
PLAIN=$TOOLDIR/hvisor

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hvisor-tool-test.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
unset HVISOR_DEVICE

N=0
PASS=0
FAIL=0
SKIP=0

pass() {
	N=$((N + 1)); PASS=$((PASS + 1))
	echo "ok $N - $1"
}

# fail DESC [DETAIL...]: details are printed as "#   " comment lines
fail() {
	local desc=$1
	shift
	N=$((N + 1)); FAIL=$((FAIL + 1))
	echo "not ok $N - $desc"
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
}

skip() {
	N=$((N + 1)); SKIP=$((SKIP + 1))
	echo "ok $N - $1 # SKIP $2"
}

finish() {
	if [ "$SKIP" -gt 0 ]; then
		echo "$PASS passed, $FAIL failed, $SKIP skipped"
	else
		echo "$PASS passed, $FAIL failed"
	fi
	[ "$FAIL" -eq 0 ]
	exit $?
}

# ---------------------------------------------------------------- build
# A binary left over from a cross build does not run here: rebuild it.
build() {
	local target=$1 bin=$2

	if ! make -s -C "$TOOLDIR" "${MAKEVARS[@]}" "$target" \
		>"$WORK/build.log" 2>&1 || ! "$bin" --version >/dev/null 2>&1; then
		make -s -B -C "$TOOLDIR" "${MAKEVARS[@]}" "$target" \
			>"$WORK/build.log" 2>&1
	fi
	if ! "$bin" --version >/dev/null 2>&1; then
		fail "build $target" "$(cat "$WORK/build.log")"
		finish
	fi
	pass "build $target"
}

HOSTCC=${HOSTCC:-gcc}
MAKEVARS=(CROSS_COMPILE= "CC=$HOSTCC")
build asan "$ASAN"
build hvisor "$PLAIN"
if "$HOSTCC" -Wall -Wextra -Werror -I"$REPO" -o "$WORK/layout_test" \
	"$HERE/layout_test.c" >"$WORK/build.log" 2>&1; then
	pass "build layout_test"
else
	fail "build layout_test" "$(cat "$WORK/build.log")"
	finish
fi

if "$WORK/layout_test" >"$WORK/layout.out" 2>&1; then
	pass "zone_config layout matches the reference offsets"
else
	fail "zone_config layout matches the reference offsets" \
	     "$(cat "$WORK/layout.out")"
fi

# ---------------------------------------------------------------- fixtures
cp -r "$HERE/bad" "$HERE/good" "$WORK/"
cd "$WORK" || exit 2
seq 100000 | head -c 8192 >Image
seq 200000 300000 | head -c 4096 >zone.dtb
seq 300000 400000 | head -c 1000 >vmlinux.bin
seq 400000 500000 | head -c 5000 >initrd.img
: >empty.img
mkdir adir
: >bad/empty.json
mkdir bad/dir.json
head -c 1048576 /dev/zero | tr '\0' 'x' >bad/garbage-1mib.json
{ printf '{}'; head -c 1048575 /dev/zero | tr '\0' ' '; } >bad/over-1mib.json

# Cases to run again under valgrind: "rc<TAB>desc<TAB>args (\x1f-separated)"
VG=()
US=$'\x1f'

vg_add() {
	local rc=$1 desc=$2 IFS=$US
	shift 2
	VG+=("$rc"$'\t'"$desc"$'\t'"$*")
}

# run [VAR=value...] -- ARGS...: run the ASan tool in $WORK
run() {
	local envs=()

	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	env "${envs[@]}" "$ASAN" "$@" >out 2>err
	RC=$?
}

# expect DESC RC MESSAGE ARGS...: exit status RC, stderr exactly MESSAGE
expect() {
	local desc=$1 rc=$2 msg=$3
	shift 3
	run -- "$@"
	if [ "$RC" = "$rc" ] && [ "$(cat err)" = "$msg" ]; then
		pass "$desc"
	else
		fail "$desc" "exit status $RC, expected $rc" \
		     "$(printf '%s\n' "$msg" | diff -u - err | tail -n +3)"
	fi
}

# bad NAME MESSAGE [ARGS...]: "zone check bad/NAME.json" fails with
# "hvisor: bad/NAME.json: MESSAGE"
bad() {
	local name=$1 msg=$2
	shift 2
	expect "bad input: $name" 1 "hvisor: bad/$name.json: $msg" \
		zone check "bad/$name.json" "$@"
	vg_add 1 "bad input: $name" zone check "bad/$name.json" "$@"
}

# field FILE KEY=VALUE...: the decoded dump has these lines
fields() {
	local file=$1 want missing=()
	shift
	for want in "$@"; do
		grep -qxF -- "$want" "$file" || missing+=("$want")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	printf 'missing: %s\n' "${missing[@]}"
	return 1
}

# good DESC ARCH FILE [--arch A] -- KEY=VALUE...: check accepts it, the
# summary names ARCH, the dump decodes to the given values
good() {
	local desc=$1 arch=$2 file=$3 args=() detail=""
	shift 3
	while [ "$1" != "--" ]; do
		args+=("$1")
		shift
	done
	shift
	run -- zone check "$file" "${args[@]}"
	if [ "$RC" != 0 ] || grep -qv ': note: ' err ||
	   ! grep -qx "  arch:        $arch" out; then
		fail "$desc: zone check" "exit status $RC" "$(cat err out)"
		return
	fi
	pass "$desc: zone check"
	run -- zone dump "$file" "${args[@]}"
	if [ "$RC" != 0 ]; then
		fail "$desc: decoded values" "dump: exit status $RC" "$(cat err)"
		return
	fi
	cp out dump.bin
	"$WORK/layout_test" decode "$arch" dump.bin >decoded 2>&1
	if detail=$(fields decoded name_terminated=1 padding_zero=1 "$@"); then
		pass "$desc: decoded values"
	else
		fail "$desc: decoded values" "$detail"
	fi
}

# ---------------------------------------------------------------- examples
declare -A SIZE=([arm64]=3296 [riscv64]=3208 [loongarch64]=3184
		 [x86_64]=3264)

example_arch() {
	case $1 in
	*aarch64*) echo arm64 ;;
	*riscv64*) echo riscv64 ;;
	*x86_64*) echo x86_64 ;;
	*loongarch*) echo loongarch64 ;;
	*) echo unknown ;;
	esac
}

# Extra values for a few examples, one per line; every example also gets
# its size and the padding and NUL checks.
example_values() {
	case $1 in
	qemu-aarch64/with_virtio_blk_console/zone1_linux.json)
		printf '%s\n' zone_id=1 cpus=0xc num_memory_regions=2 \
		     "region[0]=ram 0x50000000 0x50000000 0x30000000" \
		     "region[1]=virtio 0xa000000 0xa000000 0x4000" \
		     interrupts=76,78 arm64.gic_version=1 \
		     arm64.gicd_base=0x8000000 arm64.gicr_base=0x80a0000 \
		     arm64.gits_base=0x8080000 arm64.uefi_tag=1 \
		     arm64.is_aarch32=0 entry_point=0x50400000 \
		     kernel_load_paddr=0x50400000 dtb_load_paddr=0x50000000 \
		     name=linux2 num_pci_bus=0 num_pci_devs=0 ;;
	qemu-aarch64/with_virtio_blk_console/zone1_linux_with_pci.json)
		printf '%s\n' num_pci_bus=1 num_pci_devs=2 \
		     "pci[0]=ecam 0x4010000000+0x10000000 io 0x3eff0000+0x10000 mem32 0x10000000+0x2eff0000 mem64 0x8000000000+0x8000000000 bus 0-31 domain 0" \
		     "pci_dev[1]=0:00:11.0 v 00:11.0 type 0" ;;
	nxp-aarch64/zone1-ruxos.json)
		printf '%s\n' "region[0]=ram 0x50000000 0x40000000 0x30000000" \
		     entry_point=0x40080000 arm64.gits_base=0x0 cpus=0x4 \
		     interrupts=61,74,76,78 num_pci_bus=0 ;;
	rk3588-aarch64/with_virtio_scmi/zone1-linux-npu.json)
		printf '%s\n' cpus=0xc0 interrupts=65,66,67,68,69,142,143,144 \
		     "region[2]=ram 0x100000000 0x100000000 0x1fc000000" \
		     arm64.gicd_base=0xfe600000 ;;
	qemu-riscv64/linux2-aia.json)
		printf '%s\n' zone_id=1 cpus=0x8 riscv64.plic_base=0xc000000 \
		     riscv64.plic_size=0x4000000 riscv64.aplic_base=0xd000000 \
		     riscv64.aplic_size=0x8000 \
		     interrupts=1,2,3,4,5,8,10,33,34,35,36 \
		     entry_point=0x84000000 num_pci_bus=1 num_pci_devs=3 \
		     "pci_dev[2]=0:00:04.0 v 00:04.0 type 0" ;;
	qemu-x86_64/zone1_linux.json)
		printf '%s\n' num_memory_regions=10 \
		     "region[0]=ram 0x40300000 0x0 0xe0000" \
		     "region[9]=ram 0x100000000 0x100000000 0x70000000" \
		     entry_point=0x8000 kernel_load_paddr=0x40400000 \
		     dtb_load_paddr=0x0 dtb_size=0 interrupts= \
		     x86_64.ioapic_base=0xfec00000 \
		     x86_64.kernel_entry_gpa=0x100000 \
		     x86_64.cmdline_load_gpa=0xc000 \
		     x86_64.setup_load_gpa=0xd000 \
		     x86_64.rsdp_memory_region_id=1 \
		     x86_64.acpi_memory_region_id=3 \
		     x86_64.uefi_memory_region_id=4 \
		     x86_64.screen_base=0x70000000 num_pci_bus=1 \
		     num_pci_devs=1 ;;
	esac
}

VG_EXAMPLE=()
if [ -d "$EXAMPLES" ]; then
	nr=0
	while IFS= read -r f; do
		rel=${f#"$EXAMPLES"/}
		grep -q '"zone_id"' "$f" || continue	# virtio_cfg: later
		nr=$((nr + 1))
		arch=$(example_arch "$rel")
		mapfile -t vals < <(example_values "$rel")
		good "upstream $rel" "$arch" "$f" -- "size=${SIZE[$arch]}" \
			"${vals[@]}"
		case $arch in
		arm64) [ -n "${VG_EXAMPLE[0]:-}" ] || VG_EXAMPLE[0]=$f ;;
		riscv64) [ -n "${VG_EXAMPLE[1]:-}" ] || VG_EXAMPLE[1]=$f ;;
		x86_64) [ -n "${VG_EXAMPLE[2]:-}" ] || VG_EXAMPLE[2]=$f ;;
		esac
	done < <(find "$EXAMPLES" -name '*.json' | LC_ALL=C sort)
	if [ "$nr" -lt 12 ]; then
		fail "upstream examples: found all 12 zone configs" \
		     "found $nr in $EXAMPLES"
	else
		pass "upstream examples: found all $nr zone configs"
	fi
	for f in "${VG_EXAMPLE[@]}"; do
		vg_add 0 "upstream $(basename "$f")" zone check "$f"
	done
	f=$EXAMPLES/qemu-aarch64/with_virtio_blk_console/zone1_linux.json
	good "arch inferred from gic_version, --arch=arm64 agrees" arm64 \
		"$f" --arch=arm64 -- size=3296
	expect "--arch riscv64 on an arm64 config" 1 \
		"hvisor: $f: arch_config.plic_base: required field missing" \
		zone check "$f" --arch riscv64
else
	skip "upstream example zone configs" "$EXAMPLES not found"
fi

# ---------------------------------------------------------------- our configs
good "arm64 gic v2, UEFI, pci object, new pci form, ivc, modules" arm64 \
	good/arm64-v2-uefi.json -- size=3296 zone_id=2 cpus=0x2 \
	arm64.gic_version=0 arm64.gicd_base=0x8000000 \
	arm64.gicc_base=0x8010000 arm64.gich_base=0x8030000 \
	arm64.gicv_size=0x10000 arm64.uefi_tag=0 \
	arm64.memory_map_addr=0x4f000000 arm64.memory_map_size=0x1000 \
	arm64.sys_map_addr=0x4f001000 arm64.is_aarch32=1 \
	interrupts=32,33,34,35,1023 num_ivc_configs=1 \
	"ivc[0]=0 1 0xd0000000 0xd0001000 0 4096 66 2" \
	"region[1]=io 0x9000000 0x9000000 0x1000" \
	dtb_load_paddr=0x80000000 kernel_size=8192 dtb_size=4096 \
	num_pci_bus=1 num_pci_devs=2 \
	"pci_dev[0]=0:00:02.0 v 00:02.0 type 0" \
	"pci_dev[1]=0:00:03.1 v 00:05.0 type 1"
good "loongarch64, no dtb" loongarch64 good/loongarch64.json -- \
	size=3184 zone_id=3 cpus=0xc kernel_size=1000 dtb_size=0 \
	loongarch64.dummy=0x0 num_pci_bus=0
good "x86_64 with initrd and cmdline" x86_64 good/x86-initrd.json -- \
	size=3264 kernel_size=1000 x86_64.initrd_size=0x1388 \
	x86_64.initrd_load_gpa=0x8000000 x86_64.cmdline_load_gpa=0xc000 \
	x86_64.uefi_memory_region_id=1
good "loongarch64 chosen with --arch" loongarch64 good/loongarch64.json \
	--arch loongarch64 -- size=3184
vg_add 0 "loongarch64 config" zone check good/loongarch64.json
vg_add 0 "arm64 v2 config with images" zone check good/arm64-v2-uefi.json
vg_add 0 "x86_64 config with images" zone check good/x86-initrd.json

# ---------------------------------------------------------------- bad input
bad truncated "JSON syntax error at line 5, column 1: unexpected end of file"
bad trailing-data \
	"JSON syntax error at line 1, column 15: unexpected data after the end"
bad duplicate-key 'duplicate key "zone_id"'
bad top-level-array \
	"expected a JSON object at the top level, found an array"
bad empty "file is empty"
bad dir "is a directory, not a JSON file"
expect "bad input: missing file" 1 \
	"hvisor: bad/nonexistent.json: cannot open: No such file or directory" \
	zone check bad/nonexistent.json
vg_add 1 "bad input: missing file" zone check bad/nonexistent.json
bad garbage-1mib "JSON syntax error at line 1, column 1"
bad over-1mib "file is too large (1048577 bytes, at most 1048576)"
bad zone-id-array "zone_id: expected a number, found an array"
bad name-number "name: expected a string, found a number"
bad cpus-string "cpus: expected an array, found a string"
bad size-overflow 'memory_regions[0].size: "0x1ffffffffffffffff" is out of range (at most 0xffffffffffffffff)'
bad u32-overflow 'zone_id: "0x100000000" is out of range (at most 0xffffffff)'
bad negative-number "memory_regions[0].physical_start: -1 is negative"
bad negative-string 'memory_regions[0].physical_start: "-1" is not a number'
bad not-a-number 'memory_regions[1].size: "0x1g" is not a number'
bad float "zone_id: 1.5 is not an integer"
bad huge-json-number 'entry_point: 1.152921504606847e+18 is too large for a JSON number (write it as a string, e.g. "0x...")'
bad leading-zero 'zone_id: "010" is not a number (leading zeros are ambiguous: write decimal or 0x...)'
bad regions-65 "memory_regions: too many entries (65, at most 64)"
bad region-not-object \
	"memory_regions[1]: expected an object, found a string"
bad irq-1024 "interrupts[1]: 1024 is out of range (at most 1023)"
bad irqs-1025 "interrupts: too many entries (1025, at most 1024)"
bad cpu-64 "cpus[1]: 64 is out of range (at most 63)"
bad cpu-duplicate "cpus[2]: cpu 2 is listed twice"
bad cpus-empty "cpus: empty: a zone needs at least one cpu"
bad name-40 'name: "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" is too long (40 characters, at most 31)'
bad name-32 'name: "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" is too long (32 characters, at most 31)'
bad name-empty "name: is empty"
bad missing-zone-id "zone_id: required field missing"
bad missing-memory-regions "memory_regions: required field missing"
bad missing-entry-point "entry_point: required field missing"
bad missing-kernel-filepath "kernel_filepath: required field missing"
bad missing-region-size "memory_regions[1].size: required field missing"
bad memory-type-rom 'memory_regions[1].type: unknown memory type "rom" (expected ram, io or virtio)'
bad gic-v4 'arch_config.gic_version: unknown GIC version "v4" (expected "v2" or "v3")'
bad gic-missing-gicr "arch_config.gicr_base: required field missing"
bad aarch32-string \
	"arch_config.is_aarch32: expected a boolean, found a string"
bad uefi-incomplete "arch_config.memory_map_size: required field missing"
bad regions-overlap \
	"memory_regions[2]: guest range overlaps memory_regions[0]"
bad region-size-0 "memory_regions[1].size: is zero"
bad region-wraps "memory_regions[1].size: physical range 0xfffffffffffff000 + 0x4000 wraps past 2^64"
bad region-unaligned \
	"memory_regions[0].size: 0x30000800 is not a multiple of 4 KiB"
bad entry-outside-ram \
	"entry_point: 0x40000000 is not inside a RAM region's guest range"
bad kernel-outside-ram "kernel_load_paddr: image [0x90000000, 0x90002000) is not inside one RAM region"
bad kernel-dtb-overlap "dtb_load_paddr: image overlaps the kernel image"
bad kernel-missing-outside 'kernel_filepath: note: "no-such-Image" not found; only its load address is checked
hvisor: bad/kernel-missing-outside.json: kernel_load_paddr: image [0x4fffffff, 0x50000000) is not inside one RAM region'
bad kernel-empty-file 'kernel_filepath: "empty.img": file is empty'
bad kernel-is-dir 'kernel_filepath: "adir": is a directory'
bad kernel-path-empty "kernel_filepath: empty file name"
bad modules-no-filepath "modules[0].filepath: required field missing"
bad pci-5 "pci_config: too many entries (5, at most 4)"
bad pci-missing-domain "pci_config[0].domain: required field missing"
bad pci-devs-33 "alloc_pci_devs: too many entries (33, at most 32)"
bad pci-dev-type-2 \
	"alloc_pci_devs[0].dev_type: unknown device type 2 (0 physical, 1 virtual)"
bad pci-dev-vbus-256 \
	"alloc_pci_devs[0].v_bus: 256 is out of range (at most 255)"
bad ivc-3 "ivc_configs: too many entries (3, at most 2)"
bad zone-id-0 "zone_id: zone 0 is the root zone"
bad zone-id-32 "zone_id: 32 is not below 32"
bad arch-mips 'arch: unknown architecture "mips" (expected arm64, riscv64, loongarch64 or x86_64)'
bad arch-mismatch \
	'arch: "riscv" does not match the target architecture arm64' \
	--arch arm64
bad arch-unknown \
	"arch: missing, and arch_config does not tell the architecture: use --arch"
bad multiboot2 \
	"boot_protocol: multiboot2 is not supported by this version of the tool"
bad x86-region-id \
	"arch_config.acpi_memory_region_id: region 2 does not exist (2 regions)"
bad x86-setup-no-hpa "arch_config.setup_load_hpa: required field missing"
bad x86-missing-ioapic "arch_config.ioapic_base: required field missing"
bad x86-initrd-overlap \
	"arch_config.initrd_filepath: image overlaps arch_config.cmdline"

# ---------------------------------------------------------------- usage
USAGE="(see 'hvisor --help')"
expect "usage: unknown --arch" 2 \
	"hvisor: zone check: unknown architecture 'mips' (expected arm64, riscv64, loongarch64 or x86_64) $USAGE" \
	zone check good/loongarch64.json --arch mips
expect "usage: --arch without a value" 2 \
	"hvisor: zone check: --arch needs a value $USAGE" \
	zone check good/loongarch64.json --arch
expect "usage: zone check without a file" 2 \
	"hvisor: zone check: missing <config.json> $USAGE" zone check
expect "usage: zone check with two files" 2 \
	"hvisor: zone check: too many arguments $USAGE" zone check a.json b.json
expect "usage: zone shutdown -id abc" 2 \
	"hvisor: zone shutdown: invalid zone id 'abc' (expected 0..31) $USAGE" \
	zone shutdown -id abc
vg_add 2 "usage: zone shutdown -id abc" zone shutdown -id abc
expect "usage: zone shutdown --id=32" 2 \
	"hvisor: zone shutdown: invalid zone id '32' (expected 0..31) $USAGE" \
	zone shutdown --id=32
expect "usage: zone shutdown --id -1" 2 \
	"hvisor: zone shutdown: invalid zone id '-1' (expected 0..31) $USAGE" \
	zone shutdown --id -1
expect "usage: zone shutdown without an id" 2 \
	"hvisor: zone shutdown: expected -id <id> $USAGE" zone shutdown
expect "usage: zone shutdown -id without a value" 2 \
	"hvisor: zone shutdown: -id needs a zone id $USAGE" zone shutdown -id
expect "usage: zone shutdown with an extra argument" 2 \
	"hvisor: zone shutdown: expected -id <id> $USAGE" \
	zone shutdown -id 1 2
expect "usage: zone start without a file" 2 \
	"hvisor: zone start: expected exactly one <config.json> $USAGE" \
	zone start
expect "usage: zone list --bogus" 2 \
	"hvisor: zone list: unexpected argument '--bogus' $USAGE" \
	zone list --bogus
expect "usage: unknown zone command" 2 \
	"hvisor: zone: unknown command 'frob' $USAGE" zone frob
expect "usage: no command" 2 "hvisor: missing command $USAGE"
expect "usage: unknown command" 2 "hvisor: unknown command 'frob' $USAGE" \
	frob

run -- --help
if [ "$RC" = 0 ] && grep -q 'zone start <config.json>' out &&
   grep -q 'zone check' out && ! grep -qi virtio out && [ ! -s err ]; then
	pass "--help lists the zone commands and no placeholder"
else
	fail "--help lists the zone commands and no placeholder" "$(cat out err)"
fi
run -- --version
if [ "$RC" = 0 ] &&
   grep -qx 'hvisor [0-9.]* (ABI 1, zone config magic 0x06)' out; then
	pass "--version names the ABI and the config magic"
else
	fail "--version names the ABI and the config magic" "$(cat out err)"
fi
run -- help zone
if [ "$RC" = 0 ] && grep -q 'shutdown -id <id>' out; then
	pass "help zone"
else
	fail "help zone" "$(cat out err)"
fi

# ---------------------------------------------------------------- no device
VALID=good/loongarch64.json
if [ -e /dev/hvisor ]; then
	skip "commands without /dev/hvisor" "/dev/hvisor exists here"
else
	NODEV="hvisor: /dev/hvisor: No such file or directory (is the hvisor module loaded?)"
	expect "zone start without /dev/hvisor" 1 "$NODEV" zone start "$VALID"
	expect "zone list without /dev/hvisor" 1 "$NODEV" zone list
	expect "zone list --json without /dev/hvisor" 1 "$NODEV" \
		zone list --json
	expect "zone shutdown without /dev/hvisor" 1 "$NODEV" \
		zone shutdown -id 1
	vg_add 1 "zone start without /dev/hvisor" zone start "$VALID"
	vg_add 1 "zone list without /dev/hvisor" zone list --json
fi

# nodev CMD-DESC DEV MESSAGE ARGS...: the same with $HVISOR_DEVICE
nodev() {
	local desc=$1 dev=$2 msg=$3
	shift 3
	run HVISOR_DEVICE="$dev" -- "$@"
	if [ "$RC" = 1 ] && [ "$(cat err)" = "$msg" ]; then
		pass "$desc"
	else
		fail "$desc" "exit status $RC, expected 1" \
		     "$(printf '%s\n' "$msg" | diff -u - err | tail -n +3)"
	fi
}
nodev "zone start, device node missing" "$WORK/nodev" \
	"hvisor: $WORK/nodev: No such file or directory (is the hvisor module loaded?)" \
	zone start "$VALID"
nodev "zone start on a device that is not hvisor.ko" /dev/null \
	"hvisor: /dev/null: not an hvisor.ko device (Inappropriate ioctl for device)" \
	zone start "$VALID"
nodev "zone list on a device that is not hvisor.ko" /dev/null \
	"hvisor: /dev/null: not an hvisor.ko device (Inappropriate ioctl for device)" \
	zone list
nodev "zone shutdown on a device that is not hvisor.ko" /dev/null \
	"hvisor: /dev/null: not an hvisor.ko device (Inappropriate ioctl for device)" \
	zone shutdown --id 1

# ---------------------------------------------------------------- fake device
# fake_hvisor.so answers the ioctls in place of hvisor.ko (LD_PRELOAD, so
# with the non-ASan build) and records what the tool sent.
bytesum() {
	od -An -v -tu1 "$1" | tr -s ' ' '\n' | awk '{ s += $1 } END { print s + 0 }'
}

# fake DESC RC [VAR=value...] -- ARGS...: run with the fake; sets out/err
fake() {
	local desc=$1 rc=$2 envs=()
	shift 2
	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	rm -rf fo
	mkdir fo
	env HVISOR_DEVICE=/dev/null LD_PRELOAD="$WORK/fake_hvisor.so" \
		FAKE_OUT=fo "${envs[@]}" "$PLAIN" "$@" >out 2>err
	RC=$?
	[ "$RC" = "$rc" ] && return 0
	fail "$desc" "exit status $RC, expected $rc" "$(cat out err)"
	return 1
}

# fake_expect DESC RC MESSAGE [VAR=value...] -- ARGS...
fake_expect() {
	local desc=$1 rc=$2 msg=$3
	shift 3
	fake "$desc" "$rc" "$@" || return
	if [ "$(cat err)" = "$msg" ]; then
		pass "$desc"
	else
		fail "$desc" "$(printf '%s\n' "$msg" | diff -u - err | tail -n +3)"
	fi
}

if ! "$HOSTCC" -shared -fPIC -Wall -Wextra -Werror -I"$REPO" \
	-o "$WORK/fake_hvisor.so" "$HERE/fake_hvisor.c" -ldl \
	>"$WORK/build.log" 2>&1; then
	fail "build fake_hvisor.so" "$(cat "$WORK/build.log")"
else
	pass "build fake_hvisor.so"
	V2=good/arm64-v2-uefi.json
	if fake "zone start sends config and images" 0 -- zone start "$V2"; then
		want="size=32 flags=0 config_size=3296 nr_images=3
image kind=1 load=0x80200000 size=8192 sum=$(bytesum Image)
image kind=2 load=0x80000000 size=4096 sum=$(bytesum zone.dtb)
image kind=3 load=0x88000000 size=5000 sum=$(bytesum initrd.img)"
		"$PLAIN" zone dump "$V2" >dump.bin 2>/dev/null
		if [ "$(cat out)" = "zone 2 (v2-uefi) started" ] &&
		   [ "$(cat fo/images.txt)" = "$want" ] &&
		   cmp -s dump.bin fo/config.bin; then
			pass "zone start sends config and images"
		else
			fail "zone start sends config and images" "$(cat out)" \
			     "$(printf '%s\n' "$want" | diff -u - fo/images.txt)" \
			     "$(cmp dump.bin fo/config.bin)"
		fi
	fi
	if fake "zone start x86_64: images and sizes" 0 FAKE_ARCH=4 -- \
		zone start good/x86-initrd.json; then
		want="size=32 flags=0 config_size=3264 nr_images=3
image kind=1 load=0x40100000 size=1000 sum=$(bytesum vmlinux.bin)
image kind=3 load=0x4000c000 size=14 sum=$(printf 'console=ttyS0' | od -An -v -tu1 | tr -s ' ' '\n' | awk '{ s += $1 } END { print s }')
image kind=3 load=0x48000000 size=5000 sum=$(bytesum initrd.img)"
		"$WORK/layout_test" decode x86_64 fo/config.bin >decoded
		if [ "$(cat fo/images.txt)" = "$want" ] &&
		   detail=$(fields decoded kernel_size=1000 \
			    x86_64.initrd_size=0x1388); then
			pass "zone start x86_64: images and sizes"
		else
			fail "zone start x86_64: images and sizes" \
			     "$(printf '%s\n' "$want" | diff -u - fo/images.txt)" \
			     "${detail:-}"
		fi
	fi
	fake_expect "zone start refuses another config version" 1 \
		"hvisor: zone start: the hypervisor's zone config version is 0x5, this tool writes version 0x6: refusing to start" \
		FAKE_MAGIC=5 -- zone start "$V2"
	fake_expect "zone start refuses a config for another arch" 1 \
		"hvisor: $V2: arch: \"aarch64\" does not match the target architecture riscv64" \
		FAKE_ARCH=2 -- zone start "$V2"
	fake_expect "zone start: kernel refuses" 1 \
		"hvisor: zone start: $V2: zone 2: Device or resource busy (see dmesg for the reason)" \
		FAKE_ERRNO=16 -- zone start "$V2"
	fake_expect "zone start: a missing image is an error" 1 \
		"hvisor: bad/kernel-missing-outside.json: kernel_filepath: \"no-such-Image\": No such file or directory" \
		-- zone start bad/kernel-missing-outside.json
	fake_expect "zone start: validator errors as in check" 1 \
		"hvisor: bad/kernel-dtb-overlap.json: dtb_load_paddr: image overlaps the kernel image" \
		-- zone start bad/kernel-dtb-overlap.json
	if fake "zone shutdown --id 3" 0 -- zone shutdown --id 3 &&
	   [ "$(cat fo/shutdown.txt)" = "size=8 zone_id=3" ]; then
		pass "zone shutdown --id 3"
	else
		fail "zone shutdown --id 3" "$(cat fo/shutdown.txt 2>&1)"
	fi
	fake_expect "zone shutdown: kernel refuses" 1 \
		"hvisor: zone shutdown: zone 1: Invalid argument (see dmesg for the reason)" \
		FAKE_ERRNO=22 -- zone shutdown -id 1
	want="zone_id  cpus  name        status
0        0,1   root-linux  running
1        2,3   linux2      error"
	if fake "zone list table" 0 -- zone list &&
	   [ "$(cat out)" = "$want" ] && [ ! -s err ]; then
		pass "zone list table"
	else
		fail "zone list table" \
		     "$(printf '%s\n' "$want" | diff -u - out | tail -n +3)"
	fi
	want='[{"zone_id":0,"cpus":[0,1],"name":"root-linux","status":"running"},{"zone_id":1,"cpus":[2,3],"name":"linux2","status":"error"}]'
	if fake "zone list --json" 0 -- zone list --json &&
	   [ "$(cat out)" = "$want" ]; then
		pass "zone list --json"
	else
		fail "zone list --json" "$(cat out err)"
	fi
fi

# ---------------------------------------------------------------- valgrind
if [ -n "${NO_VALGRIND:-}" ]; then
	skip "valgrind pass" "NO_VALGRIND is set"
elif ! command -v valgrind >/dev/null; then
	skip "valgrind pass" "valgrind is not installed"
else
	# keep two running: the host has two cores
	vg_one() {
		local rc=$1 desc=$2 args got
		IFS=$US read -r -a args <<<"$3"
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			"$PLAIN" "${args[@]}" >/dev/null 2>"vg.$4"
		got=$?
		if [ "$got" = "$rc" ]; then
			echo "ok - valgrind: $desc" >"vg.$4.res"
		else
			{ echo "not ok - valgrind: $desc (exit $got, expected $rc)"
			  grep '^==' "vg.$4" | head -20; } >"vg.$4.res"
		fi
	}
	i=0
	for c in "${VG[@]}"; do
		IFS=$'\t' read -r rc desc args <<<"$c"
		[ "$i" -ge 2 ] && wait -n
		vg_one "$rc" "$desc" "$args" "$i" &
		i=$((i + 1))
	done
	wait
	j=0
	while [ $j -lt $i ]; do
		line=$(head -1 "vg.$j.res")
		desc=${line#*valgrind: }
		if [ "${line#ok}" != "$line" ]; then
			pass "valgrind: $desc"
		else
			fail "valgrind: $desc" "$(tail -n +2 "vg.$j.res")"
		fi
		j=$((j + 1))
	done
fi

finish
